"""One options convention, as pip-audit, ruff and gh have it: `--format` is the report format
everywhere (the import's source format is `--from`), reports and packs go to stdout unless
`-o` names a file, help speaks of TEXT and PATH rather than Python types, and a log's reason
is the reason."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from clonecheck.cli import app
from clonecheck.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"
PYTHON_TYPES = re.compile(r"<(str|int|float|bool|path|list\[[^\]]*\]|Path)>|\{[a-z_]+\}")


def _commands() -> list[list[str]]:
    found: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])
        found.append(path)

    walk(typer.main.get_command(app), [])
    return found


COMMANDS = _commands()


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_help_shows_no_python_types(path: list[str]) -> None:
    """`--help` names values TEXT, PATH, INTEGER or their choices, never `<list[str]>` or
    `{files}`."""
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert not PYTHON_TYPES.search(result.stdout), PYTHON_TYPES.findall(result.stdout)


def test_import_source_format_is_from_and_format_is_a_deprecated_alias(tmp_path: Path) -> None:
    """`import --from csv` and `--input-format csv` force the source format; the old `--format
    csv` still works, says it is deprecated, and is not in the help."""
    for flag in ("--from", "--input-format", "--format"):
        db = tmp_path / f"{flag.strip('-')}.db"
        code, _, err = run(db, "import", str(SAMPLES / "demo_profiles.csv"), flag, "csv")
        assert code == 0, err
        assert ("deprecated" in err) == (flag == "--format")
        with Store.open(db) as store:
            assert store.db.table("profiles").count == 14
    code, _, err = run(tmp_path / "x.db", "import", str(SAMPLES / "demo_profiles.csv"),
                       "--from", "twitter-v2")  # fmt: skip
    assert code == 2
    help_text = CliRunner().invoke(app, ["import", "--help"]).stdout
    assert "--from" in help_text and "--input-format" in help_text
    assert "--format" not in help_text


def test_scan_refuses_pdf_with_the_way_to_get_one(tmp_path: Path) -> None:
    """`scan -f pdf` is refused (exit 2) with where a PDF comes from: a case's evidence pack."""
    code, _, err = run(tmp_path / "c.db", "scan", "-f", "pdf")
    assert code == 2
    assert "cases evidence ID -o pack.pdf" in " ".join(err.split())


@pytest.fixture
def db_with_case(tmp_path: Path) -> Path:
    db = tmp_path / "c.db"
    run(db, "register", "Ada Lovelace", "--handle", "ada")
    code, _, err = run(db, "cases", "open", "--name", "Ada Lovelace", "--handle", "ada_1")
    assert code == 0, err
    return db


def test_evidence_goes_to_stdout_without_output(db_with_case: Path) -> None:
    """`cases evidence ID` without `-o` writes the HTML pack to stdout, like a scan report."""
    code, out, err = run(db_with_case, "cases", "evidence", "1")
    assert code == 0, err
    assert out.startswith("<!DOCTYPE html>")
    assert "clonecheck case #1" in out


def test_dismiss_logs_the_kind_as_reason_and_the_words_as_note(db_with_case: Path) -> None:
    """`--because` is the log's reason, `--note` its note; the old `--reason` spelling lands
    in the note too, with a deprecation line."""
    code, _, err = run(db_with_case, "cases", "dismiss", "1", "--because", "namesake",
                       "--note", "a baker in Cork", "--as", "ana")  # fmt: skip
    assert code == 0, err
    with Store.open(db_with_case) as store:
        reason, note = store.db.execute(
            "select reason, note from case_events where to_state = 'dismissed'"
        ).fetchone()
    assert (reason, note) == ("namesake", "a baker in Cork")
    run(db_with_case, "cases", "reopen", "1", "--as", "ana")
    code, _, err = run(db_with_case, "cases", "dismiss", "1", "--because", "other",
                       "--reason", "a test account")  # fmt: skip
    assert code == 0
    assert "deprecated" in err
    with Store.open(db_with_case) as store:
        reason, note = store.db.execute(
            "select reason, note from case_events order by id desc limit 1"
        ).fetchone()
    assert (reason, note) == ("other", "a test account")
