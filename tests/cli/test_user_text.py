"""Names, handles, bios and messages are printed exactly as stored: never rich markup or emoji.

Rich reads ``[official]`` as a style tag and ``:id:`` as an emoji code; in a tool about exact
look-alike names both must reach the user unchanged, in tables, detail views and errors.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from clonecheck.cli import app

NAME = "Ada [official] Lovelace :id:"
BIO = "[bold]Mathematician[/bold] :x: first programmer, analytical engine notes"


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_register_list_and_show_print_names_and_bios_verbatim(tmp_path: Path) -> None:
    """`register`, `identities list` and `identities show` keep brackets and colon codes."""
    db = tmp_path / "c.db"
    code, _, err = run(db, "register", NAME, "--handle", "ada_lovelace", "--bio", BIO)
    assert code == 0, err
    assert f"Registered {NAME} as 'ada_lovelace'" in err
    code, out, _ = run(db, "identities", "list")
    assert code == 0
    assert NAME in out
    code, out, _ = run(db, "identities", "show", "ada_lovelace")
    assert code == 0
    assert out.splitlines()[0] == f"{NAME} (ada_lovelace)"
    assert f"bio: {BIO}" in out
    assert "🆔" not in out + err and "❌" not in out


def test_errors_print_the_users_input_verbatim(tmp_path: Path) -> None:
    """An error naming the user's input shows `:id:` and `[b]` as typed, not as emoji/style."""
    db = tmp_path / "c.db"
    run(db, "register", NAME, "--handle", "ada_lovelace")
    code, _, err = run(db, "identities", "show", "twitter:id:[b]9002")
    assert code == 2
    assert "'twitter:id:[b]9002'" in err
    assert "🆔" not in err


def test_case_views_print_the_reported_account_verbatim(tmp_path: Path) -> None:
    """`cases open`, `cases list` and `cases show` print the reported name and notes as stored."""
    db = tmp_path / "c.db"
    run(db, "register", NAME, "--handle", "ada_lovelace")
    code, out, err = run(
        db,
        "cases",
        "open",
        "--name",
        NAME,
        "--handle",
        "ada_lovelace1",
        "--platform",
        "twitter",
        "--note",
        "[red]urgent[/red] :x:",
        "--as",
        "agent [1]",
    )
    assert code == 0, err
    case_id = out.strip()
    code, out, _ = run(db, "cases", "show", case_id)
    assert code == 0
    assert f"identity: {NAME} (ada_lovelace)" in out
    assert f"({NAME})" in out
    assert "[red]urgent[/red] :x:" in out
    assert "agent [1]" in out
    assert "❌" not in out and "🆔" not in out
