"""The connection under a store: opening the file, pragmas, transactions, the schema and its
migrations.

``Connection`` is the base of every row class (``IdentityRows``, ``PhotoRows``, ...): each of
them reaches SQLite through the ``db`` attribute and ``transaction()`` defined here, and
``Store`` (``store/db.py``) is all of them at once. The schema lives here, whole, rather than
table by table in the row modules, because a migration creates every missing table in one
transaction and bumps one ``user_version`` for the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

import sqlite_utils

from clonecheck.errors import StoreError

#: 2 added ``photo_crops``; every table is created if missing, so older files upgrade in place.
#: 3 added the profile columns ``posts``, ``verified`` and ``default_photo`` (account evidence),
#: added to an older file's table in place; its rows keep NULL (unknown) until re-imported
SCHEMA_VERSION = 3

#: profile columns added after schema 1, with their types, for files that predate them
ADDED_PROFILE_COLUMNS: dict[str, type] = {"posts": int, "verified": int, "default_photo": int}


class Connection:
    """An open clonecheck database file (or in-memory database) with its schema up to date."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None) -> None:
        self.db = db
        self.path = path

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str) -> Self:
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
    def memory(cls) -> Self:
        """An in-memory store, for ``check`` runs that must not touch the disk and for tests."""
        store = cls(sqlite_utils.Database(memory=True), None)
        store.db.execute("PRAGMA foreign_keys=ON")
        store._migrate()
        return store

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
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
            profiles = self.db.table("profiles")
            for column, kind in ADDED_PROFILE_COLUMNS.items():
                if column not in profiles.columns_dict:
                    profiles.add_column(column, kind)
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
                **ADDED_PROFILE_COLUMNS,
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
