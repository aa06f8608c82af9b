"""Scanning on a Dask cluster: the single-machine scan's steps, spread over workers.

The machine that starts the scan (the client) owns the store: it builds the ``ScanIndex`` once
and broadcasts it to every worker, hands out the profiles a partition at a time (a block of the
store's profiles, or one row group of a Parquet dataset, which the worker reads in place), with
the features of the partition's photos, and writes the matches as one recorded scan. Workers do
the CPU work, each step a map over partitions:

1. candidates: the same ``screened_candidates`` as one machine's scan (look-ups by name, photo
   hash and face, then the screen's first bound on the profiles' sketches);
2. faces: the face model on the candidates' photos that have not been through it (the bytes come
   from the store, only for those);
3. scoring: exactly ``partition.score_partition``, the single-machine scan's inner step.

A worker that dies mid-scan loses nothing: Dask runs its tasks again elsewhere, and the client
keeps one result per partition, so no match is lost or counted twice.

Dask (and pyarrow and fsspec, in ``store.parquet``) come with the ``clonecheck[dask]`` extra and
are imported only when a scan runs on a cluster: never at the CLI's start-up.

Over the project's 400-line guide on purpose: the client side and the worker-side steps (and
their retry on a lost worker) are one protocol; they are read together or misread.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import CancelledError
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from clonecheck.errors import InputError
from clonecheck.features import faces as face_features
from clonecheck.match.rarity import NameRarity, name_tokens
from clonecheck.models import (
    Face,
    FaceStatus,
    Identity,
    Match,
    PhotoFeatures,
    Profile,
    ProfileSketch,
    normalize_handle,
)
from clonecheck.service.partition import (
    ScanIndex,
    faces_wanted,
    score_partition,
    screened_candidates,
)
from clonecheck.service.photos import PhotoAnalyser
from clonecheck.service.progress import Progress
from clonecheck.service.scanning import (
    SCAN_BLOCK,
    ScanResult,
    build_index,
    chosen_identities,
    interrupted_on_error,
    own_accounts,
)
from clonecheck.store.parquet import ParquetPart, ParquetProfiles

if TYPE_CHECKING:
    from distributed import Client, Future

NEEDS_EXTRA = "scanning on a Dask cluster needs the dask extra: pip install 'clonecheck[dask]'"

#: partitions in flight per worker: enough to keep every worker busy while the client reads
#: the next partitions and writes results, few enough that memory stays flat
IN_FLIGHT_PER_WORKER = 3
#: times one step is submitted again after the cluster lost the index it needed
MAX_ATTEMPTS = 3

#: digest -> (status, faces) from the face model
FaceResults = dict[str, tuple[FaceStatus, tuple[Face, ...]]]


# --- the steps workers run (module functions: Dask pickles them by reference) ---------------


@dataclass(frozen=True, slots=True)
class Found:
    """What the candidates step found in one partition."""

    pairs: dict[str, set[int]]
    #: the candidates' full profiles, for a Parquet partition (the client reads a store's)
    profiles: tuple[Profile, ...] | None
    seconds: float


def candidates_in_names(
    sketches: Sequence[ProfileSketch], by_key: Mapping[str, PhotoFeatures], index: ScanIndex
) -> Found:
    """Candidates of a block of the store's profiles, as the single-machine scan screens them."""
    started = time.perf_counter()
    pairs = screened_candidates(sketches, by_key, index)
    return Found(pairs, None, time.perf_counter() - started)


def candidates_in_parquet(
    part: ParquetPart, by_key: Mapping[str, PhotoFeatures], index: ScanIndex
) -> Found:
    """Candidates of one Parquet row group, read here, on the worker."""
    started = time.perf_counter()
    dataset = ParquetProfiles(part.url)
    pairs = screened_candidates(dataset.sketches(part), by_key, index)
    profiles = tuple(dataset.profiles(part, pairs)) if pairs else ()
    return Found(pairs, profiles, time.perf_counter() - started)


def detect_faces(blobs: Sequence[tuple[str, bytes]], index: ScanIndex) -> tuple[FaceResults, float]:
    """The face model on these photos' bytes (digest, data)."""
    started = time.perf_counter()
    found = {
        digest: face_features.detect_in_bytes(data, f"stored photo {digest[:12]}", index.config)
        for digest, data in blobs
    }
    return found, time.perf_counter() - started


