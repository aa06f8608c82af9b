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
    inside,
    load_document,
    peek_document,
    photo_from,
    reject_mapping,
    text,
)
from clonecheck.ingest.interface import RecordProblem
from clonecheck.models import Photo, Profile

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


def _photo(json_file: Path, uri: str, photos_root: Path | None) -> Photo | None:
    """The avatar: ``uri`` is relative to the export root, the folder at most three levels
    above the JSON file that holds it; only looked for inside the trusted ``photos_root``."""
    if not uri or photos_root is None:
        return photo_from(uri, photos_root)
    for candidate in (json_file.parent, *list(json_file.parents)[:3]):
        if inside(candidate / uri, photos_root) and (candidate / uri).exists():
            return Photo(source=str((candidate / uri).resolve()))
    return photo_from(uri, photos_root)


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
        self,
        path: Path,
        *,
        platform: str | None,
        mapping: Mapping[str, str] | None,
        photos_root: Path | None = None,
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
            yield Profile(
                platform=platform or PLATFORM,
                handle=handle,
                name=_string(strings, "Name"),
                bio=_string(strings, "Bio"),
                url=_string(strings, "Website"),
                link=f"https://www.instagram.com/{handle}/",
                photo=_photo(json_file, uri, photos_root),
                raw=dict(user) if isinstance(user, dict) else {},
            )
