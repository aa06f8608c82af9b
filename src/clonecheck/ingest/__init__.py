"""Source formats -> Profile records, and photo references -> bytes.

``read_profiles`` picks a :class:`~clonecheck.ingest.interface.Reader` by ``--format`` or, without
one, by content (never guessed: when no reader recognises the input it is a FormatError that
lists the formats). Each format lives in its own module; ``FORMATS`` lists them in detection
order, specific shapes before the generic tabular ones.
"""

from clonecheck.ingest.interface import Reader, RecordProblem
from clonecheck.ingest.registry import (
    FORMATS,
    detect_format,
    parse_mapping,
    read_profiles,
    trusted_photos_root,
)
from clonecheck.ingest.tabular import MAPPABLE_FIELDS

__all__ = [
    "FORMATS",
    "MAPPABLE_FIELDS",
    "Reader",
    "RecordProblem",
    "detect_format",
    "parse_mapping",
    "read_profiles",
    "trusted_photos_root",
]
