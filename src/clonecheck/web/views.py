"""The pages and forms of the web app. Each view is a few lines: read the request, call the
service (``Ctx.call``), render a template. Guards (sign-in, role, CSRF) wrap every view
(``page`` and ``action`` in ``security``); an error a user can cause (``ClonecheckError``) is
shown on the page it came from, never as a traceback.

Over the project's 400-line guide on purpose: ``ROUTES`` at the bottom is the whole URL map
with each route's guard, and it is reviewed against the views above it (tests/web/
test_security.py walks it); the inbox, queue, people and discovery pages have their own
modules (``lists``, ``people``, ``discovering``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from clonecheck import __version__
from clonecheck.errors import ClonecheckError, InputError, PhotoError
from clonecheck.models import (
    Case,
    CaseState,
    DismissReason,
    Identity,
    Match,
    Verdict,
)
from clonecheck.report.evidence import PackFormat, render_evidence
from clonecheck.report.html import MatchView, match_view
from clonecheck.service import Service
from clonecheck.service.cases import TRANSITIONS, CaseService
from clonecheck.service.triage import Triage, profile_from_url
from clonecheck.service.users import Role, User, UserService
from clonecheck.web.context import Ctx
from clonecheck.web.discovering import identity_discover
from clonecheck.web.lists import (
    identities_export,
    inbox,
    inbox_dismiss,
    inbox_export,
    inbox_open,
    queue,
    queue_export,
)
from clonecheck.web.people import (
    identities,
    identity,
    identity_edit,
    identity_new,
    identity_register,
)
from clonecheck.web.security import (
    action,
    client_address,
    csrf_ok,
    current_user,
    page,
    read_form,
    refuse,
    safe_next,
    sign_in,
    sign_out,
    web_of,
)
from clonecheck.web.uploads import find_upload, save_upload

# --- sign-in ------------------------------------------------------------------------------


async def login_page(request: Request) -> Response:
    """The sign-in form (signed-in members go straight to the queue)."""
    if await current_user(request) is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return web_of(request).render(
        request,
        "login.html.j2",
        user=None,
        title="Sign in",
        next=safe_next(request.query_params.get("next")),
        username="",
    )


async def login(request: Request) -> Response:
    """Check the password; the same answer, after the same work, for every failure."""
    web = web_of(request)
    form = await read_form(request)
    if not csrf_ok(request, form):
        return refuse(
            request,
            403,
            "The sign-in form had expired (CSRF check failed): reload it and sign in again.",
            None,
        )
    username = str(form.get("username") or "").strip().casefold()
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or "/"))
    address = client_address(request)
    # counted before the slow check, in one step with the limit: tries sent at once cannot
    # all pass the limit before any of them is counted
    wait = web.throttle.reserve(username, address)
    if wait > 0:
        minutes = max(1, math.ceil(wait / 60))
        refused = web.render(
            request,
            "login.html.j2",
            user=None,
            status=429,
            title="Sign in",
            next=target,
            username=username,
            error=(
                "Too many failed sign-ins for this account or from this address: try again in "
                f"{minutes} minute{'s' if minutes > 1 else ''}, or ask an admin to check it."
            ),
        )
        refused.headers["retry-after"] = str(math.ceil(wait))
        return refused
    user = await web.call(lambda service: UserService(service).authenticate(username, password))
    if user is None:
        return web.render(
            request,
            "login.html.j2",
            user=None,
            status=401,
            title="Sign in",
            next=target,
            username=username,
            error="Wrong username or password.",
        )
    web.throttle.succeeded(username, address)
    await sign_in(request, user)
    return RedirectResponse(target, status_code=303)


@action(Role.VIEWER)
async def logout(ctx: Ctx) -> Response:
    """End the session, in the store too: a copy of the cookie no longer signs anyone in."""
    await sign_out(ctx.request)
    return RedirectResponse("/login", status_code=303)


# --- the queue and the inbox: ``lists.py`` -----------------------------------------------------


# --- one case -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Move:
    """A state change offered on the case page."""

    key: str
    to: CaseState
    label: str
    hint: str


MOVES = (
    Move("confirm", CaseState.CONFIRMED, "Confirm clone", "e.g. mirrored copy of her photo"),
    Move("dismiss", CaseState.DISMISSED, "Dismiss", "e.g. a baker in Cork with the same name"),
    Move("reported", CaseState.REPORTED, "Mark reported to platform", "e.g. ticket X-123"),
    Move("close", CaseState.CLOSED, "Close", "e.g. the platform removed the account"),
    Move("reopen", CaseState.OPEN, "Reopen", "e.g. now asks followers for money"),
)
MOVE_BY_KEY = {move.key: move for move in MOVES}
MOVE_TO = {move.to: move for move in MOVES}


def _case_id(ctx: Ctx) -> int:
    """The URL's case id; one too large for SQLite is an unknown case (``store.cases.get_case``)."""
    case_id: int = ctx.request.path_params["case_id"]
    return case_id


