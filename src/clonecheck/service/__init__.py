"""The use cases: register, import, scan, check one account. The CLI (and any later web UI)
calls only this module; it opens nothing itself but the store it is handed.

The service runs the stages in order: ``ingest`` turns files into profiles and photo references
into bytes, ``features`` turns bytes into hashes and embeddings (each once per content digest),
``match`` picks candidates and scores them, and the caller hands the matches to ``report``.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from clonecheck import __version__
from clonecheck.config import Config
from clonecheck.errors import InputError, PhotoError
from clonecheck.features import faces as face_features
from clonecheck.features import imaging
from clonecheck.ingest import read_profiles
from clonecheck.ingest.interface import RecordProblem
from clonecheck.ingest.photos import Fetched, FetchPolicy, PhotoFetcher
from clonecheck.match.candidates import CandidateIndex, iter_blocks
from clonecheck.match.rarity import NameRarity
from clonecheck.match.score import score_pair
from clonecheck.models import (
    AccountRef,
    Face,
    FaceStatus,
    Identity,
    Match,
    Photo,
    PhotoFeatures,
    Profile,
    Verdict,
)
from clonecheck.store import Store

#: profiles handled per block in a scan: bounds memory and sets the progress granularity
SCAN_BLOCK = 2000
#: photos fetched, analysed and saved per transaction during an import
PHOTO_BLOCK = 256
#: fewer photos than this are analysed in-process: worker start-up would cost more
MIN_POOL_JOBS = 16
#: hashing goes to worker processes only with at least this many: on 2 cores, shipping the
#: bytes to workers cost more than it saved (docs/benchmarks.md); faces always use them
HASH_POOL_MIN_WORKERS = 4


class Progress(Protocol):
    """What the service reports while it works; the CLI shows it as a progress bar."""

    def start(self, label: str, total: int | None) -> None: ...
    def advance(self, amount: int = 1) -> None: ...
    def finish(self) -> None: ...


class SilentProgress:
    def start(self, label: str, total: int | None) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


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


@dataclass
class Service:
    store: Store
    config: Config = field(default_factory=Config)
    progress: Progress = field(default_factory=SilentProgress)
    allow_private: bool = False
    offline: bool = False

    # --- photos --------------------------------------------------------------------------

    def _fetcher(self) -> PhotoFetcher:
        policy = FetchPolicy.from_config(
            self.config, allow_private=self.allow_private, offline=self.offline
        )
        return PhotoFetcher(policy)

    def _workers(self) -> int:
        return self.config.workers or os.cpu_count() or 1

    @contextmanager
    def _pool(self) -> Iterator[Executor | None]:
        """Worker processes for CPU-bound photo work (None with one worker). They start on
        first use, so an unused pool costs nothing; callers use it only for at least
        ``MIN_POOL_JOBS`` photos. ``forkserver``: fetcher threads may be running, and forking
        a process that has threads can deadlock the child."""
        if self._workers() <= 1:
            yield None
            return
        context = multiprocessing.get_context("forkserver")
        # workers fork from a server that has the heavy imports done already
        context.set_forkserver_preload(["clonecheck.features.faces"])
        with ProcessPoolExecutor(max_workers=self._workers(), mp_context=context) as pool:
            yield pool

    def _analyse_and_save(self, source: str, data: bytes, *, registered: bool) -> PhotoFeatures:
        """Features of one photo's bytes, analysed once per digest and kept in the store."""
        digest = imaging.content_digest(data)
        known = self.store.photo_features([digest]).get(digest)
        if known is not None and (
            known.face_status is not FaceStatus.NOT_COMPUTED or not registered
        ):
            return known
        features, image = imaging.analyse(data, source, self.config)
        if registered or self.config.faces_for_all:
            status, found = face_features.detect_in_bytes(data, source, self.config)
            features = replace(features, face_status=status, faces=found)
        self.store.save_photo(features, data)
        if registered:
            # from the image just decoded, so ``_ensure_crops`` need not decode it again
            self.store.save_crops(features.digest, imaging.crop_hashes(image))
        return features

    def ensure_faces(
        self, digests: Iterable[str], pool: Executor | None = None
    ) -> dict[str, PhotoFeatures]:
        """Run the face model on stored photos that have not been through it yet (in worker
        processes when there are enough), saving each result; returns the features of every
        digest asked for."""
        features = self.store.photo_features(digests)
        todo = [d for d, f in features.items() if f.face_status is FaceStatus.NOT_COMPUTED]
        if not todo:
            return features
        with self._pool() if pool is None else nullcontext(pool) as workers:
            if len(todo) < MIN_POOL_JOBS:
                workers = None
            blobs = [self.store.photo_data(d) or b"" for d in todo]
            names = [f"stored photo {d[:12]}" for d in todo]
            configs = [self.config] * len(todo)
            results: Iterable[tuple[FaceStatus, tuple[Face, ...]]]
            if workers is None:
                results = map(face_features.detect_in_bytes, blobs, names, configs)
            else:
                results = workers.map(
                    face_features.detect_in_bytes, blobs, names, configs, chunksize=2
                )
            for digest, (status, found) in zip(todo, results, strict=True):
                self.store.save_faces(digest, status, found)
                features[digest] = replace(features[digest], face_status=status, faces=found)
        return features

    # --- identities ----------------------------------------------------------------------

    def register(
        self,
        name: str,
        *,
        handles: Sequence[str] = (),
        photos: Sequence[str] = (),
        own: Sequence[str] = (),
        bio: str = "",
        slug: str | None = None,
    ) -> Identity:
        """Register a person. Every photo must be readable and show a face, or nothing is stored."""
        if not name.strip():
            raise InputError('a name is required: clonecheck register "Full Name" ...')
        clean_handles = tuple(dict.fromkeys(h.strip().lstrip("@") for h in handles if h.strip()))
        own_accounts = tuple(parse_account(text) for text in own)
        identity_slug = slug or make_slug(clean_handles[0] if clean_handles else name)
        analysed: list[tuple[str, bytes]] = []
        with self._fetcher() as fetcher:
            for source in photos:
                analysed.append((source, fetcher.fetch(source).data))
        registered: list[Photo] = []
        with self.store.transaction():
            for source, data in analysed:
                features = self._analyse_and_save(source, data, registered=True)
                if features.face_status is not FaceStatus.FOUND:
                    raise PhotoError(
                        source,
                        f"{features.face_status.value}: a registered photo must show the "
                        "person's face clearly; choose another photo",
                    )
                registered.append(Photo(source=source, digest=features.digest))
            # a photo already stored as some profile's photo has no crop hashes yet
            self._ensure_crops([photo.digest for photo in registered if photo.digest])
            identity = Identity(
                slug=identity_slug,
                name=name.strip(),
                handles=clean_handles,
                photos=tuple(registered),
                own_accounts=own_accounts,
                bio=bio.strip(),
            )
            self.store.add_identity(identity)
        return identity

    def identities(self) -> list[Identity]:
        return self.store.identities()

    def identity(self, slug: str) -> Identity:
        return self.store.identity(slug)

    def remove_identity(self, slug: str) -> Identity:
        return self.store.remove_identity(slug)

    # --- import --------------------------------------------------------------------------

    def import_file(
        self,
        path: Path,
        *,
        source_format: str | None = None,
        platform: str | None = None,
        mapping: dict[str, str] | None = None,
    ) -> ImportSummary:
        """Import profiles from a file; photos are fetched once per source and analysed once per
        digest. Photos are saved as they are analysed (a re-run resumes), the profiles in one
        transaction at the end, so an interrupted import leaves no half-imported profile."""
        profiles: list[Profile] = []
        problems: list[RecordProblem] = []
        for item in read_profiles(
            path, source_format=source_format, platform=platform, mapping=mapping
        ):
            if isinstance(item, RecordProblem):
                problems.append(item)
            else:
                profiles.append(item)
        resolved, fetched, cached = self._resolve_photos(profiles)
        photo_errors = tuple(
            (p.key, p.photo.error) for p in resolved if p.photo is not None and p.photo.error
        )
        with self.store.transaction():
            counts = self.store.upsert_profiles(resolved, source_file=str(path))
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

    def _resolve_photos(self, profiles: Sequence[Profile]) -> tuple[list[Profile], int, int]:
        """Attach digest (or error) to every profile's photo, fetching only what is not cached.

        Photos are fetched by threads and analysed by worker processes, a block at a time, and
        each block is saved in its own transaction: an interrupted import resumes where it
        stopped, because the next run finds those photos in the cache."""
        outcome: dict[str, tuple[str | None, str | None]] = {}
        to_fetch: list[str] = []
        for source in dict.fromkeys(p.photo.source for p in profiles if p.photo is not None):
            cached = self.store.cached_source(source)
            if cached is not None and cached[0] is not None and self.store.has_photo(cached[0]):
                outcome[source] = cached
            else:
                to_fetch.append(source)
        cached_count = len(outcome)
        if to_fetch:
            self.progress.start("Fetching and analysing photos", len(to_fetch))
            with self._fetcher() as fetcher, self._pool() as pool:
                for block in iter_blocks(fetcher.fetch_many(to_fetch), PHOTO_BLOCK):
                    results = self._analyse_block(block, pool)
                    for source, (features, _, error) in results.items():
                        outcome[source] = (features.digest if features else None, error)
                    with self.store.transaction():
                        self.store.save_photos(
                            [(f, data) for f, data, _ in results.values() if f and data]
                        )
                        self.store.record_sources(
                            [(source, *outcome[source]) for source in results]
                        )
                    if self.config.faces_for_all:
                        new = (f.digest for f, data, _ in results.values() if f and data)
                        with self.store.transaction():
                            self.ensure_faces(new, pool)
                    self.progress.advance(len(block))
            self.progress.finish()
        resolved = []
        for profile in profiles:
            if profile.photo is None:
                resolved.append(profile)
                continue
            digest, error = outcome[profile.photo.source]
            resolved.append(
                replace(profile, photo=replace(profile.photo, digest=digest, error=error))
            )
        fetched = sum(1 for source in to_fetch if outcome[source][0] is not None)
        return resolved, fetched, cached_count

    def _analyse_block(
        self, block: Sequence[tuple[str, Fetched | PhotoError]], pool: Executor | None
    ) -> dict[str, tuple[PhotoFeatures | None, bytes | None, str | None]]:
        """Features (new ones with their bytes to save) or the reason, for each fetched source;
        a digest already in the store is not analysed again."""
        results: dict[str, tuple[PhotoFeatures | None, bytes | None, str | None]] = {}
        fresh: list[tuple[str, bytes]] = []
        for source, fetched in block:
            if isinstance(fetched, PhotoError):
                results[source] = (None, None, fetched.reason)
                continue
            digest = imaging.content_digest(fetched.data)
            known = self.store.photo_features([digest]).get(digest)
            if known is not None:
                results[source] = (known, None, None)
            else:
                fresh.append((source, fetched.data))
        if pool is None or len(fresh) < MIN_POOL_JOBS or self._workers() < HASH_POOL_MIN_WORKERS:
            analysed = [imaging.analyse_for_store(d, s, self.config) for s, d in fresh]
        else:
            analysed = list(
                pool.map(
                    imaging.analyse_for_store,
                    [d for _, d in fresh],
                    [s for s, _ in fresh],
                    [self.config] * len(fresh),
                    chunksize=16,
                )
            )
        for (source, data), (features, error) in zip(fresh, analysed, strict=True):
            results[source] = (features, data if features is not None else None, error)
        return results

    # --- scan ----------------------------------------------------------------------------

    def scan(self, *, identity: str | None = None, record: bool = True) -> ScanResult:
        """Every stored profile against every identity (or one), as one recorded scan."""
        identities = [self.store.identity(identity)] if identity else self.store.identities()
        if not identities:
            raise InputError(
                'no identities registered: add one with `clonecheck register "Name" --handle ...`'
            )
        total = self.store.count_profiles()
        matches: list[Match] = []
        faces_before = 0
        stages = dict.fromkeys(("candidates", "faces", "scoring"), 0.0)
        self.progress.start("Scanning profiles", total)
        with self.store.transaction():
            scan_id = self.store.start_scan(identity, self.config.as_dict()) if record else None
            photos = self.identity_photos(identities)
            index = CandidateIndex(identities, photos, self.config)
            digests = self.store.profile_photo_digests()
            rarity = self.name_rarity()
            owned = self._own_accounts()
            with self._pool() as pool:
                for block in iter_blocks(self.store.profile_names(), SCAN_BLOCK):
                    found, computed = self._scan_block(
                        block, digests, identities, photos, index, rarity, owned, pool, stages
                    )
                    matches.extend(found)
                    faces_before += computed
                    self.progress.advance(len(block))
            matches.sort(key=lambda m: (-m.score, m.identity.slug, m.profile.key))
            if scan_id is not None:
                self.store.finish_scan(scan_id, matches, total)
        self.progress.finish()
        return ScanResult(scan_id, tuple(matches), total, len(identities), faces_before, stages)

    def name_rarity(self) -> NameRarity:
        """Token frequencies of the stored profiles' names: how common each name is here."""
        return NameRarity.from_names(name for _, _, name in self.store.profile_names())

    def identity_photos(self, identities: Sequence[Identity]) -> dict[str, PhotoFeatures]:
        """Registered photos' features, with the hashes of their crops. A photo stores every
        face it shows; the registered person is its largest face, so only that one stands for
        them."""
        digests = [p.digest for i in identities for p in i.photos if p.digest]
        crops = self._ensure_crops(digests)
        result = {}
        for digest, features in self.store.photo_features(digests).items():
            largest = face_features.largest_face(features.faces)
            result[digest] = replace(
                features, faces=(largest,) if largest else (), crops=crops.get(digest, {})
            )
        return result

    def _ensure_crops(self, digests: Sequence[str]) -> dict[str, dict[str, dict[str, str]]]:
        """Crop hashes of registered photos, computed from the stored bytes where missing
        (a photo registered by an older clonecheck, or first seen as a profile's photo)."""
        crops = self.store.photo_crops(digests)
        missing = [d for d in dict.fromkeys(digests) if d not in crops]
        if not missing:
            return crops
        with self.store.transaction():
            for digest in missing:
                data = self.store.photo_data(digest)
                if data is None:
                    continue
                _, image = imaging.analyse(data, f"stored photo {digest[:12]}", self.config)
                crops[digest] = imaging.crop_hashes(image)
                self.store.save_crops(digest, crops[digest])
        return crops

    def _own_accounts(self) -> dict[str, Identity]:
        """Every registered identity's own accounts (account key -> owner). They are verified:
        never reported, against anyone, even in a scan for one identity."""
        return {own.key: i for i in self.store.identities() for own in i.own_accounts}

    def _scan_block(
        self,
        block: Sequence[tuple[str, str, str]],
        digests: dict[str, str],
        identities: Sequence[Identity],
        photos: dict[str, PhotoFeatures],
        index: CandidateIndex,
        rarity: NameRarity,
        owned: dict[str, Identity],
        pool: Executor | None,
        stages: dict[str, float],
    ) -> tuple[list[Match], int]:
        started = time.perf_counter()
        pairs: dict[str, set[int]] = {}
        for key, handle, name in block:
            hits = index.by_name(handle, name)
            if hits:
                pairs[key] = set(hits)
        with_photo = [key for key, _, _ in block if key in digests]
        features = self.store.photo_features(digests[k] for k in with_photo)
        keyed = [(k, features[digests[k]]) for k in with_photo if digests[k] in features]
        for (key, _), hits in zip(keyed, index.by_photo([f for _, f in keyed]), strict=True):
            if hits:
                pairs.setdefault(key, set()).update(hits)
        for (key, _), hits in zip(keyed, index.by_face([f for _, f in keyed]), strict=True):
            if hits:
                pairs.setdefault(key, set()).update(hits)
        if not pairs:
            stages["candidates"] += time.perf_counter() - started
            return [], 0
        profiles = {p.key: p for p in self.store.profiles(pairs) if p.account.key not in owned}
        pairs = {key: hits for key, hits in pairs.items() if key in profiles}
        # the face model runs only on candidates' photos, and only for identities with faces
        need = {
            digests[key]
            for key, positions in pairs.items()
            if key in digests
            and digests[key] in features
            and features[digests[key]].face_status is FaceStatus.NOT_COMPUTED
            and any(index.has_faces(p) for p in positions)
        }
        stages["candidates"] += time.perf_counter() - started
        started = time.perf_counter()
        if need:
            features.update(self.ensure_faces(need, pool))
        stages["faces"] += time.perf_counter() - started
        started = time.perf_counter()
        matches: list[Match] = []
        for key, positions in pairs.items():
            profile = profiles[key]
            digest = digests.get(key)
            profile_photo = features.get(digest) if digest else None
            for position in sorted(positions):
                identity = identities[position]
                identity_photos = [photos[p.digest] for p in identity.photos if p.digest in photos]
                match = score_pair(
                    identity, identity_photos, profile, profile_photo, self.config, rarity
                )
                if match.verdict is not Verdict.NONE:
                    matches.append(match)
        stages["scoring"] += time.perf_counter() - started
        return matches, len(need)

    # --- check one account ---------------------------------------------------------------

    def check(
        self,
        *,
        name: str = "",
        handle: str = "",
        photo: str | None = None,
        photo_source: str | None = None,
        bio: str = "",
        platform: str = "reported",
        identity: str | None = None,
    ) -> list[Match]:
        """Judge one reported account against the registry (or one identity), best first.

        The account is not added to the stored profiles; its photo's features are cached.
        ``photo_source`` names the photo in the result instead of ``photo`` (a path or URL).
        Every registered identity is scored, so the answer also says who it resembles least."""
        if not (name.strip() or handle.strip() or photo):
            raise InputError("give at least one of --name, --handle or --photo to check")
        identities = [self.store.identity(identity)] if identity else self.store.identities()
        if not identities:
            raise InputError(
                'no identities registered: add one with `clonecheck register "Name" --handle ...`'
            )
        profile_photo: PhotoFeatures | None = None
        photo_ref = None
        if photo:
            with self._fetcher() as fetcher:
                data = fetcher.fetch(photo).data
            with self.store.transaction():
                analysed = self._analyse_and_save(photo, data, registered=False)
                profile_photo = self.ensure_faces([analysed.digest]).get(analysed.digest)
            photo_ref = Photo(
                source=photo_source or photo,
                digest=profile_photo.digest if profile_photo else None,
            )
        profile = Profile(
            platform=platform, handle=handle or "(none)", name=name, bio=bio, photo=photo_ref
        )
        photos = self.identity_photos(identities)
        rarity = self.name_rarity()
        matches = [
            score_pair(
                i,
                [photos[p.digest] for p in i.photos if p.digest in photos],
                profile,
                profile_photo,
                self.config,
                rarity,
            )
            for i in identities
        ]
        owner = self._own_accounts().get(profile.account.key)
        if owner is not None:
            note = f"{profile.account} is registered as {owner.name}'s own account"
            matches = [
                replace(m, score=0.0, verdict=Verdict.NONE, notes=(*m.notes, note))
                if m.identity.slug != owner.slug
                else m
                for m in matches
            ]
        matches.sort(key=lambda m: (-m.score, m.identity.slug))
        return matches

    def thumbnails(self, matches: Iterable[Match]) -> dict[str, bytes]:
        """Thumbnails of the photos a report shows side by side, made (and kept) on first use:
        a crawl has far more photos than any report shows."""
        wanted: list[str] = []
        for match in matches:
            if match.identity_photo:
                wanted.append(match.identity_photo)
            if match.profile.photo and match.profile.photo.digest:
                wanted.append(match.profile.photo.digest)
        found = self.store.thumbnails(wanted)
        missing = [d for d in dict.fromkeys(wanted) if d not in found]
        if missing:
            with self.store.transaction():
                for digest in missing:
                    data = self.store.photo_data(digest)
                    if data is None:
                        continue
                    try:
                        image = imaging.decode(data, f"stored photo {digest[:12]}", self.config)
                    except PhotoError:
                        continue
                    found[digest] = imaging.thumbnail_jpeg(image, self.config.thumbnail_px)
                    self.store.save_thumbnail(digest, found[digest])
        return found


def parse_account(text: str) -> AccountRef:
    """``platform:handle`` -> AccountRef, refusing anything else with the expected form."""
    platform, sep, handle = text.partition(":")
    if not sep or not platform.strip() or not handle.strip():
        raise InputError(
            f"own account {text!r} is not of the form platform:handle (e.g. twitter:adalovelace)"
        )
    return AccountRef(platform, handle)


def make_slug(text: str) -> str:
    """A short ASCII key for an identity: its first handle, or its name, lowercased."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_]+", "-", ascii_text.casefold()).strip("-")
    if not slug:
        raise InputError(f"cannot make an identity key from {text!r}; pass --slug")
    return slug


def tool_version() -> str:
    return __version__


def iter_matches(result: ScanResult, minimum: Verdict) -> Iterator[Match]:
    return (m for m in result.matches if m.verdict.rank >= minimum.rank)
