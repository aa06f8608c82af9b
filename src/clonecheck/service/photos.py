"""Photo analysis for the use cases: fetch, hash, run the face model, cut the crops of
registered photos, each once per content digest, keeping every result in the store.

CPU-bound work goes to worker processes when there is enough of it (``PhotoAnalyser.pool``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

from clonecheck.config import Config
from clonecheck.features import faces as face_features
from clonecheck.features import imaging
from clonecheck.ingest.photos import FetchPolicy, PhotoFetcher
from clonecheck.models import Face, FaceStatus, Identity, PhotoFeatures
from clonecheck.store import Store

#: fewer photos than this are analysed in-process: worker start-up would cost more
MIN_POOL_JOBS = 16
#: hashing goes to worker processes only with at least this many: on 2 cores, shipping the
#: bytes to workers cost more than it saved (docs/benchmarks.md); faces always use them
HASH_POOL_MIN_WORKERS = 4

#: crop hashes of one photo: crop name -> hash kind -> hex hash
Crops = dict[str, dict[str, str]]


@dataclass
class PhotoAnalyser:
    """The photo work of every use case, over one store."""

    store: Store
    config: Config
    allow_private: bool = False
    offline: bool = False

    def fetcher(self, *, crawled: bool = False, photos_root: Path | None = None) -> PhotoFetcher:
        """A fetcher for photos the user names (any local file), or with ``crawled`` for
        photos an imported record names (local files only inside ``photos_root``)."""
        policy = FetchPolicy.from_config(
            self.config,
            allow_private=self.allow_private,
            offline=self.offline,
            local_files="none" if crawled else "any",
            photos_root=photos_root,
        )
        return PhotoFetcher(policy)

    def workers(self) -> int:
        return self.config.workers or os.cpu_count() or 1

    @contextmanager
    def pool(self) -> Iterator[Executor | None]:
        """Worker processes for CPU-bound photo work (None with one worker). They start on
        first use, so an unused pool costs nothing; callers use it only for at least
        ``MIN_POOL_JOBS`` photos. ``forkserver``: fetcher threads may be running, and forking
        a process that has threads can deadlock the child."""
        if self.workers() <= 1:
            yield None
            return
        context = multiprocessing.get_context("forkserver")
        # workers fork from a server that has the heavy imports done already
        context.set_forkserver_preload(["clonecheck.features.faces"])
        with ProcessPoolExecutor(max_workers=self.workers(), mp_context=context) as pool:
            yield pool

    def analyse_and_save(self, source: str, data: bytes, *, registered: bool) -> PhotoFeatures:
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
            # from the image just decoded, so ``ensure_crops`` need not decode it again
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
        with self.pool() if pool is None else nullcontext(pool) as workers:
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

    def ensure_crops(self, digests: Sequence[str]) -> dict[str, Crops]:
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

    def identity_photos(self, identities: Sequence[Identity]) -> dict[str, PhotoFeatures]:
        """Registered photos' features, with the hashes of their crops. A photo stores every
        face it shows; the registered person is its largest face, so only that one stands for
        them."""
        digests = [p.digest for i in identities for p in i.photos if p.digest]
        crops = self.ensure_crops(digests)
        result = {}
        for digest, features in self.store.photo_features(digests).items():
            largest = face_features.largest_face(features.faces)
            result[digest] = replace(
                features, faces=(largest,) if largest else (), crops=crops.get(digest, {})
            )
        return result
