"""Removing a person erases them: identity, scan results, own accounts' profiles, unused photos
and the bytes under them; a case against them keeps the reported account and its photo as
evidence with the person cut out of its snapshot. Real SQLite files, the sample images."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clonecheck.cli import app
from clonecheck.models import CaseState
from clonecheck.service import Service
from clonecheck.service.cases import CaseService
from clonecheck.store import Store, discovery, erasure

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"
NAME = "Eileen Marie Collins-Youngblood"
BIO = "Commander of STS-93; astronaut number 7f3a9c, pilot of Discovery."
HANDLE = "emcy_astro"
SECOND_PHOTO = SAMPLES / "clone_face_crop.jpg"
CRAWL = (
    "platform,id,handle,name,bio,photo\n"
    f'twitter,2001,{HANDLE},{NAME},"{BIO}",avatar_03.png\n'
    "twitter,2002,eiIeen_astr0,Eileen C.,Space stuff.,eileen_collins.jpg\n"
    "twitter,2003,mayaokafor,Maya Okafor,Urban planner.,avatar_02.png\n"
)


def raw_bytes(path: Path) -> bytes:
    """The database file and its write-ahead log, as they lie on disk."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def secrets(store: Store) -> dict[str, bytes]:
    """Byte strings only the person's data holds: name, bio, handle, the unshared photo's
    bytes, hashes and face embedding, and the path it was registered from."""
    person = store.identity(HANDLE)
    digest = next(p.digest for p in person.photos if p.source == str(SECOND_PHOTO))
    assert digest
    hashes, faces = store.db.execute(
        "select hashes, faces from photos where digest = ?", [digest]
    ).fetchone()
    data = SECOND_PHOTO.read_bytes()
    return {
        "name": NAME.encode(),
        "bio": BIO.encode(),
        "handle": HANDLE.encode(),
        "slug": person.slug.encode(),
        "photo bytes": data[len(data) // 2 : len(data) // 2 + 256],
        "perceptual hashes": str(hashes).encode(),
        "face embedding": str(faces)[:64].encode(),
        "photo path": str(SECOND_PHOTO).encode(),
    }


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "clonecheck.db"


@pytest.fixture
def service(db: Path, tmp_path: Path) -> Iterator[Service]:
    """A person with two photos (one that a clone also shows), their own account crawled,
    a scan, and a case opened from a report of an account using their photo."""
    store = Store.open(db)
    service = Service(store)
    service.register(
        NAME,
        handles=[HANDLE],
        photos=[str(SAMPLES / "eileen_collins.jpg"), str(SECOND_PHOTO)],
        own=[f"twitter:{HANDLE}"],
        bio=BIO,
    )
    crawl = tmp_path / "crawl.csv"
    crawl.write_text(CRAWL, encoding="utf-8")
    service.import_file(crawl, photos_dir=SAMPLES)
    service.scan()
    slug = store.identity(HANDLE).slug
    service.scan(identity=slug)
    discovery.record_discoveries(
        store, slug, [("twitter:id:2002", "bluesky", f"{NAME} astronaut", "2026-01-02")]
    )
    CaseService(service).open_from_report(
        identity=HANDLE,
        name="Eileen C.",
        handle="eileen_c_official",
        photo=str(SAMPLES / "eileen_collins.jpg"),
        actor="ana",
    )
    yield service
    store.close()


def test_removal_keeps_the_case_evidence_without_the_person(service: Service) -> None:
    """The case keeps the reported account, its photo bytes and history; its snapshot no
    longer holds the person's name, bio, handles, photos or own accounts."""
    cases = CaseService(service)
    before = cases.get(1)
    assert before.match is not None and before.match.profile.photo is not None
    evidence = before.match.profile.photo.digest
    assert evidence and evidence in {p.digest for p in before.match.identity.photos}

    erased = service.remove_identity(HANDLE)

    case = cases.get(1)
    assert case.identity_slug is None
    assert case.match is not None
    assert case.match.identity.name == erasure.REMOVED_NAME
    assert case.match.identity.handles == () and case.match.identity.photos == ()
    assert case.match.identity.own_accounts == () and case.match.identity.bio == ""
    assert case.match.identity_photo is None
    assert case.match.profile.handle == "eileen_c_official"
    assert case.match.profile.photo is not None and case.match.profile.photo.digest == evidence
    assert service.store.photo_data(evidence) is not None
    assert case.state is CaseState.OPEN
    assert [e.actor for e in case.events] == ["ana", erasure.ERASER]
    for signal in case.match.signals:
        text = " ".join((signal.detail, *signal.evidence)).casefold()
        assert HANDLE not in text and "youngblood" not in text
    assert any("case (#1)" in line and "evidence" in line for line in erased.kept)
    assert any(evidence[:12] in line and "case #1" in line for line in erased.kept)


def test_a_case_keeps_its_photo_after_the_crawl_changed(service: Service, tmp_path: Path) -> None:
    """A clone's photo that only a case still names (the crawl has a newer photo since) is
    the case's evidence: removing the person whose photo it copied keeps its bytes."""
    cases = CaseService(service)
    case = cases.open_from_scan("twitter:id:2002", identity=HANDLE, actor="ana")
    assert case.match is not None and case.match.profile.photo is not None
    copied = case.match.profile.photo.digest
    assert copied
    newer = tmp_path / "newer.csv"
    # both accounts crawled again, showing other photos now: only the cases name the copy
    newer.write_text(
        CRAWL.replace("eileen_collins.jpg", "avatar_04.png")
        + "reported,,eileen_c_official,Eileen C.,,avatar_05.png\n",
        encoding="utf-8",
    )
    service.import_file(newer, photos_dir=SAMPLES)
    shown = service.store.db.execute(
        "select count(*) from profiles where photo_digest = ?", [copied]
    )
    assert shown.fetchone()[0] == 0

    erased = service.remove_identity(HANDLE)

    assert service.store.photo_data(copied) is not None
    assert service.store.photo_features([copied]).keys() == {copied}
    assert any(f"case #1, #{case.id}, kept as evidence" in line for line in erased.kept)


def test_removal_deletes_every_row_about_the_person(service: Service) -> None:
    """Identity, matches, the own account's crawled profile and the unshared photo go; the
    other profiles and their matches stay."""
    store = service.store
    second = next(p.digest for p in store.identity(HANDLE).photos if p.source == str(SECOND_PHOTO))
    assert second
    slug = store.identity(HANDLE).slug
    count = store.db.execute("select count(*) from matches where identity_slug = ?", [slug])
    assert count.fetchone()[0] > 0
    assert "twitter:id:2001" in {p.key for p in store.profiles()}

    erased = service.remove_identity(HANDLE)

    assert store.identities() == []
    assert store.db.execute("select count(*) from matches").fetchone()[0] == 0
    assert store.db.execute("select count(*) from discoveries").fetchone()[0] == 0
    per_person = store.db.execute("select identity from scans where identity is not null")
    assert [row[0] for row in per_person] == [erasure.REMOVED_NAME]
    keys = {p.key for p in store.profiles()}
    assert "twitter:id:2001" not in keys
    assert {"twitter:id:2002", "twitter:id:2003"} <= keys
    assert store.photo_features([second]) == {}
    assert store.photo_data(second) is None
    for table in ("photo_crops", "photo_sources"):
        rows = store.db.execute(f"select count(*) from {table} where digest = ?", [second])
        assert rows.fetchone()[0] == 0
    assert (
        store.db.execute(
            "select count(*) from photo_sources where source = ?", [str(SECOND_PHOTO)]
        ).fetchone()[0]
        == 0
    )
    said = " ".join(erased.removed)
    assert "scan matches" in said and "twitter:id:2001" in said and "photo" in said
    assert "1 discovery or watch record" in said and "1 scan or watch run" in said


def test_no_byte_of_the_person_is_left_in_the_file(service: Service, db: Path) -> None:
    """After removal the database file and its log hold none of the person's strings or
    photo bytes (secure_delete zeroes freed content; the log is truncated)."""
    wanted = secrets(service.store)
    before = raw_bytes(db)
    assert all(value in before for value in wanted.values())

    erased = service.remove_identity(HANDLE)

    after = raw_bytes(db)
    assert erased.wiped == "secure_delete"
    assert not erased.log_busy
    assert [what for what, value in wanted.items() if value in after] == []


def test_without_secure_delete_the_file_is_vacuumed(
    service: Service, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SQLite that cannot turn secure_delete on still leaves no byte behind: VACUUM."""
    wanted = secrets(service.store)
    service.store.db.execute("PRAGMA secure_delete = OFF")
    monkeypatch.setattr(erasure, "secure_delete_on", lambda store: False)

    erased = service.remove_identity(HANDLE)

    assert erased.wiped == "VACUUM"
    after = raw_bytes(db)
    assert [what for what, value in wanted.items() if value in after] == []


def test_every_connection_has_secure_delete_on(db: Path) -> None:
    """Store.open turns secure_delete on, so any writer's deletes are zeroed."""
    with Store.open(db) as store:
        assert store.db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert Store.memory().db.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_cli_remove_says_what_it_removed_and_kept(service: Service, db: Path) -> None:
    """`identities remove` lists what went, what was kept and why, and how it was wiped."""
    service.store.close()
    result = CliRunner().invoke(app, ["--db", str(db), "identities", "remove", HANDLE])
    assert result.exit_code == 0, result.output
    out = result.stderr
    assert f"Removed {NAME}" in out
    assert "removed the identity" in out and "scan match" in out
    assert "kept 1 case (#1)" in out and "evidence" in out
    assert "secure_delete" in out
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from identities").fetchone()[0] == 0
