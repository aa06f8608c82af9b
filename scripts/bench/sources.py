"""The real data a world is made of: labelled face sets and Cresci 2015 Twitter accounts, read
from ``CLONECHECK_SHARED_DATA`` (never copied into the project).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.common import DATA


def read_labels(collection: str) -> dict[str, list[Path]]:
    base = DATA / "faces" / collection
    grouped: dict[str, list[Path]] = {}
    with (base / "LABELS.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            path = base / row["file"]
            if path.exists():
                grouped.setdefault(row["identity"], []).append(path)
    return grouped


def other_face_sets(lfw_names: Iterable[str]) -> dict[str, list[Path]]:
    """People of the other face sets, except group photos, unlabelled ones, and anyone who may
    also be an LFW person (same first name, e.g. ``angelina`` / ``Angelina_Jolie``)."""
    lfw_first = {n.split("_")[0].casefold() for n in lfw_names}
    people: dict[str, list[Path]] = {}
    for folder in sorted((DATA / "faces").iterdir()):
        if folder.name == "lfw_dev" or not (folder / "LABELS.csv").exists():
            continue
        for who, paths in read_labels(folder.name).items():
            low = who.casefold()
            if low.startswith(("multi:", "deepface_group")) or low in {"unknown", "identity"}:
                continue
            if low.replace(" ", "_").split("_")[0] in lfw_first:
                continue
            people[f"{folder.name}/{who}"] = paths
    return people


@dataclass(frozen=True)
class AccountMeta:
    """A real account's metadata as the crawl gave it (Twitter v1.1 fields, collected
    2013-2015): what a profile of the world carries besides its name and photo."""

    created_at: str
    followers: int
    following: int
    posts: int
    default_photo: bool
    genuine: bool


@dataclass(frozen=True)
class CresciUser:
    name: str
    screen_name: str
    description: str
    genuine: bool
    meta: AccountMeta | None = None


def _number(text: str | None) -> int:
    text = (text or "").strip()
    return int(text) if text.isdigit() else 0


def cresci_users() -> list[CresciUser]:
    users = []
    base = DATA / "profiles" / "cresci2015" / "data"
    for file, genuine in (("users.csv", True), ("fusers.csv", False)):
        with (base / file).open(newline="", encoding="utf-8", errors="replace") as handle:
            for row in csv.DictReader(handle):
                name = (row.get("name") or "").strip()
                screen = (row.get("screen_name") or "").strip()
                if name and screen and name != "NULL" and screen != "NULL":
                    bio = (row.get("description") or "").strip()
                    meta = AccountMeta(
                        (row.get("created_at") or "").strip(),
                        _number(row.get("followers_count")),
                        _number(row.get("friends_count")),
                        _number(row.get("statuses_count")),
                        (row.get("default_profile_image") or "").strip() == "1",
                        genuine,
                    )
                    users.append(
                        CresciUser(name, screen, "" if bio == "NULL" else bio, genuine, meta)
                    )
    return users
