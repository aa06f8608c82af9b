"""The use cases: register, import, scan, check one account. The CLI and the web app call only
this package; it opens nothing itself but the store it is handed.

The service runs the stages in order: ``ingest`` turns files into profiles and photo references
into bytes, ``features`` turns bytes into hashes and embeddings (each once per content digest),
``match`` picks candidates and scores them, and the caller hands the matches to ``report``.

One module per use case (``registration``, ``importing``, ``scanning``, ``checking``,
``thumbnails``), the photo work they share (``photos``), the pure inner step of a scan
(``partition``), and ``Service`` (``facade``), which holds them together for the callers.
"""

from clonecheck.service.facade import Service
from clonecheck.service.helpers import make_slug, parse_account, tool_version
from clonecheck.service.importing import PHOTO_BLOCK, ImportSummary
from clonecheck.service.partition import ScanIndex, score_partition
from clonecheck.service.photos import HASH_POOL_MIN_WORKERS, MIN_POOL_JOBS, PhotoAnalyser
from clonecheck.service.progress import Progress, SilentProgress
from clonecheck.service.scanning import SCAN_BLOCK, ScanResult, iter_matches

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
