"""Who may do what in the web app: sign-in, sessions, CSRF and roles, over HTTP against the real
app and a real SQLite file. Every refusal is checked twice: the status, and that nothing
changed in the store."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient
from web_helpers import (
    SAMPLES,
    TEAM,
    alert,
    case_count,
    csrf_of,
    events,
    sign_in,
)

from clonecheck.config import Config
from clonecheck.service import Service
from clonecheck.service.users import UserService
from clonecheck.store import Store
from clonecheck.store.team import secrets_path
from clonecheck.web import create_app
from clonecheck.web.throttle import LoginThrottle
from clonecheck.web.views import ROUTES

PAGES = [
    "/",
    "/?state=all",
    "/cases/1",
    "/cases/1/evidence",
    "/cases/1/evidence.pdf",
    "/cases/1/evidence-internal",
    "/cases/1/evidence-internal.pdf",
    "/check",
    "/identities",
]
PAGES += ["/identities/eileencollins", "/users", "/people/new", "/inbox", "/cases"]
PAGES += ["/inbox.json", "/inbox.csv", "/cases.json", "/cases.csv", "/identities.json"]
#: every POST the app accepts, with the fields an agent would send (each has its own path)
POSTS: dict[str, dict[str, str]] = {
    "/logout": {},
    "/cases": {"identity": "eileencollins", "name": "Eileen Collins", "handle": "eileencolins"},
    "/cases/1/move": {"to": "confirm", "reason": "mirrored copy of her photo"},
    "/cases/1/assign": {"assignee": "ana"},
    "/cases/1/note": {"note": "the owner called back"},
    "/check": {"name": "Eileen Collins"},
    "/inbox/open": {"identity": "eileencollins", "profile_key": "twitter:id:1003"},
    "/inbox/dismiss": {
        "identity": "eileencollins",
        "profile_key": "twitter:id:1003",
        "because": "namesake",
    },
    "/identities": {"name": "Ada Lovelace", "handles": "adalovelace"},
    "/identities/eileencollins/edit": {"add_handle": "eileen_nasa"},
    "/identities/eileencollins/discover": {},
}


def post_routes() -> set[str]:
    paths = set()
    for route in ROUTES:
        assert isinstance(route, Route)
        if route.methods and "POST" in route.methods:
            path = re.sub(r"\{case_id:int\}", "1", route.path)
            paths.add(path.replace("{slug}", "eileencollins"))
    return paths


def test_every_post_route_is_covered() -> None:
    """The refusal tests below send every form the app accepts (login has its own tests)."""
    assert post_routes() == {*POSTS, "/login"}


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_pages_redirect_to_sign_in(client: TestClient, path: str) -> None:
    """An anonymous visitor sees no page: every one sends them to /login, and back after."""
    response = client.get(path)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location == f"/login?next={quote(path, safe='')}"
    assert "Eileen" not in response.text


@pytest.mark.parametrize("path", sorted(POSTS))
def test_anonymous_posts_are_refused(client: TestClient, db: Path, path: str) -> None:
    """An anonymous POST is refused with 401, even with a CSRF token of its own session, and
    changes nothing."""
    token = csrf_of(client.get("/login").text)
    before = events(db), case_count(db)
    response = client.post(path, data={**POSTS[path], "csrf_token": token})
    assert response.status_code == 401
    assert "Sign in first" in alert(response.text)
    assert (events(db), case_count(db)) == before


@pytest.mark.parametrize("path", sorted(set(POSTS) - {"/logout"}))
@pytest.mark.parametrize("token", [None, "", "forged-token-" + "x" * 40])
def test_posts_without_the_csrf_token_are_refused(
    client: TestClient, db: Path, path: str, token: str | None
) -> None:
    """A form without this session's CSRF token (missing, empty or another one) is refused
    with 403, even from an admin, and nothing changes."""
    sign_in(client, "ada")
    before = events(db), case_count(db)
    data = dict(POSTS[path])
    if token is not None:
        data["csrf_token"] = token
    response = client.post(path, data=data)
    assert response.status_code == 403
    assert "CSRF" in alert(response.text)
    assert (events(db), case_count(db)) == before


def test_sign_out_needs_the_csrf_token(client: TestClient) -> None:
    """Another site cannot sign a member out: /logout without the token keeps the session."""
    sign_in(client, "ana")
    assert client.post("/logout").status_code == 403
    assert client.get("/").status_code == 200


def test_sign_out_is_a_post(client: TestClient) -> None:
    """GET /logout does nothing; the Sign out button POSTs with the token and ends the
    session."""
    token = sign_in(client, "ana")
    assert client.get("/logout").status_code == 405
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert client.get("/").status_code == 303


@pytest.mark.parametrize(
    "path",
    [
        "/cases/1/move",
        "/cases/1/assign",
        "/cases/1/note",
        "/cases",
        "/inbox/open",
        "/inbox/dismiss",
        "/identities/eileencollins/discover",
    ],
)
def test_viewer_cannot_change_cases(client: TestClient, db: Path, path: str) -> None:
    """A viewer's state change, assignment, note or new case is refused with 403, with a valid
    CSRF token, and nothing is logged."""
    token = sign_in(client, "vic")
    before = events(db), case_count(db)
    response = client.post(path, data={**POSTS[path], "csrf_token": token})
    assert response.status_code == 403
    assert "viewer" in alert(response.text)
    assert (events(db), case_count(db)) == before


def registry(db: Path) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Who is registered, with their handles and photo digests."""
    with Store.open(db) as store:
        return [
            (p.slug, p.handles, tuple(str(photo.digest) for photo in p.photos))
            for p in store.identities()
        ]


