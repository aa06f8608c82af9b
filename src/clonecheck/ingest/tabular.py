"""CSV and JSON Lines files of flat profile records, one profile a row.

* **Encoding.** UTF-8 with or without BOM (Excel's "CSV UTF-8" writes one).
* **Delimiter.** Comma, semicolon or tab, whichever the header line uses most.
* **Columns.** Found by alias, case-insensitively (:data:`ALIASES`; the first alias present wins,
  so ``profile_image_url_https`` is preferred over ``profile_image_url``); ``--map field=column``
  overrides the aliases. A file without a handle column and no mapping is a FormatError that
  names the columns found and the ``--map`` fix.
* **Platform.** A ``platform`` column, else ``--platform``, else ``twitter`` when the columns are
  Twitter v1.1 user fields (``screen_name`` and ``profile_image_url*``, as in the Cresci and
  TwiBot data sets), else a FormatError asking for ``--platform``.
* **Rows.** A row without a handle is a :class:`RecordProblem` (``line N``, the line the row
  starts on) and the rest of the file imports. A count that is not a number ("lots") is
  dropped (``None``) without a problem: the profile is still worth comparing; a number no
  count can be (negative, fractional, NaN, infinite, huge) makes the row a problem. A quote
  left open, which would swallow the rows after it into one field, costs only its own row.
* **Photos.** http(s) and ``file:`` URLs are kept; anything else is a path relative to the
  folder the user trusts (``--photos-dir``), stored absolute; without one it is kept as written
  and refused when fetched (a stranger's record must not read local files). Twitter ``_normal``
  avatars become ``_400x400`` (see :func:`~clonecheck.ingest._common.twitter_photo_url`). Empty
  -> no photo.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from clonecheck.errors import FormatError
from clonecheck.ingest._common import (
    JSONL_SUFFIXES,
    JsonLine,
    count,
    flag,
    load_json,
    looks_like_json,
    photo_from,
    profile_or_problem,
    read_text,
    text,
    timestamp,
)
from clonecheck.ingest.interface import RecordProblem
from clonecheck.models import Profile

#: Profile field -> column names that mean it, in order of preference (compared case-insensitively)
ALIASES: Mapping[str, tuple[str, ...]] = {
    "platform": ("platform",),
    "handle": ("handle", "screen_name", "username", "user_name", "acct", "user"),
    "name": ("name", "display_name", "displayname", "full_name"),
    "account_id": ("id", "id_str", "account_id", "user_id", "did"),
    "bio": ("bio", "description", "note", "summary"),
    "photo": (
        "photo",
        "profile_image_url_https",
        "profile_image_url",
        "avatar",
        "photo_url",
        "image",
        "profile_pic_url",
    ),
    "location": ("location",),
    "url": ("url",),
    "link": ("link", "profile_url"),
    "created_at": ("created_at", "createdat"),
    "followers": ("followers", "followers_count"),
    "following": ("following", "friends_count", "follows_count", "following_count"),
    "posts": ("posts", "statuses_count", "posts_count", "tweet_count"),
    "verified": ("verified",),
    "default_photo": ("default_photo", "default_profile_image"),
}

#: the Profile fields a mapping may set (``id`` is accepted for ``account_id``)
MAPPABLE_FIELDS: tuple[str, ...] = tuple(ALIASES)

_TWITTER_PHOTO_COLUMNS = frozenset({"profile_image_url", "profile_image_url_https"})


def choose_columns(columns: Sequence[str], mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Profile field -> the column (as written) that holds it; mapped columns that are absent
    are left out."""
    by_folded = {column.strip().casefold(): column for column in columns}
    chosen: dict[str, str] = {}
    for field, aliases in ALIASES.items():
        for alias in aliases:
            if alias in by_folded:
                chosen[field] = by_folded[alias]
                break
    for field, column in (mapping or {}).items():
        found = by_folded.get(column.strip().casefold())
        if found is not None:
            chosen[field] = found
        else:
            chosen.pop(field, None)
    return chosen