def _team(service: Service) -> list[User]:
    """Who a case can be assigned to: active agents and admins."""
    return [
        u for u in UserService(service).list_users() if not u.disabled and u.role.allows(Role.AGENT)
    ]


async def _case_response(
    ctx: Ctx, case_id: int, *, status: int = 200, error: str | None = None
) -> Response:
    def load(service: Service) -> tuple[Case, dict[str, bytes], list[User]]:
        case = CaseService(service).get(case_id)
        photos = service.thumbnails([case.match]) if case.match is not None else {}
        return case, photos, _team(service)

    case, photos, team = await ctx.call(load)
    view = match_view(1, case.match, photos) if case.match is not None else None
    return ctx.render(
        "case.html.j2",
        status=status,
        error=error,
        title=f"Case #{case.id}",
        case=case,
        m=view,
        moves=[MOVE_TO[state] for state in TRANSITIONS[case.state]],
        dismiss_reasons=list(DismissReason),
        team=team,
        can_act=ctx.user.role.allows(Role.AGENT),
        sent=ctx.form,
    )


@page()
async def case_page(ctx: Ctx) -> Response:
    """A case: both photos side by side, the signals, the history, and the forms."""
    return await _case_response(ctx, _case_id(ctx))


@action(Role.AGENT)
async def case_move(ctx: Ctx) -> Response:
    """Change a case's state; every move needs a reason, a dismissal also its kind."""
    case_id = _case_id(ctx)
    move = MOVE_BY_KEY.get(ctx.field("to"))
    reason = ctx.field("reason")
    if move is None:
        return await _case_response(ctx, case_id, status=400, error="Unknown state change.")
    if not reason:
        return await _case_response(
            ctx,
            case_id,
            status=400,
            error=f"{move.label}: a reason is required; write why, for the case's history.",
        )
    actor = ctx.user.username
    because = ctx.field("because")
    if move.to is CaseState.DISMISSED and not because:
        choices = ", ".join(str(r) for r in DismissReason)
        return await _case_response(
            ctx, case_id, status=400, error=f"Dismiss: choose why it is not a clone ({choices})."
        )

    def work(service: Service) -> Case:
        cases = CaseService(service)
        if move.to is CaseState.DISMISSED:
            # the kind of dismissal is the reason the scans learn from; the text goes along
            return cases.transition(case_id, move.to, actor=actor, reason=because, note=reason)
        return cases.transition(case_id, move.to, actor=actor, reason=reason)

    try:
        case = await ctx.call(work)
    except ClonecheckError as error:
        return await _case_response(ctx, case_id, status=400, error=str(error))
    ctx.flash(f"Case #{case.id} is now '{case.state.value}'.")
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@action(Role.AGENT)
async def case_assign(ctx: Ctx) -> Response:
    """Assign a case to a team member (or nobody)."""
    case_id = _case_id(ctx)
    assignee = ctx.field("assignee")
    actor = ctx.user.username

    def work(service: Service) -> None:
        if assignee and assignee not in {u.username for u in _team(service)}:
            raise InputError(f"{assignee!r} is not an active agent or admin of the team")
        CaseService(service).assign(case_id, assignee or None, actor=actor)

    try:
        await ctx.call(work)
    except ClonecheckError as error:
        return await _case_response(ctx, case_id, status=400, error=str(error))
    ctx.flash(f"Case #{case_id} " + (f"assigned to {assignee}." if assignee else "unassigned."))
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@action(Role.AGENT)
async def case_note(ctx: Ctx) -> Response:
    """Add a note to a case's history."""
    case_id = _case_id(ctx)
    text = ctx.field("note")
    actor = ctx.user.username
    try:
        await ctx.call(lambda service: CaseService(service).note(case_id, text, actor=actor))
    except ClonecheckError as error:
        return await _case_response(ctx, case_id, status=400, error=str(error))
    ctx.flash(f"Note added to case #{case_id}.")
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


