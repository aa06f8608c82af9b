"""Profiles as a Parquet dataset: a crawl too large for one SQLite file, in a local folder or at
any fsspec URL (``s3://bucket/crawl``, ``gs://…``, ``file:///…``).

The rows are the store's ``profiles`` rows, column for column, so a profile reads back the same
from either. A dataset is a folder of ``.parquet`` files; each row group is one partition of a
distributed scan, read by the worker that scores it, never by the machine that started the scan.
Files whose names start with ``_`` or ``.`` are ignored (an import writes there first). pyarrow
and fsspec come with the ``clonecheck[dask]`` extra and are imported on first use.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clonecheck.errors import InputError
from clonecheck.match.candidates import iter_blocks
from clonecheck.models import Profile, ProfileSketch
from clonecheck.store.profiles import (
    SKETCH_TEXTS,
    _profile_from_row,
    _profile_record,
    sketch_from_row,
)

#: rows per row group: one row group is one partition of a distributed scan
ROWS_PER_PART = 5000
#: row groups per file
PARTS_PER_FILE = 20

NEEDS_EXTRA = "Parquet crawls need the dask extra: pip install 'clonecheck[dask]'"

_TEXT = ("key", "platform", "account_id", "handle", "name", "bio", "location", "url", "link")
_MORE_TEXT = ("created_at", "photo_source", "photo_digest", "photo_error", "raw")
_COUNTS = ("followers", "following", "posts")
_FLAGS = ("verified", "default_photo")


def _arrow() -> Any:
    try:
        import pyarrow  # optional and heavy: only Parquet crawls need it
        import pyarrow.parquet
    except ImportError:  # pragma: no cover - the extra is part of the dev environment
        raise InputError(NEEDS_EXTRA) from None
    return pyarrow


def _schema() -> Any:
    pa = _arrow()
    fields = [pa.field(name, pa.string()) for name in _TEXT]
    fields += [pa.field(name, pa.string()) for name in _MORE_TEXT[:1]]
    fields += [pa.field(name, pa.int64()) for name in _COUNTS]
    fields += [pa.field(name, pa.int8()) for name in _FLAGS]
    fields += [pa.field(name, pa.string()) for name in _MORE_TEXT[1:]]
    return pa.schema(fields)


@dataclass(frozen=True, slots=True)
class ParquetPart:
    """One row group of one file of a dataset: what a worker needs to read it."""

    url: str
    path: str
    row_group: int
    rows: int


class ParquetProfiles:
    """A Parquet dataset of profiles at ``url`` (a folder or an fsspec URL)."""

    def __init__(self, url: str) -> None:
        _arrow()
        import fsspec

        if "://" not in url:  # a local folder: the same one for workers started elsewhere
            url = str(Path(url).expanduser().resolve())
        self.url = url
        self.fs, self.root = fsspec.core.url_to_fs(url)

    def files(self) -> list[str]:
        """The dataset's data files, in name order."""
        if not self.fs.isdir(self.root):
            return []
        found = self.fs.find(self.root)
        return sorted(
            p
            for p in found
            if p.endswith(".parquet") and not p.rsplit("/", 1)[-1].startswith(("_", "."))
        )

    def parts(self) -> list[ParquetPart]:
        """Every row group of every file; refuses a folder with no Parquet files."""
        pq = _arrow().parquet
        parts: list[ParquetPart] = []
        for path in self.files():
            with self.fs.open(path, "rb") as handle:
                meta = pq.ParquetFile(handle).metadata
                parts.extend(
                    ParquetPart(self.url, path, i, meta.row_group(i).num_rows)
                    for i in range(meta.num_row_groups)
                )
        if not parts:
            raise InputError(
                f"{self.url}: no Parquet profiles here; write some with "
                f"`clonecheck import FILE --to-parquet {self.url}`"
            )
        return parts

    def write(
        self,
        profiles: Iterable[Profile],
        source_file: str,
        *,
        rows_per_part: int | None = None,
        parts_per_file: int | None = None,
    ) -> int:
        """Write these profiles as the dataset's rows from ``source_file``, replacing what an
        earlier import of the same file wrote; returns the rows written. Files are written
        under hidden names and renamed when all are complete, so an interrupted import leaves
        the dataset as it was."""
        pa, pq = _arrow(), _arrow().parquet
        rows_per_part = rows_per_part or ROWS_PER_PART
        parts_per_file = parts_per_file or PARTS_PER_FILE
        stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in source_file.split("/")[-1])
        prefix = f"{stem[:40]}-{hashlib.sha256(source_file.encode()).hexdigest()[:10]}-"
        run = uuid.uuid4().hex[:8]
        self.fs.makedirs(self.root, exist_ok=True)
        schema = _schema()
        written: list[str] = []
        rows = 0
        for number, chunk in enumerate(iter_blocks(profiles, rows_per_part * parts_per_file)):
            temporary = f"{self.root}/_{prefix}{run}-{number:05d}.parquet"
            table = pa.Table.from_pylist([_row(p) for p in chunk], schema=schema)
            with self.fs.open(temporary, "wb") as handle:
                pq.write_table(table, handle, row_group_size=rows_per_part)
            written.append(temporary)
            rows += len(chunk)
        old = [p for p in self.files() if p.rsplit("/", 1)[-1].startswith(prefix)]
        for temporary in written:
            self.fs.mv(temporary, temporary.replace("/_" + prefix, "/" + prefix))
        for path in old:
            self.fs.rm(path)
        return rows

    def names(self, part: ParquetPart) -> Iterator[tuple[str, str, str]]:
        """(key, handle, name) of one partition: the columns candidate lookups need."""
        table = self._read(part, ["key", "handle", "name"])
        columns = (table.column(c).to_pylist() for c in ("key", "handle", "name"))
        for key, handle, name in zip(*columns, strict=True):
            yield str(key), str(handle or ""), str(name or "")

    def sketches(self, part: ParquetPart) -> list[ProfileSketch]:
        """Every profile's sketch in one partition: what a scan reads of every profile."""
        table = self._read(part, list(ProfileSketch._fields))
        columns = [
            [value or "" for value in table.column(c).to_pylist()]
            if c in SKETCH_TEXTS
            else [value or None for value in table.column(c).to_pylist()]
            if c == "photo_digest"
            else table.column(c).to_pylist()
            for c in ProfileSketch._fields
        ]
        return [sketch_from_row(row) for row in zip(*columns, strict=True)]

    def photo_digests(self, part: ParquetPart) -> dict[str, str]:
        """profile key -> photo digest, of one partition's profiles that have one."""
        table = self._read(part, ["key", "photo_digest"])
        keys, digests = table.column("key").to_pylist(), table.column("photo_digest").to_pylist()
        return {str(k): str(d) for k, d in zip(keys, digests, strict=True) if d}

    def profiles(self, part: ParquetPart, keys: Iterable[str] | None = None) -> list[Profile]:
        """One partition's profiles (only those with these keys, when given)."""
        wanted = None if keys is None else set(keys)
        return [
            _profile_from_row(row)
            for row in self._read(part, None).to_pylist()
            if wanted is None or row["key"] in wanted
        ]

    def _read(self, part: ParquetPart, columns: Sequence[str] | None) -> Any:
        pq = _arrow().parquet
        with self.fs.open(part.path, "rb") as handle:
            return pq.ParquetFile(handle).read_row_group(part.row_group, columns=columns)


def _row(profile: Profile) -> dict[str, Any]:
    return _profile_record(profile)
