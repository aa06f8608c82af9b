"""The README's command reference is what --help says: the section between the
``commands:start``/``commands:end`` markers equals what scripts/command_reference.py makes
from the CLI. After changing a command, run ``uv run python scripts/command_reference.py``."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from typer.testing import CliRunner

from clonecheck.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "command_reference", ROOT / "scripts" / "command_reference.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_command_reference_matches_the_cli() -> None:
    """Every command, argument and option in the README reference is the CLI's, and no more."""
    script = _script()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert script.section(readme) == script.reference(), (
        "README command reference is stale: run `uv run python scripts/command_reference.py`"
    )


def test_reference_lines_are_what_help_shows() -> None:
    """Each option the reference lists for `cases evidence` appears in that command's --help."""
    line = next(
        entry
        for entry in _script().reference().splitlines()
        if entry.startswith("- `clonecheck cases evidence ")
    )
    shown = CliRunner().invoke(app, ["cases", "evidence", "--help"]).stdout
    for option in ("--output", "-o", "--format", "--internal", "PATH", "[html|pdf]", "CASE_ID"):
        assert option in line and option in shown
