"""The connection under a store: opening the file, pragmas, transactions, the schema and its
migrations.

``Connection`` is the base of every row class (``IdentityRows``, ``PhotoRows``, ...): each of
them reaches SQLite through the ``db`` attribute and ``transaction()`` defined here, and
``Store`` (``store/db.py``) is all of them at once. The schema lives here, whole, rather than
table by table in the row modules, because a migration creates every missing table in one
transaction and bumps one ``user_version`` for the file.

The connection is the standard library's ``sqlite3`` (``conn``); sqlite-utils' ``Database``
(``db``: its table API, for creating tables, inserts and upserts) is made over the same
connection the first time a row class asks for it. Importing sqlite-utils imports numpy (0.25 s
of CPU with bytecode caches, twice that without: more than the rest of a case command), and a
command that only reads and writes cases (``store/cases.py``, plain SQL over ``conn``) needs
neither: opening a file whose schema is current touches ``conn`` only.

Over the project's 400-line guide on purpose, for that reason: the schema and every
migration step are one history.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Self

from clonecheck.errors import StoreError

if TYPE_CHECKING:  # imported by ``Connection.db`` when first used (start-up: numpy)
    import sqlite_utils

#: 2 added ``photo_crops``; every table is created if missing, so older files upgrade in place.
#: 3 added the profile columns ``posts``, ``verified`` and ``default_photo`` (account evidence),
#: added to an older file's table in place; its rows keep NULL (unknown) until re-imported.
#: 4 added ``activity`` (the long jobs running now, for writers that wait) and the scan
#: columns ``status`` and ``pid`` (a scan killed mid-way is told from a finished one)
#: 5 declared the links a reader of the file follows (``links.py``: matches and cases to
#: profiles and people, profiles to photos; older tables rebuilt), added the views of common
#: questions, made the case tables part of the schema, and moved the web app's users,
#: sessions and secret out to a file of their own (``team.py``)
SCHEMA_VERSION = 5

#: profile columns added after schema 1, with their types, for files that predate them
ADDED_PROFILE_COLUMNS: dict[str, type] = {"posts": int, "verified": int, "default_photo": int}
#: scan columns added in schema 4
ADDED_SCAN_COLUMNS: dict[str, type] = {"status": str, "pid": int}

#: how long a writer waits for another one to finish, in seconds, unless the environment
#: variable ``CLONECHECK_LOCK_WAIT`` (or ``Connection.open(wait=...)``) says otherwise
DEFAULT_LOCK_WAIT = 300.0
LOCK_WAIT_ENV = "CLONECHECK_LOCK_WAIT"
#: the first try for the write lock waits this long (ms) before the wait is announced
_FIRST_TRY_MS = 250
#: later tries each wait this long (ms) inside SQLite before the deadline is checked again
_RETRY_MS = 1000


#: the tables whose changes each counter of ``changes`` counts
_COUNTED: dict[str, tuple[str, ...]] = {
    "identities": ("identities", "identity_handles", "identity_photos", "own_accounts"),
    "profiles": ("profiles",),
}
#: updates that count (a profile's follower count changing alters no name statistics)
_UPDATES = {
    "profiles": "update of platform, handle, name on profiles when old.platform is not "
    "new.platform or old.handle is not new.handle or old.name is not new.name"
}


def lock_wait_from_env() -> float:
    """The writer's wait bound: ``CLONECHECK_LOCK_WAIT`` seconds, else the default."""
    text = os.environ.get(LOCK_WAIT_ENV, "").strip()
    if not text:
        return DEFAULT_LOCK_WAIT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 86400:
        raise StoreError(f"{LOCK_WAIT_ENV}={text!r} is not a number of seconds (0 to 86399)")
    return value


