"""Helpers the format readers share: JSON loading with parser positions, text clean-up, counts,
dates and photo references. Private to the ingest package."""

from __future__ import annotations

import functools
import html
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from clonecheck.errors import FormatError, InputError
from clonecheck.ingest.interface import RecordProblem
from clonecheck.models import Photo, Profile

#: suffixes that mark a file as JSON Lines even when its first line is broken
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson", ".jsonlines"})


def read_text(path: Path) -> str:
    """The file as text (UTF-8, with or without BOM); other encodings are a FormatError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"{path} is not UTF-8 text (invalid byte at offset {exc.start}); "
            "save it as UTF-8 and import it again"
        ) from exc


def looks_like_json(head: bytes) -> bool:
    """True when the first non-blank character opens a JSON object or array."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return stripped[:1] in (b"{", b"[")


@dataclass(frozen=True, slots=True)
class JsonLine:
    """One line of a JSON Lines file: its value, or why it did not parse."""

    number: int
    value: Any = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class JsonContent:
    """A parsed JSON file: either one document, or the lines of a JSON Lines file."""

    document: Any = None
    lines: tuple[JsonLine, ...] | None = None


def _json_error(path: Path, exc: json.JSONDecodeError) -> FormatError:
    return FormatError(
        f"{path} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    )


#: deeper JSON is refused: no profile needs it, and code that later walks the value (storing
#: ``raw``) would run out of stack on what the parser still accepted
MAX_DEPTH = 100


class _TooDeepError(RecursionError):
    pass


def _check_depth(value: Any) -> None:
    """_TooDeepError when ``value``'s containers nest deeper than MAX_DEPTH."""
    if not isinstance(value, dict | list):
        return
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, dict | list):
                if depth >= MAX_DEPTH:
                    raise _TooDeepError
                pending.append((child, depth + 1))


def parse_json(text: str) -> Any:
    """``json.loads`` that also refuses nesting deeper than MAX_DEPTH (a RecursionError, as
    the parser's own for deeper still); a number beyond the int limits is a ValueError."""
    value = json.loads(text)
    _check_depth(value)
    return value


def beyond_limits(exc: RecursionError | ValueError) -> str:
    """Why valid-looking JSON could not be parsed: nesting or a number beyond sane limits."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return "a number with too many digits"


def _split_lines(text: str) -> tuple[JsonLine, ...]:
    lines: list[JsonLine] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            lines.append(JsonLine(number, parse_json(line)))
        except json.JSONDecodeError as exc:
            lines.append(JsonLine(number, error=f"invalid JSON: {exc.msg} at column {exc.colno}"))
        except (RecursionError, ValueError) as exc:  # deep nesting, int conversion limit
            lines.append(JsonLine(number, error=f"invalid JSON: {beyond_limits(exc)}"))
    return tuple(lines)


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, _mtime_ns: int, _size: int) -> JsonContent:
    file = Path(path)
    text = read_text(file)
    if file.suffix.lower() in JSONL_SUFFIXES:
        return JsonContent(lines=_split_lines(text))
    try:
        return JsonContent(document=parse_json(text))
    except json.JSONDecodeError as exc:
        first = next((line for line in text.splitlines() if line.strip()), "")
        if exc.msg == "Extra data" and _parses(first):
            return JsonContent(lines=_split_lines(text))
        raise _json_error(file, exc) from exc
    except (RecursionError, ValueError) as exc:  # deep nesting, int conversion limit
        first = next((line for line in text.splitlines() if line.strip()), "")
        if _parses(first) and first.strip() != text.strip():
            return JsonContent(lines=_split_lines(text))  # JSON Lines with one bad line
        raise FormatError(f"{file} cannot be read as JSON: {beyond_limits(exc)}") from None


def _parses(line: str) -> bool:
    try:
        parse_json(line)
    except (RecursionError, ValueError):  # JSONDecodeError is a ValueError
        return False
    return True


def load_json(path: Path) -> JsonContent:
    """The parsed file; cached, so that sniffing and reading parse it once. Callers must not
    mutate what they get. Invalid JSON raises FormatError with the parser's line and column."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)


def load_document(path: Path) -> Any:
    """The single JSON document in ``path``; JSON Lines is a FormatError here."""
    content = load_json(path)
    if content.lines is not None:
        raise FormatError(f"{path} holds JSON Lines, not one JSON document; use --from jsonl")
    return content.document


def peek_document(path: Path, head: bytes) -> Any:
    """The JSON document for sniffing, or None when the file is not one parseable document."""
    if path.is_dir() or not looks_like_json(head):
        return None
    try:
        content = load_json(path)
    except InputError:
        return None
    return content.document if content.lines is None else None


def text(value: Any) -> str:
    """A scalar as stripped text; None, nested values and the strings "None"/"null" are ""."""
    if value is None or isinstance(value, dict | list | bool):
        return ""
    result = str(value).strip()
    return "" if result in ("None", "null") else result


#: the largest count SQLite's INTEGER holds
MAX_COUNT = 2**63 - 1


class BadValue(ValueError):  # noqa: N818 - a record's value, caught by the readers
    """A record holds a value no real profile can have; the record becomes a RecordProblem."""


def _shown(value: Any) -> str:
    raw = text(value)
    return repr(raw if len(raw) <= 20 else raw[:20] + "...")


def count(value: Any, name: str = "count") -> int | None:
    """A follower/following count, or None when absent or not a number at all ("lots": the
    profile is still worth importing without it).

    A number no count can be (negative, fractional, NaN, infinite, beyond what SQLite holds)
    is :class:`BadValue`: a record that says it is not to be trusted."""
    if value is None or isinstance(value, bool):
        return None
    number: int | float
    if isinstance(value, int | float):
        number = value
    else:
        raw = text(value).replace(",", "").replace("_", "")
        if not raw:
            return None
        if raw.lstrip("+-").isdigit() and len(raw) > 24:  # beyond any count, and int()'s limit
            raise BadValue(f"{name} {_shown(value)} is too large to be a count")
        try:
            number = int(raw)
        except ValueError:
            try:
                number = float(raw)
            except ValueError:
                return None
    if isinstance(number, float):
        if not math.isfinite(number) or not number.is_integer():
            raise BadValue(f"{name} {_shown(value)} is not a whole number")
        number = int(number)
    if number < 0:
        raise BadValue(f"{name} {_shown(value)} is negative")
    if number > MAX_COUNT:
        raise BadValue(f"{name} {_shown(value)} is too large to be a count")
    return number


def flag(value: Any) -> bool | None:
    """A yes/no field (verified, default avatar) as the sources write it: JSON booleans,
    "true"/"false", "1"/"0", "True "; None when absent or anything else."""
    if isinstance(value, bool):
        return value
    raw = text(value).casefold()
    if raw in ("true", "1", "yes"):
        return True
    if raw in ("false", "0", "no"):
        return False
    return None


def profile_or_problem(
    file: str, location: str, build: Callable[[], Profile | str]
) -> Profile | RecordProblem:
    """The Profile ``build`` makes, or a RecordProblem at ``location`` for the reason it gives
    (a string) or the :class:`BadValue` it raises."""
    try:
        result = build()
    except BadValue as exc:
        return RecordProblem(file, location, str(exc))
    return RecordProblem(file, location, result) if isinstance(result, str) else result


_TWITTER_DATE = "%a %b %d %H:%M:%S %z %Y"


def timestamp(value: Any) -> str:
    """A creation date as text; Twitter v1.1's ``Tue Feb 20 14:35:54 +0000 2007`` becomes ISO
    8601 (``2007-02-20T14:35:54+00:00``), anything else is kept as the source wrote it."""
    raw = text(value)
    try:
        return datetime.strptime(raw, _TWITTER_DATE).isoformat()
    except ValueError:
        return raw


class _TextExtractor(HTMLParser):
    _BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in self._BREAKS:
            self.parts.append("\n\n")
        # Mastodon hides the "https://" of links in <span class="invisible">; keep it, since
        # it is part of the URL a reader sees when copying it.

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BREAKS and tag != "br":
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(value: Any) -> str:
    """Plain text of an HTML bio: tags dropped, entities unescaped, ``<br>`` and paragraphs as
    line breaks, blank runs collapsed."""
    raw = text(value)
    if not raw:
        return ""
    if "<" not in raw and "&" not in raw:
        return raw
    parser = _TextExtractor()
    parser.feed(raw)
    parser.close()
    joined = "".join(parser.parts)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in joined.split("\n")]
    collapsed = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return collapsed.strip()


def clean_url(value: Any) -> str:
    """A URL as text; HTML entities some servers leave in JSON (``&#038;``) are unescaped."""
    raw = text(value)
    if re.search(r"&(#\d+|#x[0-9a-fA-F]+|amp);", raw):
        return html.unescape(raw)
    return raw


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def twitter_photo_url(url: str) -> str:
    """The 400x400 variant of a Twitter avatar URL.

    The APIs and exports name the 48x48 ``_normal`` rendition; perceptual hashes of a 48 px
    image are dominated by resampling noise and match poorly, so the photo source is the
    ``_400x400`` rendition of the same upload (the original URL stays in ``raw``). Only
    ``twimg.com/profile_images/`` URLs are rewritten; default avatars and others are kept.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host.endswith("twimg.com") or "/profile_images/" not in parts.path:
        return url
    return re.sub(r"_normal(\.[A-Za-z0-9]+)?$", r"_400x400\1", url.split("?")[0])


def photo_from(reference: str, root: Path | None = None) -> Photo | None:
    """A Photo for a reference: http(s) and ``file:`` URLs are kept; anything else is a path.

    A record's author is a stranger, so a path is only ever read inside ``root``, the folder
    the user trusts (``import --photos-dir``): a relative path resolves against it and is made
    absolute (the import then works from any working directory); without ``root`` the path is
    kept as written, and the fetcher refuses it. ``~`` is not expanded. Empty -> None."""
    raw = reference.strip()
    if not raw:
        return None
    if is_url(raw):
        return Photo(source=twitter_photo_url(raw))
    if raw.lower().startswith("file:") or root is None:
        return Photo(source=raw)
    try:
        local = (root / raw).resolve()  # an absolute path replaces root
    except (OSError, RuntimeError, ValueError):  # symlink loop, NUL byte: the fetcher refuses
        return Photo(source=raw)
    return Photo(source=str(local))


def inside(path: Path, root: Path) -> bool:
    """True when ``path``, with ``..`` and symlinks resolved, is inside the resolved ``root``."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def dicts(value: Any) -> Iterator[tuple[int, Any]]:
    """(1-based number, item) of a list, or of a single value as record 1."""
    items = value if isinstance(value, list) else [value]
    yield from enumerate(items, start=1)


def get_path(value: Any, *keys: str) -> Any:
    """``value[k1][k2]...``, or None when any step is missing or not a mapping."""
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def reject_mapping(reader: str, path: Path, mapping: Mapping[str, str] | None) -> None:
    """Formats with fixed fields refuse ``--map`` rather than silently ignore it."""
    if mapping:
        raise FormatError(
            f"{path} is in the {reader} format, whose fields are fixed; "
            "--map applies to CSV and JSON Lines files only"
        )