@pytest.mark.parametrize("path", ["/identities", "/identities/eileencollins/edit"])
@pytest.mark.parametrize("username", ["ana", "vic"])
def test_only_admins_register_and_change_people(
    client: TestClient, db: Path, path: str, username: str
) -> None:
    """Registering or changing a person needs the admin role: an agent's or a viewer's form
    is refused with 403, with a valid CSRF token, and the registry stays as it was."""
    token = sign_in(client, username)
    before = registry(db)
    response = client.post(path, data={**POSTS[path], "csrf_token": token})
    assert response.status_code == 403
    assert "admin" in alert(response.text)
    assert registry(db) == before
    assert client.get("/people/new").status_code == 403


def test_viewer_reads_cases_without_forms(client: TestClient) -> None:
    """A viewer reads the queue and the case, and is offered no form that changes it."""
    sign_in(client, "vic")
    assert "#1" in client.get("/").text
    page = client.get("/cases/1").text
    assert "Suspected to impersonate" in page
    assert "/cases/1/move" not in page
    assert "/cases/1/note" not in page


def test_team_page_is_for_admins(client: TestClient) -> None:
    """Only an admin sees the team members."""
    sign_in(client, "ana")
    assert client.get("/users").status_code == 403
    client.cookies.clear()
    sign_in(client, "ada")
    page = client.get("/users")
    assert page.status_code == 200
    assert all(name in page.text for name in TEAM)


