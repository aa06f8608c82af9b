"""The evidence pack is for the platform: by default it holds the evidence and the decision
only; `--internal` adds the assignee and the history, with the team's names and notes. The
operating-system user name never reaches a default pack."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from clonecheck.cli import app
from clonecheck.report.evidence import PackFormat

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"
NOTE = "internal: the reporter is her agent, call back Tuesday"
REASON = "mirrored photo, see ticket 4411"
#: the operating-system user name the case is opened under (getpass reads LOGNAME first)
OS_USER = "os-user-zq7"


def _text(pack: bytes, pack_format: PackFormat) -> str:
    if pack_format is PackFormat.PDF:
        reader = PdfReader(io.BytesIO(pack))
        return "\n".join(page.extract_text() for page in reader.pages)
    return pack.decode("utf-8")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A confirmed case, assigned to "bogdan.k", with a note, opened by the OS user (no --as)."""
    path = tmp_path_factory.mktemp("pack") / "c.db"
    runner = CliRunner(env={"LOGNAME": OS_USER, "USER": OS_USER})

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--db", str(path), *args])
        assert result.exit_code == 0, result.stderr
        return result.stdout

    run("register", "Eileen Collins", "--handle", "eileencollins",
        "--photo", str(SAMPLES / "eileen_collins.jpg"))  # fmt: skip
    case = run("cases", "open", "--name", "Eileen Collins", "--handle", "eiIeencollins",
               "--photo", str(SAMPLES / "clone_mirrored_small.jpg"), "--platform", "twitter",
               "--note", "opened from the inbox").strip()  # fmt: skip
    run("cases", "assign", case, "bogdan.k", "--as", "ana.m")
    run("cases", "note", case, NOTE, "--as", "ana.m")
    run("cases", "confirm", case, "--reason", REASON, "--as", "carla.r")
    return path


@pytest.mark.parametrize("pack_format", list(PackFormat))
def test_default_pack_holds_evidence_and_decision_only(
    db: Path, tmp_path: Path, pack_format: PackFormat
) -> None:
    """No assignee, no actor, no note, no reason, no OS user name; the decision and evidence."""
    out = tmp_path / f"pack.{pack_format.value}"
    result = CliRunner().invoke(app, ["--db", str(db), "cases", "evidence", "1", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    text = _text(out.read_bytes(), pack_format)
    assert "confirmed clone (" in text  # the decision and when
    assert "eiIeencollins" in text  # the evidence
    for private in ("History", "Assignee", "bogdan.k", "ana.m", "carla.r", NOTE[:30], REASON[:20]):
        assert private not in text, private
    assert "opened from the inbox" not in text
    assert OS_USER not in text


@pytest.mark.parametrize("pack_format", list(PackFormat))
def test_internal_pack_adds_assignee_and_history(
    db: Path, tmp_path: Path, pack_format: PackFormat
) -> None:
    """`--internal` adds the assignee and the history with names, reasons and notes."""
    out = tmp_path / f"pack.{pack_format.value}"
    result = CliRunner().invoke(
        app, ["--db", str(db), "cases", "evidence", "1", "--internal", "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    text = " ".join(_text(out.read_bytes(), pack_format).split())
    assert "History" in text and "Assignee" in text
    for shown in ("bogdan.k", "ana.m", "carla.r", OS_USER, "call back Tuesday", "ticket 4411"):
        assert shown in text, shown
