"""The command line as a user meets it: exit codes, one-line errors, reports on stdout.

Runs the real app through typer's runner on a real SQLite file, with the project's own sample
images and the real face model. Exit codes are the contract scripts rely on: 0 nothing
suspicious, 1 likely clones found, 2 usage or input error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clonecheck.cli import app
from clonecheck.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"
PORTRAIT = SAMPLES / "eileen_collins.jpg"
DEMO_CSV = SAMPLES / "demo_profiles.csv"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "clonecheck.db"


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def register_eileen(db: Path) -> None:
    code, _, err = run(
        db,
        "register",
        "Eileen Collins",
        "--handle",
        "eileencollins",
        "--photo",
        str(PORTRAIT),
        "--own",
        "twitter:eileencollins",
        "--bio",
        "Retired NASA astronaut. First woman to pilot and command a Space Shuttle.",
    )
    assert code == 0, err


def test_demo_reports_clones_by_photo_face_and_name_but_not_the_namesake() -> None:
    """`clonecheck demo` finds every kind of clone, spares the namesake and her own account."""
    result = CliRunner().invoke(app, ["demo", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    verdicts = {m["profile"]["handle"]: m["verdict"] for m in report["matches"]}
    assert verdicts["eiIeencollins"] == "likely clone"  # photo mirrored + look-alike handle
    assert verdicts["eileen_collins_"] == "likely clone"  # cropped photo
    assert verdicts["eileencolins1"] == "likely clone"  # another crop: the face
    # name with a Cyrillic Е, real+handle, default avatar: the look-alike is deception
    assert verdicts["real_eileencollins"] == "likely clone"
    assert verdicts["eileencollins_fan"] == "possible"  # says it is a fan account
    assert "eileencollins" not in verdicts  # her own account
    assert "eileencooks" not in verdicts  # a namesake
    assert "eileenmurphy" not in verdicts
    kinds = {
        m["profile"]["handle"]: {s["kind"] for s in m["signals"] if s["strength"] > 0}
        for m in report["matches"]
    }
    assert "photo" in kinds["eiIeencollins"]
    assert "face" in kinds["eileencolins1"]
    assert "photo" not in kinds["real_eileencollins"]


def test_scan_exits_one_on_likely_clones_and_writes_the_report(db: Path, tmp_path: Path) -> None:
    """register → import → scan: exit 1 with a likely clone, CSV report in --output."""
    register_eileen(db)
    code, _, err = run(db, "import", str(DEMO_CSV), "--photos-dir", str(SAMPLES))
    assert code == 0, err
    assert "14 imported" in err
    out = tmp_path / "report.csv"
    code, stdout, err = run(db, "scan", "--format", "csv", "--output", str(out))
    assert code == 1
    assert stdout == ""
    assert "likely clone" in out.read_text(encoding="utf-8")
    assert "Report written to" in err


def test_reimport_updates_instead_of_duplicating(db: Path) -> None:
    """Importing the same file twice leaves one row per account."""
    register_eileen(db)
    run(db, "import", str(DEMO_CSV), "--photos-dir", str(SAMPLES))
    code, _, err = run(db, "import", str(DEMO_CSV), "--photos-dir", str(SAMPLES))
    assert code == 0
    assert "0 imported, 0 updated, 14 unchanged" in err
    assert "14 from cache" in err
    with Store.open(db) as store:
        assert store.count_profiles() == 14


def test_scan_exits_zero_when_nothing_is_suspicious(db: Path, tmp_path: Path) -> None:
    """A crawl of innocent accounts only: exit 0 and an empty report."""
    register_eileen(db)
    innocents = tmp_path / "innocents.csv"
    lines = DEMO_CSV.read_text(encoding="utf-8").splitlines()
    keep = [lines[0]] + [line for line in lines[1:] if "avatar_0" in line and "Eileen" not in line]
    innocents.write_text(
        "\n".join(keep).replace("avatar_", str(SAMPLES / "avatar_")) + "\n", encoding="utf-8"
    )
    assert run(db, "import", str(innocents), "--photos-dir", str(SAMPLES))[0] == 0
    code, stdout, _ = run(db, "scan")
    assert code == 0
    assert "No suspicious profiles" in stdout


def test_check_one_reported_account(db: Path) -> None:
    """`check` with a look-alike handle and the copied photo: likely clone, exit 1."""
    register_eileen(db)
    code, stdout, err = run(
        db,
        "check",
        "--name",
        "Eileen Collins",
        "--handle",
        "eiIeencollins",
        "--photo",
        str(SAMPLES / "clone_mirrored_small.jpg"),
        "--format",
        "json",
    )
    assert code == 1
    report = json.loads(stdout)
    assert report["matches"][0]["verdict"] == "likely clone"
    assert "likely clone of Eileen Collins" in err


def test_identities_list_show_remove(db: Path) -> None:
    """The registry can be listed, shown and emptied again, photos' features included."""
    register_eileen(db)
    code, stdout, _ = run(db, "identities")
    assert code == 0
    assert "eileencollins" in stdout
    code, stdout, _ = run(db, "identities", "show", "eileencollins")
    assert "twitter:eileencollins" in stdout
    code, _, err = run(db, "identities", "remove", "eileencollins")
    assert code == 0
    assert "Removed Eileen Collins" in err
    with Store.open(db) as store:
        assert store.identities() == []
        assert store.photo_features() == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["register", "Ada", "--photo", "missing.jpg"], "missing.jpg"),
        (["register", "Ada", "--photo", str(SAMPLES / "demo_profiles.csv")], "not an image"),
        (["register", "Ada", "--photo", str(SAMPLES / "default_avatar.png")], "no face found"),
        (["register", "Ada", "--own", "adalovelace"], "platform:handle"),
        (["import", "nowhere.csv"], "nowhere.csv"),
        (["scan"], "no identities registered"),
        (["scan", "--set", "hash_strongest=3"], "unknown setting"),
        (["identities", "show", "nobody"], "nobody"),
    ],
)
def test_input_errors_are_one_line_with_exit_two(db: Path, args: list[str], message: str) -> None:
    """Bad input gives one 'Error:' line naming it, exit code 2, and no traceback."""
    code, stdout, err = run(db, *args)
    assert code == 2
    assert err.startswith("Error: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err + stdout


def test_a_failed_command_keeps_what_was_stored(db: Path) -> None:
    """A handle registered twice is refused and the first registration is intact."""
    register_eileen(db)
    code, _, err = run(db, "register", "Someone Else", "--handle", "EileenCollins")
    assert code == 2
    assert "eileencollins" in err.lower()
    with Store.open(db) as store:
        [person] = store.identities()
    assert person.name == "Eileen Collins"
    assert len(person.photos) == 1


def test_csv_without_handle_column_names_the_fix(db: Path, tmp_path: Path) -> None:
    """A CSV with no handle column is refused with the columns found and the --map fix."""
    crawl = tmp_path / "crawl.csv"
    crawl.write_text("full_name,avatar\nAda Lovelace,x.jpg\n", encoding="utf-8")
    code, _, err = run(db, "import", str(crawl))
    assert code == 2
    assert "--map" in err
    code, _, err = run(db, "import", str(crawl), "--map", "handle=full_name", "--platform", "x")
    assert code == 0, err


def test_progress_is_silent_when_piped(db: Path) -> None:
    """Piped output (the runner is not a terminal) carries no progress bar."""
    register_eileen(db)
    _, _, err = run(db, "import", str(DEMO_CSV), "--photos-dir", str(SAMPLES))
    assert "Fetching" not in err
    assert "━" not in err


def test_import_refuses_local_files_outside_photos_dir(db: Path, tmp_path: Path) -> None:
    """A crawl naming /etc/passwd and a photo outside --photos-dir imports its profiles with
    the photos refused, never printing the file's content; the photo inside is used."""
    trusted = tmp_path / "photos"
    trusted.mkdir()
    (trusted / "good.jpg").write_bytes((SAMPLES / "eileen_collins.jpg").read_bytes())
    crawl = tmp_path / "crawl.csv"
    crawl.write_text(
        "platform,handle,photo\nx,a,good.jpg\nx,b,/etc/passwd\nx,c,../../../../etc/passwd\n",
        encoding="utf-8",
    )
    code, stdout, err = run(db, "import", str(crawl), "--photos-dir", str(trusted))
    assert code == 0, err
    assert "3 imported" in err and "1 fetched" in err
    assert "2 photo(s): local file refused: outside the trusted photos folder" in err
    assert "root:" not in err + stdout
    code, _, err = run(db, "import", str(crawl))
    assert code == 0, err
    assert "3 photo(s): local file refused" in err and "--photos-dir" in err


def test_import_photos_dir_must_exist(db: Path, tmp_path: Path) -> None:
    """--photos-dir naming no folder is a one-line error naming it (exit 2)."""
    crawl = tmp_path / "crawl.csv"
    crawl.write_text("platform,handle\nx,a\n", encoding="utf-8")
    code, _, err = run(db, "import", str(crawl), "--photos-dir", str(tmp_path / "nowhere"))
    assert code == 2
    assert "--photos-dir" in err and "nowhere" in err and "no such folder" in err
