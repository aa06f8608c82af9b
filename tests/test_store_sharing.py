"""The data file as others read it: Datasette follows its declared links (a case to its person
and its profile, a profile to its photo), the views answer the common questions, older files
gain the links in place, and the web app's users, sessions and secret live in a file of their
own (0600), never in the data file that is shared."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from datasette.app import Datasette

from clonecheck.models import Match, Profile, Verdict
from clonecheck.service import Service
from clonecheck.service.cases import CaseService
from clonecheck.service.users import UserService
from clonecheck.store import SCHEMA_VERSION, Store
from clonecheck.store.links import LINKS, VIEWS
from clonecheck.store.team import TEAM_TABLES, secrets_path

SAMPLES = Path(__file__).resolve().parents[1] / "sample_images"
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eileen Collins registered, the demo crawl imported and scanned, a case opened from the
    scan and one from a report of an account no crawl holds, and a team member signed in."""
    path = tmp_path_factory.mktemp("sharing") / "clonecheck.db"
    with Store.open(path) as store:
        service = Service(store)
        service.register(
            "Eileen Collins",
            handles=["eileencollins"],
            photos=[str(SAMPLES / "eileen_collins.jpg")],
            own=["twitter:eileencollins"],
        )
        service.import_file(SAMPLES / "demo_profiles.csv", photos_dir=SAMPLES)
        service.scan()
        cases = CaseService(service)
        cases.open_from_scan("twitter:id:1002", identity="eileencollins", actor="ana")
        cases.open_from_report(
            identity="eileencollins",
            name="Eileen Collins",
            handle="eileen_collins_nasa",
            platform="bluesky",
            actor="ana",
        )
        users = UserService(service)
        users.add("ana", PASSWORD, "agent")
        users.start_session(users.get("ana"), lifetime_s=3600)
        users.session_secret()
    return path


def datasette_get(path: Path, url: str) -> Any:
    """``url`` of a Datasette serving the data file, through Datasette's own test client."""

    async def get() -> Any:
        app = Datasette(files=[str(path)])
        response = await app.client.get(url)
        assert response.status_code == 200, (url, response.text[:500])
        return response.json() if ".json" in url else response.text

    return asyncio.run(get())


def test_datasette_reads_a_case_through_its_links(shared: Path) -> None:
    """Datasette shows a case's person and profile by their names, links the case to its
    profile and follows the profile to its photo; the profile counts the cases and matches
    that link to it. The links are declared in the file, not known only to clonecheck."""
    data = datasette_get(shared, "/clonecheck/cases.json?id=1&_labels=on&_shape=objects")
    (case,) = data["rows"]
    assert case["identity_slug"] == {"value": "eileencollins", "label": "Eileen Collins"}
    assert case["profile_key"] == {"value": "twitter:id:1002", "label": "Eileen Collins"}
    page = datasette_get(shared, "/clonecheck/cases?id=1")
    assert '<a href="/clonecheck/profiles/twitter~3Aid~3A1002">Eileen Collins</a>' in page
    profile = datasette_get(
        shared, "/clonecheck/profiles.json?key=twitter:id:1002&_labels=on&_shape=objects"
    )
    photo_link = profile["rows"][0]["photo_digest"]
    photo = datasette_get(shared, f"/clonecheck/photos/{photo_link['value']}.json?_shape=objects")
    assert photo["rows"][0]["digest"] == photo_link["value"]
    linked = datasette_get(
        shared, "/clonecheck/profiles/twitter~3Aid~3A1002.json?_extras=foreign_key_tables"
    )
    counts = {t["other_table"]: t["count"] for t in linked["foreign_key_tables"]}
    assert counts["cases"] == 1
    assert counts["matches"] >= 1


def test_a_reported_account_is_a_profile_its_case_links_to(shared: Path) -> None:
    """A case opened on a reported account no crawl holds keeps the account in ``profiles``
    (marked reported), so the link from the case resolves."""
    data = datasette_get(shared, "/clonecheck/cases.json?id=2&_labels=on&_shape=objects")
    (case,) = data["rows"]
    assert case["profile_key"] == {
        "value": "bluesky:@eileen_collins_nasa",
        "label": "Eileen Collins",
    }
    with sqlite3.connect(shared) as conn:
        source = conn.execute(
            "select source_file from profiles where key = 'bluesky:@eileen_collins_nasa'"
        ).fetchone()
    assert source == ("reported",)


def test_views_answer_open_cases_by_person_and_clones_by_platform(shared: Path) -> None:
    """``open_cases_by_person`` counts each person's cases still being handled;
    ``clones_by_platform`` counts the latest scan's likely and possible clones per platform;
    Datasette lists and serves both."""
    tables = datasette_get(shared, "/clonecheck.json")
    assert set(VIEWS) <= {view["name"] for view in tables["views"]}
    by_person = datasette_get(shared, "/clonecheck/open_cases_by_person.json?_shape=objects")
    assert by_person["rows"] == [
        {
            "person": "eileencollins",
            "name": "Eileen Collins",
            "open_cases": 2,
            "awaiting_decision": 2,
            "confirmed_not_reported": 0,
            "reported": 0,
            "oldest_opened_at": by_person["rows"][0]["oldest_opened_at"],
        }
    ]
    with Store.open(shared) as store:
        latest = store.scans()[-1]
        likely = store.db.execute(
            "select count(distinct m.profile_key) from matches m join profiles p "
            "on p.key = m.profile_key where m.scan_id = ? and p.platform = 'twitter' "
            "and m.verdict = 'likely clone'",
            [latest.id],
        ).fetchone()[0]
    by_platform = datasette_get(shared, "/clonecheck/clones_by_platform.json?_shape=objects")
    twitter = next(row for row in by_platform["rows"] if row["platform"] == "twitter")
    assert likely > 0
    assert twitter["likely_clones"] == likely
    assert twitter["confirmed_clones"] == 0


