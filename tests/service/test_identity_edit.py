"""`identities edit`: a registered person gets another photo, handle or own account in place,
keeping their cases, their scan results and a log of the change; on a real SQLite file with
the sample images and the real face model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clonecheck.cli import app
from clonecheck.errors import DuplicateError, InputError, PhotoError
from clonecheck.service import Service
from clonecheck.service.cases import CaseService
from clonecheck.service.identities import IdentityEdit
from clonecheck.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    store = Store.open(tmp_path / "clonecheck.db")
    service = Service(store)
    service.register(
        "Eileen Collins",
        handles=["eileencollins"],
        photos=[str(SAMPLES / "eileen_collins.jpg")],
        own=["twitter:eileencollins"],
    )
    service.import_file(SAMPLES / "demo_profiles.csv", photos_dir=SAMPLES)
    yield service
    store.close()


def test_edit_adds_and_removes_and_keeps_cases_and_scans(service: Service) -> None:
    """Handles, photos and own accounts change in place; the open case and scan rows stay."""
    cases = CaseService(service)
    scan = service.scan()
    clone = next(m for m in scan.matches if m.profile.handle == "eiIeencollins")
    case = cases.open_from_scan(clone.profile.key, identity="eileencollins", actor="ana")
    person, log = service.edit_identity(
        "eileencollins",
        IdentityEdit(
            name="Eileen M. Collins",
            add_handles=["@astro_eileen"],
            add_photos=[str(SAMPLES / "clone_face_crop.jpg")],
            add_own=["bsky:eileen.bsky.social"],
            remove_own=["twitter:eileencollins"],
        ),
        actor="ana",
    )
    assert person.name == "Eileen M. Collins"
    assert person.handles == ("eileencollins", "astro_eileen")
    assert [p.source for p in person.photos] == [
        str(SAMPLES / "eileen_collins.jpg"),
        str(SAMPLES / "clone_face_crop.jpg"),
    ]
    assert [str(a) for a in person.own_accounts] == ["bsky:eileen.bsky.social"]
    assert len(log) == 5
    assert cases.get(case.id).identity_slug == "eileencollins"
    # the account no longer named as her own is judged like any other: it is her double
    after = {m.profile.handle for m in service.scan().matches}
    assert {"eiIeencollins", "eileencollins"} <= after
    history = service.identity_history("eileencollins")
    assert [h.change for h in history] == log
    assert {h.actor for h in history} == {"ana"}


def test_removed_photo_loses_its_bytes_unless_used(service: Service) -> None:
    """A removed registered photo that nothing else uses leaves no features or bytes behind."""
    added = str(SAMPLES / "clone_face_crop.jpg")
    person, _ = service.edit_identity(
        "eileencollins", IdentityEdit(add_photos=[added]), actor="ana"
    )
    digest = person.photos[1].digest
    assert digest and service.store.photo_features([digest])
    person, log = service.edit_identity(
        "eileencollins", IdentityEdit(remove_photos=[digest[:12]]), actor="ana"
    )
    assert [p.source for p in person.photos] == [str(SAMPLES / "eileen_collins.jpg")]
    assert log == [f"photo removed: {added} (sha256 {digest})"]
    uses = service.store.db.execute(
        "select count(*) from profiles where photo_digest = ?", [digest]
    ).fetchone()[0]
    left = service.store.db.execute(
        "select count(*) from photo_data where digest = ?", [digest]
    ).fetchone()[0]
    assert left == (1 if uses else 0)


def test_edit_refuses_what_cannot_be_done_and_changes_nothing(service: Service) -> None:
    """Another person's handle, a photo without a face, an unknown handle: one error, no change."""
    service.register("Ada Lovelace", handles=["ada"])
    with pytest.raises(DuplicateError, match="already registered to identity 'ada'"):
        service.edit_identity("eileencollins", IdentityEdit(add_handles=["ada"]), actor="x")
    with pytest.raises(PhotoError, match="face"):
        service.edit_identity(
            "eileencollins",
            IdentityEdit(
                add_handles=["astro_eileen"], add_photos=[str(SAMPLES / "default_avatar.png")]
            ),
            actor="x",
        )
    with pytest.raises(InputError, match="not a handle of identity 'eileencollins'"):
        service.edit_identity("eileencollins", IdentityEdit(remove_handles=["nobody"]), actor="x")
    with pytest.raises(InputError, match="nothing to change"):
        service.edit_identity("eileencollins", IdentityEdit(), actor="x")
    person = service.identity("eileencollins")
    assert person.handles == ("eileencollins",)
    assert len(person.photos) == 1
    assert service.identity_history("eileencollins") == []


def test_remove_forgets_the_change_log(service: Service) -> None:
    """Removing a person also removes the log of their old names and handles."""
    service.edit_identity("eileencollins", IdentityEdit(add_handles=["astro_eileen"]), actor="a")
    service.remove_identity("eileencollins")
    count = service.store.db.execute("select count(*) from identity_changes").fetchone()[0]
    assert count == 0


def test_cli_edit_prints_each_change_and_show_lists_the_history(tmp_path: Path) -> None:
    """`identities edit` says each change on stderr; `identities show` lists them after."""
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    result = runner.invoke(app, ["--db", db, "register", "Ada Lovelace", "--handle", "ada"])
    assert result.exit_code == 0
    result = runner.invoke(
        app,
        ["--db", db, "identities", "edit", "ada", "--add-handle", "ada_l", "--add-own",
         "twitter:ada", "--as", "ana"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "ada: handle added: @ada_l" in result.stderr
    assert "ada: own account added: twitter:ada" in result.stderr
    result = runner.invoke(app, ["--db", db, "identities", "show", "ada_l"])
    assert "handles: @ada, @ada_l" in result.stdout
    assert "by ana: handle added: @ada_l" in result.stdout
    result = runner.invoke(app, ["--db", db, "identities", "edit", "ada"])
    assert result.exit_code == 2
    assert "nothing to change" in result.stderr