def resolve_columns(
    path: Path, columns: Sequence[str], mapping: Mapping[str, str] | None
) -> dict[str, str]:
    """Profile field -> the column (as written in the file) that holds it; FormatError when a
    mapped column is absent or no column holds the handle."""
    chosen = choose_columns(columns, mapping)
    folded = {column.strip().casefold() for column in columns}
    for field, column in (mapping or {}).items():
        if column.strip().casefold() not in folded:
            raise FormatError(
                f"{path}: --map {field}={column}: no column {column!r}; "
                f"columns found: {', '.join(columns) or '(none)'}"
            )
    if "handle" not in chosen:
        raise FormatError(
            f"{path}: no handle column (looked for {', '.join(ALIASES['handle'])}); "
            f"columns found: {', '.join(columns) or '(none)'}; "
            "name the column with --map handle=<column>"
        )
    return chosen


def default_platform(path: Path, columns: Sequence[str], platform: str | None) -> str | None:
    """The platform for rows without a platform column; FormatError when it cannot be told."""
    if platform:
        return platform
    folded = {column.strip().casefold() for column in columns}
    if "platform" in folded:
        return None
    if "screen_name" in folded and folded & _TWITTER_PHOTO_COLUMNS:
        return "twitter"
    raise FormatError(
        f"{path}: no platform column and the columns are not a known platform's; "
        "say which platform the accounts are on with --platform (twitter, instagram ...)"
    )


def row_to_profile(
    row: Mapping[str, Any],
    columns: Mapping[str, str],
    platform: str | None,
    photos_root: Path | None,
    raw: Mapping[str, Any],
) -> Profile | str:
    """A Profile for one row, or the reason it has none."""

    def value(field: str) -> str:
        column = columns.get(field)
        return text(row.get(column)) if column is not None else ""

    handle = value("handle").lstrip("@").strip()
    if not handle:
        return "no handle"
    row_platform = value("platform") or platform or ""
    if not row_platform:
        return "no platform (empty platform cell and no --platform)"
    account_id = value("account_id") or None
    link = value("link")
    if not link and row_platform.strip().lower() == "twitter":
        link = f"https://x.com/{handle}"
    return Profile(
        platform=row_platform,
        handle=handle,
        name=value("name"),
        account_id=account_id,
        bio=value("bio"),
        location=value("location"),
        url=value("url"),
        link=link,
        created_at=timestamp(value("created_at")),
        followers=count(value("followers"), columns.get("followers", "followers")),
        following=count(value("following"), columns.get("following", "following")),
        posts=count(value("posts"), columns.get("posts", "posts")),
        verified=flag(value("verified")),
        default_photo=flag(value("default_photo")),
        photo=photo_from(value("photo"), photos_root),
        raw=dict(raw),
    )


def _delimiter(header: str) -> str:
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


#: a row longer than this many lines is taken for rows swallowed by an unclosed quote
MAX_ROW_LINES = 50


def _rows(
    lines: Sequence[str], first: int, delimiter: str, width: int
) -> Iterator[tuple[int, list[str] | str]]:
    """(line number, cells or why the row is refused) for the rows from ``lines[first]`` on.

    A quote left open swallows the rows after it into one field (the csv module reads on to
    the next quote or the end of the file); such a row is refused and reading starts again on
    the line after the one it started on, so only that row is lost."""
    index = first
    while index < len(lines):
        reader = csv.reader(lines[index:], delimiter=delimiter)
        restart = len(lines)
        while True:
            begin = reader.line_num
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield index + begin + 1, f"unreadable CSV row: {exc}"
                continue
            end = reader.line_num
            reason = _swallowed(lines[index + begin : index + end], delimiter, width)
            if reason is not None:
                yield index + begin + 1, reason
                restart = index + begin + 1
                break
            yield index + begin + 1, cells
        index = restart