def test_the_data_file_holds_no_users_sessions_or_secret(shared: Path) -> None:
    """The team, their sessions and the session-signing secret are in
    ``clonecheck.secrets.db`` (mode 0600), not in the data file, which can be shared."""
    with Store.open(shared) as store:
        secret = UserService(Service(store)).session_secret()
    with sqlite3.connect(shared) as conn:
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
    assert not tables & set(TEAM_TABLES)
    assert secret.encode() not in shared.read_bytes()
    secrets = secrets_path(shared)
    assert secrets.name == "clonecheck.secrets.db"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    with sqlite3.connect(secrets) as conn:
        assert conn.execute("select username from users").fetchall() == [("ana",)]
        assert conn.execute("select count(*) from sessions").fetchone() == (1,)
        assert conn.execute("select value from settings").fetchall() == [(secret,)]


def _downgrade_to_schema_4(path: Path) -> None:
    """Make ``path`` look like a file of schema 4: no links, no views, the web app's tables
    inside it."""
    db = sqlite_utils.Database(path)
    for table, links in LINKS.items():
        db.table(table).transform(drop_foreign_keys=[fk.column for fk in links])
    for view in VIEWS:
        db.execute(f"drop view {view}")
    db.execute(
        "create table users (username text primary key, password_hash text not null, "
        "role text not null, created_at text not null, disabled integer not null default 0)"
    )
    db.execute("create table settings (name text primary key, value text not null)")
    db.execute(
        "create table sessions (id_hash text primary key, username text not null, "
        "created_at float not null, last_seen float not null)"
    )
    db.execute("insert into users values ('old', 'hash-of-old', 'admin', '2025-01-01', 0)")
    db.execute("insert into settings values ('session_secret', 'the-old-secret')")
    db.execute("insert into sessions values ('abc', 'old', 1.0, 2.0)")
    db.execute("PRAGMA user_version = 4")
    db.conn.commit()
    db.close()


def test_an_older_file_gains_its_links_and_moves_its_secrets_out(
    shared: Path, tmp_path: Path
) -> None:
    """A schema-4 file opens as schema 5 in place: its tables rebuilt with their links and
    every row kept, a case of a removed person kept without one, the views made, and the
    users, sessions and secret moved to the secrets file (0600) and dropped from the data."""
    path = tmp_path / "old.db"
    with sqlite3.connect(shared) as source, sqlite3.connect(path) as target:
        source.backup(target)
    _downgrade_to_schema_4(path)
    with sqlite3.connect(path) as conn:
        before = {
            t: conn.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("profiles", "matches", "cases", "case_events")
        }
        # a case whose person was removed, from before the links
        conn.execute("update cases set identity_slug = 'gone' where id = 2")
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
        for table, links in LINKS.items():
            assert set(links) <= set(store.db.table(table).foreign_keys), table
        assert set(VIEWS) <= set(store.db.view_names())
        after = {t: store.db.table(t).count for t in before}
        assert not set(TEAM_TABLES) & set(store.db.table_names())
        cases = CaseService(Service(store))
        assert cases.get(2).identity_slug is None
        assert cases.get(1).identity_slug == "eileencollins"
        users = UserService(Service(store))
        assert [u.username for u in users.list_users()] == ["old"]
        assert users.session_secret() == "the-old-secret"
    assert after == before
    assert stat.S_IMODE(secrets_path(path).stat().st_mode) == 0o600
    with sqlite3.connect(secrets_path(path)) as conn:
        assert conn.execute("select id_hash, username from sessions").fetchall() == [("abc", "old")]


def test_links_are_enforced_and_removing_a_person_keeps_their_cases(
    shared: Path, tmp_path: Path
) -> None:
    """SQLite enforces the declared links: a match of a profile that is not stored is refused;
    removing a person keeps their cases and history, no longer linked to anyone."""
    path = tmp_path / "copy.db"
    with sqlite3.connect(shared) as source, sqlite3.connect(path) as target:
        source.backup(target)
    with Store.open(path) as store:
        person = store.identity("eileencollins")
        ghost = Match(person, Profile("twitter", "nobody_stored"), 0.9, Verdict.LIKELY_CLONE, ())
        scan = store.start_scan(None, {})
        with pytest.raises(sqlite3.IntegrityError):
            store.add_matches(scan, [ghost])
        store.remove_identity("eileencollins")
        cases = CaseService(Service(store))
        kept = cases.get(1)
        assert kept.identity_slug is None
        # the person is erased from the case's snapshot (tests/service/test_erasure.py)
        assert kept.match is not None and kept.match.identity.name == "(removed person)"
        assert kept.match.profile.key == "twitter:id:1002"
        assert [e.actor for e in kept.events] == ["ana", "clonecheck"]
    data = datasette_get(path, "/copy/cases.json?id=1&_labels=on&_shape=objects")
    assert data["rows"][0]["identity_slug"] is None
    assert data["rows"][0]["profile_key"]["value"] == "twitter:id:1002"
