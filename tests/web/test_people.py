"""The people pages, over HTTP against the real app and store: an admin registers a person from
the form (a photo uploaded, handles, own accounts) and changes one in place (photos added and
removed, handles, own accounts, name and bio), each change in the person's history and their
cases kept, an uploaded photo recorded as who uploaded which file; a refused photo or an empty
change is one line on the page, and nothing changes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.testclient import TestClient
from web_helpers import SAMPLES, alert, sign_in

from clonecheck.models import Identity
from clonecheck.store import Store

if TYPE_CHECKING:
    from tests.conftest import SharedData


def person(db: Path, slug: str) -> Identity:
    with Store.open(db) as store:
        return store.identity(slug)


def photo_file(path: Path) -> dict[str, tuple[str, bytes, str]]:
    kind = "image/png" if path.suffix == ".png" else "image/jpeg"
    return {"photo": (path.name, path.read_bytes(), kind)}


NO_FILE = {"photo": ("", b"", "application/octet-stream")}


def test_admin_registers_a_person_from_the_form(
    client: TestClient, db: Path, shared_data: SharedData
) -> None:
    """The register form takes a name, handles, own accounts, a bio and an uploaded photo of
    the face; the person's page shows them."""
    token = sign_in(client, "ada")
    assert 'action="/identities"' in client.get("/people/new").text
    assert 'href="/people/new"' in client.get("/identities").text
    face = shared_data.path("faces", "face_recognition", "examples", "lin-manuel-miranda.png")
    response = client.post(
        "/identities",
        data={
            "name": "Lin-Manuel Miranda",
            "handles": "Lin_Manuel, linmanuelmiranda",
            "own": "twitter:Lin_Manuel\nbluesky:linmanuel.bsky.social",
            "bio": "Writer of Hamilton",
            "csrf_token": token,
        },
        files=photo_file(face),
    )
    assert response.status_code == 303, alert(response.text)
    assert response.headers["location"] == "/identities/lin_manuel"
    registered = person(db, "lin_manuel")
    assert registered.handles == ("Lin_Manuel", "linmanuelmiranda")
    assert [str(a) for a in registered.own_accounts] == [
        "twitter:Lin_Manuel",
        "bluesky:linmanuel.bsky.social",
    ]
    assert [p.source for p in registered.photos] == [
        "photo uploaded by ada: lin-manuel-miranda.png"
    ]
    page = client.get("/identities/lin_manuel").text
    assert "Registered Lin-Manuel Miranda (lin_manuel)." in page
    assert 'alt="Registered photo 1 of Lin-Manuel Miranda"' in page


def test_a_refused_registration_says_why_and_keeps_the_form(client: TestClient, db: Path) -> None:
    """A photo without a face is refused in one line; the form keeps what was typed and
    nobody is registered."""
    token = sign_in(client, "ada")
    response = client.post(
        "/identities",
        data={"name": "Ada Lovelace", "handles": "adalovelace", "csrf_token": token},
        files=photo_file(SAMPLES / "avatar_01.png"),
    )
    assert response.status_code == 400
    assert alert(response.text).startswith("photo: ")
    assert 'value="Ada Lovelace"' in response.text
    with Store.open(db) as store:
        assert [p.slug for p in store.identities()] == ["eileencollins"]


def test_a_person_whose_slug_is_new_has_her_own_page(client: TestClient, db: Path) -> None:
    """The register form is not under /identities/, so a person whose handle makes the slug
    "new" (or "edit") is registered and shown at /identities/new like anyone else."""
    token = sign_in(client, "ada")
    for name, handle in (("Nia New", "new"), ("Ed Edit", "edit")):
        response = client.post(
            "/identities",
            data={"name": name, "handles": handle, "csrf_token": token},
            files=NO_FILE,
        )
        assert response.status_code == 303, alert(response.text)
        assert response.headers["location"] == f"/identities/{handle}"
        page = client.get(f"/identities/{handle}")
        assert page.status_code == 200
        assert f"<h1>{name} " in page.text
    assert person(db, "new").name == "Nia New"
    assert 'action="/identities"' in client.get("/people/new").text


def edit(
    client: TestClient,
    token: str,
    files: dict[str, tuple[str, bytes, str]] | None = None,
    **fields: str,
) -> tuple[int, str]:
    response = client.post(
        "/identities/eileencollins/edit",
        data={**fields, "csrf_token": token},
        files=files or NO_FILE,
    )
    if response.status_code == 303:
        assert response.headers["location"] == "/identities/eileencollins"
        return 303, client.get("/identities/eileencollins").text
    return response.status_code, response.text


def test_admin_changes_a_person_in_place(client: TestClient, db: Path) -> None:
    """From her page an admin adds a photo, a handle and an own account, removes them again,
    and changes her bio: each change is applied, in the history with the admin's name, and
    her case stays hers."""
    token = sign_in(client, "ada")
    first = person(db, "eileencollins").photos[0].digest
    crop = (SAMPLES / "clone_face_crop.jpg").read_bytes()
    status, page = edit(client, token, {"photo": ("My face (1).jpg", crop, "image/jpeg")})
    assert status == 303
    photos = person(db, "eileencollins").photos
    assert len(photos) == 2
    # who uploaded which file, never the server's temporary path
    assert photos[1].source == "photo uploaded by ada: My face (1).jpg"
    assert "photo added: photo uploaded by ada: My face (1).jpg (sha256 " in page
    added = photos[1].digest
    assert added and added != first
    assert page.count('alt="Registered photo ') == 2
    status, page = edit(
        client, token, add_handle="eileen_nasa", add_own="bluesky:eileen.bsky.social"
    )
    assert status == 303
    after = person(db, "eileencollins")
    assert after.handles == ("eileencollins", "eileen_nasa")
    assert "bluesky:eileen.bsky.social" in [str(a) for a in after.own_accounts]
    assert edit(client, token, remove_photo=str(added))[0] == 303
    assert edit(client, token, remove_handle="eileen_nasa")[0] == 303
    assert edit(client, token, remove_own="bluesky:eileen.bsky.social")[0] == 303
    status, page = edit(client, token, name="Eileen Collins", bio="Retired astronaut.")
    assert status == 303
    final = person(db, "eileencollins")
    assert [p.digest for p in final.photos] == [first]
    assert final.handles == ("eileencollins",)
    assert final.bio == "Retired astronaut."
    history = page.split('id="identity-history"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td[^>]*>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td></tr>", history)
    assert len(rows) >= 7
    assert {who for who, _ in rows} == {"ada"}
    assert 'href="/cases/1"' in page


def test_a_refused_change_changes_nothing(client: TestClient, db: Path) -> None:
    """A photo without a face, or a form with nothing to change, is answered in one line on
    her page, and she stays as she was."""
    token = sign_in(client, "ada")
    before = person(db, "eileencollins")
    status, page = edit(client, token, photo_file(SAMPLES / "avatar_02.png"), add_handle="x_y")
    assert status == 400
    assert alert(page).startswith("photo: ")
    status, page = edit(client, token)
    assert status == 400
    assert "nothing to change" in alert(page)
    assert person(db, "eileencollins") == before
