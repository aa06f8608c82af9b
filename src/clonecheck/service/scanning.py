"""Scanning: every stored profile against every registered identity (or one), as one recorded
scan. The service reads the store a block of profiles at a time (in worker processes when
there are several cores) and runs the face model on candidates' photos; the scoring itself is
``partition.score_partition``, which needs no store.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from clonecheck.errors import InputError
from clonecheck.match.rarity import NameRarity
from clonecheck.models import (
    Identity,
    Match,
    PhotoFeatures,
    Profile,
    ProfileSketch,
    Verdict,
    normalize_handle,
)
from clonecheck.service.partition import (
    ScanIndex,
    collect_less,
    faces_wanted,
    few_collections,
    score_partition,
    screened_candidates,
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
    photos: PhotoAnalyser,
    progress: Progress,
    *,
    identity: str | None = None,
    record: bool = True,
    workers: int | None = None,
) -> ScanResult:
    """Every stored profile against every identity (or one), as one recorded scan.

    The scan holds no write transaction while it reads and scores: it reads the profiles a
    block at a time and writes each block's matches (and the faces it computed) in a short
    transaction of its own, so imports, registrations and sign-ins write in between. While it
    runs, its ``activity`` row names it to the writers that wait. A scan killed mid-way leaves
    its row ``interrupted`` (marked by the next scan) and the store consistent.

    Blocks are scored by ``workers`` processes (default: ``Config.workers``, one per core),
    each given the index once, when the store is a file and the crawl is more than a block;
    the matches are the same as one process finds."""
    store = photos.store
    identities = chosen_identities(store, identity)
    total = store.count_profiles()
    wanted = photos.workers() if workers is None else max(1, workers)
    parallel = wanted > 1 and store.path is not None and total > SCAN_BLOCK
    with store.activity("scan") if record else nullcontext(0):
        scan_id = store.start_scan(identity, photos.config.as_dict()) if record else None
        progress.start("Scanning profiles", total)
        with interrupted_on_error(store, scan_id, progress):
            with few_collections():  # the index is long-lived: walking it again is waste
                index = build_index(photos, identities)
            state = _ScanState(photos, index, scan_id)
            with photos.pool() as face_pool, few_collections():
                state.face_pool = face_pool
                if parallel:
                    _scan_parallel(state, progress, wanted)
                else:
                    for rows in store.scan_pages(SCAN_BLOCK):
                        state.finish(score_block(store, index, rows))
                        progress.advance(len(rows))
        if scan_id is not None:
            store.complete_scan(scan_id, total)
    matches = sorted(state.matches, key=lambda m: (-m.score, m.identity.slug, m.profile.key))
    return ScanResult(
        scan_id, tuple(matches), total, len(identities), state.faces_computed, state.stages
    )


@contextmanager
def interrupted_on_error(store: Store, scan_id: int | None, progress: Progress) -> Iterator[None]:
    """Around a recorded scan's work, here or on a cluster: Ctrl-C, a lost cluster or an
    error marks its row ``interrupted`` at once (SIGKILL leaves that to the next scan); the
    progress display is closed either way."""
    try:
        yield
    except BaseException:
        if scan_id is not None:
            store.interrupt_scan(scan_id)
        raise
    finally:
        progress.finish()


@dataclass(slots=True)
class BlockOutcome:
    """What a block of profiles gave: its matches, or (when candidates' photos still need the
    face model, which only the scanning process runs) everything needed to score it after."""

    matches: list[Match]
    profiles: list[Profile] = field(default_factory=list)
    features: dict[str, PhotoFeatures] = field(default_factory=dict)
    pairs: dict[str, set[int]] = field(default_factory=dict)
    need_faces: set[str] = field(default_factory=set)
    stages: dict[str, float] = field(default_factory=dict)


def score_block(store: Store, index: ScanIndex, rows: Sequence[ProfileSketch]) -> BlockOutcome:
    """One block's candidates, read in full and scored; only the profiles of the candidate
    pairs the screen keeps are read in full. Reads the store, never writes it: a worker
    process runs this on its own connection."""
    started = time.perf_counter()
    digests = {row.key: row.photo_digest for row in rows if row.photo_digest}
    features = store.photo_features(set(digests.values()))
    by_key = {k: features[d] for k, d in digests.items() if d in features}
    pairs = screened_candidates(rows, by_key, index)
    if not pairs:
        return BlockOutcome([], stages={"candidates": time.perf_counter() - started})
    profiles = [p for p in store.profiles(pairs) if p.account.key not in index.owned]
    kept = {p.key for p in profiles}
    pairs = {key: hits for key, hits in pairs.items() if key in kept}
    need = faces_wanted(pairs, by_key, index)
    stages = {"candidates": time.perf_counter() - started}
    if need:
        return BlockOutcome([], profiles, features, pairs, need, stages)
    started = time.perf_counter()
    matches = score_partition(profiles, features, index, pairs)
    stages["scoring"] = time.perf_counter() - started
    return BlockOutcome(matches, stages=stages)


@dataclass
class _ScanState:
    """The scanning process's side of a scan: faces, writing each block, the totals."""

    photos: PhotoAnalyser
    index: ScanIndex
    scan_id: int | None
    face_pool: Executor | None = None
    matches: list[Match] = field(default_factory=list)
    faces_computed: int = 0
    stages: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(("candidates", "faces", "scoring"), 0.0)
    )

    def finish(self, outcome: BlockOutcome) -> None:
        """Run the face model where the block needs it, score what is left, and record the
        block's matches in one short transaction."""
        for stage, seconds in outcome.stages.items():
            self.stages[stage] += seconds
        matches = outcome.matches
        if outcome.need_faces:
            store = self.photos.store
            started = time.perf_counter()
            with store.transaction():
                faces = self.photos.ensure_faces(outcome.need_faces, self.face_pool)
            outcome.features.update(faces)
            self.faces_computed += len(outcome.need_faces)
            self.stages["faces"] += time.perf_counter() - started
            started = time.perf_counter()
            matches = score_partition(outcome.profiles, outcome.features, self.index, outcome.pairs)
            self.stages["scoring"] += time.perf_counter() - started
        if matches and self.scan_id is not None:
            self.photos.store.add_matches(self.scan_id, matches)
        self.matches.extend(matches)


