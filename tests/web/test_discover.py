"""The identity page's Discover button, over HTTP against the real app and store, with the
discover base URLs pointed at a real local server playing Bluesky, Mastodon and X
(``tests/discover/platform_server.py``): what it finds is imported and scanned, the clones are
shown with their way to the inbox, and a platform skipped or failing is one message each."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_httpserver import HTTPServer
from starlette.testclient import TestClient
from web_helpers import SAMPLES, alert, csrf_of, sign_in

from clonecheck.discover.settings import DiscoverySettings
from clonecheck.web import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "discover"))
from platform_server import Account, PlatformServer

if TYPE_CHECKING:
    from tests.conftest import SharedData

#: a closed port: the Mastodon server that does not answer
DEAD_SERVER = "http://127.0.0.1:9"


@pytest.fixture
def platforms(httpserver: HTTPServer, shared_data: SharedData) -> PlatformServer:
    """Her clones with copies of her photo on each platform, her own X account and a
    namesake; the clone photos are the sample images' altered copies of hers."""
    world = PlatformServer(httpserver, shared_data.path("formats"))
    for platform, handle, photo in (
        ("bluesky", "eileencolins.bsky.social", "clone_mirrored_small.jpg"),
        ("mastodon", "eileen_collins@masto.example", "clone_cropped.jpg"),
        ("x", "EiIeenCollins", "clone_face_crop.jpg"),
    ):
        world.add(
            Account(
                platform, handle, "Eileen Collins", "Retired NASA astronaut.", photo=SAMPLES / photo
            )
        )
    world.add(Account("x", "eileencollins", "Eileen Collins", "Astronaut"))
    world.add(Account("bluesky", "jcollins.bsky.social", "Jane Collins", "Gardener in Leeds"))
    return world


@contextmanager
def discovery_client(
    db: Path, tmp_path: Path, platforms: PlatformServer, **settings: object
) -> Iterator[TestClient]:
    """The real app over the test store, its Discover button aimed at the local platforms."""
    base = platforms.base_url
    values: dict[str, object] = {
        "bluesky_url": base,
        "mastodon_servers": (base,),
        "x_url": base,
        "http": platforms.policy(allow_private=True, retries=0),
        **settings,
    }
    app = create_app(
        db,
        secret="test-secret-" + "x" * 32,
        uploads_dir=tmp_path / "uploads",
        discovery=DiscoverySettings(**values),  # type: ignore[arg-type]
    )
    with TestClient(app, follow_redirects=False) as client:
        yield client


def discover(client: TestClient, token: str) -> tuple[int, str]:
    response = client.post("/identities/eileencollins/discover", data={"csrf_token": token})
    return response.status_code, response.text


def discovered(db: Path) -> set[str]:
    """The handles of the profiles the store says discovery found for her."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "select p.handle from discoveries d join profiles p on p.key = d.profile_key "
            "where d.identity_slug = 'eileencollins'"
        ).fetchall()
    return {handle for (handle,) in rows}


def test_an_agent_discovers_her_clones_from_her_page(
    db: Path, tmp_path: Path, platforms: PlatformServer
) -> None:
    """The button on her page runs discovery against the three platforms: the clones found
    are imported and scanned, each shown as a likely clone with a link to it in the inbox,
    where it awaits triage; her own X account is not reported."""
    with discovery_client(db, tmp_path, platforms, x_token=platforms.x_token) as client:
        token = sign_in(client, "ana")
        page = client.get("/identities/eileencollins").text
        assert 'action="/identities/eileencollins/discover"' in page
        status, page = discover(client, token)
        assert status == 200, alert(page)
        assert alert(page) == ""
        summary = page.split('id="discover-summary">')[1].split("</p>")[0]
        assert "on bluesky" in summary and "on mastodon" in summary and "on x" in summary, summary
        table = page.split('id="discovered"')[1]
        for handle in ("eileencolins.bsky.social", "eileen_collins@masto.example", "EiIeenCollins"):
            before, after = table.split(f"@{handle}<", 1)
            assert "likely clone" in before.rsplit("<tr>", 1)[1], handle
            row = after.split("</tr>")[0]
            assert 'href="/inbox?person=eileencollins&amp;q=' in row
        assert "@eileencollins<" not in table
        assert "jcollins.bsky.social" not in table
        assert discovered(db) >= {
            "eileencolins.bsky.social",
            "eileen_collins@masto.example",
            "EiIeenCollins",
        }
        inbox = client.get("/inbox?person=eileencollins&q=EiIeenCollins").text
        assert 'name="profile_key" value="twitter:id:' in inbox


def test_a_skipped_or_failing_platform_is_a_message_and_the_rest_runs(
    db: Path, tmp_path: Path, platforms: PlatformServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an X token, one message says X was skipped and which variable to set; a
    Mastodon server that does not answer is a message too; Bluesky's clone is still found."""
    monkeypatch.delenv("CLONECHECK_X_BEARER_TOKEN", raising=False)
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    with discovery_client(
        db, tmp_path, platforms, mastodon_servers=(DEAD_SERVER,), x_token=None
    ) as client:
        token = sign_in(client, "ana")
        status, page = discover(client, token)
        assert status == 200
        messages = page.split('role="alert">')[1:]
        assert any(
            "x: skipped, no bearer token; set CLONECHECK_X_BEARER_TOKEN" in m for m in messages
        )
        assert any(m.startswith("mastodon") and "stopped" in m for m in messages)
        assert "@eileencolins.bsky.social<" in page.split('id="discovered"')[1]
        assert "EiIeenCollins" not in page


def test_discover_is_for_agents_with_the_form_token(
    db: Path, tmp_path: Path, platforms: PlatformServer
) -> None:
    """A viewer has no button and is refused; a POST without the session's CSRF token is
    refused; neither asks any platform nor stores anything."""
    with sqlite3.connect(db) as conn:
        (before,) = conn.execute("select count(*) from profiles").fetchone()
    with discovery_client(db, tmp_path, platforms, x_token=platforms.x_token) as client:
        token = sign_in(client, "vic")
        assert "/discover" not in client.get("/identities/eileencollins").text
        assert discover(client, token)[0] == 403
        client.post("/logout", data={"csrf_token": token})
        sign_in(client, "ana")
        assert discover(client, "not-the-token")[0] == 403
        assert csrf_of(client.get("/identities/eileencollins").text)
        assert platforms.hits == []
        with sqlite3.connect(db) as conn:
            assert conn.execute("select count(*) from profiles").fetchone() == (before,)