async def _evidence_download(
    ctx: Ctx, pack_format: PackFormat, *, internal: bool = False
) -> Response:
    """The evidence pack the CLI writes (``cases evidence``, with ``--internal`` when
    ``internal``), as a download; the internal one's file name says so."""
    case_id = _case_id(ctx)

    def load(service: Service) -> tuple[Case, dict[str, bytes]]:
        case = CaseService(service).get(case_id)
        return case, service.thumbnails([case.match]) if case.match is not None else {}

    case, photos = await ctx.call(load)
    pack = render_evidence(
        case,
        photos,
        pack_format,
        generated_at=datetime.now(UTC),
        tool_version=__version__,
        internal=internal,
    )
    filename = f"clonecheck-case-{case_id}{'-internal' if internal else ''}.{pack_format.value}"
    return Response(
        pack,
        media_type=pack_format.media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@page()
async def case_evidence(ctx: Ctx) -> Response:
    """The evidence pack as one self-contained HTML file."""
    return await _evidence_download(ctx, PackFormat.HTML)


@page()
async def case_evidence_pdf(ctx: Ctx) -> Response:
    """The same evidence pack as a PDF (``cases evidence ID -o pack.pdf``)."""
    return await _evidence_download(ctx, PackFormat.PDF)


@page(Role.AGENT)
async def case_evidence_internal(ctx: Ctx) -> Response:
    """The pack with what stays with the team, the assignee and the history with names and
    notes (``cases evidence ID --internal``): for the agents who handle cases."""
    return await _evidence_download(ctx, PackFormat.HTML, internal=True)


@page(Role.AGENT)
async def case_evidence_internal_pdf(ctx: Ctx) -> Response:
    """The internal pack as a PDF."""
    return await _evidence_download(ctx, PackFormat.PDF, internal=True)


# --- check one account, open a case ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckQuery:
    name: str = ""
    handle: str = ""
    bio: str = ""
    platform: str = "reported"
    identity: str = ""
    photo_token: str = ""
    photo_name: str = ""
    #: the reported account's page (its platform and handle are read from it)
    profile_url: str = ""
    #: a photo on the web, fetched through the safe fetcher (never a private address)
    photo_url: str = ""


@dataclass(frozen=True, slots=True)
class CheckRow:
    view: MatchView
    match: Match


async def _identities(ctx: Ctx) -> list[Identity]:
    return await ctx.call(lambda service: service.identities())


async def _platforms(ctx: Ctx) -> list[str]:
    """The platforms the check form offers: the known ones and those of stored profiles."""
    return ["reported", *await ctx.call(lambda service: Triage(service).platforms())]


def web_photo_url(url: str) -> str:
    """A photo URL from a form: http(s) only (never a path or file: on the server)."""
    if urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).hostname:
        raise InputError(
            f"photo URL {url!r} is not a web address; give an http(s) URL of the photo, "
            "or upload the file"
        )
    return url


@page()
async def check_page(ctx: Ctx) -> Response:
    """The search form: the reported account's page or its name and handle, its bio, and a
    photo (uploaded, or by URL)."""
    return ctx.render(
        "check.html.j2",
        title="Check an account",
        query=CheckQuery(),
        identities=await _identities(ctx),
        platforms=await _platforms(ctx),
        rows=None,
        closest=None,
    )


@action(Role.VIEWER)
async def check(ctx: Ctx) -> Response:
    """Run ``check`` against the registry and show every likely or possible match."""
    web = ctx.web
    upload = ctx.form.get("photo") if ctx.form is not None else None
    photo: Path | None = None
    query = CheckQuery(
        name=ctx.field("name"),
        handle=ctx.field("handle").lstrip("@"),
        bio=ctx.field("bio"),
        platform=ctx.field("platform") or "reported",
        identity=ctx.field("identity"),
        profile_url=ctx.field("profile_url"),
        photo_url=ctx.field("photo_url"),
    )
    error: str | None = None
    try:
        if query.profile_url:
            platform, handle = profile_from_url(query.profile_url)
            query = replace(query, platform=platform, handle=query.handle or handle)
        if query.photo_url:
            web_photo_url(query.photo_url)
    except InputError as failure:
        error = str(failure)
    uploaded = isinstance(upload, UploadFile) and bool(upload.filename or upload.size)
    if error is None and uploaded and query.photo_url:
        error = "Give the photo once: upload it or give its URL, not both."
    elif error is None and isinstance(upload, UploadFile) and uploaded:
        limit = web.config.max_photo_bytes
        data = await upload.read(limit + 1)
        if len(data) > limit:
            error = f"the photo is larger than {limit // (1024 * 1024)} MiB; upload a smaller one"
        elif not data:
            error = "the uploaded photo is empty; choose the file again"
        else:
            token, saved = await run_in_threadpool(
                save_upload, web.uploads, data, upload.filename or "upload"
            )
            photo = saved
            query = replace(query, photo_token=token, photo_name=saved.name)

    if error is None and not (query.name or query.handle or photo or query.photo_url):
        error = (
            "Give at least a display name, a handle or a photo (uploaded or by URL), or the "
            "account's profile URL, to check."
        )

    def work(service: Service) -> tuple[list[Match], dict[str, bytes]]:
        scored = service.check(
            name=query.name,
            handle=query.handle,
            photo=str(photo) if photo else (query.photo_url or None),
            bio=query.bio,
            platform=query.platform,
            identity=query.identity or None,
        )
        shown = [m for m in scored if m.verdict is not Verdict.NONE] or scored[:1]
        return scored, service.thumbnails(shown)

    rows: list[CheckRow] | None = None
    closest: CheckRow | None = None
    status = 200
    if error is None:
        try:
            scored, photos = await ctx.call(work)
        except PhotoError as failure:
            # the reason, with the name the member uploaded (not the server's path)
            error, status = f"photo {query.photo_name or query.photo_url}: {failure.reason}", 400
        except ClonecheckError as failure:
            error, status = str(failure), 400
        else:
            flagged = [m for m in scored if m.verdict is not Verdict.NONE]
            rows = [CheckRow(match_view(i, m, photos), m) for i, m in enumerate(flagged, 1)]
            if not flagged and scored:
                closest = CheckRow(match_view(1, scored[0], photos), scored[0])
    else:
        status = 400
    return ctx.render(
        "check.html.j2",
        status=status,
        error=error,
        title="Check an account",
        query=query,
        identities=await _identities(ctx),
        platforms=await _platforms(ctx),
        rows=rows,
        closest=closest,
    )


