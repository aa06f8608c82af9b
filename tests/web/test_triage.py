"""The support team's daily lists, over HTTP against the real app and store: the inbox of scan
results awaiting triage (opened as a case or dismissed where they stand), the case queue with
search, filters, "my cases" and pages past 500 cases, the CSV and JSON twins of every list,
and the check form's profile URL, photo URL and platform choice."""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from web_helpers import SAMPLES, alert, case_count, events, sign_in

from clonecheck.models import Profile
from clonecheck.service import Service
from clonecheck.service.cases import CaseService
from clonecheck.store import Store
from clonecheck.store import cases as case_store
from clonecheck.web.lists import PAGE_SIZE

#: the demo crawl's flagged profiles that no case covers in the test store (case #1 covers
#: twitter:id:1002)
AWAITING = {"twitter:id:1003", "twitter:id:1004", "twitter:id:1005", "twitter:id:1006"}


def inbox_keys(html: str) -> list[str]:
    """The profile keys the inbox offers to open, in order."""
    table = html.split('id="inbox"')[1] if 'id="inbox"' in html else ""
    return re.findall(r'action="/inbox/open".*?name="profile_key" value="([^"]+)"', table, re.S)


def flash(html: str) -> str:
    found = re.search(r'role="status">([^<]*)<', html)
    return found.group(1) if found else ""


def test_inbox_lists_scan_results_without_a_case(client: TestClient) -> None:
    """The inbox shows the latest scan's likely and possible clones that have no case, highest
    score first, each with an "open case" and a "dismiss" form; the one with a case is not
    there."""
    sign_in(client, "ana")
    page = client.get("/inbox").text
    keys = inbox_keys(page)
    assert set(keys) == AWAITING
    assert "twitter:id:1002" not in page
    assert page.count('action="/inbox/dismiss"') == len(AWAITING)
    assert "1–4 of 4" in page
    scores = [float(s) for s in re.findall(r'<td class="num">([0-9.]+)</td>', page)]
    assert scores == sorted(scores, reverse=True)


def test_opening_a_case_from_the_inbox(client: TestClient, db: Path) -> None:
    """ "Open case" opens a case on the stored profile under the agent's name and takes the
    result out of the inbox; the case is in the queue."""
    token = sign_in(client, "ana")
    response = client.post(
        "/inbox/open",
        data={"identity": "eileencollins", "profile_key": "twitter:id:1003", "csrf_token": token},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/inbox"
    page = client.get("/inbox").text
    assert flash(page) == "Opened case #2 on @eileen_collins_."
    assert "twitter:id:1003" not in inbox_keys(page)
    assert events(db, 2) == [("ana", None, "open", "opened from a scan", "")]
    assert 'href="/cases/2"' in client.get("/").text


def test_dismissing_from_the_inbox_is_a_logged_decision(client: TestClient, db: Path) -> None:
    """ "Dismiss" needs the kind of dismissal; it is kept as a case opened and dismissed at
    once (so later scans learn from it), and the result leaves the inbox."""
    token = sign_in(client, "ana")
    data = {"identity": "eileencollins", "profile_key": "twitter:id:1006", "csrf_token": token}
    client.post("/inbox/dismiss", data=data)
    assert flash(client.get("/inbox").text).startswith("Nothing changed: choose why")
    assert case_count(db) == 1
    client.post("/inbox/dismiss", data={**data, "because": "fan/parody"})
    page = client.get("/inbox").text
    assert flash(page) == "Dismissed @eileencollins_fan (case #2)."
    assert "twitter:id:1006" not in inbox_keys(page)
    assert events(db, 2) == [
        ("ana", None, "open", "opened from a scan", ""),
        ("ana", "open", "dismissed", "fan/parody", ""),
    ]


def test_inbox_filters_and_exports(client: TestClient) -> None:
    """The inbox narrows by words, person and platform; its CSV and JSON twins hold the same
    rows under the same filters."""
    sign_in(client, "ana")
    assert inbox_keys(client.get("/inbox?q=fan").text) == ["twitter:id:1006"]
    assert inbox_keys(client.get("/inbox?platform=bluesky").text) == []
    assert set(inbox_keys(client.get("/inbox?person=eileencollins").text)) == AWAITING
    data = client.get("/inbox.json").json()
    assert {row["profile_key"] for row in data["rows"]} == AWAITING
    assert data["total"] == len(AWAITING)
    assert data["rows"][0]["match"]["signals"]
    response = client.get("/inbox.csv?q=fan")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["profile_key"], r["handle"]) for r in rows] == [
        ("twitter:id:1006", "eileencollins_fan")
    ]
    assert client.get("/inbox.xml").status_code == 404


