"""The support team's workflow in the web app, over HTTP against the real app and store: the
queue, a case page, every state change with its reason and the signed-in member as actor,
checks with an uploaded photo, evidence packs, identity pages, and errors shown as one line."""

from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient
from web_helpers import SAMPLES, alert, case_count, csrf_of, events, sign_in

CASE = "/cases/1"


def move(client: TestClient, token: str, to: str, reason: str, because: str = "") -> str:
    """POST a state change; returns the page it lands on (after the redirect, if any)."""
    data = {"to": to, "reason": reason, "csrf_token": token}
    if because:
        data["because"] = because
    response = client.post(f"{CASE}/move", data=data)
    if response.status_code == 303:
        assert response.headers["location"].endswith(CASE)
        return client.get(CASE).text
    assert response.status_code == 400
    return response.text


def test_queue_lists_open_cases_by_score(client: TestClient) -> None:
    """The queue shows the open cases, highest score first, with both photos of each."""
    sign_in(client, "ana")
    page = client.get("/").text
    assert "Cases: open" in page
    assert 'href="/cases/1"' in page
    assert 'twitter <span class="handle">@eiIeencollins</span>' in page
    assert page.count('src="data:image/jpeg;base64,') == 2


def test_case_page_shows_photos_signals_and_allowed_moves(client: TestClient) -> None:
    """The case page shows both photos side by side, every signal with its sentence, the
    history, and only the moves allowed from the current state."""
    sign_in(client, "ana")
    page = client.get(CASE).text
    assert "Registered: Eileen Collins" in page
    assert "Suspect: @eiIeencollins" in page
    assert page.count('src="data:image/jpeg;base64,') == 2
    assert "look-alike" in page
    moves = set(re.findall(r'name="to" value="(\w+)"', page))
    assert moves == {"confirm", "dismiss"}


def test_report_to_closed_logs_each_change_with_the_member(client: TestClient, db: Path) -> None:
    """open → confirmed clone → reported to platform → closed: each change is in the history
    with the signed-in member as actor and the reason given."""
    token = sign_in(client, "ana")
    page = move(client, token, "confirm", "mirrored copy of her photo")
    assert "Case #1 is now &#39;confirmed clone&#39;." in page
    assert set(re.findall(r'name="to" value="(\w+)"', page)) == {"reported"}
    move(client, token, "reported", "ticket X-123")
    page = move(client, token, "close", "account removed")
    assert 'id="case-state">closed<' in page
    assert events(db)[1:] == [
        ("ana", "open", "confirmed clone", "mirrored copy of her photo", ""),
        ("ana", "confirmed clone", "reported to platform", "ticket X-123", ""),
        ("ana", "reported to platform", "closed", "account removed", ""),
    ]
    history = page.split('id="history"')[1]
    assert history.count("<td>ana</td>") == 3


@pytest.mark.parametrize("to", ["confirm", "dismiss"])
def test_every_move_needs_a_reason(client: TestClient, db: Path, to: str) -> None:
    """A state change without a reason is refused on the page, and nothing is logged."""
    token = sign_in(client, "ana")
    before = events(db)
    page = move(client, token, to, "   ", because="namesake")
    assert "a reason is required" in alert(page)
    assert events(db) == before


def test_dismissal_records_its_kind_and_text(client: TestClient, db: Path) -> None:
    """Dismissing logs the kind (what later scans learn from) as the reason and the text as
    the note; an unknown kind is refused with the ones allowed."""
    token = sign_in(client, "ana")
    page = move(client, token, "dismiss", "a baker in Cork")
    assert "choose why it is not a clone" in alert(page)
    page = move(client, token, "dismiss", "a baker in Cork", because="parody")
    assert "unknown dismiss reason" in alert(page)
    assert len(events(db)) == 1
    move(client, token, "dismiss", "a baker in Cork", because="namesake")
    assert events(db)[-1] == ("ana", "open", "dismissed", "namesake", "a baker in Cork")
    page = client.get(CASE).text
    assert set(re.findall(r'name="to" value="(\w+)"', page)) == {"close", "reopen"}


def test_move_outside_the_workflow_is_refused_with_one_line(client: TestClient, db: Path) -> None:
    """A forged move the page does not offer (reporting an open case) is refused with the
    service's one-line reason, no traceback, and nothing logged."""
    token = sign_in(client, "ana")
    before = events(db)
    page = move(client, token, "reported", "ticket 1")
    assert "cannot become &#39;reported to platform&#39;" in alert(page)
    assert "Traceback" not in page
    assert events(db) == before


