"""The only module that speaks SQL: schema, migrations and queries over SQLite (sqlite-utils).

One file holds everything: identities with their handles, photos and own accounts; imported
profiles; photo features keyed by the sha256 of the image bytes (so a photo shared by many clones
is decoded and analysed once) with the original bytes and a thumbnail; the fetch cache by source;
and scan results. WAL mode, and every multi-row change runs inside ``Store.transaction()`` so an
interrupted import or scan loses nothing committed before it and leaves nothing half-written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from clonecheck.errors import DuplicateError, NotFoundError, StoreError
from clonecheck.models import (
    AccountRef,
    Face,
    FaceStatus,
    Identity,
    Match,
    Photo,
    PhotoFeatures,
    Profile,
    normalize_handle,
)

#: 2 added ``photo_crops``; every table is created if missing, so older files upgrade in place
SCHEMA_VERSION = 2


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class ScanRecord:
    id: int
    started_at: str
    finished_at: str | None
    identity: str | None
    profiles: int
    likely: int
    possible: int


class Store:
    """A clonecheck database. Open with ``Store.open(path)``; close with ``close()`` or ``with``."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None) -> None:
        self.db = db
        self.path = path

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) the store at ``path``, migrating an older schema."""
        target = Path(path)
        if target.exists() and target.is_dir():
            raise StoreError(f"database {target} is a directory; pass a file path with --db")
        if not target.parent.exists():
            raise StoreError(
                f"cannot create database {target}: folder {target.parent} does not exist"
            )
        try:
            conn = sqlite3.connect(str(target), timeout=30)
            db = sqlite_utils.Database(conn)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")
            store = cls(db, target)
            store._migrate()
        except sqlite3.DatabaseError as error:
            raise StoreError(
                f"{target} is not a usable clonecheck database ({error}); "
                "pass another file with --db"
            ) from None
        return store

    @classmethod
    def memory(cls) -> Store:
        """An in-memory store, for ``check`` runs that must not touch the disk and for tests."""
        store = cls(sqlite_utils.Database(memory=True), None)
        store.db.execute("PRAGMA foreign_keys=ON")
        store._migrate()
        return store

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: commits on success, rolls back everything on any exception."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"database schema {version} is newer than this clonecheck understands "
                f"({SCHEMA_VERSION}); upgrade clonecheck"
            )
        if version == SCHEMA_VERSION:
            return
        if version == 0 and self.db.table_names() and "identities" not in self.db.table_names():
            raise StoreError(
                f"{self.path} already holds other tables and is not a clonecheck database; "
                "pass another file with --db"
            )
        with self.transaction():
            self._create_tables()
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _create_tables(self) -> None:
        db = self.db
        db.table("identities").create(
            {"id": int, "slug": str, "name": str, "bio": str, "created_at": str},
            pk="id",
            not_null={"slug", "name"},
            if_not_exists=True,
        )
        db.table("identities").create_index(["slug"], unique=True, if_not_exists=True)
        db.table("identity_handles").create(
            {"handle_key": str, "identity_id": int, "handle": str},
            pk="handle_key",
            foreign_keys=[("identity_id", "identities", "id")],
            if_not_exists=True,
        )
        db.table("identity_photos").create(
            {"identity_id": int, "digest": str, "source": str, "position": int},
            pk=("identity_id", "digest"),
            foreign_keys=[("identity_id", "identities", "id")],
            if_not_exists=True,
        )
        db.table("own_accounts").create(
            {"identity_id": int, "account_key": str, "platform": str, "handle": str},
            pk=("identity_id", "account_key"),
            foreign_keys=[("identity_id", "identities", "id")],
            if_not_exists=True,
        )
        db.table("profiles").create(
            {
                "key": str,
                "platform": str,
                "account_id": str,
                "handle": str,
                "name": str,
                "bio": str,
                "location": str,
                "url": str,
                "link": str,
                "created_at": str,
                "followers": int,
                "following": int,
                "photo_source": str,
                "photo_digest": str,
                "photo_error": str,
                "raw": str,
                "source_file": str,
                "imported_at": str,
                "updated_at": str,
            },
            pk="key",
            if_not_exists=True,
        )
        db.table("profiles").create_index(["photo_digest"], if_not_exists=True)
        db.table("profiles").create_index(["platform", "handle"], if_not_exists=True)
        db.table("photos").create(
            {
                "digest": str,
                "width": int,
                "height": int,
                "hashes": str,
                "face_status": str,
                "faces": str,
                "thumbnail": bytes,
                "analysed_at": str,
            },
            pk="digest",
            if_not_exists=True,
        )
        # hashes of the crops of registered photos (``imaging.crop_hashes``), as JSON
        db.table("photo_crops").create(
            {"digest": str, "crops": str}, pk="digest", if_not_exists=True
        )
        # the original bytes, apart so that reading features never drags the blobs along
        db.table("photo_data").create(
            {"digest": str, "data": bytes}, pk="digest", if_not_exists=True
        )
        db.table("photo_sources").create(
            {"source": str, "digest": str, "error": str, "fetched_at": str},
            pk="source",
            if_not_exists=True,
        )
        db.table("scans").create(
            {
                "id": int,
                "started_at": str,
                "finished_at": str,
                "identity": str,
                "config": str,
                "profiles": int,
                "likely": int,
                "possible": int,
            },
            pk="id",
            if_not_exists=True,
        )
        db.table("matches").create(
            {
                "scan_id": int,
                "identity_slug": str,
                "profile_key": str,
                "score": float,
                "verdict": str,
                "signals": str,
                "identity_photo": str,
                "notes": str,
            },
            pk=("scan_id", "identity_slug", "profile_key"),
            foreign_keys=[("scan_id", "scans", "id")],
            if_not_exists=True,
        )

    # --- identities ----------------------------------------------------------------------

    def add_identity(self, identity: Identity) -> None:
        """Insert a new identity; refuses a slug or a handle that is already registered."""
        with self.transaction():
            if self._identity_row(identity.slug) is not None:
                raise DuplicateError(
                    f"identity {identity.slug!r} is already registered; "
                    f"remove it first with `clonecheck identities remove {identity.slug}`"
                )
            for handle in identity.handles:
                owner = self.handle_owner(handle)
                if owner is not None:
                    raise DuplicateError(
                        f"handle {handle!r} is already registered to identity {owner!r}; "
                        "each handle can belong to one identity"
                    )
            table = self.db.table("identities")
            table.insert(
                {
                    "slug": identity.slug,
                    "name": identity.name,
                    "bio": identity.bio,
                    "created_at": _now(),
                }
            )
            identity_id = table.last_pk
            self.db.table("identity_handles").insert_all(
                {"handle_key": normalize_handle(h), "identity_id": identity_id, "handle": h}
                for h in identity.handles
            )
            self.db.table("identity_photos").insert_all(
                (
                    {
                        "identity_id": identity_id,
                        "digest": photo.digest,
                        "source": photo.source,
                        "position": position,
                    }
                    for position, photo in enumerate(identity.photos)
                    if photo.digest
                ),
                ignore=True,
            )
            self.db.table("own_accounts").insert_all(
                {
                    "identity_id": identity_id,
                    "account_key": own.key,
                    "platform": own.platform,
                    "handle": own.handle,
                }
                for own in identity.own_accounts
            )

    def handle_owner(self, handle: str) -> str | None:
        row = self.db.execute(
            "select i.slug from identity_handles h join identities i on i.id = h.identity_id "
            "where h.handle_key = ?",
            [normalize_handle(handle)],
        ).fetchone()
        return None if row is None else str(row[0])

    def _identity_row(self, slug: str) -> dict[str, Any] | None:
        rows = list(self.db.table("identities").rows_where("slug = ?", [slug]))
        return rows[0] if rows else None

    def identity(self, slug: str) -> Identity:
        row = self._identity_row(slug)
        if row is None:
            row = self._identity_by_handle(slug)
        if row is None:
            known = ", ".join(self.identity_slugs()) or "none registered yet"
            raise NotFoundError(f"no identity {slug!r}; registered identities: {known}")
        return self._load_identity(row)

    def _identity_by_handle(self, handle: str) -> dict[str, Any] | None:
        rows = self.db.execute(
            "select i.* from identities i join identity_handles h on h.identity_id = i.id "
            "where h.handle_key = ?",
            [normalize_handle(handle)],
        ).fetchall()
        if not rows:
            return None
        columns = ["id", "slug", "name", "bio", "created_at"]
        return dict(zip(columns, rows[0], strict=True))

    def identity_slugs(self) -> list[str]:
        return [str(r["slug"]) for r in self.db.table("identities").rows_where(order_by="slug")]

    def identities(self) -> list[Identity]:
        return [
            self._load_identity(r) for r in self.db.table("identities").rows_where(order_by="slug")
        ]

    def _load_identity(self, row: dict[str, Any]) -> Identity:
        identity_id = row["id"]
        handles = tuple(
            str(r["handle"])
            for r in self.db.table("identity_handles").rows_where(
                "identity_id = ?", [identity_id], order_by="rowid"
            )
        )
        photos = tuple(
            Photo(source=str(r["source"]), digest=str(r["digest"]))
            for r in self.db.table("identity_photos").rows_where(
                "identity_id = ?", [identity_id], order_by="position"
            )
        )
        own = tuple(
            AccountRef(str(r["platform"]), str(r["handle"]))
            for r in self.db.table("own_accounts").rows_where(
                "identity_id = ?", [identity_id], order_by="rowid"
            )
        )
        return Identity(
            slug=str(row["slug"]),
            name=str(row["name"]),
            handles=handles,
            photos=photos,
            own_accounts=own,
            bio=str(row["bio"] or ""),
        )

    def remove_identity(self, slug: str) -> Identity:
        """Delete an identity with its handles, own accounts, matches, and the features and bytes
        of its photos (those no other identity or profile still uses)."""
        identity = self.identity(slug)
        with self.transaction():
            row = self._identity_row(identity.slug)
            assert row is not None
            identity_id = row["id"]
            digests = [p.digest for p in identity.photos if p.digest]
            for table in ("identity_handles", "identity_photos", "own_accounts"):
                self.db.table(table).delete_where("identity_id = ?", [identity_id])
            self.db.table("matches").delete_where("identity_slug = ?", [identity.slug])
            self.db.table("identities").delete_where("id = ?", [identity_id])
            for digest in digests:
                if not self._digest_in_use(digest):
                    self.db.table("photos").delete_where("digest = ?", [digest])
                    self.db.table("photo_data").delete_where("digest = ?", [digest])
                    self.db.table("photo_crops").delete_where("digest = ?", [digest])
                    self.db.table("photo_sources").delete_where("digest = ?", [digest])
        return identity

    def _digest_in_use(self, digest: str) -> bool:
        used = self.db.execute(
            "select 1 from identity_photos where digest = ? "
            "union all select 1 from profiles where photo_digest = ? limit 1",
            [digest, digest],
        ).fetchone()
        return used is not None

    # --- photos --------------------------------------------------------------------------

    def save_photo(
        self, features: PhotoFeatures, data: bytes, thumbnail: bytes | None = None
    ) -> None:
        """Store a photo's features and original bytes (once per digest); thumbnails are
        usually made later, for the few photos a report shows (``save_thumbnail``)."""
        self.db.table("photos").upsert(
            {
                "digest": features.digest,
                "width": features.width,
                "height": features.height,
                "hashes": json.dumps(dict(features.hashes), sort_keys=True),
                "face_status": str(features.face_status),
                "faces": _faces_json(features.faces),
                "thumbnail": thumbnail,
                "analysed_at": _now(),
            },
            pk="digest",
        )
        self.db.table("photo_data").upsert({"digest": features.digest, "data": data}, pk="digest")

    def save_faces(self, digest: str, status: FaceStatus, faces: Sequence[Face]) -> None:
        self.db.table("photos").update(
            digest, {"face_status": str(status), "faces": _faces_json(faces)}
        )

    def has_photo(self, digest: str) -> bool:
        return (
            self.db.execute("select 1 from photos where digest = ?", [digest]).fetchone()
            is not None
        )

    def photo_features(self, digests: Iterable[str] | None = None) -> dict[str, PhotoFeatures]:
        """Features by digest: of the given digests, or of every stored photo."""
        columns = "digest, width, height, hashes, face_status, faces"
        if digests is None:
            cursor = self.db.execute(f"select {columns} from photos")
            return {row[0]: _features_from_row(row) for row in cursor}
        result: dict[str, PhotoFeatures] = {}
        for chunk, marks in _in_chunks(digests):
            cursor = self.db.execute(
                f"select {columns} from photos where digest in ({marks})", chunk
            )
            result.update({row[0]: _features_from_row(row) for row in cursor})
        return result

    def save_crops(self, digest: str, crops: Mapping[str, Mapping[str, str]]) -> None:
        payload = {label: dict(hashes) for label, hashes in crops.items()}
        self.db.table("photo_crops").upsert(
            {"digest": digest, "crops": json.dumps(payload, sort_keys=True)}, pk="digest"
        )

    def photo_crops(self, digests: Iterable[str]) -> dict[str, dict[str, dict[str, str]]]:
        """Crop hashes by digest, of those given digests that have them."""
        result: dict[str, dict[str, dict[str, str]]] = {}
        for chunk, marks in _in_chunks(digests):
            cursor = self.db.execute(
                f"select digest, crops from photo_crops where digest in ({marks})", chunk
            )
            result.update({row[0]: json.loads(row[1]) for row in cursor})
        return result

    def photo_data(self, digest: str) -> bytes | None:
        row = self.db.execute("select data from photo_data where digest = ?", [digest]).fetchone()
        return None if row is None else bytes(row[0])

    def save_photos(self, photos: Sequence[tuple[PhotoFeatures, bytes]]) -> None:
        """``save_photo`` for a block of new photos, in two statements (an import's hot path)."""
        now = _now()
        self.db.conn.executemany(
            "insert or replace into photos (digest, width, height, hashes, face_status, faces, "
            "thumbnail, analysed_at) values (?, ?, ?, ?, ?, ?, null, ?)",
            [
                (
                    f.digest,
                    f.width,
                    f.height,
                    json.dumps(dict(f.hashes), sort_keys=True),
                    str(f.face_status),
                    _faces_json(f.faces),
                    now,
                )
                for f, _ in photos
            ],
        )
        self.db.conn.executemany(
            "insert or replace into photo_data (digest, data) values (?, ?)",
            [(f.digest, data) for f, data in photos],
        )

    def record_sources(self, outcomes: Sequence[tuple[str, str | None, str | None]]) -> None:
        """``record_source`` for a block of (source, digest, error)."""
        now = _now()
        self.db.conn.executemany(
            "insert or replace into photo_sources (source, digest, error, fetched_at) "
            "values (?, ?, ?, ?)",
            [(source, digest, error, now) for source, digest, error in outcomes],
        )

    def save_thumbnail(self, digest: str, thumbnail: bytes) -> None:
        self.db.table("photos").update(digest, {"thumbnail": thumbnail})

    def thumbnails(self, digests: Iterable[str]) -> dict[str, bytes]:
        result: dict[str, bytes] = {}
        for digest in dict.fromkeys(digests):
            row = self.db.execute(
                "select thumbnail from photos where digest = ?", [digest]
            ).fetchone()
            if row is not None and row[0] is not None:
                result[digest] = bytes(row[0])
        return result

    def cached_source(self, source: str) -> tuple[str | None, str | None] | None:
        """(digest, error) of a photo source already fetched, or None if never tried."""
        row = self.db.execute(
            "select digest, error from photo_sources where source = ?", [source]
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def record_source(self, source: str, digest: str | None, error: str | None) -> None:
        self.db.table("photo_sources").upsert(
            {"source": source, "digest": digest, "error": error, "fetched_at": _now()},
            pk="source",
        )

    # --- profiles ------------------------------------------------------------------------

    def upsert_profiles(self, profiles: Iterable[Profile], source_file: str) -> UpsertCounts:
        """Insert new profiles and update changed ones, keyed by ``Profile.key``."""
        inserted = updated = unchanged = 0
        table = self.db.table("profiles")
        now = _now()
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
        for chunk, marks in _in_chunks(keys):
            for row in self.db.table("profiles").rows_where(f"key in ({marks})", chunk):
                yield _profile_from_row(row)

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

    # --- scans ---------------------------------------------------------------------------

    def start_scan(self, identity: str | None, config: dict[str, object]) -> int:
        table = self.db.table("scans")
        table.insert(
            {
                "started_at": _now(),
                "identity": identity,
                "config": json.dumps(config, sort_keys=True),
                "profiles": 0,
                "likely": 0,
                "possible": 0,
            }
        )
        return int(table.last_pk or 0)

    def finish_scan(self, scan_id: int, matches: Sequence[Match], profiles: int) -> None:
        """Record a scan's matches; the caller wraps start/finish in one transaction."""
        self.db.table("matches").insert_all(
            {
                "scan_id": scan_id,
                "identity_slug": m.identity.slug,
                "profile_key": m.profile.key,
                "score": round(m.score, 6),
                "verdict": str(m.verdict),
                "signals": json.dumps(
                    [
                        {
                            "kind": str(s.kind),
                            "value": s.value,
                            "strength": s.strength,
                            "detail": s.detail,
                            "evidence": list(s.evidence),
                        }
                        for s in m.signals
                    ],
                    ensure_ascii=False,
                ),
                "identity_photo": m.identity_photo,
                "notes": json.dumps(list(m.notes), ensure_ascii=False),
            }
            for m in matches
        )
        self.db.table("scans").update(
            scan_id,
            {
                "finished_at": _now(),
                "profiles": profiles,
                "likely": sum(1 for m in matches if m.verdict.rank == 2),
                "possible": sum(1 for m in matches if m.verdict.rank == 1),
            },
        )

    def scans(self) -> list[ScanRecord]:
        return [
            ScanRecord(
                id=int(r["id"]),
                started_at=str(r["started_at"]),
                finished_at=r["finished_at"],
                identity=r["identity"],
                profiles=int(r["profiles"] or 0),
                likely=int(r["likely"] or 0),
                possible=int(r["possible"] or 0),
            )
            for r in self.db.table("scans").rows_where(order_by="id")
        ]


# --- row <-> model ---------------------------------------------------------------------------


def _in_chunks(keys: Iterable[str], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """The distinct keys in chunks small enough for one ``in (...)`` list (SQLite limits the
    number of parameters of a statement), each with its ``?,?,...`` placeholders."""
    wanted = list(dict.fromkeys(keys))
    for start in range(0, len(wanted), size):
        chunk = wanted[start : start + size]
        yield chunk, ",".join("?" * len(chunk))


def _faces_json(faces: Sequence[Face]) -> str:
    return json.dumps(
        [
            {
                "box": [f.top, f.right, f.bottom, f.left],
                "encoding": [round(x, 7) for x in f.encoding],
            }
            for f in faces
        ]
    )


def _face_from_json(face: dict[str, Any]) -> Face:
    top, right, bottom, left = (int(v) for v in face["box"])
    return Face(top, right, bottom, left, tuple(float(v) for v in face["encoding"]))


def _features_from_row(row: Sequence[Any]) -> PhotoFeatures:
    digest, width, height, hashes, face_status, faces = row
    return PhotoFeatures(
        digest=str(digest),
        width=int(width),
        height=int(height),
        hashes=json.loads(hashes),
        face_status=FaceStatus(face_status),
        faces=tuple(_face_from_json(face) for face in json.loads(faces or "[]")),
    )


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
        "photo_source": photo.source if photo else None,
        "photo_digest": photo.digest if photo else None,
        "photo_error": photo.error if photo else None,
        "raw": json.dumps(profile.raw, ensure_ascii=False, sort_keys=True, default=str),
    }


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
        photo=photo,
        raw=json.loads(row["raw"] or "{}"),
    )