def open_many(db: Path, count: int) -> None:
    """``count`` more open cases on reported look-alike accounts, straight into the store."""
    with Store.open(db) as store:
        base = CaseService(Service(store)).get(1).match
        assert base is not None
        for number in range(count):
            profile = Profile("twitter", f"eileen_clone_{number:04d}", name="Eileen Collins")
            case_store.open_case(
                store,
                replace(base, profile=profile, score=0.5 + number / 10_000),
                evidence_digest=f"{number:064d}",
                actor="cli",
            )


def case_ids(html: str) -> list[int]:
    table = html.split('id="cases"')[1] if 'id="cases"' in html else ""
    return [int(n) for n in re.findall(r'<a href="/cases/(\d+)"><strong>', table)]


def test_the_queue_pages_past_500_cases(client: TestClient, db: Path) -> None:
    """With 521 open cases, no page shows more than PAGE_SIZE of them; next and previous
    links walk every case exactly once, and the CSV export holds all 521."""
    open_many(db, 520)
    sign_in(client, "ana")
    seen: list[int] = []
    url: str | None = "/"
    pages = 0
    while url is not None:
        page = client.get(url).text
        shown = case_ids(page)
        assert 0 < len(shown) <= PAGE_SIZE
        seen += shown
        pages += 1
        found = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = "/" + found.group(1).replace("&amp;", "&") if found else None
    assert pages == 6
    assert sorted(seen) == list(range(1, 522))
    assert seen[0] == 1  # the highest score first
    last = client.get("/?page=6").text
    assert "501–521 of 521" in last
    assert 'rel="prev"' in last
    assert 'rel="next"' not in last
    rows = list(csv.DictReader(io.StringIO(client.get("/cases.csv").text)))
    assert len(rows) == 521


def test_queue_search_filters_and_my_cases(client: TestClient, db: Path) -> None:
    """The queue narrows by words, person, platform, state and assignee; "my cases" is what
    the signed-in member is assigned."""
    open_many(db, 3)
    with Store.open(db) as store:
        CaseService(Service(store)).assign(3, "ana", actor="ada")
    sign_in(client, "ana")
    assert case_ids(client.get("/?q=clone_0001").text) == [3]
    assert case_ids(client.get("/?mine=1").text) == [3]
    assert "My cases" in client.get("/?mine=1").text
    assert case_ids(client.get("/?assignee=-").text) == [1, 4, 2]
    assert case_ids(client.get("/?platform=bluesky").text) == []
    assert case_ids(client.get("/?person=eileencollins&platform=twitter").text) == [1, 4, 3, 2]
    assert case_ids(client.get("/?state=dismissed").text) == []
    data = client.get("/cases.json?mine=1").json()
    assert [(r["id"], r["assignee"], r["handle"]) for r in data["rows"]] == [
        (3, "ana", "eileen_clone_0001")
    ]


def test_csv_export_cells_are_never_formulas(client: TestClient, db: Path) -> None:
    """A name that a spreadsheet would run as a formula is exported as text."""
    with Store.open(db) as store:
        base = CaseService(Service(store)).get(1).match
        assert base is not None
        evil = Profile("twitter", "eileen_x", name='=HYPERLINK("http://evil","Eileen Collins")')
        case_store.open_case(store, replace(base, profile=evil), evidence_digest="1", actor="t")
    sign_in(client, "ana")
    rows = list(csv.DictReader(io.StringIO(client.get("/cases.csv").text)))
    names = {r["handle"]: r["name"] for r in rows}
    assert names["eileen_x"].startswith("'=HYPERLINK")


