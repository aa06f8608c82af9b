"""Team members of the web app: who may sign in, with which role, and how passwords are kept.

Passwords are hashed with argon2id (``argon2-cffi``'s ``PasswordHasher`` and its defaults, the
RFC 9106 low-memory profile); only the hash is stored. Signing in costs the same whether the
username exists or not: an unknown name is checked against a dummy hash, so the time taken does
not tell which names exist. A hash made with weaker parameters than the current defaults is
replaced on the next successful sign-in.

A signed-in browser holds a random session id; the store keeps only its SHA-256, with the
member and when it was last used. Every request looks it up again, so a session ends for good
when its member signs out, is disabled or removed, or gets a new password (all of that
member's sessions end), or when it has not been used for the session's lifetime. A copied
cookie is worth nothing after any of these, and one read from the database signs nobody in.

Roles, each including the one before it:

- ``viewer``: reads the queue, cases, identities, and runs checks;
- ``agent``: opens cases, assigns them, adds notes and changes their state;
- ``admin``: everything an agent can, and sees the team members.

Team members are managed from the CLI (``clonecheck users ...``), never from the web.
"""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from clonecheck.errors import InputError
from clonecheck.service import Service
from clonecheck.store import Store
from clonecheck.store import users as user_store

#: shortest password accepted
MIN_PASSWORD = 10
#: longest password accepted (argon2 takes any length; this bounds the work a form can ask for)
MAX_PASSWORD = 1024
USERNAME_RULE = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")
#: ``settings`` row holding the secret that signs session cookies
SESSION_SECRET = "session_secret"


class Role(enum.StrEnum):
    """What a team member may do; each role includes the ones before it."""

    VIEWER = "viewer"
    AGENT = "agent"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        """Whether this role may do what ``needed`` may."""
        return self.rank >= needed.rank


@dataclass(frozen=True, slots=True)
class User:
    """A team member as the app sees them; the password hash stays in the store."""

    username: str
    role: Role
    created_at: str
    disabled: bool


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash no password matches, checked when the username is unknown (same cost)."""
    return _hasher().hash(secrets.token_urlsafe(32))


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().casefold())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InputError(f"unknown role {text!r}; use one of {choices}") from None


def check_username(username: str) -> str:
    name = username.strip()
    if not USERNAME_RULE.fullmatch(name):
        raise InputError(
            f"username {username!r} is not usable: 1 to 32 lowercase letters, digits, '.', '_' "
            "or '-', starting with a letter or digit"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"the password is too long: use at most {MAX_PASSWORD} characters")
    if password != password.strip():
        raise InputError("the password starts or ends with a space; remove it")
    return password


def _user(row: user_store.UserRow) -> User:
    return User(
        username=row.username,
        role=Role(row.role),
        created_at=row.created_at,
        disabled=row.disabled,
    )


def _session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass
class UserService:
    """Team members over the store of one ``Service``."""

    service: Service

    @property
    def store(self) -> Store:
        # the secrets file is attached before any transaction opens (SQLite cannot attach
        # inside one)
        user_store.ensure_user_tables(self.service.store)
        return self.service.store

    def add(self, username: str, password: str, role: Role | str) -> User:
        """Add a team member; the password is hashed with argon2id and never stored."""
        name = check_username(username)
        wanted = role if isinstance(role, Role) else parse_role(role)
        digest = _hasher().hash(check_password(password))
        return _user(user_store.add_user(self.store, name, digest, str(wanted)))

    def get(self, username: str) -> User:
        return _user(user_store.get_user(self.store, username.strip()))

    def find(self, username: str) -> User | None:
        row = user_store.find_user(self.store, username.strip())
        return _user(row) if row else None

    def list_users(self) -> list[User]:
        return [_user(row) for row in user_store.list_users(self.store)]

    def count(self, *, enabled_only: bool = True) -> int:
        return user_store.count_users(self.store, enabled_only=enabled_only)

    def set_role(self, username: str, role: Role | str) -> User:
        wanted = role if isinstance(role, Role) else parse_role(role)
        return _user(user_store.update_user(self.store, username.strip(), role=str(wanted)))

    def set_password(self, username: str, password: str) -> User:
        """A new password; every session of the member ends."""
        digest = _hasher().hash(check_password(password))
        name = username.strip()
        with self.store.transaction():
            row = user_store.update_user(self.store, name, password_hash=digest)
            user_store.delete_sessions(self.store, name)
        return _user(row)

    def set_disabled(self, username: str, disabled: bool) -> User:
        """Disable (or enable again) a team member: a disabled one cannot sign in, and every
        session of theirs ends (enabling them again does not bring those back)."""
        name = username.strip()
        with self.store.transaction():
            row = user_store.update_user(self.store, name, disabled=int(disabled))
            if disabled:
                user_store.delete_sessions(self.store, name)
        return _user(row)

    def remove(self, username: str) -> User:
        """Remove a team member and end their sessions; their name stays in the case logs."""
        return _user(user_store.remove_user(self.store, username.strip()))

    def authenticate(self, username: str, password: str) -> User | None:
        """The team member when the password is theirs and they are not disabled, else None.

        Takes one argon2 verification whatever the outcome, so an unknown name, a disabled
        member and a wrong password cannot be told apart by time."""
        row = user_store.find_user(self.store, username.strip()) if username.strip() else None
        stored = row.password_hash if row is not None else _dummy_hash()
        hasher = _hasher()
        try:
            hasher.verify(stored, password[: MAX_PASSWORD + 1])
        except (VerificationError, InvalidHashError):
            return None
        if row is None or row.disabled:
            return None
        if hasher.check_needs_rehash(stored):
            updated = user_store.update_user(
                self.store, row.username, password_hash=hasher.hash(password)
            )
            return _user(updated)
        return _user(row)

    def start_session(self, user: User, *, lifetime_s: float) -> str:
        """A new session for ``user``: its random id, for the browser's cookie only. Sessions
        unused for ``lifetime_s`` are forgotten on the way."""
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        with self.store.transaction():
            user_store.delete_idle_sessions(self.store, now - lifetime_s)
            user_store.add_session(self.store, _session_hash(session_id), user.username, now)
        return session_id

    def session_user(self, session_id: str, *, lifetime_s: float) -> User | None:
        """The member signed in with ``session_id``, or None when that session was ended, has
        not been used for ``lifetime_s``, or its member is gone or disabled."""
        id_hash = _session_hash(session_id)
        found = user_store.find_session(self.store, id_hash)
        if found is None:
            return None
        now = time.time()
        row = user_store.find_user(self.store, found.username)
        if found.last_seen < now - lifetime_s or row is None or row.disabled:
            user_store.delete_session(self.store, id_hash)
            return None
        # written at most once a minute: a page view need not always write to the database
        if now - found.last_seen > 60:
            user_store.touch_session(self.store, id_hash, now)
        return _user(row)

    def end_session(self, session_id: str) -> None:
        """Sign one browser out: its session id is no longer accepted, from any copy."""
        user_store.delete_session(self.store, _session_hash(session_id))

    def session_secret(self) -> str:
        """The secret that signs session cookies: made once and kept in the store, so a
        restarted server keeps everyone signed in."""
        return user_store.setting_or_default(self.store, SESSION_SECRET, secrets.token_urlsafe(48))
