"""Fixtures shared by the whole suite.

Real photos and real export samples live in ``../shared/data`` (see each folder's SOURCE.txt);
they are never copied into the project. Tests reach them only through ``shared_data``, which
skips with the reason when the folder is absent.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

#: an empty CLONECHECK_SHARED_DATA counts as unset, not as the current folder
SHARED_DATA = Path(
    os.environ.get("CLONECHECK_SHARED_DATA") or Path(__file__).parents[1] / ".." / "shared" / "data"
).resolve()


class SharedData:
    """The labelled public data set beside the project, with helpers to find files by identity."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, *parts: str) -> Path:
        found = self.root.joinpath(*parts)
        if not found.exists():
            pytest.skip(f"{found} is not in the shared data set")
        return found

    def face_labels(self, collection: str) -> list[tuple[Path, str]]:
        """(photo path, identity) rows of ``faces/<collection>/LABELS.csv``."""
        base = self.path("faces", collection)
        with (base / "LABELS.csv").open(newline="") as handle:
            return [(base / row["file"], row["identity"]) for row in csv.DictReader(handle)]

    def faces_by_identity(self, collection: str) -> dict[str, list[Path]]:
        grouped: dict[str, list[Path]] = {}
        for path, identity in self.face_labels(collection):
            if path.exists():
                grouped.setdefault(identity, []).append(path)
        return grouped


@pytest.fixture(scope="session")
def shared_data() -> Iterator[SharedData]:
    """The real data in ../shared/data; tests that need it skip, with the reason, without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA} (set CLONECHECK_SHARED_DATA)")
    yield SharedData(SHARED_DATA)
