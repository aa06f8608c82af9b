"""What every import format provides: a :class:`Reader`, and :class:`RecordProblem` for a record
that could not be imported (the rest of the file still is).

A reader turns one file (or export directory) into :class:`~clonecheck.models.Profile` records,
each keeping the record as the source gave it in ``raw``. ``sniff`` decides from the content
(never from the file name alone) whether the reader understands the input; ``read`` yields
profiles and problems in file order. A file that cannot be parsed at all raises
:class:`~clonecheck.errors.FormatError` naming it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from clonecheck.models import Profile


@dataclass(frozen=True, slots=True)
class RecordProblem:
    """One record of an import file that was skipped, where it is, and why."""

    file: str
    #: "line 12" (CSV, JSON Lines), "record 3" (JSON lists), "data/account.js" (archives) ...
    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, {self.location}: {self.reason}"


class Reader(Protocol):
    """One import format."""

    #: the name ``--format`` takes
    name: str
    #: one line for ``--help`` and error messages
    description: str

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when ``path`` is in this format; ``head`` is its first bytes (empty for a
        directory)."""
        ...

    def read(
        self,
        path: Path,
        *,
        platform: str | None,
        mapping: Mapping[str, str] | None,
        photos_root: Path | None = None,
    ) -> Iterator[Profile | RecordProblem]:
        """Profiles and problems in file order; ``platform`` overrides the platform the format
        implies, ``mapping`` (field -> column) applies to tabular formats, ``photos_root`` is
        the folder the user trusts, against which a record's relative photo paths resolve."""
        ...