@pytest.mark.parametrize(
    ("username", "password"),
    [("ana", "wrong-password-1"), ("nobody", "ana-password-1"), ("", ""), ("ana", "")],
)
def test_wrong_credentials_are_refused(client: TestClient, username: str, password: str) -> None:
    """A wrong password and an unknown name get the same answer, and no session."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 401
    assert alert(response.text) == "Wrong username or password."
    assert client.get("/").status_code == 303


def try_sign_in(client: TestClient, username: str, password: str) -> int:
    client.cookies.clear()
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    return response.status_code


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_guessing_a_password_is_stopped_after_five_failures(client: TestClient) -> None:
    """Five wrong passwords lock the account's sign-in for 15 minutes, even with the right
    password, with a Retry-After; other members are not affected; then it opens again."""
    clock = Clock()
    app = client.app
    app.state.web.throttle = LoginThrottle(clock=clock)  # type: ignore[attr-defined]
    for _ in range(5):
        assert try_sign_in(client, "ana", "guess") == 401
    token = csrf_of(client.get("/login").text)
    refused = client.post(
        "/login", data={"username": "ANA ", "password": TEAM["ana"][1], "csrf_token": token}
    )
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in alert(refused.text)
    assert int(refused.headers["retry-after"]) == 900
    assert client.get("/").status_code == 303  # no session was made
    assert try_sign_in(client, "vic", TEAM["vic"][1]) == 303
    clock.now += 900
    assert try_sign_in(client, "ana", TEAM["ana"][1]) == 303


def test_one_address_guessing_many_accounts_is_stopped(client: TestClient) -> None:
    clock = Clock()
    app = client.app
    app.state.web.throttle = LoginThrottle(clock=clock)  # type: ignore[attr-defined]
    for number in range(20):
        assert try_sign_in(client, f"user{number}", "guess") == 401
    assert try_sign_in(client, "vic", TEAM["vic"][1]) == 429


def test_a_success_clears_the_account_failures() -> None:
    """A right password forgets the account's failures and gives its address the try back."""
    clock = Clock()
    throttle = LoginThrottle(clock=clock, per_address=5)
    for _ in range(4):
        assert throttle.reserve("ana", "10.0.0.1") == 0
    throttle.succeeded("ana", "10.0.0.1")
    assert throttle.reserve("ana", "10.0.0.1") == 0
    assert throttle.reserve("ana", "10.0.0.2") == 0
    clock.now += 1
    assert throttle.reserve("bob", "10.0.0.1") == 0
    assert throttle.reserve("eve", "10.0.0.1") > 0  # 4 failed + 1 reserved: the address is full


def test_a_try_is_counted_before_its_password_is_checked() -> None:
    """Reserving a try counts it at once, so the sixth try in a row is refused even while
    none of the five before it has finished."""
    throttle = LoginThrottle(clock=Clock())
    assert [throttle.reserve("ana", f"10.0.0.{n}") for n in range(5)] == [0.0] * 5
    assert throttle.reserve("ana", "10.0.0.9") == 900


def test_sign_in_needs_the_csrf_token(client: TestClient) -> None:
    """The sign-in form itself carries a CSRF token, so another site cannot sign a browser
    into an account of its choosing."""
    client.get("/login")
    response = client.post("/login", data={"username": "ana", "password": TEAM["ana"][1]})
    assert response.status_code == 403
    assert client.get("/").status_code == 303


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(client: TestClient) -> None:
    """After signing in the member lands on the page they asked for; a `next` pointing to
    another site lands on the queue instead."""
    for target, expected in [("/cases/1", "/cases/1"), ("//evil.example/x", "/")]:
        client.cookies.clear()
        token = csrf_of(client.get("/login", params={"next": target}).text)
        response = client.post(
            "/login",
            data={
                "username": "ana",
                "password": TEAM["ana"][1],
                "csrf_token": token,
                "next": target,
            },
        )
        assert response.headers["location"] == expected


