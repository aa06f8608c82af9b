"""``import``, ``scan`` and ``check``: profiles in, reports out.

The report goes to stdout or ``--output``; the one-line summary goes to stderr, so a piped
report stays clean. Exit 1 when a likely clone was found, so scans can gate scripts.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from clonecheck import __version__
from clonecheck.cli.common import (
    ReportedBio,
    ReportedHandle,
    ReportedName,
    ReportedPhoto,
    ReportedPlatform,
    SetOption,
    err_console,
    open_service,
    working,
)
from clonecheck.errors import InputError
from clonecheck.models import Match, Verdict
from clonecheck.report.formats import OutputFormat
from clonecheck.report.interface import CaseMark, ReportContext

if TYPE_CHECKING:  # imported when a command runs, not for `--help`
    from clonecheck.service import ImportSummary, Service


def parse_report_format(text: str) -> OutputFormat:
    """A report format by name; ``pdf`` is refused with the way to get one."""
    wanted = text.strip().casefold()
    if wanted == "pdf":
        raise typer.BadParameter(
            "a report of many matches has no PDF form: use -f html (and print it to PDF), or "
            "open a case and write its evidence pack with `clonecheck cases evidence ID -o "
            "pack.pdf`"
        )
    try:
        return OutputFormat(wanted)
    except ValueError:
        choices = ", ".join(f.value for f in OutputFormat)
        raise typer.BadParameter(f"{text!r} is not a report format; use one of {choices}") from None


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        parser=parse_report_format,
        metavar="[" + "|".join(f.value for f in OutputFormat) + "]",
        help="Report format.",
    ),
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report here instead of stdout.")
]


def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Export or crawl files to import.")],
    source_format: Annotated[
        str | None,
        typer.Option(
            "--from",
            "--input-format",
            metavar="FORMAT",
            help="The files' format (see README, Formats), instead of detecting it.",
        ),
    ] = None,
    old_source_format: Annotated[
        str | None,
        typer.Option("--format", hidden=True, help="Deprecated spelling of --from."),
    ] = None,
    platform: Annotated[
        str | None, typer.Option("--platform", help="Platform of profiles whose file omits it.")
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option(
            "--map",
            metavar="FIELD=COLUMN,...",
            help="Column mapping for CSV/JSONL, e.g. name=full_name,handle=username.",
        ),
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Use only photos already fetched; fetch nothing.")
    ] = False,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private-addresses",
            help="Allow photo URLs on loopback/private networks (tests, intranets).",
        ),
    ] = False,
    photos_dir: Annotated[
        Path | None,
        typer.Option(
            "--photos-dir",
            metavar="DIR",
            help="A folder you trust: records may name local photos inside it (relative "
            "paths resolve here). Without it a record's local paths are refused.",
        ),
    ] = None,
    to_parquet: Annotated[
        str | None,
        typer.Option(
            "--to-parquet",
            metavar="DIR",
            help="Write the profiles to this Parquet dataset (a folder or an fsspec URL such "
            "as s3://bucket/crawl) instead of the database, for a crawl too large for one "
            "file; photos still go to the database. Scan it with scan --profiles DIR. Needs "
            "clonecheck[dask].",
        ),
    ] = None,
) -> None:
    """Import profiles (CSV, JSON Lines, platform exports); re-importing updates in place."""
    if old_source_format is not None:
        err_console().print(
            "import --format is deprecated: it names the files' format, now --from "
            "(--format is the report format everywhere else)."
        )
        source_format = source_format or old_source_format
    from clonecheck.ingest import parse_mapping  # every parser: for `import` only
    from clonecheck.service.importing import expand_import_paths

    field_map = parse_mapping(mapping) if mapping else None
    paths, passed_over = expand_import_paths(files)
    done: list[ImportSummary] = []
    failed: list[str] = []
    console = err_console()
    with open_service(ctx, allow_private=allow_private, offline=offline) as service:
        for file in paths:
            try:
                if to_parquet is not None:
                    from clonecheck.service.parquet import import_to_parquet

                    summary = import_to_parquet(
                        service.photos,
                        service.progress,
                        file,
                        to_parquet,
                        source_format=source_format,
                        platform=platform,
                        mapping=field_map,
                        photos_dir=photos_dir,
                    )
                else:
                    summary = service.import_file(
                        file,
                        source_format=source_format,
                        platform=platform,
                        mapping=field_map,
                        photos_dir=photos_dir,
                    )
            except InputError as error:  # this file's fault: say so, go on with the next
                if len(paths) == 1:
                    raise  # one file: the usual one-line error
                message = str(error)
                failed.append(message if str(file) in message else f"{file}: {message}")
                console.print(f"failed: {failed[-1]}")
                continue
            done.append(summary)
            _print_import(summary)
    if passed_over:
        console.print(f"{passed_over} other file(s) in the folders passed over (not exports)")
    if len(paths) > 1 or failed:
        console.print(
            f"Total: {len(done)} of {len(paths)} file(s) imported, {len(failed)} failed; "
            f"{sum(s.inserted for s in done)} profiles imported, "
            f"{sum(s.updated for s in done)} updated, {sum(s.unchanged for s in done)} "
            f"unchanged, {sum(s.skipped for s in done)} records skipped."
        )
    if failed:
        raise typer.Exit(2)


def _print_import(summary: ImportSummary) -> None:
    console = err_console()
    console.print(
        f"{summary.file}: {summary.inserted} imported, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {summary.skipped} skipped; photos: "
        f"{summary.photos_fetched} fetched, {summary.photos_cached} from cache, "
        f"{len(summary.photo_errors)} unusable",
        markup=False,
    )
    for problem in summary.problems[:20]:
        console.print(
            f"  skipped {problem.file} {problem.location}: {problem.reason}", markup=False
        )
    if summary.skipped > 20:
        console.print(f"  ... and {summary.skipped - 20} more skipped records", markup=False)
    reasons: dict[str, int] = {}
    for _, reason in summary.photo_errors:
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1])[:10]:
        console.print(f"  {count} photo(s): {reason}", markup=False)


def scan(
    ctx: typer.Context,
    identity: Annotated[
        str | None, typer.Option("--identity", "-i", help="Scan for this identity only.")
    ] = None,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = None,
    settings: SetOption = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="ADDRESS",
            help="Run the scan on a Dask cluster: a scheduler address (tcp://host:8786) or "
            "local:N for N worker processes here. Needs clonecheck[dask].",
        ),
    ] = None,
    profiles: Annotated[
        str | None,
        typer.Option(
            "--profiles",
            metavar="DIR",
            help="Scan the Parquet dataset written by import --to-parquet (a folder or an "
            "fsspec URL) instead of the database's profiles; runs on --cluster (default: "
            "local worker processes).",
        ),
    ] = None,
    new: Annotated[
        bool,
        typer.Option(
            "--new",
            help="Report only matches no earlier scan reported and no case covers yet.",
        ),
    ] = False,
) -> None:
    """Compare every imported profile with every registered identity and report likely clones."""
    from clonecheck.service.cases import CaseService

    with open_service(ctx, settings) as service:
        cases = CaseService(service)
        result = cases.filter_scan(
            service.scan(identity=identity, cluster=cluster, dataset=profiles),
            identity=identity,
        )
        if new:
            result = cases.only_new(result)
        title = f"clonecheck scan {result.scan_id}" + (f" for {identity}" if identity else "")
        _render(
            service,
            result.matches,
            output_format,
            output,
            title,
            result.profiles,
            result.identities,
        )
    err_console().print(
        f"Scanned {result.profiles:,} profiles against {result.identities} "
        f"{'identity' if result.identities == 1 else 'identities'}: "
        f"{result.likely} likely clone(s), {result.possible} possible.",
        markup=False,
    )
    raise typer.Exit(1 if result.likely else 0)


def check(
    ctx: typer.Context,
    name: ReportedName = "",
    handle: ReportedHandle = "",
    photo: ReportedPhoto = None,
    bio: ReportedBio = "",
    platform: ReportedPlatform = "reported",
    identity: Annotated[
        str | None, typer.Option("--identity", "-i", help="Compare with this identity only.")
    ] = None,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = None,
    settings: SetOption = None,
    allow_private: Annotated[
        bool,
        typer.Option("--allow-private-addresses", help="Allow a photo URL on a private network."),
    ] = False,
) -> None:
    """Check one reported account against every registered identity."""
    with (
        open_service(ctx, settings, allow_private=allow_private) as service,
        working("Checking the account: its photo, face, name and handle against everyone"),
    ):
        scored = service.check(
            name=name, handle=handle, photo=photo, bio=bio, platform=platform, identity=identity
        )
        flagged = [m for m in scored if m.verdict is not Verdict.NONE]
        _render(service, flagged, output_format, output, "clonecheck check", 1, len(scored))
    console = err_console()
    if flagged:
        best = flagged[0]
        console.print(
            f"{best.verdict.value} of {best.identity.name} ({best.identity.slug}), "
            f"score {best.score:.2f}.",
            markup=False,
        )
    elif scored:
        closest = scored[0]
        note = f" ({closest.notes[0]})" if closest.notes else ""
        console.print(
            f"Not a clone of anyone registered; closest: {closest.identity.name}, "
            f"score {closest.score:.2f}{note}.",
            markup=False,
        )
    raise typer.Exit(1 if any(m.verdict is Verdict.LIKELY_CLONE for m in flagged) else 0)


def _render(
    service: Service,
    matches: Sequence[Match],
    output_format: OutputFormat,
    output: Path | None,
    title: str,
    profiles: int,
    identities: int,
) -> None:
    from clonecheck.service.cases import CaseService

    context = ReportContext(
        title=title,
        generated_at=datetime.now(UTC),
        tool_version=__version__,
        photos=service.thumbnails(matches) if output_format is OutputFormat.HTML else {},
        scanned_profiles=profiles,
        scanned_identities=identities,
        cases={
            pair: CaseMark(case_id, state)
            for pair, (case_id, state) in CaseService(service).newest_cases().items()
        },
    )
    renderer = output_format.to_renderer()
    if output is None:
        renderer.render(matches, context, sys.stdout)
        return
    try:
        with output.open("w", encoding="utf-8", newline="") as handle:
            renderer.render(matches, context, handle)
    except OSError as error:
        raise InputError(f"cannot write report to {output}: {error.strerror}") from None
    err_console().print(f"Report written to {output}", markup=False)