def score(
    profiles: Sequence[Profile],
    features: Mapping[str, PhotoFeatures],
    pairs: Mapping[str, set[int]],
    index: ScanIndex,
) -> tuple[list[Match], float]:
    """Exactly the single-machine scan's scoring step."""
    started = time.perf_counter()
    return score_partition(profiles, features, index, pairs), time.perf_counter() - started


def names_and_own(part: ParquetPart, owned: frozenset[str]) -> tuple[set[str], list[Profile]]:
    """For the index of a Parquet scan: the distinct names of one partition, as their sorted
    tokens (what ``NameRarity`` counts), and the profiles that are a registered person's own
    accounts."""
    dataset = ParquetProfiles(part.url)
    distinct: set[str] = set()
    own: list[str] = []
    for key, handle, name in dataset.names(part):
        tokens = name_tokens(name)
        if tokens:
            distinct.add(" ".join(sorted(tokens)))
        if _account_key(key, handle) in owned:
            own.append(key)
    return distinct, dataset.profiles(part, own) if own else []


def _account_key(profile_key: str, handle: str) -> str:
    return f"{profile_key.split(':', 1)[0]}:{normalize_handle(handle)}"


# --- the client side -------------------------------------------------------------------------


@contextmanager
def cluster_client(cluster: str, *, workers: int) -> Iterator[Client]:
    """A client of the scheduler at ``cluster`` (``tcp://host:8786``), or of a cluster of
    worker processes on this machine for ``local`` (``workers`` of them) or ``local:N``."""
    try:
        from distributed import Client, LocalCluster  # optional and heavy
    except ImportError:
        raise InputError(NEEDS_EXTRA) from None
    if cluster == "local" or cluster.startswith("local:"):
        count = _local_workers(cluster, workers)
        with (
            LocalCluster(
                n_workers=count,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as local,
            Client(local) as client,
        ):
            yield client
        return
    try:
        client = Client(cluster, timeout="20s")
    except (OSError, TimeoutError) as error:
        raise InputError(
            f"--cluster {cluster}: cannot reach a Dask scheduler there ({error}); start one "
            f"(`dask scheduler`, dask-jobqueue, dask-kubernetes) or use --cluster local:N"
        ) from None
    with client:
        yield client


def _local_workers(cluster: str, default: int) -> int:
    if cluster == "local":
        return max(1, default)
    text = cluster.split(":", 1)[1]
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"--cluster {cluster}: say how many workers, as local:4")
    return int(text)


@dataclass
class _Partition:
    """One partition as the client tracks it through the three steps."""

    number: int
    rows: int
    by_key: dict[str, PhotoFeatures]
    pairs: dict[str, set[int]] = field(default_factory=dict)
    profiles: list[Profile] = field(default_factory=list)
    #: faces the model computed for this partition, saved with its matches
    computed: FaceResults = field(default_factory=dict)


@dataclass(frozen=True)
class _Step:
    """One submitted step of one partition, kept so that it can be submitted again."""

    name: str
    partition: _Partition
    function: Any
    args: tuple[Any, ...]
    #: the broadcast index it was submitted with
    index: Any
    attempts: int = 0


