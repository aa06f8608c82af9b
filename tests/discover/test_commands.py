"""discover, variants, crawl followers and watch, run as commands against the local platforms:
a real store file, real photos served over HTTP, a crawl killed with SIGKILL."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from platform_server import CLONES, Account, PlatformServer, demo_world
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from clonecheck.cli import app

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"
CLONE_PHOTOS = [
    "clone_mirrored_small.jpg",
    "clone_cropped.jpg",
    "clone_face_crop.jpg",
    "clone_filtered.png",
    "eileen_collins.jpg",
    "clone_cropped.jpg",
]


def run(db: Path, *args: str) -> tuple[int, str]:
    """Exit code and stdout (messages go to stderr, kept apart)."""
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout


def register_eileen(db: Path) -> None:
    code, output = run(
        db,
        "register",
        "Eileen Collins",
        "--handle",
        "eileencollins",
        "--photo",
        str(SAMPLES / "eileen_collins.jpg"),
        "--own",
        "twitter:eileencollins",
        "--own",
        "bluesky:eileencollins.bsky.social",
        "--own",
        "fediverse:eileencollins@masto.example",
    )
    assert code == 0, output


def platform_options(platforms: PlatformServer) -> list[str]:
    return [
        "--bluesky-url",
        platforms.base_url,
        "--mastodon-server",
        platforms.base_url,
        "--x-url",
        platforms.base_url,
        "--allow-private-addresses",
    ]


def world_with_photos(platforms: PlatformServer, shared_data) -> None:  # type: ignore[no-untyped-def]
    demo_world(platforms, shared_data)
    clones = {(p, h.casefold()) for p, h in CLONES}
    photos = iter(CLONE_PHOTOS)
    for account in platforms.accounts:
        if (account.platform, account.handle.casefold()) in clones:
            account.photo = SAMPLES / next(photos)


@pytest.fixture
def x_token(platforms: PlatformServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLONECHECK_X_BEARER_TOKEN", platforms.x_token)
    monkeypatch.setenv("CLONECHECK_MASTODON_TOKEN", "masto-token")


def test_discover_reports_her_clones_and_never_her_own_accounts(
    platforms: PlatformServer, shared_data, tmp_path: Path, x_token: None
) -> None:  # type: ignore[no-untyped-def]
    """The demo identity against 240 innocents on three platforms: the planted clones are
    reported likely, none of her own accounts appear, and the store says which query found each."""
    world_with_photos(platforms, shared_data)
    db = tmp_path / "c.db"
    register_eileen(db)
    code, output = run(
        db, "discover", "eileencollins", *platform_options(platforms), "--format", "json"
    )
    assert code == 1, output
    report = json.loads(output[output.index("{") : output.rindex("}") + 1])
    likely = {
        m["profile"]["handle"].casefold()
        for m in report["matches"]
        if m["verdict"] == "likely clone"
    }
    for _, handle in CLONES:
        assert handle.casefold() in likely, handle
    handles = {m["profile"]["handle"].casefold() for m in report["matches"]}
    assert not handles & {
        "eileencollins",
        "eileencollins.bsky.social",
        "eileencollins@masto.example",
    }
    with sqlite3.connect(db) as conn:
        stored = conn.execute("select count(*) from profiles").fetchone()[0]
        query = conn.execute(
            "select query from discoveries where profile_key = 'twitter:id:' || "
            "(select account_id from profiles where handle = 'EiIeenCollins')"
        ).fetchone()[0]
    assert stored == 240 + len(CLONES)
    assert query == "variant: eiIeencollins (look-alike: I for l)"


def test_x_without_token_is_one_line_and_the_rest_runs(
    platforms: PlatformServer, shared_data, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """No X token: one line says so; Bluesky and Mastodon clones are still reported."""
    monkeypatch.delenv("CLONECHECK_X_BEARER_TOKEN", raising=False)
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    world_with_photos(platforms, shared_data)
    db = tmp_path / "c.db"
    register_eileen(db)
    code, output = run(
        db, "discover", "eileencollins", *platform_options(platforms), "--format", "csv"
    )
    assert code == 1
    assert output.count("no bearer token") == 0  # the note is on stderr
    assert "eileencolins.bsky.social" in output and "EiIeenCollins" not in output


def test_variants_as_text_and_json(tmp_path: Path) -> None:
    """variants lists the handle edits most likely first, as text or JSON."""
    db = tmp_path / "c.db"
    register_eileen(db)
    code, text = run(db, "variants", "eileencollins", "--limit", "3")
    assert code == 0
    assert text.splitlines()[0] == "eiIeencollins\tlook-alike: I for l"
    code, document = run(db, "variants", "eileencollins", "-n", "40", "--format", "json")
    rows = json.loads(document)
    assert len(rows) == 40 and rows[0]["handle"] == "eiIeencollins"
    assert any(r["kind"] == "doubled letter" for r in rows)


def crawl_command(db: Path, platforms: PlatformServer) -> list[str]:
    return [
        sys.executable,
        "-m",
        "clonecheck",
        "--db",
        str(db),
        "crawl",
        "followers",
        "bluesky:star.bsky.social",
        "--bluesky-url",
        platforms.base_url,
        "--allow-private-addresses",
        "--no-photos",
        "--no-scan",
    ]


def stored_pages(db: Path) -> int:
    """Pages the crawl has stored so far (0 before its row exists)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            row = conn.execute("select pages from crawls").fetchone()
    except sqlite3.OperationalError:  # the tables are not created yet
        return 0
    return int(row[0]) if row else 0


