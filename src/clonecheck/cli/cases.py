"""``cases``: impersonation reports handled by a support team, with an audit log.

Open a case from a report (``cases open --name … --handle … --photo …``) or from a scan
(``cases open --from-scan KEY --identity SLUG``), decide it (``confirm``, ``dismiss --because``),
``reported`` once the platform was told, ``close``, ``reopen``; ``assign`` and ``note`` along the
way. Every change is logged with who (``--as``, default: the OS user), when, from, to and why.
``cases evidence ID -o pack.html`` (or ``pack.pdf``) writes the evidence to send to the platform.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from clonecheck import __version__
from clonecheck.cli.common import (
    ActorOption,
    ReportedBio,
    ReportedHandle,
    ReportedName,
    ReportedPhoto,
    ReportedPlatform,
    err_console,
    open_service,
    working,
)
from clonecheck.cli.common import actor_name as _actor
from clonecheck.errors import InputError
from clonecheck.models import Case, CaseState, DismissReason
from clonecheck.report.evidence import PackFormat, render_evidence
from clonecheck.report.table import make_console

if TYPE_CHECKING:
    from clonecheck.service import Service
    from clonecheck.service.cases import CaseService

app = typer.Typer(
    help=(
        "Impersonation cases: open one from a report or a scan, confirm or dismiss it, "
        "report it to the platform, close it; every change is logged."
    ),
    no_args_is_help=False,
)


CaseId = Annotated[int, typer.Argument(help="The case number (see `clonecheck cases list`).")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why, in a few words, for the log.")]
NoteOption = Annotated[str, typer.Option("--note", help="A longer note for the log.")]


def _cases(service: Service) -> CaseService:
    """The case use cases over ``service``, imported when a command runs, not for ``--help``."""
    from clonecheck.service.cases import CaseService

    return CaseService(service)


def parse_state(text: str) -> CaseState:
    """A case state by its value ("confirmed clone") or its short name ("confirmed")."""
    wanted = text.strip().casefold()
    for state in CaseState:
        if wanted in {state.value, state.name.casefold(), state.value.split()[0]}:
            return state
    choices = ", ".join(f"'{s.value}'" for s in CaseState)
    raise InputError(f"unknown case state {text!r}; use one of {choices}")


def parse_dismiss_reason(text: str) -> DismissReason:
    """A dismiss reason by its value ("fan/parody") or a short form ("fan", "parody", "own")."""
    wanted = text.strip().casefold().replace("_", " ")
    for reason in DismissReason:
        forms = {reason.value, reason.name.casefold().replace("_", " "), *reason.value.split("/")}
        forms.add(reason.value.split()[0])
        if wanted in forms:
            return reason
    choices = ", ".join(f"'{r.value}'" for r in DismissReason)
    raise InputError(f"unknown dismiss reason {text!r}; use one of {choices} (--because)")


@app.callback(invoke_without_command=True)
def cases(ctx: typer.Context) -> None:
    """List the cases (default), or open, decide and document one."""
    if ctx.invoked_subcommand is None:
        list_(ctx)


@app.command("open")
def open_(
    ctx: typer.Context,
    name: ReportedName = "",
    handle: ReportedHandle = "",
    photo: ReportedPhoto = None,
    bio: ReportedBio = "",
    platform: ReportedPlatform = "reported",
    from_scan: Annotated[
        str | None,
        typer.Option(
            "--from-scan",
            metavar="PROFILE_KEY",
            help="Open on an imported profile (its key as a scan shows it) instead of a report.",
        ),
    ] = None,
    identity: Annotated[
        str | None,
        typer.Option(
            "--identity",
            "-i",
            help="The person impersonated (default for a report: whoever it resembles most).",
        ),
    ] = None,
    note: NoteOption = "",
    actor: ActorOption = None,
) -> None:
    """Open a case on a reported account (--name/--handle/--photo) or a scanned profile."""
    with open_service(ctx) as service, working("Opening the case: scoring the account"):
        cases = _cases(service)
        if from_scan:
            if name or handle or photo:
                raise InputError("give either --from-scan or --name/--handle/--photo, not both")
            case = cases.open_from_scan(
                from_scan, identity=identity, actor=_actor(actor), note=note
            )
        else:
            case = cases.open_from_report(
                identity=identity,
                name=name,
                handle=handle,
                photo=photo,
                bio=bio,
                platform=platform,
                actor=_actor(actor),
                note=note,
            )
    handle_text = f"@{case.match.profile.handle}" if case.match else case.profile_key
    print(case.id)
    err_console().print(
        f"Opened case #{case.id}: {handle_text} against {case.identity_slug}, "
        f"{case.verdict.value} (score {case.score:.2f}).",
        markup=False,
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            help="Only cases in this state: open, confirmed, dismissed, reported, closed.",
        ),
    ] = None,
) -> None:
    """List cases, highest score first."""
    wanted = parse_state(state) if state else None
    with open_service(ctx) as service:
        found = _cases(service).list_cases(wanted)
    if not found:
        err_console().print(
            "No cases" + (f" in state '{wanted}'" if wanted else "") + ".", markup=False
        )
        return
    from rich.table import Table  # only where one is printed: a note or a move prints a line

    table = Table("case", "score", "verdict", "state", "identity", "profile", "assignee")
    table.add_column("opened (UTC)", no_wrap=True)
    for case in found:
        profile = case.match.profile if case.match else None
        table.add_row(
            f"#{case.id}",
            f"{case.score:.2f}",
            case.verdict.value,
            case.state.value,
            case.identity_slug or "-",
            f"{profile.platform} @{profile.handle}" if profile else case.profile_key,
            case.assignee or "-",
            case.opened_at.removesuffix("+00:00"),
        )
    make_console(sys.stdout).print(table)


@app.command("show")
def show(ctx: typer.Context, case_id: CaseId) -> None:
    """Show a case: the account, every signal, and the full history."""
    with open_service(ctx) as service:
        case = _cases(service).get(case_id)
    _print_case(case)


def _print_case(case: Case) -> None:
    from rich.table import Table

    console = make_console(sys.stdout)
    console.soft_wrap = True
    console.print(f"Case #{case.id}: {case.state.value}")
    console.print(f"opened {case.opened_at}; assignee: {case.assignee or 'unassigned'}")
    console.print(
        f"verdict when opened: {case.verdict.value}, score {case.score:.2f}; "
        f"evidence sha256 {case.evidence_digest}"
    )
    match = case.match
    if match is not None:
        profile = match.profile
        console.print(
            f"identity: {match.identity.name} ({match.identity.slug}); profile: "
            f"{profile.platform} @{profile.handle} ({profile.name or 'no name'}), key {profile.key}"
        )
        photo = profile.photo
        if photo is not None:
            console.print(f"photo: {photo.source} (sha256 {photo.digest or photo.error or '-'})")
        signals = Table("kind", "value", "strength", "explanation", title="Signals")
        for signal in match.signals:
            explanation = "\n".join((signal.detail, *signal.evidence))
            signals.add_row(
                signal.kind.value, f"{signal.value:.3g}", f"{signal.strength:.2f}", explanation
            )
        console.print(signals)
        for note in match.notes:
            console.print(f"note: {note}")
    history = Table("when (UTC)", "who", "from", "to", "reason", "note", title="History")
    for event in case.events:
        history.add_row(
            event.at,
            event.actor,
            event.from_state.value if event.from_state else "-",
            event.to_state.value,
            event.reason,
            event.note,
        )
    console.print(history)


def _move(
    ctx: typer.Context,
    case_id: int,
    to: CaseState,
    *,
    actor: str | None,
    reason: str,
    note: str,
) -> None:
    """One logged state change, and the line that says where the case is now."""
    with open_service(ctx) as service:
        case = _cases(service).transition(
            case_id, to, actor=_actor(actor), reason=reason, note=note
        )
    err_console().print(f"Case #{case.id} is now '{case.state.value}'.", markup=False)


@app.command("confirm")
def confirm(
    ctx: typer.Context,
    case_id: CaseId,
    reason: ReasonOption = "",
    note: NoteOption = "",
    actor: ActorOption = None,
) -> None:
    """Confirm an open case as a clone; its photo and handle pattern flag look-alikes in scans."""
    _move(ctx, case_id, CaseState.CONFIRMED, actor=actor, reason=reason, note=note)


@app.command("dismiss")
def dismiss(
    ctx: typer.Context,
    case_id: CaseId,
    because: Annotated[
        str,
        typer.Option(
            "--because",
            metavar="KIND",
            help="Required, the log's reason: namesake, fan/parody, own account or other.",
        ),
    ] = "",
    note: Annotated[
        str, typer.Option("--note", help="In your words, for the log's note: who it really is.")
    ] = "",
    old_reason: Annotated[
        str, typer.Option("--reason", hidden=True, help="Deprecated spelling of --note.")
    ] = "",
    actor: ActorOption = None,
) -> None:
    """Dismiss an open case (not a clone); scans stop raising it until its evidence changes."""
    if old_reason:
        err_console().print(
            "dismiss --reason is deprecated: the log's reason is the kind (--because); "
            "your words go to the note, --note."
        )
    kind = parse_dismiss_reason(because) if because.strip() else ""
    _move(ctx, case_id, CaseState.DISMISSED, actor=actor, reason=kind, note=note or old_reason)


@app.command("reported")
def reported(
    ctx: typer.Context,
    case_id: CaseId,
    reason: ReasonOption = "",
    note: NoteOption = "",
    actor: ActorOption = None,
) -> None:
    """Record that a confirmed clone was reported to its platform (e.g. the ticket number)."""
    _move(ctx, case_id, CaseState.REPORTED, actor=actor, reason=reason, note=note)


@app.command("close")
def close(
    ctx: typer.Context,
    case_id: CaseId,
    reason: ReasonOption = "",
    note: NoteOption = "",
    actor: ActorOption = None,
) -> None:
    """Close a case that was reported to the platform or dismissed."""
    _move(ctx, case_id, CaseState.CLOSED, actor=actor, reason=reason, note=note)


@app.command("reopen")
def reopen(
    ctx: typer.Context,
    case_id: CaseId,
    reason: ReasonOption = "",
    note: NoteOption = "",
    actor: ActorOption = None,
) -> None:
    """Reopen a closed or dismissed case."""
    _move(ctx, case_id, CaseState.OPEN, actor=actor, reason=reason, note=note)


@app.command("assign")
def assign(
    ctx: typer.Context,
    case_id: CaseId,
    user: Annotated[str, typer.Argument(help="Who handles the case from now on.")],
    actor: ActorOption = None,
) -> None:
    """Assign a case to someone (logged)."""
    with open_service(ctx) as service:
        _cases(service).assign(case_id, user, actor=_actor(actor))
    err_console().print(f"Case #{case_id} assigned to {user}.", markup=False)


@app.command("note")
def note_(
    ctx: typer.Context,
    case_id: CaseId,
    text: Annotated[str, typer.Argument(help="The note to add to the case's history.")],
    actor: ActorOption = None,
) -> None:
    """Add a note to a case's history."""
    with open_service(ctx) as service:
        _cases(service).note(case_id, text, actor=_actor(actor))
    err_console().print(f"Note added to case #{case_id}.", markup=False)