def scan_on_cluster(
    photos: PhotoAnalyser,
    progress: Progress,
    client: Client,
    *,
    identity: str | None = None,
    dataset: str | None = None,
    record: bool = True,
    block: int = SCAN_BLOCK,
) -> ScanResult:
    """Every profile (of the store, or of the Parquet ``dataset``) against every identity (or
    one) on the cluster behind ``client``, recorded in the store as one scan; the same
    matches as ``scanning.scan`` on one machine.

    As on one machine, each partition's matches (and the faces computed for it) are written
    in a short transaction of their own as they come back, and a scan that stops mid-way is
    left ``interrupted``. A Parquet crawl's matched profiles are added to the store's profiles
    (the matches, cases and reports point at them there); the others stay in the dataset."""
    store = photos.store
    identities = chosen_identities(store, identity)
    parquet = ParquetProfiles(dataset) if dataset is not None else None
    parts = parquet.parts() if parquet is not None else []
    total = sum(p.rows for p in parts) if parquet is not None else store.count_profiles()
    with store.activity("scan") if record else nullcontext(0):
        scan_id = store.start_scan(identity, photos.config.as_dict()) if record else None
        progress.start("Scanning profiles on the cluster", total)
        with interrupted_on_error(store, scan_id, progress):
            if parquet is None:
                index = build_index(photos, identities)
            else:
                index = _parquet_index(photos, client, identities, parts)
            run = _Run(photos, progress, client, index, scan_id, dataset)
            if parquet is None:
                run.drive(
                    (
                        len(rows),
                        _features(photos, {r.key: r.photo_digest for r in rows if r.photo_digest}),
                        (candidates_in_names, rows),
                    )
                    for rows in store.scan_pages(block)
                )
            else:
                run.drive(
                    (
                        part.rows,
                        _features(photos, parquet.photo_digests(part)),
                        (candidates_in_parquet, part),
                    )
                    for part in parts
                )
        if scan_id is not None:
            store.complete_scan(scan_id, total)
    matches = [m for number in sorted(run.results) for m in run.results[number]]
    matches.sort(key=lambda m: (-m.score, m.identity.slug, m.profile.key))
    return ScanResult(
        scan_id, tuple(matches), total, len(identities), len(run.faces), dict(run.stages)
    )


def _features(photos: PhotoAnalyser, digests: Mapping[str, str]) -> dict[str, PhotoFeatures]:
    """Profile key -> its photo's stored features, for the profiles with these digests."""
    features = photos.store.photo_features(set(digests.values()))
    return {key: features[d] for key, d in digests.items() if d in features}


def _parquet_index(
    photos: PhotoAnalyser,
    client: Client,
    identities: Sequence[Identity],
    parts: Sequence[ParquetPart],
) -> ScanIndex:
    """The index of a Parquet scan: the name rarity and the own accounts' profiles come from
    the dataset, gathered by a map over its partitions."""
    owned = own_accounts(photos.store)
    futures = client.map(names_and_own, parts, owned=frozenset(owned), pure=False)
    distinct: set[str] = set()
    found: dict[str, list[Profile]] = {}
    for part_names, own in client.gather(futures):
        distinct |= part_names
        for profile in own:
            found.setdefault(owned[profile.account.key].slug, []).append(profile)
    # what NameRarity.from_names counts, from names already reduced to their sorted tokens
    tokens: Counter[str] = Counter(t for name in distinct for t in name.split())
    rarity = NameRarity(len(distinct), tokens)
    own_profiles = {slug: tuple(sorted(p, key=lambda x: x.key)) for slug, p in found.items()}
    return ScanIndex.build(
        identities, photos.identity_photos(identities), rarity, owned, photos.config, own_profiles
    )


