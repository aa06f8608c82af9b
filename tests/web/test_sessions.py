"""Sessions end on the server: a copy of a session cookie stops working when its member signs
out, gets a new password, or is disabled or removed, and the store never holds a usable
session id. Against the real app and a real SQLite file."""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from starlette.testclient import TestClient
from web_helpers import sign_in

from clonecheck.service import Service
from clonecheck.service.users import UserService
from clonecheck.store import Store
from clonecheck.store.team import secrets_path

COOKIE = "clonecheck_session"


def replay(client: TestClient, cookie: str, token: str) -> tuple[int, str, int]:
    """A request with a copied cookie: the queue's status and redirect, and a note's status."""
    client.cookies.clear()
    client.cookies.set(COOKIE, cookie)
    page = client.get("/")
    client.cookies.clear()
    client.cookies.set(COOKIE, cookie)
    note = client.post("/cases/1/note", data={"note": "replayed", "csrf_token": token})
    return page.status_code, page.headers.get("location", ""), note.status_code


def change(db: Path, work: Callable[[UserService], object]) -> None:
    """``work`` on the team members, as `clonecheck users ...` does it, from outside the app."""
    with Store.open(db) as store:
        work(UserService(Service(store)))


def test_a_cookie_copied_before_sign_out_is_refused_after(client: TestClient) -> None:
    """Signing out ends the session on the server: the cookie copied before it is sent to
    sign-in for a page and refused (401) for a form."""
    token = sign_in(client, "ana")
    copied = client.cookies[COOKIE]
    assert replay(client, copied, token)[0] == 200
    client.cookies.set(COOKIE, copied)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert replay(client, copied, token) == (303, "/login?next=%2F", 401)


def test_a_new_password_ends_every_session(client: TestClient, db: Path) -> None:
    """A password change ends every session of that member, in every browser; other members
    stay signed in."""
    token = sign_in(client, "ana")
    copied = client.cookies[COOKIE]
    with TestClient(client.app, follow_redirects=False) as other:
        sign_in(other, "vic")
        change(db, lambda users: users.set_password("ana", "a-new-password-2"))
        assert other.get("/").status_code == 200
    assert replay(client, copied, token)[::2] == (303, 401)


def test_disabling_ends_sessions_for_good(client: TestClient, db: Path) -> None:
    """Disabling a member ends their sessions: enabling them again does not bring a copied
    cookie back to life."""
    token = sign_in(client, "ana")
    copied = client.cookies[COOKIE]
    change(db, lambda users: users.set_disabled("ana", True))
    assert replay(client, copied, token)[::2] == (303, 401)
    change(db, lambda users: users.set_disabled("ana", False))
    assert replay(client, copied, token)[::2] == (303, 401)


def test_removing_and_adding_a_member_again_ends_the_old_sessions(
    client: TestClient, db: Path
) -> None:
    """A removed member's session does not sign in a new member of the same name."""
    token = sign_in(client, "ana")
    copied = client.cookies[COOKIE]
    change(db, lambda users: users.remove("ana"))
    change(db, lambda users: users.add("ana", "ana-password-1", "agent"))
    assert replay(client, copied, token)[::2] == (303, 401)


def test_the_store_keeps_no_usable_session_id(client: TestClient, db: Path) -> None:
    """The cookie's session id is stored only as its SHA-256: reading the database does not
    give anyone a session."""
    sign_in(client, "ana")
    payload = client.cookies[COOKIE].split(".")[0]
    session = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
    session_id = session["sid"]
    secrets = secrets_path(db)
    with sqlite3.connect(secrets) as conn:
        rows = conn.execute("select id_hash, username from sessions").fetchall()
    assert rows == [(hashlib.sha256(session_id.encode()).hexdigest(), "ana")]
    for path in (db, secrets):
        assert session_id.encode() not in path.read_bytes()
        wal = path.with_name(path.name + "-wal")
        assert not wal.exists() or session_id.encode() not in wal.read_bytes()