def test_assign_and_note_are_logged(client: TestClient, db: Path) -> None:
    """Assigning to a team member and adding a note are logged with the member who did it;
    assigning to someone outside the team is refused."""
    token = sign_in(client, "ada")
    response = client.post(f"{CASE}/assign", data={"assignee": "ana", "csrf_token": token})
    assert response.status_code == 303
    response = client.post(f"{CASE}/assign", data={"assignee": "mallory", "csrf_token": token})
    assert response.status_code == 400
    assert "not an active agent" in alert(response.text)
    response = client.post(f"{CASE}/note", data={"note": "owner called", "csrf_token": token})
    assert response.status_code == 303
    assert events(db)[1:] == [
        ("ada", "open", "open", "", "assigned to ana"),
        ("ada", "open", "open", "", "owner called"),
    ]
    assert '<dd id="case-assignee">ana</dd>' in client.get(CASE).text


def check(client: TestClient, token: str, photo: str | None = None, **fields: str) -> str:
    files = {}
    if photo:
        files["photo"] = (photo, (SAMPLES / photo).read_bytes(), "image/jpeg")
    response = client.post(
        "/check", data={**fields, "csrf_token": token}, files=files or {"photo": ("", b"", "")}
    )
    assert response.status_code in {200, 400}
    return response.text


def test_check_with_a_photo_then_open_a_case(client: TestClient, db: Path, tmp_path: Path) -> None:
    """The search box judges an uploaded photo, name and handle against the registry; an
    agent opens a case from the result, logged under their name."""
    token = sign_in(client, "ana")
    page = check(client, token, "clone_cropped.jpg", name="Eileen Collins", handle="eileen_co1lins")
    assert '<span class="badge likely">likely clone</span> of' in page
    assert "Suspect: @eileen_co1lins" in page
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert re.fullmatch(r"[0-9a-f]{64}", form["photo_token"])
    response = client.post("/cases", data={**form, "note": "reported by e-mail"})
    assert response.status_code == 303
    assert response.headers["location"].endswith("/cases/2")
    assert events(db, 2) == [
        ("ana", None, "open", "opened from a report", "reported by e-mail"),
    ]
    case_page = client.get("/cases/2").text
    assert "Suspect: @eileen_co1lins" in case_page
    # the case records the upload and who made it, never the server's temporary file
    with sqlite3.connect(db) as conn:
        stored = str(conn.execute("select * from cases where id = 2").fetchall())
    assert "photo uploaded by ana: clone_cropped.jpg" in stored
    assert str(tmp_path) not in stored + case_page


def test_viewer_checks_but_cannot_open_a_case(client: TestClient) -> None:
    """A viewer may search, and is not offered the button that opens a case."""
    token = sign_in(client, "vic")
    page = check(client, token, name="Eileen Collins", handle="eileencolIins")
    assert re.search(r'<span class="badge (likely|possible)">', page)
    assert "Agents can open a case from here." in page
    assert 'action="/cases"' not in page


def test_check_of_a_stranger_says_so(client: TestClient) -> None:
    """An account that resembles nobody gets "not a clone", with the closest identity."""
    token = sign_in(client, "ana")
    page = check(client, token, name="Zebulon Quartermain", handle="zq1999")
    assert "Not a clone of anyone registered" in page
    assert "Closest:" in page


@pytest.mark.parametrize(
    ("photo", "fields", "message"),
    [
        (None, {}, "Give at least a display name, a handle or a photo"),
        ("demo_profiles.csv", {"name": "Eileen"}, "photo demo_profiles.csv: not an image"),
    ],
)
def test_check_errors_are_one_line(
    client: TestClient, photo: str | None, fields: dict[str, str], message: str
) -> None:
    """An empty search or a file that is no image is answered on the page in one line."""
    token = sign_in(client, "ana")
    page = check(client, token, photo, **fields)
    assert message in alert(page)
    assert "Traceback" not in page


def test_opening_a_case_twice_is_refused(client: TestClient, db: Path) -> None:
    """A second case on the same account and person is refused, naming the open one."""
    token = sign_in(client, "ana")
    data = {"identity": "eileencollins", "name": "Eileen Collins", "handle": "eileencolins1"}
    assert client.post("/cases", data={**data, "csrf_token": token}).status_code == 303
    count = case_count(db)
    response = client.post("/cases", data={**data, "csrf_token": token})
    assert response.status_code == 400
    assert "already open" in alert(response.text)
    assert case_count(db) == count


