"""One identity against every adapter: search by who the person is, look up the handle edits.

Platform errors do not end a discovery: what was found before stays found, the error becomes a
:class:`Note`, and the next query or platform runs. The person's declared accounts are never
returned as found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from clonecheck.discover.interface import Adapter, PlatformError, RawRecord
from clonecheck.discover.variants import handle_variants, search_queries
from clonecheck.models import Identity, Profile


@dataclass(frozen=True, slots=True)
class Found:
    """A profile discovery found, the query that found it, where and when."""

    profile: Profile
    adapter: str
    query: str
    fetched_at: str


@dataclass(frozen=True, slots=True)
class Note:
    """Something the user should read: a skipped platform, a failed request, a bad record."""

    adapter: str
    message: str

    def __str__(self) -> str:
        return f"{self.adapter}: {self.message}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _found(
    records: Iterable[RawRecord],
    query: str,
    adapter: Adapter,
    identity: Identity,
    seen: set[str],
    clock: Callable[[], str],
) -> Iterator[Found | Note]:
    """Parsed records not seen before and not the person's own, as Found (or Note)."""
    for record in records:
        profile = adapter.parse(record)
        if isinstance(profile, str):
            yield Note(adapter.name, f"a record for {query!r} was skipped: {profile}")
            continue
        if profile.key in seen or identity.owns(profile):
            continue
        seen.add(profile.key)
        yield Found(profile, adapter.name, query, clock())


def discover_identity(
    identity: Identity,
    adapters: Iterable[Adapter],
    *,
    search_limit: int = 100,
    variant_limit: int = 200,
    clock: Callable[[], str] = _now,
) -> Iterator[Found | Note]:
    """Profiles found for ``identity`` on each adapter's platform, each once, and notes."""
    queries = search_queries(identity)
    variants = handle_variants(identity, limit=variant_limit)
    own_handles = [h.strip().lstrip("@").split("@", 1)[0] for h in identity.handles]
    seen: set[str] = set()
    for adapter in adapters:
        why_not = adapter.unavailable()
        if why_not is not None:
            yield Note(adapter.name, why_not)
            continue

        for query in queries:
            try:
                records = adapter.search(query, limit=search_limit)
                yield from _found(records, f"search: {query}", adapter, identity, seen, clock)
            except PlatformError as error:
                yield Note(adapter.name, f"search {query!r} stopped: {error}")
        by_handle = {v.handle.casefold(): f"variant: {v.handle} ({v.edit})" for v in variants}
        by_handle |= {h.casefold(): f"handle: {h}" for h in own_handles}
        try:
            records = adapter.lookup([*own_handles, *(v.handle for v in variants)])
            for record in records:
                handle = str(record.get("username") or record.get("acct") or record.get("handle"))
                short = handle.split("@", 1)[0].removesuffix(".bsky.social").casefold()
                query = by_handle.get(short, f"lookup: {handle}")
                yield from _found([record], query, adapter, identity, seen, clock)
        except PlatformError as error:
            yield Note(adapter.name, f"handle lookups stopped: {error}")