def _swallowed(raw: Sequence[str], delimiter: str, width: int) -> str | None:
    """Why a row that spans the physical lines ``raw`` looks like rows run together by a quote
    left open, or None for an ordinary row (a quoted bio may hold a few line breaks)."""
    if len(raw) < 2:
        return None
    try:
        list(csv.reader(raw, delimiter=delimiter, strict=True))
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return (
                "unclosed quote: the quoted field opened on this line runs to the end of the "
                "file; this row is skipped and the lines after it are read as rows"
            )
    row_like = sum(1 for line in raw[1:] if width >= 3 and line.count(delimiter) >= width - 1)
    if len(raw) > MAX_ROW_LINES or row_like >= 2:
        return (
            f"a quoted field runs over {len(raw)} lines, taking in what look like further rows "
            "(an unclosed quote?); this row is skipped and the lines after it are read as rows"
        )
    return None


class CsvReader:
    """Comma-, semicolon- or tab-separated profiles with a header row."""

    name: str = "csv"
    description: str = "CSV/TSV of profiles with a header row (columns by alias or --map)"

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir() or not head or b"\x00" in head or looks_like_json(head):
            return False
        if head.lstrip().startswith(b"window."):
            return False
        first = head.split(b"\n", 1)[0]
        return any(d in first for d in (b",", b";", b"\t")) or path.suffix.lower() in (
            ".csv",
            ".tsv",
        )

    def read(
        self,
        path: Path,
        *,
        platform: str | None,
        mapping: Mapping[str, str] | None,
        photos_root: Path | None = None,
    ) -> Iterator[Profile | RecordProblem]:
        content = read_text(path)
        delimiter = _delimiter(content.split("\n", 1)[0])
        lines = io.StringIO(content, newline="").readlines()
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            columns = next(reader)
        except StopIteration:
            raise FormatError(f"{path} is empty; a CSV needs a header row") from None
        except csv.Error as exc:
            raise FormatError(f"{path}: unreadable CSV header row: {exc}") from None
        columns = [column.strip() for column in columns]
        fields = resolve_columns(path, columns, mapping)
        fallback = default_platform(path, columns, platform)
        file = str(path)
        for start, cells in _rows(lines, reader.line_num, delimiter, len(columns)):
            if isinstance(cells, str):
                yield RecordProblem(file, f"line {start}", cells)
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                yield RecordProblem(
                    file,
                    f"line {start}",
                    f"{len(cells)} cells but the header has {len(columns)} columns",
                )
                continue
            row = dict(zip(columns, cells, strict=False))
            raw = dict(row)
            build = partial(row_to_profile, row, fields, fallback, photos_root, raw)
            yield profile_or_problem(file, f"line {start}", build)


class JsonLinesReader:
    """One flat JSON object a line (nested values are kept in ``raw`` only)."""

    name: str = "jsonl"
    description: str = "JSON Lines, one flat profile object a line (keys by alias or --map)"

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return False
        if path.suffix.lower() in JSONL_SUFFIXES:
            return True
        if not looks_like_json(head):
            return False
        try:
            content = load_json(path)
        except FormatError:
            return False
        return content.lines is not None

    def read(
        self,
        path: Path,
        *,
        platform: str | None,
        mapping: Mapping[str, str] | None,
        photos_root: Path | None = None,
    ) -> Iterator[Profile | RecordProblem]:
        content = load_json(path)
        lines = content.lines
        unit = "line"
        if lines is None:
            unit = "record"
            document = content.document
            records = document if isinstance(document, list) else [document]
            lines = tuple(JsonLine(i, value) for i, value in enumerate(records, start=1))
        keys: list[str] = []
        seen: set[str] = set()
        for line in lines:
            if isinstance(line.value, dict):
                for key in line.value:
                    if key not in seen:
                        seen.add(key)
                        keys.append(key)
        resolve_columns(path, keys, mapping)
        fallback = default_platform(path, keys, platform)
        file = str(path)
        for line in lines:
            location = f"{unit} {line.number}"
            if line.error is not None:
                yield RecordProblem(file, location, line.error)
                continue
            if not isinstance(line.value, dict):
                yield RecordProblem(file, location, "not a JSON object")
                continue
            row = dict(line.value)
            own = choose_columns(list(row), mapping)  # records may differ in their keys
            build = partial(row_to_profile, row, own, fallback, photos_root, line.value)
            yield profile_or_problem(file, location, build)
