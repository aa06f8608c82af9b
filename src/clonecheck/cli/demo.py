"""``demo``: the whole job on built-in sample data, in a throwaway database.

Registers NASA astronaut Eileen Collins (a public-domain portrait), imports a small crawl in which
some accounts are clones of her made the ways clone makers make them, scans, and prints the
report. Exit code 0 whatever it finds: it is a demonstration, not a gate.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

import clonecheck
from clonecheck.cli.common import err_console, open_service
from clonecheck.cli.data import FormatOption, OutputOption, _print_import, _render
from clonecheck.errors import InputError
from clonecheck.report.formats import OutputFormat

DEMO_BIO = "Retired NASA astronaut. First woman to pilot and command a Space Shuttle."


def sample_images_dir() -> Path:
    """``sample_images/`` inside an installed wheel, else at the top of a source checkout."""
    package = Path(clonecheck.__file__).resolve().parent
    for candidate in (package / "sample_images", package.parents[1] / "sample_images"):
        if (candidate / "demo_profiles.csv").is_file():
            return candidate
    raise InputError(
        "sample_images/ with demo_profiles.csv not found; run from a clonecheck checkout "
        "or rebuild it with `uv run python scripts/make_sample_images.py`"
    )


def demo(
    ctx: typer.Context,
    keep: Annotated[
        Path | None,
        typer.Option("--keep", help="Build the demo database here and keep it (else a temp file)."),
    ] = None,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = None,
) -> None:
    """Run the whole job on built-in sample data: register, import, scan, report."""
    images = sample_images_dir()
    with tempfile.TemporaryDirectory(prefix="clonecheck-demo-") as scratch:
        db = keep or Path(scratch) / "demo.db"
        if db.exists():
            raise InputError(f"{db} already exists; choose a new path for --keep")
        ctx.obj.db = db
        console = err_console()
        with open_service(ctx) as service:
            person = service.register(
                "Eileen Collins",
                handles=["eileencollins"],
                photos=[str(images / "eileen_collins.jpg")],
                own=["twitter:eileencollins"],
                bio=DEMO_BIO,
            )
            console.print(
                f"Registered {person.name} (@eileencollins) with her photo and her own account "
                "twitter:eileencollins.",
                markup=False,
            )
            _print_import(service.import_file(images / "demo_profiles.csv", photos_dir=images))
            result = service.scan()
            _render(
                service,
                result.matches,
                output_format,
                output,
                "clonecheck demo",
                result.profiles,
                result.identities,
            )
        console.print(
            f"Scanned {result.profiles} profiles: {result.likely} likely clone(s), "
            f"{result.possible} possible. Her own account was not reported."
            + (f" Database kept at {db}." if keep else ""),
            markup=False,
        )
