"""Plain option values are converted without pydantic (cli/values.py), and every command
accepts, converts and refuses exactly what typer's own conversion does.

A probe command with one parameter of each plain kind runs twice on the same arguments: as
typer builds it, and with ``plain_values`` applied. Both must give the same values, or the
same error message word for word."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from typer._click.exceptions import UsageError

from clonecheck.cli import values
from clonecheck.report.evidence import PackFormat

probe = typer.Typer()


@probe.command()
def everything(
    case_id: Annotated[int, typer.Argument()] = 0,
    ratio: Annotated[float, typer.Option("--ratio")] = 0.5,
    word: Annotated[str, typer.Option("--word")] = "",
    maybe: Annotated[str | None, typer.Option("--maybe")] = None,
    path: Annotated[Path, typer.Option("--path")] = Path("default.db"),
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    existing: Annotated[Path | None, typer.Option("--existing", exists=True)] = None,
    file: Annotated[Path | None, typer.Option("--file", dir_okay=False)] = None,
    kind: Annotated[PackFormat | None, typer.Option("--format", "-f")] = None,
    flag: Annotated[bool, typer.Option("--flag")] = False,
) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "ratio": ratio,
        "word": word,
        "maybe": maybe,
        "path": path,
        "output": output,
        "existing": existing,
        "file": file,
        "kind": kind,
        "flag": flag,
    }


def run(args: list[str], *, plain: bool) -> tuple[str, str]:
    """The probe's values (repr, with their types) or its error message."""
    command = typer.main.get_command(probe)
    if plain:
        values.plain_values(command)
    try:
        return "ok", repr(command.main(args, standalone_mode=False))
    except UsageError as error:
        return "error", error.format_message()


ARGUMENTS = [
    [],
    ["12"],
    ["--", "-3"],
    ["+4"],
    ["007"],
    [" 3"],
    ["1_0"],
    ["3.0"],
    ["abc"],
    [""],
    ["0x10"],
    ["١٢"],  # Arabic-Indic digits
    ["99999999999999999999999"],
    ["--ratio", "1.5"],
    ["--ratio", "2"],
    ["--ratio", "1e3"],
    ["--ratio", "nan"],
    ["--ratio", "half"],
    ["--word", "[official] Ada"],
    ["--word", ""],
    ["--maybe", "x"],
    ["--path", "pack.html"],
    ["--path", "./a//b/"],
    ["--path", ""],
    ["--path", "."],
    ["--output", "out/pack.pdf"],
    ["--existing", "no/such/file"],
    ["--existing", "."],
    ["--file", "."],
    ["--file", "pack.html"],
    ["--format", "pdf"],
    ["-f", "html"],
    ["--format", "PDF"],
    ["--format", "docx"],
    ["--format", ""],
    ["--flag"],
]


@pytest.mark.parametrize("args", ARGUMENTS, ids=repr)
def test_plain_values_agree_with_typers_own_conversion(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every argument is converted to the same value of the same type, or refused with the
    same message, with and without the plain conversions."""
    monkeypatch.chdir(tmp_path)
    assert run(args, plain=True) == run(args, plain=False)


def test_plain_values_are_converted_without_typers_conversion() -> None:
    """The usual values (digits, words, paths, a format's name) never reach typer's own
    conversion, which imports pydantic: each parameter keeps its plain conversion unused."""
    command = typer.main.get_command(probe)
    values.plain_values(command)
    args = ["7", "--ratio", "0.25", "--word", "w", "--maybe", "m", "--path", "p.db"]
    args += ["-o", "pack.pdf", "--format", "pdf", "--flag"]
    ctx = command.make_context("probe", args)
    conversions = {p.name: getattr(p, "_runtime_param", None) for p in command.get_params(ctx)}
    assert "help" in conversions
    assert all(isinstance(c, values.PlainValue) for c in conversions.values()), conversions
    unused = {name for name, c in conversions.items() if c._typer is None}
    assert unused == set(conversions)