@action(Role.AGENT)
async def open_case(ctx: Ctx) -> Response:
    """Open a case on a checked account, against the identity it was matched with."""
    token = ctx.field("photo_token")
    actor = ctx.user.username
    uploads = ctx.web.uploads

    photo_url = ctx.field("photo_url")

    def work(service: Service) -> Case:
        photo = find_upload(uploads, token) if token else None
        web = web_photo_url(photo_url) if photo_url and not photo else None
        return CaseService(service).open_from_report(
            identity=ctx.field("identity") or None,
            name=ctx.field("name"),
            handle=ctx.field("handle"),
            photo=str(photo) if photo else web,
            # the case keeps who uploaded which file, not the server's temporary path
            photo_source=f"photo uploaded by {actor}: {photo.name}" if photo else web,
            bio=ctx.field("bio"),
            platform=ctx.field("platform") or "reported",
            actor=actor,
            note=ctx.field("note"),
        )

    try:
        case = await ctx.call(work)
    except ClonecheckError as error:
        return ctx.render(
            "error.html.j2", status=400, title="No case opened", error=f"No case opened: {error}"
        )
    ctx.flash(f"Opened case #{case.id}.")
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


# --- the team (people: ``people.py``) ----------------------------------------------------------


@page(Role.ADMIN)
async def users(ctx: Ctx) -> Response:
    """The team members and their roles (changed from the CLI)."""
    team = await ctx.call(lambda service: UserService(service).list_users())
    return ctx.render("users.html.j2", title="Team", team=team)


ROUTES: list[BaseRoute] = [
    Route("/", queue, name="queue"),
    Route("/cases", queue, name="cases"),
    Route("/cases.{fmt}", queue_export, name="cases_export"),
    Route("/inbox", inbox, name="inbox"),
    Route("/inbox.{fmt}", inbox_export, name="inbox_export"),
    Route("/inbox/open", inbox_open, methods=["POST"], name="inbox_open"),
    Route("/inbox/dismiss", inbox_dismiss, methods=["POST"], name="inbox_dismiss"),
    Route("/identities.{fmt}", identities_export, name="identities_export"),
    Route("/login", login_page, name="login"),
    Route("/login", login, methods=["POST"], name="login_post"),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/cases", open_case, methods=["POST"], name="open_case"),
    Route("/cases/{case_id:int}", case_page, name="case"),
    Route("/cases/{case_id:int}/move", case_move, methods=["POST"], name="case_move"),
    Route("/cases/{case_id:int}/assign", case_assign, methods=["POST"], name="case_assign"),
    Route("/cases/{case_id:int}/note", case_note, methods=["POST"], name="case_note"),
    Route("/cases/{case_id:int}/evidence", case_evidence, name="case_evidence"),
    Route("/cases/{case_id:int}/evidence.pdf", case_evidence_pdf, name="case_evidence_pdf"),
    Route(
        "/cases/{case_id:int}/evidence-internal",
        case_evidence_internal,
        name="case_evidence_internal",
    ),
    Route(
        "/cases/{case_id:int}/evidence-internal.pdf",
        case_evidence_internal_pdf,
        name="case_evidence_internal_pdf",
    ),
    Route("/check", check_page, name="check_page"),
    Route("/check", check, methods=["POST"], name="check"),
    Route("/identities", identities, name="identities"),
    Route("/identities", identity_register, methods=["POST"], name="identity_register"),
    # the form lives apart from /identities/{slug}, so a person may have any slug ("new" too)
    Route("/people/new", identity_new, name="identity_new"),
    Route("/identities/{slug}", identity, name="identity"),
    Route("/identities/{slug}/edit", identity_edit, methods=["POST"], name="identity_edit"),
    Route(
        "/identities/{slug}/discover",
        identity_discover,
        methods=["POST"],
        name="identity_discover",
    ),
    Route("/users", users, name="users"),
]
