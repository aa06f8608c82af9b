"""Scanning: every stored profile against every registered identity (or one), as one recorded
scan. The service reads the store a block of profiles at a time and runs the face model on
candidates' photos; the scoring itself is ``partition.score_partition``, which needs no store.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field

from clonecheck.errors import InputError
from clonecheck.match.candidates import iter_blocks
from clonecheck.match.rarity import NameRarity
from clonecheck.models import Identity, Match, Profile, Verdict, normalize_handle
from clonecheck.service.partition import (
    ProfileName,
    ScanIndex,
    faces_wanted,
    find_candidates,
    score_partition,
)
from clonecheck.service.photos import PhotoAnalyser
from clonecheck.service.progress import Progress
from clonecheck.store import Store

#: profiles handled per block in a scan: bounds memory and sets the progress granularity
SCAN_BLOCK = 2000

NO_IDENTITIES = 'no identities registered: add one with `clonecheck register "Name" --handle ...`'


@dataclass(frozen=True, slots=True)
class ScanResult:
    scan_id: int | None
    matches: tuple[Match, ...]
    profiles: int
    identities: int
    faces_computed: int = 0
    #: seconds spent in each stage of the scan: ``candidates`` (index lookups by name, hash
    #: and face, and reading the profiles), ``faces`` (the face model on candidates' photos),
    #: ``scoring`` (every signal of every candidate pair, and fusion)
    stage_seconds: Mapping[str, float] = field(default_factory=dict)

    @property
    def likely(self) -> int:
        return sum(1 for m in self.matches if m.verdict is Verdict.LIKELY_CLONE)

    @property
    def possible(self) -> int:
        return sum(1 for m in self.matches if m.verdict is Verdict.POSSIBLE)


def iter_matches(result: ScanResult, minimum: Verdict) -> Iterator[Match]:
    return (m for m in result.matches if m.verdict.rank >= minimum.rank)


def chosen_identities(store: Store, slug: str | None) -> list[Identity]:
    """The one identity asked for, or every registered one; refuses an empty registry."""
    identities = [store.identity(slug)] if slug else store.identities()
    if not identities:
        raise InputError(NO_IDENTITIES)
    return identities


def name_rarity(store: Store) -> NameRarity:
    """Token frequencies of the stored profiles' names: how common each name is here."""
    return NameRarity.from_names(name for _, _, name in store.profile_names())


def own_accounts(store: Store) -> dict[str, Identity]:
    """Every registered identity's own accounts (account key -> owner). They are verified:
    never reported, against anyone, even in a scan for one identity."""
    return {own.key: i for i in store.identities() for own in i.own_accounts}


def own_profiles(store: Store, owned: dict[str, Identity]) -> dict[str, tuple[Profile, ...]]:
    """Identity slug -> the stored profiles of its own accounts (their creation dates are the
    original's, for the account evidence)."""
    keys = {
        key: owned[account]
        for key, handle, _ in store.profile_names()
        if (account := f"{key.split(':', 1)[0]}:{normalize_handle(handle)}") in owned
    }
    found: dict[str, list[Profile]] = {}
    for profile in store.profiles(keys) if keys else ():
        found.setdefault(keys[profile.key].slug, []).append(profile)
    return {slug: tuple(profiles) for slug, profiles in found.items()}


def build_index(photos: PhotoAnalyser, identities: Sequence[Identity]) -> ScanIndex:
    """The scan's index over these identities, gathered from the store once per scan."""
    owned = own_accounts(photos.store)
    return ScanIndex.build(
        identities,
        photos.identity_photos(identities),
        name_rarity(photos.store),
        owned,
        photos.config,
        own_profiles(photos.store, owned),
    )


def scan(
    photos: PhotoAnalyser, progress: Progress, *, identity: str | None = None, record: bool = True
) -> ScanResult:
    """Every stored profile against every identity (or one), as one recorded scan."""
    store = photos.store
    identities = chosen_identities(store, identity)
    total = store.count_profiles()
    matches: list[Match] = []
    faces_computed = 0
    stages = dict.fromkeys(("candidates", "faces", "scoring"), 0.0)
    progress.start("Scanning profiles", total)
    with store.transaction():
        scan_id = store.start_scan(identity, photos.config.as_dict()) if record else None
        index = build_index(photos, identities)
        digests = store.profile_photo_digests()
        with photos.pool() as pool:
            for block in iter_blocks(store.profile_names(), SCAN_BLOCK):
                found, computed = scan_block(photos, block, digests, index, pool, stages)
                matches.extend(found)
                faces_computed += computed
                progress.advance(len(block))
        matches.sort(key=lambda m: (-m.score, m.identity.slug, m.profile.key))
        if scan_id is not None:
            store.finish_scan(scan_id, matches, total)
    progress.finish()
    return ScanResult(scan_id, tuple(matches), total, len(identities), faces_computed, stages)


def scan_block(
    photos: PhotoAnalyser,
    block: Sequence[ProfileName],
    digests: Mapping[str, str],
    index: ScanIndex,
    pool: Executor | None,
    stages: dict[str, float],
) -> tuple[list[Match], int]:
    """One block's matches, and how many photos went through the face model. Only candidates'
    profiles are read in full, and the face model sees only their photos."""
    store = photos.store
    started = time.perf_counter()
    with_photo = [key for key, _, _ in block if key in digests]
    features = store.photo_features(digests[k] for k in with_photo)
    by_key = {k: features[digests[k]] for k in with_photo if digests[k] in features}
    pairs = find_candidates(block, by_key, index)
    if not pairs:
        stages["candidates"] += time.perf_counter() - started
        return [], 0
    profiles = [p for p in store.profiles(pairs) if p.account.key not in index.owned]
    kept = {p.key for p in profiles}
    pairs = {key: hits for key, hits in pairs.items() if key in kept}
    need = faces_wanted(pairs, by_key, index)
    stages["candidates"] += time.perf_counter() - started
    started = time.perf_counter()
    if need:
        features.update(photos.ensure_faces(need, pool))
    stages["faces"] += time.perf_counter() - started
    started = time.perf_counter()
    matches = score_partition(profiles, features, index, pairs)
    stages["scoring"] += time.perf_counter() - started
    return matches, len(need)
