"""Helpers and fixtures of the web app's tests (``conftest.py`` makes the fixtures available):
a real SQLite store with Eileen Collins registered, the demo crawl imported and scanned (its
other matches await triage in the inbox), one open case and three team members (one per role),
and the real app over it.

The store is built once per session and copied for each test, so every test starts from the
same state and may change it freely.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.testclient import TestClient

from clonecheck.service import Service
from clonecheck.service.cases import CaseService
from clonecheck.service.users import UserService
from clonecheck.store import Store
from clonecheck.store.team import secrets_path
from clonecheck.web import create_app
from clonecheck.web.app import server_config

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"
DEMO_CSV = SAMPLES / "demo_profiles.csv"
#: username -> (role, password) of the team members every test store has
TEAM = {
    "ana": ("agent", "ana-password-1"),
    "vic": ("viewer", "vic-password-1"),
    "ada": ("admin", "ada-password-1"),
}
#: the case every test store has: the mirrored copy of her photo, from the demo crawl
CASE_PROFILE = "twitter:id:1002"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def build_store(path: Path) -> None:
    """Eileen Collins, the demo crawl and a scan of it, case #1 (open) and the team."""
    with Store.open(path) as store:
        service = Service(store)
        service.register(
            "Eileen Collins",
            handles=["eileencollins"],
            photos=[str(SAMPLES / "eileen_collins.jpg")],
            own=["twitter:eileencollins"],
            bio="Retired NASA astronaut. First woman to pilot and command a Space Shuttle.",
        )
        service.import_file(DEMO_CSV, photos_dir=SAMPLES)
        service.scan()
        CaseService(service).open_from_scan(CASE_PROFILE, identity="eileencollins", actor="cli")
        users = UserService(service)
        for name, (role, password) in TEAM.items():
            users.add(name, password, role)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web-template") / "clonecheck.db"
    build_store(path)
    return path


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the test store, with its secrets file (the team and the secret)."""
    path = tmp_path / "clonecheck.db"
    shutil.copyfile(template_db, path)
    shutil.copyfile(secrets_path(template_db), secrets_path(path))
    return path


@pytest.fixture
def client(db: Path, tmp_path: Path) -> Iterator[TestClient]:
    """An anonymous browser on the real app over the test store."""
    app = create_app(db, secret="test-secret-" + "x" * 32, uploads_dir=tmp_path / "uploads")
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str) -> str:
    """Sign ``username`` in through the login form; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": TEAM[username][1], "csrf_token": token},
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/").text)


def events(db: Path, case_id: int = 1) -> list[tuple[str, str | None, str, str, str]]:
    """The case's history as (actor, from, to, reason, note), read through the service."""
    with Store.open(db) as store:
        case = CaseService(Service(store)).get(case_id)
    return [
        (e.actor, e.from_state.value if e.from_state else None, e.to_state.value, e.reason, e.note)
        for e in case.events
    ]


def case_count(db: Path) -> int:
    with Store.open(db) as store:
        return len(CaseService(Service(store)).list_cases())


def alert(html: str) -> str:
    """The error message a page shows ("" when none)."""
    found = re.search(r'role="alert">([^<]*)<', html)
    return found.group(1) if found else ""


@contextmanager
def live_server(app: Starlette) -> Iterator[str]:
    """The app served by uvicorn as ``clonecheck serve`` runs it, on a free port of
    127.0.0.1, in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(server_config(app, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
