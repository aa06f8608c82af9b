"""Impersonation cases through the service, on a real SQLite file and the sample images: the
workflow and its audit log, what a decided case changes in the next scan, and the append-only
log."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from clonecheck.errors import InputError
from clonecheck.models import CaseState, DismissReason, Verdict
from clonecheck.service import Service
from clonecheck.service.cases import CaseService, evidence_digest
from clonecheck.store import Store
from clonecheck.store import cases as case_store

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"
DEMO_CSV = SAMPLES / "demo_profiles.csv"
HEADER = "platform,id,handle,name,bio,photo\n"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    store = Store.open(tmp_path / "clonecheck.db")
    service = Service(store)
    service.register(
        "Eileen Collins",
        handles=["eileencollins"],
        photos=[str(SAMPLES / "eileen_collins.jpg")],
        own=["twitter:eileencollins"],
        bio="Retired NASA astronaut. First woman to pilot and command a Space Shuttle.",
    )
    service.import_file(DEMO_CSV, photos_dir=SAMPLES)
    yield service
    store.close()


def import_rows(service: Service, path: Path, *rows: str) -> None:
    """Import extra CSV rows; photo names are sample images."""
    lines = [row.replace("PHOTO:", f"{SAMPLES}/") for row in rows]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    service.import_file(path, photos_dir=SAMPLES)


def handles(service: Service) -> dict[str, str]:
    result = CaseService(service).filter_scan(service.scan())
    return {m.profile.handle: m.verdict.value for m in result.matches}


def test_report_to_closed_logs_every_change(service: Service) -> None:
    """report → confirmed clone → reported to platform → closed, each change in the log."""
    cases = CaseService(service)
    case = cases.open_from_report(
        identity=None,
        name="Eileen Collins",
        handle="eiIeencollins",
        photo=str(SAMPLES / "clone_mirrored_small.jpg"),
        actor="ana",
    )
    assert case.state is CaseState.OPEN
    assert case.identity_slug == "eileencollins"
    assert case.verdict is Verdict.LIKELY_CLONE
    cases.transition(case.id, CaseState.CONFIRMED, actor="ana", reason="mirrored photo")
    cases.assign(case.id, "bo", actor="ana")
    cases.transition(case.id, CaseState.REPORTED, actor="bo", reason="ticket 123")
    cases.note(case.id, "platform acknowledged", actor="bo")
    final = cases.transition(case.id, CaseState.CLOSED, actor="bo", reason="account removed")
    assert final.state is CaseState.CLOSED
    assert final.assignee == "bo"
    moves = [(e.actor, e.from_state, e.to_state, e.reason) for e in final.events]
    assert moves == [
        ("ana", None, CaseState.OPEN, "opened from a report"),
        ("ana", CaseState.OPEN, CaseState.CONFIRMED, "mirrored photo"),
        ("ana", CaseState.CONFIRMED, CaseState.CONFIRMED, ""),
        ("bo", CaseState.CONFIRMED, CaseState.REPORTED, "ticket 123"),
        ("bo", CaseState.REPORTED, CaseState.REPORTED, ""),
        ("bo", CaseState.REPORTED, CaseState.CLOSED, "account removed"),
    ]
    assert "assigned to bo" in final.events[2].note
    assert final.events[4].note == "platform acknowledged"
    assert all(e.at.endswith("+00:00") for e in final.events)


def test_refused_transitions_name_the_allowed_states(service: Service) -> None:
    """open → closed and a dismissal without a reason are refused, and nothing is logged."""
    cases = CaseService(service)
    case = cases.open_from_scan("twitter:id:1005", identity="eileencollins", actor="ana")
    with pytest.raises(InputError, match="'confirmed clone' or 'dismissed'"):
        cases.transition(case.id, CaseState.CLOSED, actor="ana")
    with pytest.raises(InputError, match="needs a reason"):
        cases.transition(case.id, CaseState.DISMISSED, actor="ana")
    with pytest.raises(InputError, match="unknown dismiss reason"):
        cases.transition(case.id, CaseState.DISMISSED, actor="ana", reason="bored")
    assert len(cases.get(case.id).events) == 1


def test_reopen_is_allowed_and_logged(service: Service) -> None:
    """A dismissed case can be reopened; the reopening is in the log."""
    cases = CaseService(service)
    case = cases.open_from_scan("twitter:id:1006", identity="eileencollins", actor="ana")
    cases.dismiss(case.id, DismissReason.FAN_PARODY, actor="ana")
    reopened = cases.reopen(case.id, actor="bo", reason="fan account now asks for money")
    assert reopened.state is CaseState.OPEN
    assert reopened.events[-1].from_state is CaseState.DISMISSED
    assert reopened.events[-1].actor == "bo"


def test_report_resembling_nobody_is_refused(service: Service) -> None:
    """A report that resembles no registered identity opens no case."""
    with pytest.raises(InputError, match="resembles no registered identity"):
        CaseService(service).open_from_report(
            identity=None, name="Maya Okafor", handle="mayaokafor", actor="ana"
        )
    assert CaseService(service).list_cases() == []


def test_dismissed_namesake_is_silent_until_its_evidence_changes(
    service: Service, tmp_path: Path
) -> None:
    """A pair dismissed as a namesake is not raised again, unless its photo changes."""
    extra = tmp_path / "namesake.csv"
    row = "twitter,3001,eileencollinsbakes,Eileen Collins,Baker in Cork.,PHOTO:avatar_01.png"
    import_rows(service, extra, row)
    assert handles(service)["eileencollinsbakes"] == "possible"
    cases = CaseService(service)
    case = cases.open_from_scan("twitter:id:3001", identity="eileencollins", actor="ana")
    cases.dismiss(case.id, "namesake", actor="ana", note="bakery owner in Cork")
    assert case_store.dismissed_pairs(service.store) == {
        ("eileencollins", "twitter:id:3001"): case.evidence_digest
    }
    assert "eileencollinsbakes" not in handles(service)
    import_rows(service, extra, row.replace("avatar_01", "avatar_02"))
    assert handles(service)["eileencollinsbakes"] == "possible"


def test_confirmed_clone_photo_finds_its_sibling(service: Service, tmp_path: Path) -> None:
    """A new profile reusing a confirmed clone's photo, under another name, is flagged."""
    cases = CaseService(service)
    case = cases.open_from_scan("twitter:id:1002", identity="eileencollins", actor="ana")
    cases.confirm(case.id, actor="ana", reason="mirrored copy of her photo")
    assert set(case_store.known_bad_photos(service.store).values()) == {case.id}
    import_rows(
        service,
        tmp_path / "later.csv",
        "twitter,4001,spacenews_daily,Space News Daily,Launches.,PHOTO:clone_mirrored_small.jpg",
    )
    result = cases.filter_scan(service.scan())
    [sibling] = [m for m in result.matches if m.profile.handle == "spacenews_daily"]
    assert sibling.verdict is Verdict.LIKELY_CLONE
    assert f"shares photo with confirmed clone #{case.id} (@eiIeencollins)" in sibling.reasons