def _stderr_notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error)
    return "database is locked" in text or "database is busy" in text


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Connection:
    """An open clonecheck database file (or in-memory database) with its schema up to date."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path | None, wait: float = DEFAULT_LOCK_WAIT
    ) -> None:
        #: the SQLite connection; a write through it belongs inside ``transaction()``
        self.conn = conn
        self.path = path
        #: seconds a writer waits for another writer before giving up with a StoreError
        self.wait = wait
        #: where "waiting for ..." goes; the web app or a test may point it elsewhere
        self.notice: Callable[[str], None] = _stderr_notice

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over ``conn``, for the row classes that use its table API; made on
        first use, so that a command that never asks for it never imports it (nor numpy)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, wait: float | None = None) -> Self:
        """Open (creating if needed) the store at ``path``, migrating an older schema.

        A writer that meets another one waits up to ``wait`` seconds (default: the
        ``CLONECHECK_LOCK_WAIT`` environment variable, else 300), saying once what it waits
        for, then fails with a ``StoreError``; readers never wait (WAL)."""
        bound = lock_wait_from_env() if wait is None else wait
        target = Path(path)
        if target.exists() and target.is_dir():
            raise StoreError(f"database {target} is a directory; pass a file path with --db")
        if not target.parent.exists():
            raise StoreError(
                f"cannot create database {target}: folder {target.parent} does not exist"
            )
        try:
            # a statement outside ``transaction()`` waits the whole bound inside SQLite
            conn = sqlite3.connect(str(target), timeout=bound)
            store = cls(conn, target, bound)
            store._pragmas()
            store._wal()
            conn.execute("PRAGMA synchronous=NORMAL")
            store._migrate()
            store._count_changes()
        except sqlite3.DatabaseError as error:
            raise StoreError(
                f"{target} is not a usable clonecheck database ({error}); "
                "pass another file with --db"
            ) from None
        return store

    @classmethod
    def memory(cls) -> Self:
        """An in-memory store, for ``check`` runs that must not touch the disk and for tests."""
        store = cls(sqlite3.connect(":memory:"), None)
        store._pragmas()
        store._migrate()
        store._count_changes()
        return store

    def _pragmas(self) -> None:
        """The settings of every connection, to a file or in memory."""
        self.conn.execute("PRAGMA foreign_keys=ON")
        # deleted rows are zeroed, not left in free pages (a removed person's data)
        self.conn.execute("PRAGMA secure_delete=ON")
        # sqlite-utils sets this when it wraps a connection; set here, the connection behaves
        # the same whether or not ``db`` is ever made (a REPLACE fires the delete triggers)
        self.conn.execute("PRAGMA recursive_triggers=on")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: commits on success, rolls back everything on any exception."""
        conn = self.conn
        if conn.in_transaction:
            yield
            return
        self._begin_immediate()
        try:
            yield
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def _wal(self) -> None:
        """WAL mode (readers never wait for a writer). Switching a new file to it needs the
        lock for a moment, so it waits like any writer; an existing WAL file needs nothing."""
        mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            self._wait_for_lock(lambda: self.conn.execute("PRAGMA journal_mode=WAL"))

    def _begin_immediate(self) -> None:
        conn = self.conn
        self._wait_for_lock(lambda: conn.execute("BEGIN IMMEDIATE"))

    def _wait_for_lock(self, attempt: Callable[[], object]) -> None:
        """Run ``attempt`` (a statement that takes the write lock), waiting while another
        writer holds it: first briefly and silently, then saying once who holds it, up to
        ``wait`` seconds; then a one-line ``StoreError``."""
        conn = self.conn
        deadline = time.monotonic() + self.wait
        slice_ms = min(_FIRST_TRY_MS, int(self.wait * 1000))
        told = False
        try:
            while True:
                conn.execute(f"PRAGMA busy_timeout = {slice_ms}")
                try:
                    attempt()
                    return
                except sqlite3.OperationalError as error:
                    if not _is_busy(error):
                        raise
                remaining = deadline - time.monotonic()
                holder = self.busy_with()
                if remaining <= 0:
                    where = f" {self.path}" if self.path else ""
                    raise StoreError(
                        f"the database{where} is busy with {holder}; gave up after "
                        f"{self.wait:g} s: try again when it has finished, or wait longer "
                        f"with {LOCK_WAIT_ENV}=SECONDS"
                    ) from None
                if not told:
                    self.notice(f"waiting for {holder} (up to {self.wait:g} s)…")
                    told = True
                slice_ms = max(1, min(_RETRY_MS, int(remaining * 1000)))
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self.wait * 1000)}")

    # --- change counters: what a process built from the registry is still valid ----------

    def change_counts(self) -> tuple[int, int]:
        """(registry changes, profile name changes) so far, by any process: while both stay
        the same, the identities (with their handles, photos and own accounts) and the
        profiles' names are what they were, and what was built from them still holds."""
        counts = dict(self.conn.execute("select kind, n from changes").fetchall())
        return int(counts.get("identities", 0)), int(counts.get("profiles", 0))

    def _count_changes(self) -> None:
        """The ``changes`` counters and the triggers that bump them (in the writer's own
        transaction), created on the first open that misses them: they are no part of the
        numbered schema, and a table rebuilt by a migration loses its triggers."""
        present = self.conn.execute(
            "select count(*) from sqlite_master where type = 'trigger' and name like 'changes_%'"
        ).fetchone()[0]
        triggers = [
            (f"changes_{table}_{event.split()[0]}", event, kind)
            for kind, tables in _COUNTED.items()
            for table in tables
            for event in (
                f"insert on {table}",
                f"delete on {table}",
                _UPDATES.get(table, f"update on {table}"),
            )
        ]
        if present == len(triggers):
            return
        with self.transaction():
            self.conn.execute(
                "create table if not exists changes (kind text primary key, n integer not null)"
            )
            self.conn.execute(
                "insert or ignore into changes (kind, n) values ('identities', 0), ('profiles', 0)"
            )
            for name, event, kind in triggers:
                self.conn.execute(
                    f"create trigger if not exists {name} after {event} "
                    f"begin update changes set n = n + 1 where kind = '{kind}'; end"
                )

    # --- long jobs: who holds the database, for the writers that wait ---------------------

    @contextmanager
    def activity(self, what: str) -> Iterator[int]:
        """Record a long job (``what``: "scan", "import of x.csv") as running, in its own
        committed row, for as long as the block runs: a writer that has to wait names it."""
        with self.transaction():
            table = self.db.table("activity")
            table.insert(
                {
                    "what": what,
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "started_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                }
            )
            row_id = int(table.last_pk or 0)
        try:
            yield row_id
        finally:
            with self.transaction():
                self.db.execute("delete from activity where id = ?", [row_id])

    def running(self) -> list[tuple[str, int, str]]:
        """The long jobs running now, oldest first: (what, pid, started_at). A job whose
        process is gone (killed) on this host is left out."""
        if "activity" not in self.db.table_names():
            return []
        here = socket.gethostname()
        rows = self.db.execute(
            "select what, pid, host, started_at from activity order by id"
        ).fetchall()
        return [
            (str(what), int(pid), str(started))
            for what, pid, host, started in rows
            if host != here or _pid_alive(int(pid))
        ]

    def busy_with(self) -> str:
        """Who holds the write lock, as a waiting writer says it: "the scan that started at
        10:41:07 (pid 123)", or "another writer" when no long job is recorded."""
        jobs = self.running()
        if not jobs:
            return "another writer"
        what, pid, started = jobs[0]
        clock = started[11:19] if len(started) >= 19 else started
        return f"the {what} that started at {clock} (pid {pid})"

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"database schema {version} is newer than this clonecheck understands "
                f"({SCHEMA_VERSION}); upgrade clonecheck"
            )
        if version == SCHEMA_VERSION:
            return
        # a migration creates and rebuilds tables with sqlite-utils' table API
        from clonecheck.store import links, team

        if version == 0 and self.db.table_names() and "identities" not in self.db.table_names():
            raise StoreError(
                f"{self.path} already holds other tables and is not a clonecheck database; "
                "pass another file with --db"
            )
        # the web app's tables of an older file move out to its secrets file, attached
        # first: SQLite cannot attach inside a transaction
        moving = team.left_in_data_file(self.db)
        if moving:
            team.attach(self.db, self.path)
        with self.transaction():
            self._create_tables()
            profiles = self.db.table("profiles")
            for column, kind in ADDED_PROFILE_COLUMNS.items():
                if column not in profiles.columns_dict:
                    profiles.add_column(column, kind)
            scans = self.db.table("scans")
            for column, kind in ADDED_SCAN_COLUMNS.items():
                if column not in scans.columns_dict:
                    scans.add_column(column, kind)
            links.create_case_tables(self.db)
            links.declare_links(self.db)
            if moving:
                team.move_out(self.db)
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
                **ADDED_SCAN_COLUMNS,
            },
            pk="id",
            if_not_exists=True,
        )
        # the long jobs running now (``activity()``): one committed row each, while they run
        db.table("activity").create(
            {"id": int, "what": str, "pid": int, "host": str, "started_at": str},
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