@app.command("evidence")
def evidence(
    ctx: typer.Context,
    case_id: CaseId,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The file to write: pack.html, or pack.pdf for a PDF (default: stdout).",
        ),
    ] = None,
    pack_format: Annotated[
        PackFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="html or pdf; by default the output's suffix decides (stdout: html).",
        ),
    ] = None,
    internal: Annotated[
        bool,
        typer.Option(
            "--internal",
            help="Also include what stays with the team: the assignee and the history (who, "
            "notes). Without it the pack holds the evidence and the decision only.",
        ),
    ] = False,
) -> None:
    """Write a case's evidence pack for the platform: one self-contained HTML page, or a PDF."""
    suffix = output.suffix.lower() if output is not None else ""
    chosen = pack_format or (PackFormat.PDF if suffix == ".pdf" else PackFormat.HTML)
    if output is None and chosen is PackFormat.PDF and sys.stdout.isatty():
        raise InputError("a PDF is not for a terminal: write it with -o pack.pdf, or pipe it")
    with working(f"Writing the evidence pack of case #{case_id} ({chosen.value})"):
        with open_service(ctx) as service:
            case = _cases(service).get(case_id)
            photos = service.thumbnails([case.match]) if case.match else {}
        pack = render_evidence(
            case,
            photos,
            chosen,
            generated_at=datetime.now(UTC),
            tool_version=__version__,
            internal=internal,
        )
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(pack)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(pack)
    except OSError as error:
        raise InputError(f"cannot write evidence pack to {output}: {error.strerror}") from None
    err_console().print(
        f"Evidence pack ({chosen.value}) for case #{case_id} written to {output}", markup=False
    )
