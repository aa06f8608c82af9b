"""Start-up stays light: `--help` and the case commands never load the face model, the PDF
writer, the web stack or Dask (DESIGN: heavy libraries are imported where they are used), and
the case commands an agent runs all day load neither the store's sqlite-utils (with numpy) nor
typer's pydantic conversion of option values (issue 17: under 0.5 s of CPU).

Each command runs in a fresh interpreter, so what it loaded is exactly what the command needed;
the test asserts module names, not timings (the timings are in docs/benchmarks.md, measured by
scripts/bench_startup.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clonecheck import __version__
from clonecheck.cli import app

#: libraries that cost a large share of a second (or seconds) of CPU to import
HEAVY = (
    "face_recognition",
    "dlib",
    "fpdf",
    "fontTools",
    "starlette",
    "uvicorn",
    "dask",
    "distributed",
    "imagehash",
    "scipy",
    "pywt",
)
#: loaded only to render an HTML page
HTML_ONLY = ("jinja2",)
#: what a case command needs none of: sqlite-utils' table API (it imports numpy; the case
#: queries are plain SQL, store/cases.py), typer's pydantic conversion of values (plain values
#: are converted by cli/values.py), Pillow, the HTTP client, the name matcher's rapidfuzz
NOT_FOR_CASES = ("sqlite_utils", "numpy", "pydantic", "pydantic_core", "PIL", "httpx", "rapidfuzz")

PROBE = """
import json, sys
from typer.testing import CliRunner
from clonecheck.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
print(json.dumps({"code": result.exit_code, "modules": sorted(sys.modules)}))
"""


def loaded_by(*args: str) -> tuple[int, set[str]]:
    """Run the CLI with ``args`` in a fresh interpreter: its exit code and the top-level
    modules it imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], {name.split(".")[0] for name in report["modules"]}


@pytest.fixture(scope="module")
def db_with_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("startup") / "c.db"
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(db), "register", "Ada Lovelace", "--handle", "ada"])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(
        app,
        ["--db", str(db), "cases", "open", "--name", "Ada Lovelace", "--handle", "ada_1"],
    )
    assert result.exit_code == 0, result.stderr
    return db


@pytest.mark.parametrize("args", [["--help"], ["cases", "--help"], ["scan", "--help"]])
def test_help_loads_no_heavy_library(args: list[str]) -> None:
    """`--help` of the app and of its commands imports none of the heavy libraries."""
    code, modules = loaded_by(*args)
    assert code == 0
    assert not modules & {*HEAVY, *HTML_ONLY}


@pytest.mark.parametrize(
    "args", [["--help"], ["--version"], ["cases", "--help"], ["cases", "note", "--help"]]
)
def test_help_does_not_open_the_store_or_the_network(args: list[str]) -> None:
    """`--help` and `--version` load neither the store's library (with numpy) nor the HTTP
    client nor pydantic: they need no database, fetch nothing and convert no value."""
    code, modules = loaded_by(*args)
    assert code == 0
    assert not modules & set(NOT_FOR_CASES)


def test_the_help_texts_platforms_are_the_discovery_platforms() -> None:
    """The platform list the discover commands' help names (kept in the CLI so that --help
    does not load the clients) is the one discovery uses."""
    from clonecheck.cli import discover
    from clonecheck.discover import settings

    assert discover.PLATFORMS == settings.PLATFORMS


@pytest.mark.parametrize(
    "args",
    [
        ["cases"],
        ["cases", "list"],
        ["cases", "list", "--state", "open"],
        ["cases", "show", "1"],
        ["cases", "note", "1", "called the reporter", "--as", "ana"],
        ["cases", "assign", "1", "bo", "--as", "ana"],
        ["cases", "confirm", "1", "--as", "ana"],
        ["cases", "reported", "1", "--reason", "ticket 12", "--as", "ana"],
        ["cases", "close", "1", "--as", "ana"],
        ["cases", "reopen", "1", "--as", "ana"],
        ["cases", "dismiss", "1", "--because", "namesake", "--as", "ana"],
    ],
    ids=" ".join,
)
def test_case_commands_load_no_heavy_library(db_with_case: Path, args: list[str]) -> None:
    """The case commands a support agent runs all day (in this order: each move is one the
    case can make) import none of the heavy libraries, nor sqlite-utils, numpy or pydantic."""
    code, modules = loaded_by("--db", str(db_with_case), *args)
    assert code == 0
    assert not modules & {*HEAVY, *HTML_ONLY, *NOT_FOR_CASES}


def test_html_evidence_pack_loads_no_pdf_writer(db_with_case: Path, tmp_path: Path) -> None:
    """An HTML evidence pack is written without loading fpdf2 or the face model, nor (the
    case has no photo to show) Pillow, numpy or sqlite-utils."""
    pack = tmp_path / "pack.html"
    code, modules = loaded_by("--db", str(db_with_case), "cases", "evidence", "1", "-o", str(pack))
    assert code == 0
    assert "<html" in pack.read_text(encoding="utf-8").lower()
    assert not modules & {*HEAVY, *NOT_FOR_CASES}


def test_version_prints_the_package_version() -> None:
    """`clonecheck --version` prints the version and exits 0, without a database."""
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"clonecheck {__version__}"