def test_session_cookie_is_signed_httponly_and_samesite(client: TestClient) -> None:
    """The session cookie is HttpOnly and SameSite=Lax, and a tampered one is worth nothing."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "ana", "password": TEAM["ana"][1], "csrf_token": token}
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    value = client.cookies["clonecheck_session"]
    client.cookies.clear()
    client.cookies.set("clonecheck_session", value[:-4] + "AAAA")
    assert client.get("/").status_code == 303


def test_passwords_are_stored_as_argon2_hashes(db: Path) -> None:
    """The secrets file keeps an argon2id hash of each password, never the password itself."""
    with sqlite3.connect(secrets_path(db)) as conn:
        rows = dict(conn.execute("select username, password_hash from users").fetchall())
    assert set(rows) == set(TEAM)
    for name, (_, password) in TEAM.items():
        assert rows[name].startswith("$argon2id$")
        assert password not in rows[name]
    for path in (db, secrets_path(db)):
        assert not any(password.encode() in path.read_bytes() for _, password in TEAM.values())


def test_changed_password_and_role_apply_at_once(client: TestClient, db: Path) -> None:
    """A role taken away stops the next request; a new password ends existing sessions;
    a disabled member cannot sign in."""
    token = sign_in(client, "ana")
    with Store.open(db) as store:
        UserService(Service(store)).set_role("ana", "viewer")
    response = client.post("/cases/1/note", data={"note": "hello", "csrf_token": token})
    assert response.status_code == 403
    with Store.open(db) as store:
        UserService(Service(store)).set_password("ana", "a-new-password-2")
    assert client.get("/").status_code == 303
    with Store.open(db) as store:
        UserService(Service(store)).set_disabled("ana", True)
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "ana", "password": "a-new-password-2", "csrf_token": token}
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/cases/99999999999999999999999",
        "/cases/9223372036854775808",
        "/cases/9223372036854775807",
        "/cases/0",
        "/cases/99999999999999999999999/evidence",
    ],
)
def test_a_case_id_out_of_range_is_not_found(client: TestClient, path: str) -> None:
    """A case id too large for SQLite is a case that does not exist (404), not a crash."""
    sign_in(client, "ana")
    response = client.get(path)
    assert response.status_code == 404
    assert "no case #" in alert(response.text)


@pytest.mark.parametrize(
    ("action", "form"),
    [
        ("note", {"note": "hello"}),
        ("move", {"to": "confirm", "reason": "same photo"}),
        ("assign", {"assignee": "ana"}),
    ],
)
def test_posting_to_a_case_id_out_of_range_is_not_found(
    client: TestClient, db: Path, action: str, form: dict[str, str]
) -> None:
    """A note, a move or an assignment sent to a case id too large for SQLite is a 404, as
    for any unknown case, and changes nothing."""
    token = sign_in(client, "ana")
    response = client.post(
        f"/cases/99999999999999999999999/{action}", data={**form, "csrf_token": token}
    )
    assert response.status_code == 404
    assert "no case #99999999999999999999999" in alert(response.text)
    assert len(events(db)) == 1


def test_pages_forbid_scripts_and_framing(client: TestClient) -> None:
    """Every response carries a Content-Security-Policy without scripts, and no page embeds
    one."""
    sign_in(client, "ana")
    for path in ["/login", "/", "/cases/1", "/check", "/identities"]:
        response = client.get(path)
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy
        assert "script-src" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["x-frame-options"] == "DENY"
        assert "<script" not in response.text.lower()


def test_oversized_upload_is_refused_before_reading(db: Path, tmp_path: Path) -> None:
    """A request larger than the photo size limit is refused with 413 before it is parsed."""
    config = Config(max_photo_bytes=50_000)
    app = create_app(db, config=config, secret="s" * 40, uploads_dir=tmp_path / "uploads")
    with TestClient(app, follow_redirects=False) as client:
        token = sign_in(client, "ana")
        big = (SAMPLES / "eileen_collins.jpg").read_bytes() * 20
        assert len(big) > config.max_photo_bytes + 256 * 1024
        response = client.post(
            "/check",
            data={"csrf_token": token},
            files={"photo": ("big.jpg", big, "image/jpeg")},
        )
        assert response.status_code == 413


def test_a_server_error_says_one_sentence_with_the_same_headers(db: Path, tmp_path: Path) -> None:
    """A bug (here: a table replaced under the app by one of another shape) shows one
    sentence, no traceback, and the same security headers as every page."""
    app = create_app(db, secret="test-secret-" + "x" * 32, uploads_dir=tmp_path / "uploads")
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as client:
        sign_in(client, "ana")
        with sqlite3.connect(db) as conn:
            conn.execute("drop table case_events")
            conn.execute("create table case_events (unexpected text)")
        response = client.get("/cases/1")
    assert response.status_code == 500
    assert "Something went wrong on the server" in response.text
    assert "Traceback" not in response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