def test_evidence_pack_downloads(client: TestClient) -> None:
    """The evidence pack the CLI writes downloads as one self-contained HTML file."""
    sign_in(client, "vic")
    response = client.get(f"{CASE}/evidence")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="clonecheck-case-1.html"'
    )
    assert "clonecheck case #1" in response.text
    assert response.text.count('src="data:image/jpeg;base64,') == 2


def test_evidence_pack_downloads_as_pdf(client: TestClient) -> None:
    """The case page links the same pack as a PDF."""
    sign_in(client, "vic")
    assert f'href="{CASE}/evidence.pdf"' in client.get(CASE).text
    response = client.get(f"{CASE}/evidence.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'attachment; filename="clonecheck-case-1.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


#: a note only the team may read: the internal pack carries it, the platform's never
TEAM_NOTE = "the reporter is her agent, call back Tuesday"


def _pack_text(response_content: bytes, pack: str) -> str:
    if pack.endswith(".pdf"):
        reader = PdfReader(io.BytesIO(response_content))
        return " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return response_content.decode("utf-8")


@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_agents_download_the_pack_with_the_internal_history(
    client: TestClient, suffix: str
) -> None:
    """Beside the platform's pack, the case page offers an agent the pack with the internal
    history (`cases evidence --internal`): the assignee and who did what, with the notes. The
    platform's pack, still the first link, holds none of it; the file names tell them apart."""
    token = sign_in(client, "ana")
    posted = client.post(f"{CASE}/note", data={"note": TEAM_NOTE, "csrf_token": token})
    assert posted.status_code == 303
    client.post(f"{CASE}/assign", data={"assignee": "ana", "csrf_token": token})
    page = client.get(CASE).text
    assert f'href="{CASE}/evidence-internal{suffix}"' in page
    assert page.index(f'href="{CASE}/evidence"') < page.index(f'href="{CASE}/evidence-internal"')

    internal = client.get(f"{CASE}/evidence-internal{suffix}")
    assert internal.status_code == 200
    extension = suffix or ".html"
    assert internal.headers["content-disposition"] == (
        f'attachment; filename="clonecheck-case-1-internal{extension}"'
    )
    text = _pack_text(internal.content, suffix)
    assert "History" in text and "Assignee" in text
    assert TEAM_NOTE in text

    platform = _pack_text(client.get(f"{CASE}/evidence{suffix}").content, suffix)
    assert "eiIeencollins" in platform
    for private in ("History", "Assignee", TEAM_NOTE):
        assert private not in platform, private


def test_viewers_get_the_platform_pack_only(client: TestClient) -> None:
    """A viewer is offered no internal pack, and asking for one by its address is refused
    with 403; the platform's pack downloads as before."""
    sign_in(client, "vic")
    page = client.get(CASE).text
    assert "evidence-internal" not in page
    for path in (f"{CASE}/evidence-internal", f"{CASE}/evidence-internal.pdf"):
        refused = client.get(path)
        assert refused.status_code == 403
        assert "History" not in refused.text
    assert client.get(f"{CASE}/evidence").status_code == 200


def test_identity_pages(client: TestClient) -> None:
    """The identities page lists the people registered; each one's page shows their photo,
    handles, own accounts and cases."""
    sign_in(client, "vic")
    listing = client.get("/identities").text
    assert 'href="/identities/eileencollins"' in listing
    page = client.get("/identities/eileencollins").text
    assert "@eileencollins" in page
    assert "twitter:eileencollins" in page
    assert 'href="/cases/1"' in page
    assert 'src="data:image/jpeg;base64,' in page


def test_unknown_case_and_identity_are_404_with_one_line(client: TestClient) -> None:
    """A case or identity that does not exist is a 404 page with the reason, no traceback."""
    sign_in(client, "ana")
    for path, words in [("/cases/99", "no case #99"), ("/identities/nobody", "nobody")]:
        response = client.get(path)
        assert response.status_code == 404
        assert words in alert(response.text)
        assert "Traceback" not in response.text


def test_csrf_token_is_per_session(client: TestClient, db: Path) -> None:
    """Each sign-in gets a new token; the old session's token is worthless afterwards."""
    old = sign_in(client, "ana")
    client.cookies.clear()
    new = sign_in(client, "ana")
    assert old != new
    assert csrf_of(client.get(CASE).text) == new
    before = events(db)
    response = client.post(f"{CASE}/note", data={"note": "x", "csrf_token": old})
    assert response.status_code == 403
    assert events(db) == before
