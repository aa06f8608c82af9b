"""CPU time of the CLI's start-up: `--help` and every case command, each in a fresh process.

    uv run python scripts/bench_startup.py            # rewrites the "startup" section
    uv run python scripts/bench_startup.py --runs 9   # more runs per command
    uv run python scripts/bench_startup.py --cli OTHER --out /tmp/other.md   # another build

CPU time (user + system) of each child process, read with ``resource.getrusage``
(``RUSAGE_CHILDREN``), median of several runs; CPU time rather than wall time, so that a busy
machine changes the numbers less.

The commands run with Python's bytecode caches, as an installed tool runs from its second
start on: the children's environment drops ``PYTHONDONTWRITEBYTECODE``, and an untimed round
writes the caches first. The last rows run with no cache at all, the standard library's
included (an empty ``PYTHONPYCACHEPREFIX``, nothing written): every module is compiled from
source at every start, the bound for a machine whose ``PYTHONDONTWRITEBYTECODE=1`` keeps the
caches from ever being written.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from docs_section import write_section

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).with_name("clonecheck")


def cpu_seconds(command: list[str], env: dict[str, str]) -> float:
    """User + system CPU seconds of one run of ``command`` (which must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


#: a row: its label (None: run for its effect, not reported), its command for run ``i``, and
#: whether it runs without bytecode caches
Row = tuple[str | None, Callable[[int], list[str]], bool]


def same(*command: str) -> Callable[[int], list[str]]:
    return lambda _: list(command)


def rows(python: list[str], cli: list[str], tmp: Path) -> list[Row]:
    """What is measured, in the order of one round. The moves of case 1 make a cycle that
    every round can repeat: confirm, reported, close, reopen, dismiss, reopen."""
    case = [*cli, "cases"]
    measured: list[tuple[str | None, Callable[[int], list[str]]]] = [
        ("Python itself (`python -c pass`)", same(*python, "pass")),
        ("typer and rich (`import typer`)", same(*python, "import typer")),
        (
            "typer's own value checks (pydantic; cli/values.py spares the case commands them)",
            same(*python, "import typer._adapters"),
        ),
        (
            "sqlite-utils' table API (`import sqlite_utils`, loads numpy; not for the cases)",
            same(*python, "import sqlite_utils"),
        ),
        ("`clonecheck --version`", same(*cli, "--version")),
        ("`clonecheck --help`", same(*cli, "--help")),
        ("`clonecheck cases --help`", same(*case, "--help")),
        ("`clonecheck cases list`", same(*case, "list")),
        ("`clonecheck cases show 1`", same(*case, "show", "1")),
        ('`clonecheck cases note 1 "…"`', same(*case, "note", "1", "called", "--as", "b")),
        ("`clonecheck cases assign 1 bo`", same(*case, "assign", "1", "bo", "--as", "b")),
        ("`clonecheck cases confirm 1`", same(*case, "confirm", "1", "--as", "b")),
        ("`clonecheck cases reported 1`", same(*case, "reported", "1", "--as", "b")),
        ("`clonecheck cases close 1`", same(*case, "close", "1", "--as", "b")),
        ("`clonecheck cases reopen 1`", same(*case, "reopen", "1", "--as", "b")),
        (
            "`clonecheck cases dismiss 1 --because namesake`",
            same(*case, "dismiss", "1", "--because", "namesake", "--as", "b"),
        ),
        (None, same(*case, "reopen", "1", "--as", "b")),
        (
            "`clonecheck cases evidence 1 -o pack.html`",
            same(*case, "evidence", "1", "-o", str(tmp / "pack.html")),
        ),
        (
            "`clonecheck cases evidence 1 -o pack.pdf` (fpdf2, by nature)",
            same(*case, "evidence", "1", "-o", str(tmp / "pack.pdf")),
        ),
        (
            "`clonecheck cases open --name … --handle …` (scores the account: the matcher)",
            lambda i: [*case, "open", "--name", "Ada Lovelace", "--handle", f"ada_{i + 2}"],
        ),
        ("for comparison: `import face_recognition`", same(*python, "import face_recognition")),
        ("for comparison: `import fpdf`", same(*python, "import fpdf")),
    ]
    cold: list[Row] = [
        ("`import typer`, with no bytecode cache", same(*python, "import typer"), True),
        ("`clonecheck --help`, with no bytecode cache", same(*cli, "--help"), True),
        (
            '`clonecheck cases note 1 "…"`, with no bytecode cache',
            same(*case, "note", "1", "x", "--as", "b"),
            True,
        ),
    ]
    return [(label, command, False) for label, command in measured] + cold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--cli", type=Path, default=CLI, help="the clonecheck to measure (to compare builds)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CLONECHECK_DB": str(Path(tmp) / "bench.db")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        (Path(tmp) / "no-caches").mkdir()
        cold_env = {
            **env,
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPYCACHEPREFIX": str(Path(tmp) / "no-caches"),
        }
        cli = [str(args.cli)]
        subprocess.run([*cli, "register", "Ada Lovelace", "--handle", "ada"], env=env, check=True)
        subprocess.run(
            [*cli, "cases", "open", "--name", "Ada Lovelace", "--handle", "ada_1", "--as", "b"],
            env=env,
            check=True,
            capture_output=True,
        )
        measured = rows([sys.executable, "-c"], cli, Path(tmp))
        samples: dict[str, list[float]] = {label: [] for label, _, _ in measured if label}
        # round by round rather than command by command: a change of load on the machine
        # then weighs on every command alike; the first round (untimed) writes the caches
        for run in range(-1, args.runs):
            for label, command, without_caches in measured:
                seconds = cpu_seconds(command(run + 1), cold_env if without_caches else env)
                if label and run >= 0:
                    samples[label].append(seconds)
            print(f"round {run + 1} of {args.runs}" if run >= 0 else "warm-up round", flush=True)
        results = [(label, statistics.median(found)) for label, found in samples.items()]
    for label, seconds in results:
        print(f"{seconds:6.2f} s  {label}")
    lines = [
        "## Start-up: CPU time of `--help` and the case commands",
        "",
        f"`uv run python scripts/bench_startup.py` — CPU time (user + system) of a fresh process, "
        f"median of {args.runs} runs, read with `resource.getrusage(RUSAGE_CHILDREN)`; "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} when measured "
        "(CPU time rises on a busy machine, whose caches other processes share), with "
        "Python's bytecode caches (written by an untimed first round, as an installed tool "
        "has them from its second start on). The last three rows run with no bytecode cache "
        "at all, the standard library's included (an empty `PYTHONPYCACHEPREFIX`): every "
        "module compiled at every start, the bound for an environment whose "
        "`PYTHONDONTWRITEBYTECODE=1` keeps the caches from ever being written. The store "
        "has one registered person and one case, which each round moves through every "
        "state (confirm, reported, close, reopen, dismiss, reopen); the rounds run the "
        "commands in turn, so a change of load weighs on all of them. The face model, "
        "fpdf2, jinja2, the web stack and Dask are imported only by the commands that use "
        "them, and the case commands import neither sqlite-utils (with numpy: the case "
        "queries are plain SQL over the standard library's sqlite3, and sqlite-utils' table "
        "API loads when a row class first uses it) nor pydantic (typer converts every "
        "option value with it; cli/values.py converts plain values with the standard "
        "library and hands the rest to typer). tests/cli/test_startup.py checks the module "
        "names. What remains is Python, typer with rich, and our own modules. `cases open` "
        "scores the reported account (the matcher, numpy) and a PDF pack loads fpdf2: they "
        "are listed for comparison, as are the two libraries themselves.",
        "",
        "| command | CPU seconds |",
        "|---|---:|",
        *(f"| {label} | {seconds:.2f} |" for label, seconds in results),
    ]
    write_section(args.out, "startup", "\n".join(lines))


if __name__ == "__main__":
    main()