def test_a_crawl_killed_with_sigkill_resumes_and_stores_each_follower_once(
    platforms: PlatformServer, tmp_path: Path
) -> None:
    """Killed with SIGKILL three times at random pages and started again, the crawl ends with
    all 2,000 followers, each stored once, and the crawl marked finished."""
    total = 2000
    for n in range(total):
        platforms.add(Account("bluesky", f"fan{n}.bsky.social", f"Fan {n}"))
    star = platforms.add(Account("bluesky", "star.bsky.social", "Star"))
    star.followers = [f"fan{n}.bsky.social" for n in range(total)]
    db = tmp_path / "crawl.db"
    rng = random.Random(7)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    killed_at: list[int] = []
    for _ in range(3):
        process = subprocess.Popen(
            crawl_command(db, platforms),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        target = stored_pages(db) + rng.randint(1, 4)
        deadline = time.monotonic() + 120
        while stored_pages(db) < target and process.poll() is None:
            assert time.monotonic() < deadline, "the crawl made no progress"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed_at.append(stored_pages(db))
    assert 0 < killed_at[0] < killed_at[-1] < total // 100
    finished = subprocess.run(
        crawl_command(db, platforms), env=env, capture_output=True, text=True, timeout=300
    )
    assert finished.returncode == 0, finished.stderr
    assert "Resumed bluesky:star.bsky.social" in finished.stderr and "finished" in finished.stderr
    with sqlite3.connect(db) as conn:
        keys = [k for (k,) in conn.execute("select key from profiles")]
        crawl = conn.execute("select finished_at, profiles, pages from crawls").fetchone()
    assert len(keys) == total == len(set(keys))
    assert crawl[0] is not None and crawl[1] == total
    # each page stored once; at most the page in flight at each kill was fetched twice
    assert crawl[2] == total // 100
    assert platforms.count("/xrpc/app.bsky.graph.getFollowers") <= total // 100 + 3


def test_watch_reports_a_clone_planted_between_runs_only_the_second_time(
    platforms: PlatformServer, shared_data, tmp_path: Path, x_token: None, httpserver: HTTPServer
) -> None:  # type: ignore[no-untyped-def]
    """First run: the clones there are new; second run: only the one planted in between (and
    the webhook gets it); third run: nothing new, exit 0."""
    world_with_photos(platforms, shared_data)
    posted: list[dict[str, object]] = []

    def hook(request: Request) -> Response:
        posted.append(json.loads(request.data))
        return Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(hook)
    db = tmp_path / "w.db"
    register_eileen(db)
    options = [*platform_options(platforms), "--json", "--webhook", httpserver.url_for("/hook")]
    code, first = run(db, "watch", *options)
    assert code == 1, first
    first_run = json.loads(first[first.index("{") : first.rindex("}") + 1])
    assert {c["change"] for c in first_run["changes"]} == {"new"}
    assert len(first_run["changes"]) >= len(CLONES)

    planted = platforms.add(
        Account(
            "bluesky", "eileencollinss.bsky.social", "Eileen Collins", "Retired NASA astronaut."
        )
    )
    planted.photo = SAMPLES / "clone_filtered.png"
    code, second = run(db, "watch", *options)
    assert code == 1, second
    second_run = json.loads(second[second.index("{") : second.rindex("}") + 1])
    assert [c["handle"] for c in second_run["changes"]] == ["eileencollinss.bsky.social"]
    assert len(posted) == 2 and posted[1]["changes"] == second_run["changes"]

    code, third = run(db, "watch", *options)
    assert code == 0
    assert json.loads(third[third.index("{") : third.rindex("}") + 1])["changes"] == []
    with sqlite3.connect(db) as conn:
        runs = conn.execute("select new_likely from watch_runs order by id").fetchall()
    assert [r[0] for r in runs][1:] == [1, 0]
