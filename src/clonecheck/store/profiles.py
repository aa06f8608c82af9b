"""Imported profiles in the store, keyed by ``Profile.key``, with the whole source record kept
in ``profiles.raw`` so nothing a source said is lost."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from clonecheck.models import Photo, Profile, ProfileSketch, normalize_handle, normalize_platform
from clonecheck.store._rows import in_chunks, timestamp
from clonecheck.store.connection import Connection


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """What one ``upsert_profiles`` call did, profile by profile."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


class ProfileRows(Connection):
    """The ``profiles`` rows."""

    def upsert_profiles(self, profiles: Iterable[Profile], source_file: str) -> UpsertCounts:
        """Insert new profiles and update changed ones, keyed by ``Profile.key``."""
        inserted = updated = unchanged = 0
        table = self.db.table("profiles")
        now = timestamp()
        for profile in profiles:
            record = _profile_record(profile)
            old = next(table.rows_where("key = ?", [profile.key]), None)
            if old is None:
                stamps = {"source_file": source_file, "imported_at": now, "updated_at": now}
                table.insert({**record, **stamps})
                inserted += 1
            elif all(old.get(k) == v for k, v in record.items()):
                unchanged += 1
            else:
                table.update(profile.key, {**record, "source_file": source_file, "updated_at": now})
                updated += 1
        return UpsertCounts(inserted, updated, unchanged)

    def count_profiles(self) -> int:
        return int(self.db.table("profiles").count)

    def profiles(self, keys: Iterable[str] | None = None) -> Iterator[Profile]:
        if keys is None:
            for row in self.db.table("profiles").rows_where(order_by="key"):
                yield _profile_from_row(row)
            return
        for chunk, marks in in_chunks(keys):
            for row in self.db.table("profiles").rows_where(f"key in ({marks})", chunk):
                yield _profile_from_row(row)

    def profile_keys_by_handle(self, platform: str, handle: str) -> list[str]:
        """Keys of the stored profiles with this platform and handle (case and ``@`` aside):
        ``twitter:@ada`` finds a profile stored by its id as ``twitter:id:1234``."""
        rows = self.db.execute(
            "select key from profiles where platform = ? and lower(handle) = ? order by key",
            [normalize_platform(platform), normalize_handle(handle)],
        ).fetchall()
        return [str(r[0]) for r in rows]

    def profile_photo_digests(self) -> dict[str, str]:
        """profile key -> photo digest, for every profile that has an analysed photo."""
        cursor = self.db.execute(
            "select key, photo_digest from profiles where photo_digest is not null"
        )
        return {str(k): str(d) for k, d in cursor}

    def profile_names(self) -> Iterator[tuple[str, str, str]]:
        """(key, handle, name) of every profile: the cheap columns candidate indexes need."""
        cursor = self.db.execute("select key, handle, name from profiles")
        for key, handle, name in cursor:
            yield str(key), str(handle or ""), str(name or "")

    def photo_errors(self) -> list[tuple[str, str, str]]:
        """(profile key, photo source, error) of profiles whose photo could not be used."""
        cursor = self.db.execute(
            "select key, photo_source, photo_error from profiles where photo_error is not null"
        )
        return [(str(k), str(s), str(e)) for k, s, e in cursor]


# --- row <-> model ---------------------------------------------------------------------------


def _profile_record(profile: Profile) -> dict[str, Any]:
    photo = profile.photo
    return {
        "key": profile.key,
        "platform": profile.platform,
        "account_id": profile.account_id,
        "handle": profile.handle,
        "name": profile.name,
        "bio": profile.bio,
        "location": profile.location,
        "url": profile.url,
        "link": profile.link,
        "created_at": profile.created_at,
        "followers": profile.followers,
        "following": profile.following,
        "posts": profile.posts,
        "verified": _flag(profile.verified),
        "default_photo": _flag(profile.default_photo),
        "photo_source": photo.source if photo else None,
        "photo_digest": photo.digest if photo else None,
        "photo_error": photo.error if photo else None,
        "raw": json.dumps(profile.raw, ensure_ascii=False, sort_keys=True, default=str),
    }


def _flag(value: bool | None) -> int | None:
    """A yes/no/unknown as SQLite stores it (1, 0, NULL)."""
    return None if value is None else int(value)


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


#: the texts of a ``ProfileSketch`` (absent ones read as empty)
SKETCH_TEXTS = frozenset({"handle", "name", "bio", "created_at"})
#: the columns of a ``ProfileSketch``, in its order, as one query reads them
SKETCH_COLUMNS = ", ".join(
    f"coalesce({name}, '')"
    if name in SKETCH_TEXTS
    else "nullif(photo_digest, '')"
    if name == "photo_digest"
    else name
    for name in ProfileSketch._fields
)


def sketch_from_row(row: Sequence[Any]) -> ProfileSketch:
    """A ``ProfileSketch`` from ``SKETCH_COLUMNS`` as SQLite gives them: one C call when the
    platform's verified badge is unknown (most rows), NULL texts already empty."""
    if row[-1] is None:
        return ProfileSketch._make(row)
    return ProfileSketch._make((*row[:-1], bool(row[-1])))


def _profile_from_row(row: dict[str, Any]) -> Profile:
    photo = None
    if row.get("photo_source"):
        photo = Photo(
            source=str(row["photo_source"]),
            digest=row.get("photo_digest"),
            error=row.get("photo_error"),
        )
    return Profile(
        platform=str(row["platform"]),
        handle=str(row["handle"] or ""),
        name=str(row["name"] or ""),
        account_id=row.get("account_id"),
        bio=str(row["bio"] or ""),
        location=str(row["location"] or ""),
        url=str(row["url"] or ""),
        link=str(row["link"] or ""),
        created_at=str(row["created_at"] or ""),
        followers=row.get("followers"),
        following=row.get("following"),
        posts=row.get("posts"),
        verified=_bool(row.get("verified")),
        default_photo=_bool(row.get("default_photo")),
        photo=photo,
        raw=json.loads(row["raw"] or "{}"),
    )
