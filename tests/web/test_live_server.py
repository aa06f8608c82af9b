"""The sign-in throttle against the app served by uvicorn as ``clonecheck serve`` runs it, on a
real socket of 127.0.0.1: tries sent at once, and client addresses claimed in
``X-Forwarded-For``."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from web_helpers import TEAM, csrf_of, live_server

from clonecheck.service.users import User, UserService
from clonecheck.web import create_app
from clonecheck.web.throttle import LoginThrottle

SECRET = "test-secret-" + "x" * 32


def try_sign_in(
    browser: httpx.Client, username: str, password: str, forwarded: str | None = None
) -> int:
    token = csrf_of(browser.get("/login").text)
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    response = browser.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        headers=headers,
    )
    return response.status_code


def test_thirty_wrong_passwords_at_once_get_five_checks(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """30 wrong passwords for one account sent at the same moment: five are checked (401) and
    the other 25 are refused without a check (429 with Retry-After)."""
    checks = Counter[str]()
    authenticate = UserService.authenticate

    def counted(self: UserService, username: str, password: str) -> User | None:
        checks[username] += 1
        return authenticate(self, username, password)

    monkeypatch.setattr(UserService, "authenticate", counted)
    app = create_app(db, secret=SECRET, uploads_dir=tmp_path / "uploads")
    tries = 30
    with live_server(app) as base:
        browsers = [httpx.Client(base_url=base, timeout=60) for _ in range(tries)]
        tokens = [csrf_of(browser.get("/login").text) for browser in browsers]
        start = threading.Barrier(tries)

        def guess(number: int) -> tuple[int, str | None]:
            start.wait()
            response = browsers[number].post(
                "/login",
                data={
                    "username": "ana",
                    "password": f"guess-{number}",
                    "csrf_token": tokens[number],
                },
            )
            return response.status_code, response.headers.get("retry-after")

        with ThreadPoolExecutor(tries) as pool:
            answers = list(pool.map(guess, range(tries)))
        for browser in browsers:
            browser.close()
    assert Counter(status for status, _ in answers) == {401: 5, 429: 25}
    assert checks == {"ana": 5}
    assert all(int(wait or 0) > 0 for status, wait in answers if status == 429)


def test_forwarded_for_from_an_untrusted_peer_is_ignored(db: Path, tmp_path: Path) -> None:
    """By default no proxy is trusted: a local client rotating X-Forwarded-For is still one
    address, and is stopped at the per-address limit."""
    app = create_app(db, secret=SECRET, uploads_dir=tmp_path / "uploads")
    app.state.web.throttle = LoginThrottle(per_address=3)
    with live_server(app) as base, httpx.Client(base_url=base) as browser:
        statuses = [
            try_sign_in(browser, f"user{n}", "a-wrong-password", forwarded=f"203.0.113.{n}")
            for n in range(4)
        ]
        assert try_sign_in(browser, "vic", TEAM["vic"][1], forwarded="198.51.100.1") == 429
    assert statuses == [401, 401, 401, 429]


def test_forwarded_for_from_a_trusted_proxy_names_the_client(db: Path, tmp_path: Path) -> None:
    """With 127.0.0.1 trusted as a proxy, the address it appended to X-Forwarded-For is the
    client's: different clients are counted apart, and one client cannot escape its count by
    putting made-up addresses to the left of the one the proxy appended."""
    app = create_app(
        db, secret=SECRET, uploads_dir=tmp_path / "uploads", trusted_proxies=["127.0.0.1"]
    )
    app.state.web.throttle = LoginThrottle(per_address=3)
    with live_server(app) as base, httpx.Client(base_url=base) as browser:
        apart = [
            try_sign_in(browser, f"user{n}", "a-wrong-password", forwarded=f"203.0.113.{n}")
            for n in range(4)
        ]
        claimed = [
            try_sign_in(
                browser, f"user{n}", "a-wrong-password", forwarded=f"10.9.9.{n}, 198.51.100.7"
            )
            for n in range(4)
        ]
    assert apart == [401, 401, 401, 401]
    assert claimed == [401, 401, 401, 429]
