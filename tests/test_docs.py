"""The README documents every command, and every command explains itself with --help."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from clonecheck.cli import app
from clonecheck.config import Config

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def command_paths() -> list[list[str]]:
    """Every command and sub-command as the words a user types."""
    root = typer.main.get_command(app)
    found: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])
        if path:
            found.append(path)

    walk(root, [])
    return found


COMMANDS = command_paths()


def test_all_commands_are_found() -> None:
    """The walk sees the commands the README's examples use."""
    words = {" ".join(path) for path in COMMANDS}
    assert {"demo", "register", "import", "scan", "check", "identities show"} <= words


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p))
def test_every_command_has_help(path: list[str]) -> None:
    """`clonecheck <command> --help` works and says what the command does."""
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    command = typer.main.get_command(app)
    for word in path:
        command = command.commands[word]  # type: ignore[attr-defined]
    assert command.help and len(command.help) > 20


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p))
def test_every_command_is_in_the_readme(path: list[str]) -> None:
    """The README shows each command being used."""
    assert re.search(rf"clonecheck {re.escape(' '.join(path))}\b", README), " ".join(path)


def test_every_setting_is_documented() -> None:
    """Every Config field a user can --set appears in the README."""
    missing = [name for name in Config.__dataclass_fields__ if f"`{name}`" not in README]
    assert not missing, f"settings not in README: {missing}"