# --- worker processes ----------------------------------------------------------------------

#: a worker's own read connection and the scan's index, set once by ``_start_worker``
_WORKER: dict[str, Any] = {}


def _start_worker(path: str, index: bytes) -> None:
    """Pool initializer: the index arrives once per worker, not once per block, pickled once
    for all of them by the scanning process (at 10,000 identities a pickling is 0.7 s)."""
    _WORKER["store"] = Store.open(path)
    collect_less()  # for the worker's life: it only scores
    _WORKER["index"] = pickle.loads(index)
    gc.freeze()  # the index too: it lives as long as the worker


def _worker_block(rows: Sequence[ProfileSketch]) -> BlockOutcome:
    return score_block(_WORKER["store"], _WORKER["index"], rows)


def _scan_parallel(state: _ScanState, progress: Progress, workers: int) -> None:
    """Blocks scored by ``workers`` processes, a few blocks ahead of the one being recorded:
    memory holds at most ``2 x workers`` blocks, however large the crawl."""
    store = state.photos.store
    context = multiprocessing.get_context("forkserver")
    # workers fork from a server that has imported the scan already (when it starts here)
    context.set_forkserver_preload(["clonecheck.service.scanning"])
    pending: deque[tuple[int, Future[BlockOutcome]]] = deque()
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(str(store.path), pickle.dumps(state.index, pickle.HIGHEST_PROTOCOL)),
    ) as pool:
        for rows in store.scan_pages(SCAN_BLOCK):
            pending.append((len(rows), pool.submit(_worker_block, rows)))
            while len(pending) >= 2 * workers:
                size, future = pending.popleft()
                state.finish(future.result())
                progress.advance(size)
        while pending:
            size, future = pending.popleft()
            state.finish(future.result())
            progress.advance(size)
