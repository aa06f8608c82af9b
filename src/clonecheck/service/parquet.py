"""Importing a crawl into a Parquet dataset instead of the store: the same parsers and the same
photo work as ``importing``, but the profiles go to Parquet files (a folder or any fsspec URL)
that a distributed scan reads in place.

The photos stay in the store, as an ordinary import leaves them: fetched once per source,
analysed once per digest, bytes and features kept by digest. A scan reads the features of each
partition's photos from there (they are small) and the face model's input bytes for candidates
only, so the Parquet rows need only the photo's digest.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from clonecheck.ingest import read_profiles, trusted_photos_root
from clonecheck.ingest.interface import RecordProblem
from clonecheck.match.candidates import iter_blocks
from clonecheck.models import Profile
from clonecheck.service.importing import ImportSummary, resolve_photos
from clonecheck.service.photos import PhotoAnalyser
from clonecheck.service.progress import Progress
from clonecheck.store.parquet import ParquetProfiles

#: profiles parsed and given their photos per step: bounds memory on a huge crawl
IMPORT_BLOCK = 50_000


def import_to_parquet(
    photos: PhotoAnalyser,
    progress: Progress,
    path: Path,
    dataset: str,
    *,
    source_format: str | None = None,
    platform: str | None = None,
    mapping: dict[str, str] | None = None,
    photos_dir: Path | None = None,
) -> ImportSummary:
    """Import profiles from a file into the Parquet dataset at ``dataset``, replacing what an
    earlier import of the same file wrote there; the photos go to the store. The file is read
    a block at a time, so memory stays flat however large it is."""
    problems: list[RecordProblem] = []
    photo_errors: list[tuple[str, str]] = []
    counts = {"fetched": 0, "cached": 0}
    root = trusted_photos_root(path, photos_dir)
    items = read_profiles(
        path, source_format=source_format, platform=platform, mapping=mapping, photos_dir=photos_dir
    )

    def resolved() -> Iterator[Profile]:
        for block in iter_blocks(items, IMPORT_BLOCK):
            problems.extend(i for i in block if isinstance(i, RecordProblem))
            found = [i for i in block if not isinstance(i, RecordProblem)]
            done, fetched, cached = resolve_photos(photos, progress, found, photos_root=root)
            counts["fetched"] += fetched
            counts["cached"] += cached
            photo_errors.extend(
                (p.key, p.photo.error) for p in done if p.photo is not None and p.photo.error
            )
            yield from done

    written = ParquetProfiles(dataset).write(resolved(), source_file=str(path))
    return ImportSummary(
        file=str(path),
        inserted=written,
        updated=0,
        unchanged=0,
        problems=tuple(problems),
        photo_errors=tuple(photo_errors),
        photos_fetched=counts["fetched"],
        photos_cached=counts["cached"],
    )