class _Run:
    """The client's loop: partitions go through candidates, faces and scoring, a bounded
    number in flight, each result kept once by partition number.

    Dask runs a dead worker's tasks again elsewhere. The broadcast index is data, not a task
    Dask can recompute: if every copy of it is lost, the steps that needed it come back
    cancelled, and the client broadcasts it again and resubmits them."""

    def __init__(
        self,
        photos: PhotoAnalyser,
        progress: Progress,
        client: Client,
        index: ScanIndex,
        scan_id: int | None,
        dataset: str | None,
    ) -> None:
        self.photos, self.progress, self.client = photos, progress, client
        self.local, self.scan_id, self.dataset = index, scan_id, dataset
        self.index = self._broadcast()
        self.broadcasts = 1
        self.results: dict[int, list[Match]] = {}
        #: faces computed in this scan, by digest; each partition saves those it computed
        self.faces: FaceResults = {}
        self.stages = dict.fromkeys(("candidates", "faces", "scoring"), 0.0)
        self.tracked: dict[Any, _Step] = {}

    def _broadcast(self) -> Future[ScanIndex]:
        """The index on every worker, sent once (a fresh key each time, never one that an
        earlier scan's copies are being forgotten under)."""
        future: Future[ScanIndex] = self.client.scatter(self.local, broadcast=True, hash=False)
        return future

    def drive(
        self, partitions: Iterable[tuple[int, dict[str, PhotoFeatures], tuple[Any, Any]]]
    ) -> None:
        from distributed import as_completed

        workers = max(1, len(self.client.scheduler_info()["workers"]))
        source = enumerate(partitions)
        pending = as_completed()
        for _ in range(IN_FLIGHT_PER_WORKER * workers):
            if not self._start(next(source, None), pending):
                break
        for future in pending:
            step = self.tracked.pop(future.key)
            try:
                result = future.result()
            except CancelledError:
                self._again(step, pending)
                continue
            partition = step.partition
            if step.name == "candidates":
                self._found(partition, result, pending)
            elif step.name == "faces":
                found, seconds = result
                self.faces.update(found)
                partition.computed = found
                self.stages["faces"] += seconds
                self._score(partition, pending)
            else:
                matches, seconds = result
                self.stages["scoring"] += seconds
                self._finish(partition, matches)
            if partition.number in self.results:
                self._start(next(source, None), pending)

    def _submit(self, step: _Step, pending: Any) -> None:
        future = self.client.submit(step.function, *step.args, self.index, pure=False)
        self.tracked[future.key] = step
        pending.add(future)

    def _again(self, step: _Step, pending: Any) -> None:
        """A step cancelled because the index was lost with the workers that held it:
        broadcast it again (once per loss) and resubmit the step."""
        if step.attempts >= MAX_ATTEMPTS:
            raise InputError(
                f"the Dask cluster lost its workers {MAX_ATTEMPTS} times during one step of "
                "the scan; check the workers' memory and logs, then scan again"
            )
        if step.index is self.index:
            self.index = self._broadcast()
            self.broadcasts += 1
        self._submit(replace(step, attempts=step.attempts + 1, index=self.index), pending)

    def _step(self, name: str, partition: _Partition, function: Any, *args: Any) -> _Step:
        return _Step(name, partition, function, args, self.index)

    def _start(self, item: Any, pending: Any) -> bool:
        if item is None:
            return False
        number, (rows, by_key, (function, source)) = item
        partition = _Partition(number, rows, by_key)
        self._submit(self._step("candidates", partition, function, source, by_key), pending)
        return True

    def _found(self, partition: _Partition, found: Found, pending: Any) -> None:
        """Candidates are back: read their profiles (store partitions), leave out own
        accounts, and send the photos that need faces to the face model."""
        self.stages["candidates"] += found.seconds
        pairs = found.pairs
        if not pairs:
            self._finish(partition, [])
            return
        if found.profiles is None:
            profiles = list(self.photos.store.profiles(pairs))
        else:
            profiles = list(found.profiles)
        profiles = [p for p in profiles if p.account.key not in self.local.owned]
        kept = {p.key for p in profiles}
        partition.pairs = {key: hits for key, hits in pairs.items() if key in kept}
        partition.profiles = profiles
        need = faces_wanted(partition.pairs, partition.by_key, self.local) - set(self.faces)
        if not need:
            self._score(partition, pending)
            return
        blobs = [(d, self.photos.store.photo_data(d) or b"") for d in sorted(need)]
        self._submit(self._step("faces", partition, detect_faces, blobs), pending)

    def _score(self, partition: _Partition, pending: Any) -> None:
        features: dict[str, PhotoFeatures] = {}
        for profile in partition.profiles:
            feature = partition.by_key.get(profile.key)
            if feature is None:
                continue
            if feature.digest in self.faces:
                status, found = self.faces[feature.digest]
                feature = replace(feature, face_status=status, faces=found)
            features[feature.digest] = feature
        step = self._step(
            "scoring", partition, score, partition.profiles, features, partition.pairs
        )
        self._submit(step, pending)

    def _finish(self, partition: _Partition, matches: list[Match]) -> None:
        """Keep a partition's matches, once, and write them with the faces computed for it
        in one short transaction."""
        if partition.number in self.results:  # pragma: no cover - Dask delivers each once
            return
        self.results[partition.number] = matches
        store = self.photos.store
        if partition.computed or (matches and self.scan_id is not None):
            with store.transaction():
                for digest, (status, faces) in partition.computed.items():
                    store.save_faces(digest, status, faces)
                if matches and self.scan_id is not None:
                    if self.dataset is not None:
                        profiles = {m.profile.key: m.profile for m in matches}
                        store.upsert_profiles(profiles.values(), source_file=self.dataset)
                    store.add_matches(self.scan_id, matches)
        self.progress.advance(partition.rows)
