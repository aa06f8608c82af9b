"""Instagram "Download your information" exports: ``personal_information.json``.

``profile_user[0].string_map_data`` holds ``{"Name": {"value": ...}, "Username": ..., "Bio":
..., "Website": ...}`` and ``media_map_data["Profile Photo"].uri`` the avatar, relative to the
export root (the folder that holds ``media/``). Meta's exports write UTF-8 text as Latin-1
escapes (``"\\u00c3\\u00a9"`` for ``é``); such mojibake is repaired. ``platform`` is
``instagram``, ``link`` ``https://www.instagram.com/<handle>/``; the export carries no numeric
account id, so profiles are keyed by handle.

Input: the JSON file, or the export folder (the file is found up to three levels down).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from clonecheck.errors import FormatError
from clonecheck.ingest._common import (
    get_path,
    load_document,
    peek_document,
    photo_from,
    reject_mapping,
    text,
)
from clonecheck.ingest.interface import RecordProblem
from clonecheck.models import Profile

PLATFORM = "instagram"
FILE_NAME = "personal_information.json"


def find_personal_information(root: Path) -> Path | None:
    """``personal_information.json`` in an export folder (at most three levels down)."""
    for depth in range(4):
        pattern = "/".join(["*"] * depth + [FILE_NAME])
        found = sorted(root.glob(pattern))
        if found:
            return found[0]
    return None


def fix_mojibake(value: str) -> str:
    """Undo Meta's Latin-1 escaping of UTF-8 bytes; text that is not such mojibake is kept."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _string(data: Any, key: str) -> str:
    return fix_mojibake(text(get_path(data, key, "value")))


def _export_root(json_file: Path, uri: str) -> Path:
    for candidate in (json_file.parent, *list(json_file.parents)[:3]):
        if (candidate / uri).exists():
            return candidate
    return json_file.parent


class InstagramReader:
    """Instagram export ``personal_information.json`` or the export folder."""

    name: str = "instagram"
    description: str = "Instagram export folder or its personal_information.json"

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return find_personal_information(path) is not None
        document = peek_document(path, head)
        return isinstance(document, dict) and isinstance(document.get("profile_user"), list)

    def read(
        self, path: Path, *, platform: str | None, mapping: Mapping[str, str] | None
    ) -> Iterator[Profile | RecordProblem]:
        reject_mapping(self.name, path, mapping)
        json_file = find_personal_information(path) if path.is_dir() else path
        if json_file is None:
            raise FormatError(f"{path}: no {FILE_NAME} in this Instagram export folder")
        document = load_document(json_file)
        users = get_path(document, "profile_user")
        if not isinstance(users, list):
            raise FormatError(f"{json_file}: no profile_user list; not a {FILE_NAME}")
        file = str(json_file)
        for number, user in enumerate(users, start=1):
            strings = get_path(user, "string_map_data")
            handle = _string(strings, "Username").lstrip("@")
            if not handle:
                yield RecordProblem(file, f"profile_user record {number}", "no Username")
                continue
            uri = text(get_path(user, "media_map_data", "Profile Photo", "uri"))
            base = _export_root(json_file, uri) if uri else json_file.parent
            yield Profile(
                platform=platform or PLATFORM,
                handle=handle,
                name=_string(strings, "Name"),
                bio=_string(strings, "Bio"),
                url=_string(strings, "Website"),
                link=f"https://www.instagram.com/{handle}/",
                photo=photo_from(uri, base) if uri else None,
                raw=dict(user) if isinstance(user, dict) else {},
            )