def test_a_name_only_clones_photo_is_not_known_bad(service: Service, tmp_path: Path) -> None:
    """A clone caught by its name shows a default avatar: confirming it must not flag every
    stranger with that avatar, only profiles that copy its handle pattern."""
    cases = CaseService(service)
    case = cases.open_from_scan("twitter:id:1005", identity="eileencollins", actor="ana")
    cases.confirm(case.id, actor="ana", reason="Cyrillic E in the name")
    assert case_store.known_bad_photos(service.store) == {}
    import_rows(
        service,
        tmp_path / "later.csv",
        "twitter,4001,spacenews_daily,Space News Daily,Launches.,PHOTO:default_avatar.png",
        "twitter,4002,reaI_eileencollins,Space News,Launches.,PHOTO:avatar_07.png",
    )
    found = handles(service)
    assert "spacenews_daily" not in found
    assert found["reaI_eileencollins"] in {"possible", "likely clone"}


def test_reopening_a_confirmed_case_forgets_its_known_bad(service: Service) -> None:
    """Known-bad photos and handles come only from cases that stay confirmed."""
    cases = CaseService(service)
    case = cases.open_from_scan("twitter:id:1005", identity="eileencollins", actor="ana")
    cases.confirm(case.id, actor="ana")
    assert case_store.known_bad_handles(service.store)
    cases.transition(case.id, CaseState.REPORTED, actor="ana")
    cases.transition(case.id, CaseState.CLOSED, actor="ana")
    cases.reopen(case.id, actor="ana", reason="wrong call")
    assert case_store.known_bad_photos(service.store) == {}
    assert case_store.known_bad_handles(service.store) == {}


def test_case_events_are_append_only(service: Service) -> None:
    """The database itself refuses to change or delete a logged event."""
    case = CaseService(service).open_from_scan(
        "twitter:id:1002", identity="eileencollins", actor="ana"
    )
    db = service.store.db.conn
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("update case_events set actor = 'mallory' where case_id = ?", [case.id])
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("delete from case_events where case_id = ?", [case.id])
    assert CaseService(service).get(case.id).events[0].actor == "ana"


def test_case_keeps_the_evidence_as_it_was(service: Service, tmp_path: Path) -> None:
    """A case's stored match survives a re-import that changes the profile."""
    cases = CaseService(service)
    case = cases.open_from_scan("twitter:id:1002", identity="eileencollins", actor="ana")
    import_rows(
        service,
        tmp_path / "changed.csv",
        "twitter,1002,eiIeencollins,Someone Else,changed,PHOTO:avatar_05.png",
    )
    again = cases.get(case.id)
    assert again.match == case.match
    assert again.match is not None
    assert again.match.profile.name == "Eileen Collins"
    assert evidence_digest(again.match) == case.evidence_digest


def test_one_active_case_per_pair(service: Service) -> None:
    """A second case on the same account and person is refused while the first is active."""
    cases = CaseService(service)
    case = cases.open_from_scan("twitter:id:1002", identity="eileencollins", actor="ana")
    with pytest.raises(InputError, match=f"case #{case.id} is already open"):
        cases.open_from_scan("twitter:id:1002", identity="eileencollins", actor="bo")


def test_matched_sibling_gets_the_shared_photo_as_a_note(service: Service, tmp_path: Path) -> None:
    """A profile the scan flags anyway also says which confirmed clone shares its photo."""
    cases = CaseService(service)
    case = cases.open_from_scan("twitter:id:1002", identity="eileencollins", actor="ana")
    cases.confirm(case.id, actor="ana")
    import_rows(
        service,
        tmp_path / "later.csv",
        "twitter,4002,astro_news,Astro News,Space.,PHOTO:clone_mirrored_small.jpg",
    )
    result = cases.filter_scan(service.scan(), identity="eileencollins")
    [sibling] = [m for m in result.matches if m.profile.handle == "astro_news"]
    assert sibling.verdict is Verdict.LIKELY_CLONE
    assert f"shares photo with confirmed clone #{case.id} (@eiIeencollins)" in sibling.notes
    [itself] = [m for m in result.matches if m.profile.handle == "eiIeencollins"]
    assert itself.notes == ()
