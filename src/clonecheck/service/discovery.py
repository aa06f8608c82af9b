"""Discovery: find the candidates of an identity on the platforms and import them.

The profiles found take the same path as a file import (the same ``Profile``, photo fetch and
store), with the query that found each and the time it was fetched recorded in the store. The
platforms' records are a stranger's text too: their photos are fetched under the same policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from clonecheck.discover.finder import Found, Note, discover_identity
from clonecheck.discover.http import ApiClient
from clonecheck.discover.settings import DiscoverySettings, build_adapters
from clonecheck.models import Identity
from clonecheck.service.importing import resolve_photos
from clonecheck.service.photos import PhotoAnalyser
from clonecheck.service.progress import Progress
from clonecheck.store.discovery import record_discoveries

#: profiles stored per transaction while discovery runs
DISCOVERY_BLOCK = 200


@dataclass(frozen=True, slots=True)
class DiscoverySummary:
    """What one identity's discovery found and stored, and what the user should read."""

    identity: str
    found: int
    inserted: int
    updated: int
    by_adapter: dict[str, int]
    notes: tuple[str, ...]
    requests: int


def discover(
    photos: PhotoAnalyser,
    progress: Progress,
    identity: Identity,
    settings: DiscoverySettings,
) -> DiscoverySummary:
    """Search the configured platforms for ``identity``, import what they return (a block at a
    time, so an interruption keeps what was stored) and record where each profile came from."""
    store = photos.store
    notes: list[str] = []
    by_adapter: dict[str, int] = {}
    pending: list[Found] = []
    inserted = updated = found = 0

    def flush() -> None:
        nonlocal inserted, updated
        if not pending:
            return
        resolved, _, _ = resolve_photos(photos, progress, [f.profile for f in pending])
        with store.transaction():
            counts = store.upsert_profiles(resolved, source_file=f"discover {identity.slug}")
            record_discoveries(
                store,
                identity.slug,
                ((f.profile.key, f.adapter, f.query, f.fetched_at) for f in pending),
            )
        inserted += counts.inserted
        updated += counts.updated
        pending.clear()

    progress.start(f"Discovering {identity.name}", None)
    with ApiClient(settings.http) as client:
        adapters = build_adapters(settings, client)
        for item in discover_identity(
            identity,
            adapters,
            search_limit=settings.search_limit,
            variant_limit=settings.variant_limit,
        ):
            if isinstance(item, Note):
                notes.append(str(item))
                continue
            found += 1
            by_adapter[item.adapter] = by_adapter.get(item.adapter, 0) + 1
            pending.append(item)
            progress.advance()
            if len(pending) >= DISCOVERY_BLOCK:
                flush()
        flush()
        requests = client.requests
    progress.finish()
    return DiscoverySummary(
        identity=identity.slug,
        found=found,
        inserted=inserted,
        updated=updated,
        by_adapter=by_adapter,
        notes=tuple(notes),
        requests=requests,
    )
