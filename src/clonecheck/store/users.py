"""Team members of the web app and the app's own settings, in the web app's secrets file.

``users`` holds one row per team member: the username, the argon2 hash of the password (never
the password), the role, when the account was made, and whether it is disabled. ``settings``
holds named values the web app keeps between restarts (the session-signing secret).
``sessions`` holds one row per signed-in browser: the SHA-256 of its random session id (the id
itself is only in the browser's cookie, so reading this table signs nobody in), the member, and
when it was made and last used; deleting a row ends that session. They live in a file of their
own beside the data file (``team.py``: ``clonecheck.secrets.db``, mode 0600), attached on first
use (``ensure_user_tables``) as the schema ``team``, so that sharing the data file never
shares the keys.

The rules (who may have which role, how passwords are hashed and checked) live in
``clonecheck.service.users``; this module only records.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from clonecheck.errors import DuplicateError, NotFoundError
from clonecheck.store import Store, team

#: stores whose user tables are known to exist, so ``ensure_user_tables`` runs its DDL once
_READY: weakref.WeakSet[Store] = weakref.WeakSet()


@dataclass(frozen=True, slots=True)
class UserRow:
    """One team member as stored; ``role`` is the role's name."""

    username: str
    password_hash: str
    role: str
    created_at: str
    disabled: bool


def ensure_user_tables(store: Store) -> None:
    """Attach the secrets file and create its tables if they are missing. Call it outside a
    transaction the first time (``UserService`` does): SQLite cannot attach inside one."""
    if store in _READY and team.is_attached(store.db):
        return
    team.attach(store.db, store.path)
    with store.transaction():
        # a data file left with the tables (opened by an older clonecheck since) moves them
        team.move_out(store.db)
    _READY.add(store)


#: the columns ``update_user`` may change
_CHANGEABLE = frozenset({"password_hash", "role", "disabled"})


def _dicts(store: Store, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = store.db.execute(sql, list(args))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _row(row: Mapping[str, Any]) -> UserRow:
    return UserRow(
        username=str(row["username"]),
        password_hash=str(row["password_hash"]),
        role=str(row["role"]),
        created_at=str(row["created_at"]),
        disabled=bool(row["disabled"]),
    )


def add_user(store: Store, username: str, password_hash: str, role: str) -> UserRow:
    """Insert a team member; DuplicateError when the username is taken."""
    ensure_user_tables(store)
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        with store.transaction():
            store.db.execute(
                "insert into team.users (username, password_hash, role, created_at, disabled) "
                "values (?, ?, ?, ?, 0)",
                [username, password_hash, role, created_at],
            )
    except sqlite3.IntegrityError:
        raise DuplicateError(
            f"user {username!r} already exists; change it with `clonecheck users role` or "
            "`clonecheck users passwd`"
        ) from None
    return UserRow(username, password_hash, role, created_at, False)


def find_user(store: Store, username: str) -> UserRow | None:
    """The team member, or None."""
    ensure_user_tables(store)
    rows = _dicts(store, "select * from team.users where username = ?", [username])
    return _row(rows[0]) if rows else None


def get_user(store: Store, username: str) -> UserRow:
    """The team member; NotFoundError says how to list them."""
    found = find_user(store, username)
    if found is None:
        raise NotFoundError(f"no user {username!r}; list them with `clonecheck users list`")
    return found


def list_users(store: Store) -> list[UserRow]:
    """Every team member, by username."""
    ensure_user_tables(store)
    return [_row(r) for r in _dicts(store, "select * from team.users order by username")]


def count_users(store: Store, *, enabled_only: bool = False) -> int:
    ensure_user_tables(store)
    where = " where disabled = 0" if enabled_only else ""
    return int(store.db.execute(f"select count(*) from team.users{where}").fetchone()[0])


def update_user(store: Store, username: str, **changes: Any) -> UserRow:
    """Change columns of one team member (``password_hash``, ``role``, ``disabled``)."""
    get_user(store, username)
    with store.transaction():
        assignments = ", ".join(f'"{column}" = ?' for column in changes if column in _CHANGEABLE)
        values = [v for column, v in changes.items() if column in _CHANGEABLE]
        store.db.execute(
            f"update team.users set {assignments} where username = ?", [*values, username]
        )
    return get_user(store, username)


def remove_user(store: Store, username: str) -> UserRow:
    """Delete one team member; their name stays in the case logs, which are append-only."""
    found = get_user(store, username)
    with store.transaction():
        store.db.execute("delete from team.users where username = ?", [username])
        store.db.execute("delete from team.sessions where username = ?", [username])
    return found


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One signed-in browser; times are Unix seconds."""

    username: str
    created_at: float
    last_seen: float


def add_session(store: Store, id_hash: str, username: str, now: float) -> None:
    ensure_user_tables(store)
    with store.transaction():
        store.db.execute(
            "insert into team.sessions (id_hash, username, created_at, last_seen) "
            "values (?, ?, ?, ?)",
            [id_hash, username, now, now],
        )


def find_session(store: Store, id_hash: str) -> SessionRow | None:
    ensure_user_tables(store)
    rows = _dicts(store, "select * from team.sessions where id_hash = ?", [id_hash])
    if not rows:
        return None
    row = rows[0]
    return SessionRow(str(row["username"]), float(row["created_at"]), float(row["last_seen"]))


def touch_session(store: Store, id_hash: str, now: float) -> None:
    ensure_user_tables(store)
    with store.transaction():
        store.db.execute("update team.sessions set last_seen = ? where id_hash = ?", [now, id_hash])


def delete_session(store: Store, id_hash: str) -> None:
    ensure_user_tables(store)
    with store.transaction():
        store.db.execute("delete from team.sessions where id_hash = ?", [id_hash])


def delete_sessions(store: Store, username: str) -> int:
    """End every session of one team member; returns how many there were."""
    ensure_user_tables(store)
    with store.transaction():
        cursor = store.db.execute("delete from team.sessions where username = ?", [username])
    return int(cursor.rowcount)


def delete_idle_sessions(store: Store, unused_since: float) -> None:
    """Forget the sessions last used before ``unused_since`` (they can no longer be used)."""
    ensure_user_tables(store)
    with store.transaction():
        store.db.execute("delete from team.sessions where last_seen < ?", [unused_since])


def get_setting(store: Store, name: str) -> str | None:
    ensure_user_tables(store)
    rows = _dicts(store, "select value from team.settings where name = ?", [name])
    return str(rows[0]["value"]) if rows else None


def setting_or_default(store: Store, name: str, default: str) -> str:
    """The stored value of ``name``; stores ``default`` first when there is none, so two
    processes starting at once agree on one value."""
    ensure_user_tables(store)
    with store.transaction():
        store.db.execute(
            "insert or ignore into team.settings (name, value) values (?, ?)", [name, default]
        )
    value = get_setting(store, name)
    assert value is not None
    return value
