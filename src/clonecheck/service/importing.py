"""Importing crawled profiles from a file: read them, fetch and analyse their photos (once per
source, once per digest), and store them."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from pathlib import Path

from clonecheck.errors import FormatError, PhotoError, StoreError
from clonecheck.features import imaging
from clonecheck.ingest import detect_format, read_profiles, trusted_photos_root
from clonecheck.ingest.interface import RecordProblem
from clonecheck.ingest.photos import Fetched, PhotoFetcher
from clonecheck.match.candidates import iter_blocks
from clonecheck.models import PhotoFeatures, Profile
from clonecheck.service.photos import HASH_POOL_MIN_WORKERS, MIN_POOL_JOBS, PhotoAnalyser
from clonecheck.service.progress import Progress
from clonecheck.store import Store, UpsertCounts

#: profiles written per transaction: each commit is short, so a scan or the web app waiting
#: for the lock waits moments, and what was committed stays when a later chunk cannot be
PROFILE_CHUNK = 2000
#: photos fetched, analysed and saved per transaction during an import
PHOTO_BLOCK = 256

#: per source: its features (with the bytes when they are new and to be saved) or the reason
Analysed = tuple[PhotoFeatures | None, bytes | None, str | None]


@dataclass(frozen=True, slots=True)
class ImportSummary:
    file: str
    inserted: int
    updated: int
    unchanged: int
    problems: tuple[RecordProblem, ...]
    photo_errors: tuple[tuple[str, str], ...]  # (profile key, reason)
    photos_fetched: int
    photos_cached: int

    @property
    def skipped(self) -> int:
        return len(self.problems)


#: the files a folder of exports is read for (photos and other files beside them are not)
EXPORT_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".csv", ".tsv", ".txt", ".js"})


def expand_import_paths(paths: Sequence[Path]) -> tuple[list[Path], int]:
    """The files an import of ``paths`` reads, and how many other files it passes over.

    A file is itself; an export folder a reader recognises (a Twitter archive, an Instagram
    export) is itself; any other folder is the export files inside it, at any depth, in name
    order (hidden files and folders, photos and other files are passed over and counted)."""
    found: list[Path] = []
    passed_over = 0
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        try:
            detect_format(path)
        except FormatError:
            pass
        else:
            found.append(path)
            continue
        for inner in sorted(path.rglob("*")):
            relative = inner.relative_to(path)
            if any(part.startswith(".") for part in relative.parts) or not inner.is_file():
                continue
            if inner.suffix.lower() in EXPORT_SUFFIXES:
                found.append(inner)
            else:
                passed_over += 1
    return found, passed_over


def import_file(
    photos: PhotoAnalyser,
    progress: Progress,
    path: Path,
    *,
    source_format: str | None = None,
    platform: str | None = None,
    mapping: dict[str, str] | None = None,
    photos_dir: Path | None = None,
) -> ImportSummary:
    """Import profiles from a file; photos are fetched once per source and analysed once per
    digest. Photos are saved as they are analysed, the profiles in short transactions of
    ``PROFILE_CHUNK`` (:func:`store_profiles`): a re-run resumes, no profile is half-imported,
    and another writer (a scan) waits moments, not the whole import.

    The records are a stranger's text: the local files they name as photos are read only
    inside ``photos_dir``, the folder the user trusts (or the export folder imported)."""
    profiles: list[Profile] = []
    problems: list[RecordProblem] = []
    for item in read_profiles(
        path,
        source_format=source_format,
        platform=platform,
        mapping=mapping,
        photos_dir=photos_dir,
    ):
        if isinstance(item, RecordProblem):
            problems.append(item)
        else:
            profiles.append(item)
    root = trusted_photos_root(path, photos_dir)
    resolved, fetched, cached = resolve_photos(photos, progress, profiles, photos_root=root)
    photo_errors = tuple(
        (p.key, p.photo.error) for p in resolved if p.photo is not None and p.photo.error
    )
    counts = store_profiles(photos.store, resolved, source_file=str(path))
    return ImportSummary(
        file=str(path),
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        problems=tuple(problems),
        photo_errors=photo_errors,
        photos_fetched=fetched,
        photos_cached=cached,
    )


def resolve_photos(
    photos: PhotoAnalyser,
    progress: Progress,
    profiles: Sequence[Profile],
    *,
    photos_root: Path | None = None,
) -> tuple[list[Profile], int, int]:
    """Attach digest (or error) to every profile's photo, fetching only what is not cached;
    returns the profiles, and how many photos were fetched and found cached.

    Local files are read only inside ``photos_root``, and one that this import may not read
    is not taken from the cache either (an earlier import may have trusted its folder).

    Photos are fetched by threads and analysed by worker processes, a block at a time, and
    each block is saved in its own transaction: an interrupted import resumes where it
    stopped, because the next run finds those photos in the cache."""
    store = photos.store
    outcome: dict[str, tuple[str | None, str | None]] = {}
    to_fetch: list[str] = []
    with photos.fetcher(crawled=True, photos_root=photos_root) as fetcher:
        for source in dict.fromkeys(p.photo.source for p in profiles if p.photo is not None):
            cached = store.cached_source(source) if fetcher.permits(source) else None
            if cached is not None and cached[0] is not None and store.has_photo(cached[0]):
                outcome[source] = cached
            else:
                to_fetch.append(source)
        cached_count = len(outcome)
        if to_fetch:
            _fetch_and_analyse(photos, progress, fetcher, to_fetch, outcome)
    resolved = []
    for profile in profiles:
        if profile.photo is None:
            resolved.append(profile)
            continue
        digest, error = outcome[profile.photo.source]
        resolved.append(replace(profile, photo=replace(profile.photo, digest=digest, error=error)))
    fetched = sum(1 for source in to_fetch if outcome[source][0] is not None)
    return resolved, fetched, cached_count


def _fetch_and_analyse(
    photos: PhotoAnalyser,
    progress: Progress,
    fetcher: PhotoFetcher,
    to_fetch: Sequence[str],
    outcome: dict[str, tuple[str | None, str | None]],
) -> None:
    """Fetch, analyse and save ``to_fetch`` a block at a time, filling ``outcome`` per source
    with (digest, error)."""
    store = photos.store
    progress.start("Fetching and analysing photos", len(to_fetch))
    with photos.pool() as pool:
        for block in iter_blocks(fetcher.fetch_many(to_fetch), PHOTO_BLOCK):
            results = analyse_block(photos, block, pool)
            for source, (features, _, error) in results.items():
                outcome[source] = (features.digest if features else None, error)
            with store.transaction():
                store.save_photos([(f, data) for f, data, _ in results.values() if f and data])
                store.record_sources([(source, *outcome[source]) for source in results])
            if photos.config.faces_for_all:
                new = (f.digest for f, data, _ in results.values() if f and data)
                with store.transaction():
                    photos.ensure_faces(new, pool)
            progress.advance(len(block))
    progress.finish()


def analyse_block(
    photos: PhotoAnalyser,
    block: Sequence[tuple[str, Fetched | PhotoError]],
    pool: Executor | None,
) -> dict[str, Analysed]:
    """Features (new ones with their bytes to save) or the reason, for each fetched source;
    a digest already in the store is not analysed again."""
    results: dict[str, Analysed] = {}
    fresh: list[tuple[str, bytes]] = []
    for source, fetched in block:
        if isinstance(fetched, PhotoError):
            results[source] = (None, None, fetched.reason)
            continue
        digest = imaging.content_digest(fetched.data)
        known = photos.store.photo_features([digest]).get(digest)
        if known is not None:
            results[source] = (known, None, None)
        else:
            fresh.append((source, fetched.data))
    config = photos.config
    if pool is None or len(fresh) < MIN_POOL_JOBS or photos.workers() < HASH_POOL_MIN_WORKERS:
        analysed = [imaging.analyse_for_store(d, s, config) for s, d in fresh]
    else:
        analysed = list(
            pool.map(
                imaging.analyse_for_store,
                [d for _, d in fresh],
                [s for s, _ in fresh],
                [config] * len(fresh),
                chunksize=16,
            )
        )
    for (source, data), (features, error) in zip(fresh, analysed, strict=True):
        results[source] = (features, data if features is not None else None, error)
    return results


def store_profiles(store: Store, profiles: Sequence[Profile], *, source_file: str) -> UpsertCounts:
    """Upsert parsed profiles a chunk per transaction. When the store cannot take a chunk (it
    stayed locked past the wait), the error says how many were stored and that running the
    same import again stores the rest: parsed work already committed is never lost."""
    total = UpsertCounts()
    stored = 0
    for start in range(0, len(profiles), PROFILE_CHUNK):
        chunk = profiles[start : start + PROFILE_CHUNK]
        try:
            with store.transaction():
                counts = store.upsert_profiles(chunk, source_file=source_file)
        except StoreError as error:
            raise StoreError(
                f"{error}; {stored:,} of {len(profiles):,} profiles from {source_file} were "
                "stored: run the same import again to store the rest"
            ) from None
        total = UpsertCounts(
            total.inserted + counts.inserted,
            total.updated + counts.updated,
            total.unchanged + counts.unchanged,
        )
        stored += len(chunk)
    return total
