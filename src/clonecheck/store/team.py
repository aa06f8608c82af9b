"""The web app's own file, beside the data file: its team members (password hashes), their
sessions and the secret that signs session cookies. ``clonecheck.db`` is meant to be shared
(``datasette clonecheck.db``, a copy for a colleague); ``clonecheck.secrets.db`` never is.
It is made readable by its owner only (0600), and attached to the data file's connection as
the schema ``team`` only when the users are needed, so its tables are ``team.users``,
``team.sessions`` and ``team.settings``.

A data file from before schema 5 kept those tables itself: their rows move to the secrets
file and the tables leave the data file (``move_out``), the first time the file is opened.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the callers hand in their store's ``db``; importing it costs numpy
    import sqlite_utils

#: the name the secrets file is attached under
SCHEMA = "team"
#: the web app's tables, which live in the secrets file
TEAM_TABLES = ("users", "settings", "sessions")

_DDL = (
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.users (
        username TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        created_at TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0)""",
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL)""",
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.sessions (
        id_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL,
        created_at FLOAT NOT NULL,
        last_seen FLOAT NOT NULL)""",
    f"CREATE INDEX IF NOT EXISTS {SCHEMA}.idx_sessions_username ON sessions (username)",
)


def secrets_path(data_path: Path) -> Path:
    """Where the web app's secrets for ``data_path`` live: ``clonecheck.db`` ->
    ``clonecheck.secrets.db``, in the same folder."""
    return data_path.with_name(f"{data_path.stem}.secrets.db")


def is_attached(db: sqlite_utils.Database) -> bool:
    return any(row[1] == SCHEMA for row in db.execute("PRAGMA database_list").fetchall())


def attach(db: sqlite_utils.Database, data_path: Path | None) -> None:
    """Attach the secrets file of ``data_path`` (made 0600 when new; an in-memory one for an
    in-memory store). Must run outside a transaction (SQLite cannot attach inside one)."""
    if is_attached(db):
        return
    if data_path is None:
        db.execute(f"ATTACH DATABASE ':memory:' AS {SCHEMA}")
        return
    path = secrets_path(data_path)
    # created by us, with the owner's permissions only, before SQLite opens it; SQLite gives
    # its -wal and -shm files the same permissions
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(descriptor)
    db.execute(f"ATTACH DATABASE ? AS {SCHEMA}", [str(path)])
    db.execute(f"PRAGMA {SCHEMA}.journal_mode=WAL")


def create_tables(db: sqlite_utils.Database) -> None:
    """The web app's tables in the attached secrets file, if missing."""
    for statement in _DDL:
        db.execute(statement)


def left_in_data_file(db: sqlite_utils.Database) -> list[str]:
    """The web app's tables an older data file still holds."""
    present = set(db.table_names())
    return [table for table in TEAM_TABLES if table in present]


def move_out(db: sqlite_utils.Database) -> None:
    """Copy the rows of the web app's tables left in the data file into the attached secrets
    file (rows already there win), then drop them from the data file. Runs in a transaction;
    run again after a crash half-way, it finishes the move."""
    create_tables(db)
    for table in left_in_data_file(db):
        columns = [c for c in db.table(table).columns_dict if c]
        names = ", ".join(f'"{c}"' for c in columns)
        db.execute(
            f'INSERT OR IGNORE INTO {SCHEMA}."{table}" ({names}) SELECT {names} FROM main."{table}"'
        )
        db.execute(f'DROP TABLE main."{table}"')
