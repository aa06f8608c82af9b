"""Face embeddings of the world's photos, computed once per photo with the library's detector;
the world builder uses them to pick look-alikes, the face baseline to compare faces.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from clonecheck.config import Config
from clonecheck.features import faces as face_features
from clonecheck.models import FaceStatus


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pool_executor(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["clonecheck.features.faces"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


class Embeddings:
    """Face embeddings of photo bytes, computed once per digest with the library's detector."""

    def __init__(self, config: Config, workers: int) -> None:
        self.config = config
        self.workers = workers
        self.faces: dict[str, tuple[FaceStatus, tuple[Any, ...]]] = {}

    def compute(self, blobs: Sequence[bytes]) -> None:
        todo: dict[str, bytes] = {}
        for data in blobs:
            digest = digest_of(data)
            if digest not in self.faces:
                todo[digest] = data
        if not todo:
            return
        keys = list(todo)
        args = ([todo[k] for k in keys], [f"photo {k[:12]}" for k in keys])
        configs = [self.config] * len(keys)
        if self.workers > 1 and len(keys) >= 8:
            with pool_executor(self.workers) as pool:
                results = list(pool.map(face_features.detect_in_bytes, *args, configs, chunksize=4))
        else:
            results = list(map(face_features.detect_in_bytes, *args, configs))
        self.faces.update(zip(keys, results, strict=True))

    def of(self, data: bytes) -> list[np.ndarray]:
        _, found = self.faces[digest_of(data)]
        return [np.asarray(f.encoding) for f in found]