def check(client: TestClient, token: str, **fields: str) -> tuple[int, str]:
    response = client.post(
        "/check", data={**fields, "csrf_token": token}, files={"photo": ("", b"", "")}
    )
    return response.status_code, response.text


def form_account(html: str) -> tuple[str, str]:
    """The platform chosen and the handle filled in on the check form."""
    select = html.split('id="platform"')[1].split("</select>")[0]
    chosen = re.findall(r'<option value="([^"]+)" selected>', select)
    handle = re.search(r'id="handle" type="search" name="handle" value="([^"]*)"', html)
    assert handle is not None and len(chosen) == 1
    return chosen[0], handle.group(1)


def test_check_reads_platform_and_handle_from_a_profile_url(client: TestClient) -> None:
    """A profile URL gives the check its platform and handle; the platform is a choice among
    the known ones and those of the stored profiles."""
    token = sign_in(client, "ana")
    form = client.get("/check").text
    select = form.split('id="platform"')[1].split("</select>")[0]
    platforms = re.findall(r'<option value="([^"]+)"', select)
    assert {"reported", "twitter", "bluesky", "mastodon", "instagram"} <= set(platforms)
    status, page = check(
        client, token, profile_url="https://x.com/eiIeen.collins", name="Eileen Collins"
    )
    assert status == 200
    assert form_account(page) == ("twitter", "eiIeen.collins")
    assert re.search(r'<span class="badge (likely|possible)">', page)
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert (hidden["platform"], hidden["handle"]) == ("twitter", "eiIeen.collins")
    for url, account in [
        ("https://bsky.app/profile/eileen.bsky.social", ("bluesky", "eileen.bsky.social")),
        ("https://mastodon.social/@eileen", ("mastodon", "eileen@mastodon.social")),
        ("https://www.instagram.com/eileen.collins/", ("instagram", "eileen.collins")),
    ]:
        status, page = check(client, token, profile_url=url)
        assert (status, form_account(page)) == (200, account)
    status, page = check(client, token, profile_url="https://example.com/")
    assert status == 400
    assert "is not one clonecheck reads" in alert(page)


class PhotoServer(BaseHTTPRequestHandler):
    """Serves the registered photo to anyone who asks, and counts the requests."""

    requests = 0

    def do_GET(self) -> None:
        type(self).requests += 1
        data = (SAMPLES / "clone_cropped.jpg").read_bytes()
        self.send_response(200)
        self.send_header("content-type", "image/jpeg")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def photo_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 with a photo on it."""
    PhotoServer.requests = 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), PhotoServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/photo.jpg"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_photo_url_on_a_private_network_is_never_fetched(
    client: TestClient, photo_server: str
) -> None:
    """The check fetches a photo URL through the safe fetcher: an address on this machine or
    a private network is refused before any request, and a path or file: URL is no URL."""
    token = sign_in(client, "ana")
    status, page = check(client, token, name="Eileen Collins", photo_url=photo_server)
    assert status == 400
    assert alert(page).startswith(f"photo {photo_server}: ")
    assert "private" in alert(page) or "loopback" in alert(page)
    assert PhotoServer.requests == 0
    for local in ("file:///etc/passwd", "/etc/passwd", str(SAMPLES / "eileen_collins.jpg")):
        status, page = check(client, token, name="Eileen Collins", photo_url=local)
        assert status == 400
        assert "is not a web address" in alert(page)
    opened = client.post(
        "/cases",
        data={
            "identity": "eileencollins",
            "name": "Eileen Collins",
            "handle": "eileencolins",
            "photo_url": str(SAMPLES / "eileen_collins.jpg"),
            "csrf_token": token,
        },
    )
    assert opened.status_code == 400
    assert "is not a web address" in alert(opened.text)
