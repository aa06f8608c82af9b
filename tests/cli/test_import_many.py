"""Several files, folders and feedback: an import goes on past a bad file (one line per
failure, a total at the end, exit 2), a folder is read for every export inside it, and the
slow commands say what they are doing on a terminal (and nothing when piped)."""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from clonecheck.cli import app
from clonecheck.cli.common import working
from clonecheck.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def handles(db: Path) -> set[str]:
    with Store.open(db) as store:
        return {str(r[0]) for r in store.db.execute("select handle from profiles")}


def test_a_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    """`import a.csv bad.json missing.csv b.csv` imports a and b, says one line per failure,
    ends with a total, and exits 2 so a script sees that something failed."""
    good_a = tmp_path / "a.csv"
    good_a.write_text("platform,handle,name\ntwitter,ada_1,Ada One\n", encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "profiles"}', encoding="utf-8")
    good_b = tmp_path / "b.csv"
    good_b.write_text("platform,handle,name\ntwitter,ada_2,Ada Two\n", encoding="utf-8")
    db = tmp_path / "c.db"
    code, _, err = run(db, "import", str(good_a), str(bad), str(tmp_path / "missing.csv"),
                       str(good_b))  # fmt: skip
    assert code == 2
    assert handles(db) == {"ada_1", "ada_2"}
    failures = [line for line in err.splitlines() if line.startswith("failed: ")]
    assert len(failures) == 2
    assert str(bad) in failures[0] and "cannot tell the format" in failures[0]
    assert f"{tmp_path / 'missing.csv'}: no such file or directory" in failures[1]
    assert err.splitlines()[-1] == (
        "Total: 2 of 4 file(s) imported, 2 failed; 2 profiles imported, 0 updated, "
        "0 unchanged, 0 records skipped."
    )


def test_a_folder_is_read_for_every_export_inside(tmp_path: Path) -> None:
    """A folder that is not one export imports every export file at any depth; photos and
    hidden files are passed over, and said so."""
    folder = tmp_path / "crawl"
    (folder / "day2" / ".cache").mkdir(parents=True)
    shutil.copy(SAMPLES / "demo_profiles.csv", folder / "day1.csv")
    (folder / "day2" / "more.jsonl").write_text(
        '{"platform": "bluesky", "handle": "ada.bsky.social", "name": "Ada"}\n', encoding="utf-8"
    )
    (folder / "day2" / ".cache" / "x.csv").write_text("junk", encoding="utf-8")
    shutil.copy(SAMPLES / "avatar_01.png", folder / "day2" / "avatar.png")
    db = tmp_path / "c.db"
    code, _, err = run(db, "import", str(folder), "--photos-dir", str(SAMPLES))
    assert code == 0, err
    assert "ada.bsky.social" in handles(db) and "eiIeencollins" in handles(db)
    assert "1 other file(s) in the folders passed over (not exports)" in err
    assert "Total: 2 of 2 file(s) imported, 0 failed; 15 profiles imported" in err


def test_slow_steps_say_what_they_do_on_a_terminal_only() -> None:
    """`working` shows its message with a spinner on a terminal, and prints nothing when the
    output is piped (so scripts read clean output)."""
    screen = io.StringIO()
    with working("Registering Ada: reading 1 photo(s)", Console(file=screen, force_terminal=True)):
        time.sleep(0.1)
    assert "Registering Ada: reading 1 photo(s)" in screen.getvalue()
    piped = io.StringIO()
    with working("Registering Ada", Console(file=piped, force_terminal=False)):
        pass
    assert piped.getvalue() == ""


def test_register_prints_one_line_when_piped(tmp_path: Path) -> None:
    """Piped, `register` with a photo prints its one result line and no progress."""
    code, out, err = run(tmp_path / "c.db", "register", "Eileen Collins", "--handle", "ec",
                         "--photo", str(SAMPLES / "eileen_collins.jpg"))  # fmt: skip
    assert code == 0
    assert out == ""
    assert err.splitlines() == [
        "Registered Eileen Collins as 'ec': 1 handle(s), 1 photo(s), 0 own account(s)."
    ]
