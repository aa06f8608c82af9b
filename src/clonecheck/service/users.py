"""Team members of the web app: who may sign in, with which role, and how passwords are kept.

Passwords are hashed with argon2id (``argon2-cffi``'s ``PasswordHasher`` and its defaults, the
RFC 9106 low-memory profile); only the hash is stored. Signing in costs the same whether the
username exists or not: an unknown name is checked against a dummy hash, so the time taken does
not tell which names exist. A hash made with weaker parameters than the current defaults is
replaced on the next successful sign-in.

Roles, each including the one before it:

- ``viewer``: reads the queue, cases, identities, and runs checks;
- ``agent``: opens cases, assigns them, adds notes and changes their state;
- ``admin``: everything an agent can, and sees the team members.

Team members are managed from the CLI (``clonecheck users ...``), never from the web.
"""

from __future__ import annotations

import enum
import re
import secrets
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
    #: changes whenever the password does; a session remembers it, so changing a password
    #: signs out every session made with the old one
    password_stamp: str


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
        password_stamp=_stamp(row.password_hash),
    )


def _stamp(password_hash: str) -> str:
    # the hash's salt and digest are unique to each password change; 16 characters of its
    # tail tell two hashes apart without putting the hash itself in a cookie
    return password_hash[-16:]


@dataclass
class UserService:
    """Team members over the store of one ``Service``."""

    service: Service

    @property
    def store(self) -> Store:
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
        """A new password; sessions signed in with the old one end."""
        digest = _hasher().hash(check_password(password))
        return _user(user_store.update_user(self.store, username.strip(), password_hash=digest))

    def set_disabled(self, username: str, disabled: bool) -> User:
        """Disable (or enable again) a team member: a disabled one cannot sign in, and their
        open sessions end at their next request."""
        return _user(user_store.update_user(self.store, username.strip(), disabled=int(disabled)))

    def remove(self, username: str) -> User:
        """Remove a team member; their name stays in the case logs."""
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

    def session_secret(self) -> str:
        """The secret that signs session cookies: made once and kept in the store, so a
        restarted server keeps everyone signed in."""
        return user_store.setting_or_default(self.store, SESSION_SECRET, secrets.token_urlsafe(48))
