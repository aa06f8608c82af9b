"""The use cases: register, import, scan, check one account. The CLI and the web app call only
this package; it opens nothing itself but the store it is handed.

The service runs the stages in order: ``ingest`` turns files into profiles and photo references
into bytes, ``features`` turns bytes into hashes and embeddings (each once per content digest),
``match`` picks candidates and scores them, and the caller hands the matches to ``report``.

One module per use case (``registration``, ``importing``, ``scanning``, ``checking``,
``thumbnails``), the photo work they share (``photos``), the pure inner step of a scan
(``partition``), and ``Service`` (``facade``), which holds them together for the callers.

The names below are handed on lazily (PEP 562): ``from clonecheck.service import Service`` loads
the facade only, and a use case's module loads when it is first used, so ``clonecheck cases
note`` does not pay for the matcher, the face model or the HTTP client.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clonecheck.service.facade import Service
    from clonecheck.service.helpers import make_slug, parse_account, tool_version
    from clonecheck.service.importing import PHOTO_BLOCK, ImportSummary
    from clonecheck.service.partition import ScanIndex, score_partition
    from clonecheck.service.photos import HASH_POOL_MIN_WORKERS, MIN_POOL_JOBS, PhotoAnalyser
    from clonecheck.service.progress import Progress, SilentProgress
    from clonecheck.service.scanning import SCAN_BLOCK, ScanResult, iter_matches

#: exported name -> the module of this package that defines it
_HOME = {
    "Service": "facade",
    "make_slug": "helpers",
    "parse_account": "helpers",
    "tool_version": "helpers",
    "PHOTO_BLOCK": "importing",
    "ImportSummary": "importing",
    "ScanIndex": "partition",
    "score_partition": "partition",
    "HASH_POOL_MIN_WORKERS": "photos",
    "MIN_POOL_JOBS": "photos",
    "PhotoAnalyser": "photos",
    "Progress": "progress",
    "SilentProgress": "progress",
    "SCAN_BLOCK": "scanning",
    "ScanResult": "scanning",
    "iter_matches": "scanning",
}

__all__ = [
    "HASH_POOL_MIN_WORKERS",
    "MIN_POOL_JOBS",
    "PHOTO_BLOCK",
    "SCAN_BLOCK",
    "ImportSummary",
    "PhotoAnalyser",
    "Progress",
    "ScanIndex",
    "ScanResult",
    "Service",
    "SilentProgress",
    "iter_matches",
    "make_slug",
    "parse_account",
    "score_partition",
    "tool_version",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
