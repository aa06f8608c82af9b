"""The registry of import formats: which reader reads a file, and reading it.

``read_profiles`` picks a :class:`~clonecheck.ingest.interface.Reader` by ``--format`` or, without
one, by content (never guessed: when no reader recognises the input it is a FormatError that
lists the formats). ``FORMATS`` lists them in detection order, specific shapes before the
generic tabular ones."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from clonecheck.errors import FormatError, InputError
from clonecheck.ingest._common import load_json, looks_like_json
from clonecheck.ingest.activitypub import ActivityPubReader, MastodonReader
from clonecheck.ingest.bluesky import BlueskyReader
from clonecheck.ingest.checkers import MaigretReader, SherlockReader
from clonecheck.ingest.instagram import InstagramReader
from clonecheck.ingest.interface import Reader, RecordProblem
from clonecheck.ingest.tabular import MAPPABLE_FIELDS, CsvReader, JsonLinesReader
from clonecheck.ingest.twitter import (
    TwiBotReader,
    TwitterArchiveReader,
    TwitterV1Reader,
    TwitterV2Reader,
)
from clonecheck.models import Profile

#: every import format, in the order auto-detection tries them
FORMATS: tuple[Reader, ...] = (
    TwitterArchiveReader(),
    InstagramReader(),
    BlueskyReader(),
    ActivityPubReader(),
    MastodonReader(),
    TwiBotReader(),
    TwitterV2Reader(),
    TwitterV1Reader(),
    SherlockReader(),
    MaigretReader(),
    JsonLinesReader(),
    CsvReader(),
)

_HEAD_BYTES = 64 * 1024
_FIELD_ALIASES = {"id": "account_id"}


def _names() -> str:
    return ", ".join(reader.name for reader in FORMATS)


def _head(path: Path) -> bytes:
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if path.is_dir():
        return b""
    try:
        with path.open("rb") as handle:
            return handle.read(_HEAD_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _why_unknown(path: Path, head: bytes) -> str:
    if path.is_dir():
        return (
            "a folder that is neither a Twitter archive (data/account.js) "
            "nor an Instagram export (personal_information.json)"
        )
    if not head.strip():
        return "the file is empty"
    if looks_like_json(head):
        content = load_json(path)  # raises FormatError with line and column when invalid
        document = content.document
        if isinstance(document, dict):
            keys = ", ".join(list(document)[:8])
            return f"JSON with no known profile structure (top-level keys: {keys})"
        return "JSON with no known profile structure"
    return "not JSON and no CSV header with , ; or tab"


def detect_format(path: Path) -> Reader:
    """The reader that recognises ``path``; FormatError when none does."""
    head = _head(path)
    for reader in FORMATS:
        if reader.sniff(path, head):
            return reader
    raise FormatError(
        f"cannot tell the format of {path}: {_why_unknown(path, head)}; "
        f"use --from one of {_names()}"
    )


def _reader_named(name: str) -> Reader:
    wanted = name.strip().lower()
    for reader in FORMATS:
        if reader.name == wanted:
            return reader
    raise FormatError(f"unknown format {name!r}; known formats: {_names()}")


def trusted_photos_root(path: Path, photos_dir: Path | None = None) -> Path | None:
    """The folder whose files an import's records may name as photos: the one the user trusts
    (``--photos-dir``), else an export folder imported as a whole (its own media), else none:
    a record is a stranger's text, and must not read the importer's files."""
    if photos_dir is not None:
        return Path(photos_dir).expanduser().resolve()
    path = Path(path)
    return path.resolve() if path.is_dir() else None


def read_profiles(
    path: Path,
    *,
    source_format: str | None = None,
    platform: str | None = None,
    mapping: Mapping[str, str] | None = None,
    photos_dir: Path | None = None,
) -> Iterator[Profile | RecordProblem]:
    """Profiles and record problems from one file or export folder, in file order.

    The file and the format are checked before this returns (InputError for a missing or
    unreadable file, FormatError for an unknown ``source_format`` or an unrecognised file);
    a file that cannot be parsed at all raises FormatError when iterated. Relative photo
    paths resolve inside :func:`trusted_photos_root`.
    """
    path = Path(path)
    if photos_dir is not None and not Path(photos_dir).expanduser().is_dir():
        raise InputError(f"--photos-dir {photos_dir}: no such folder")
    if source_format:
        reader = _reader_named(source_format)
        _head(path)
    else:
        reader = detect_format(path)
    return reader.read(
        path,
        platform=platform or None,
        mapping=mapping or None,
        photos_root=trusted_photos_root(path, photos_dir),
    )


def parse_mapping(text: str) -> dict[str, str]:
    """``name=full_name,handle=username`` -> ``{"name": "full_name", "handle": "username"}``.

    Field names are Profile fields (``id`` is accepted for ``account_id``); a part without
    ``=``, an empty column, an unknown or repeated field is an InputError naming it.
    """
    allowed = f"allowed fields: {', '.join(MAPPABLE_FIELDS)} (id = account_id)"
    result: dict[str, str] = {}
    parts = [part.strip() for part in text.split(",")]
    if not any(parts):
        raise InputError(f"--map is empty; give field=column pairs separated by commas; {allowed}")
    for part in parts:
        if not part:
            continue
        field, sep, column = part.partition("=")
        field, column = field.strip().lower(), column.strip()
        if not sep or not field or not column:
            raise InputError(f"--map {part!r}: expected field=column; {allowed}")
        field = _FIELD_ALIASES.get(field, field)
        if field not in MAPPABLE_FIELDS:
            raise InputError(f"--map {part!r}: unknown field {field!r}; {allowed}")
        if field in result:
            raise InputError(f"--map {part!r}: {field} is mapped twice")
        result[field] = column
    return result
