"""CPU time of the CLI's start-up: `--help` and the case commands, each in a fresh process.

    uv run python scripts/bench_startup.py            # rewrites the "startup" section
    uv run python scripts/bench_startup.py --runs 9   # more runs per command

CPU time (user + system) of each child process, read with ``resource.getrusage``
(``RUSAGE_CHILDREN``), median of several runs; CPU time rather than wall time, so that a busy
machine changes the numbers less.
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
from pathlib import Path

from docs_section import write_section

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).with_name("clonecheck")


def cpu_seconds(command: list[str], env: dict[str, str]) -> float:
    """User + system CPU seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_cpu(command: list[str], env: dict[str, str], runs: int) -> float:
    return statistics.median(cpu_seconds(command, env) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CLONECHECK_DB": str(Path(tmp) / "bench.db")}
        cli = [str(CLI)]
        subprocess.run([*cli, "register", "Ada Lovelace", "--handle", "ada"], env=env, check=True)
        subprocess.run(
            [*cli, "cases", "open", "--name", "Ada Lovelace", "--handle", "ada_1", "--as", "b"],
            env=env,
            check=True,
            capture_output=True,
        )
        python = [sys.executable, "-c"]
        rows = [
            ("Python itself (`python -c pass`)", [*python, "pass"]),
            ("typer and rich (`import typer`)", [*python, "import typer"]),
            (
                "typer's value checks (pydantic, loaded on any command with options)",
                [*python, "import typer._adapters"],
            ),
            (
                "the store's library (`import sqlite_utils`, loads numpy)",
                [*python, "import sqlite_utils"],
            ),
            ("`clonecheck --version`", [*cli, "--version"]),
            ("`clonecheck --help`", [*cli, "--help"]),
            ("`clonecheck cases --help`", [*cli, "cases", "--help"]),
            ("`clonecheck cases list`", [*cli, "cases", "list"]),
            ("`clonecheck cases show 1`", [*cli, "cases", "show", "1"]),
            ('`clonecheck cases note 1 "…"`', [*cli, "cases", "note", "1", "called", "--as", "b"]),
            ("for comparison: `import face_recognition`", [*python, "import face_recognition"]),
            ("for comparison: `import fpdf`", [*python, "import fpdf"]),
        ]
        results = []
        for label, command in rows:
            seconds = median_cpu(command, env, args.runs)
            results.append((label, seconds))
            print(f"{seconds:6.2f} s  {label}", flush=True)
    lines = [
        "## Start-up: CPU time of `--help` and the case commands",
        "",
        f"`uv run python scripts/bench_startup.py` — CPU time (user + system) of a fresh process, "
        f"median of {args.runs} runs, read with `resource.getrusage(RUSAGE_CHILDREN)`; "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} when measured "
        "(CPU time rises on a busy machine, whose caches other processes share). The face "
        "model, fpdf2, jinja2, the web stack and Dask are imported only by the commands that "
        "use them (tests/cli/test_startup.py checks the module names). What remains is the "
        "floor of the libraries every command needs: typer (whose value checks load "
        "pydantic) and the store's sqlite-utils (which loads numpy when it is installed). The "
        "service hands its names on lazily and the facade imports a use case when its method "
        "runs, so a case command loads neither the matcher nor the HTTP client; a case "
        "command is those two floors together, which is why it stays above 0.5 s here.",
        "",
        "| command | CPU seconds |",
        "|---|---:|",
        *(f"| {label} | {seconds:.2f} |" for label, seconds in results),
    ]
    write_section(args.out, "startup", "\n".join(lines))


if __name__ == "__main__":
    main()
