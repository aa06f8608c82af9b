"""The pages and forms of the web app. Each view is a few lines: read the request, call the
service (``Ctx.call``), render a template. Guards (sign-in, role, CSRF) wrap every view
(``page`` and ``action`` in ``security``); an error a user can cause (``ClonecheckError``) is
shown on the page it came from, never as a traceback.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from clonecheck import __version__
from clonecheck.errors import ClonecheckError, InputError, NotFoundError, PhotoError
from clonecheck.models import (
    Case,
    CaseState,
    DismissReason,
    Identity,
    Match,
    Profile,
    Verdict,
)
from clonecheck.report.evidence import PackFormat, render_evidence
from clonecheck.report.html import MatchView, data_uri, match_view
from clonecheck.service import Service
from clonecheck.service.cases import TRANSITIONS, CaseService
from clonecheck.service.users import Role, User, UserService
from clonecheck.web.context import Ctx
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


# --- the queue ------------------------------------------------------------------------------

#: the queue's filters: URL value -> state (None: every case)
STATE_FILTERS: dict[str, CaseState | None] = {
    "open": CaseState.OPEN,
    "confirmed": CaseState.CONFIRMED,
    "reported": CaseState.REPORTED,
    "dismissed": CaseState.DISMISSED,
    "closed": CaseState.CLOSED,
    "all": None,
}
#: most cases one queue page shows
QUEUE_LIMIT = 500


@dataclass(frozen=True, slots=True)
class QueueRow:
    case: Case
    view: MatchView | None


@page()
async def queue(ctx: Ctx) -> Response:
    """The cases in one state (open by default), highest score first."""
    wanted = ctx.request.query_params.get("state", "open")
    if wanted not in STATE_FILTERS:
        wanted = "open"
    state = STATE_FILTERS[wanted]

    def load(service: Service) -> tuple[list[Case], dict[str, bytes], Counter[CaseState]]:
        every = CaseService(service).list_cases()
        counts = Counter(case.state for case in every)
        shown = [c for c in every if state is None or c.state is state][:QUEUE_LIMIT]
        photos = service.thumbnails(c.match for c in shown if c.match is not None)
        return shown, photos, counts

    shown, photos, counts = await ctx.call(load)
    rows = [
        QueueRow(case, match_view(case.id, case.match, photos) if case.match else None)
        for case in shown
    ]
    filters = [
        (key, value.value if value else "all", counts[value] if value else sum(counts.values()))
        for key, value in STATE_FILTERS.items()
    ]
    return ctx.render(
        "queue.html.j2",
        title="Queue",
        rows=rows,
        filters=filters,
        current=wanted,
        state=state,
        limit=QUEUE_LIMIT,
    )


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


#: the largest id SQLite can hold; a larger one in a URL is a case that does not exist
MAX_CASE_ID = 2**63 - 1


def _case_id(ctx: Ctx) -> int:
    case_id: int = ctx.request.path_params["case_id"]
    if case_id > MAX_CASE_ID:
        raise NotFoundError(f"no case #{case_id}; the queue lists every case")
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


async def _evidence_download(ctx: Ctx, pack_format: PackFormat) -> Response:
    """The evidence pack the CLI writes (``cases evidence``), as a download."""
    case_id = _case_id(ctx)

    def load(service: Service) -> tuple[Case, dict[str, bytes]]:
        case = CaseService(service).get(case_id)
        return case, service.thumbnails([case.match]) if case.match is not None else {}

    case, photos = await ctx.call(load)
    pack = render_evidence(
        case, photos, pack_format, generated_at=datetime.now(UTC), tool_version=__version__
    )
    filename = f"clonecheck-case-{case_id}.{pack_format.value}"
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


# --- check one account, open a case ---------------------------------------------------------

#: an upload's token: the sha256 of its bytes
UPLOAD_TOKEN = re.compile(r"[0-9a-f]{64}")


def _safe_filename(name: str) -> str:
    """The uploaded file's name reduced to letters, digits, '.', '_' and '-'."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._")[:64]
    return base or "upload"


def save_upload(uploads: Path, data: bytes, filename: str) -> tuple[str, Path]:
    """Keep an uploaded photo as ``uploads/<sha256>/<name>``; returns (token, path)."""
    token = hashlib.sha256(data).hexdigest()
    folder = uploads / token
    folder.mkdir(parents=True, exist_ok=True)
    existing = sorted(folder.iterdir())
    if existing:
        return token, existing[0]
    path = folder / _safe_filename(filename)
    path.write_bytes(data)
    return token, path


def find_upload(uploads: Path, token: str) -> Path:
    """The photo uploaded under ``token``; InputError when it is gone (a restart)."""
    folder = uploads / token
    found = sorted(folder.iterdir()) if UPLOAD_TOKEN.fullmatch(token) and folder.is_dir() else []
    if not found:
        raise InputError(
            "the uploaded photo is no longer on the server (it may have restarted); "
            "check the account again with its photo"
        )
    return found[0]


@dataclass(frozen=True, slots=True)
class CheckQuery:
    name: str = ""
    handle: str = ""
    bio: str = ""
    platform: str = "reported"
    identity: str = ""
    photo_token: str = ""
    photo_name: str = ""


@dataclass(frozen=True, slots=True)
class CheckRow:
    view: MatchView
    match: Match


async def _identities(ctx: Ctx) -> list[Identity]:
    return await ctx.call(lambda service: service.identities())


@page()
async def check_page(ctx: Ctx) -> Response:
    """The search form: name, handle, bio and a photo of the reported account."""
    return ctx.render(
        "check.html.j2",
        title="Check an account",
        query=CheckQuery(),
        identities=await _identities(ctx),
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
    )
    error: str | None = None
    if isinstance(upload, UploadFile) and (upload.filename or upload.size):
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

    if error is None and not (query.name or query.handle or photo):
        error = "Give at least a display name, a handle or a photo to check."

    def work(service: Service) -> tuple[list[Match], dict[str, bytes]]:
        scored = service.check(
            name=query.name,
            handle=query.handle,
            photo=str(photo) if photo else None,
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
            error, status = f"photo {query.photo_name}: {failure.reason}", 400
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
        rows=rows,
        closest=closest,
    )


@action(Role.AGENT)
async def open_case(ctx: Ctx) -> Response:
    """Open a case on a checked account, against the identity it was matched with."""
    token = ctx.field("photo_token")
    actor = ctx.user.username
    uploads = ctx.web.uploads

    def work(service: Service) -> Case:
        photo = find_upload(uploads, token) if token else None
        return CaseService(service).open_from_report(
            identity=ctx.field("identity") or None,
            name=ctx.field("name"),
            handle=ctx.field("handle"),
            photo=str(photo) if photo else None,
            # the case keeps who uploaded which file, not the server's temporary path
            photo_source=f"photo uploaded by {actor}: {photo.name}" if photo else None,
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


# --- identities and the team ------------------------------------------------------------------

_NO_PROFILE = Profile(platform="registered", handle="(none)")


def _identity_thumbnails(service: Service, people: list[Identity]) -> dict[str, bytes]:
    """Thumbnails of registered photos. ``Service.thumbnails`` makes them from matches; a
    match whose best registered photo is each photo in turn asks for exactly those."""
    asked = [
        Match(p, _NO_PROFILE, 0.0, Verdict.NONE, (), identity_photo=photo.digest)
        for p in people
        for photo in p.photos
        if photo.digest
    ]
    return service.thumbnails(asked)


@page()
async def identities(ctx: Ctx) -> Response:
    """The people registered, with their photos and how many cases each has."""

    def load(service: Service) -> tuple[list[Identity], dict[str, bytes], Counter[str | None]]:
        people = service.identities()
        counts = Counter(c.identity_slug for c in CaseService(service).list_cases())
        return people, _identity_thumbnails(service, people), counts

    people, photos, counts = await ctx.call(load)
    return ctx.render(
        "identities.html.j2",
        title="Identities",
        people=people,
        photos=_uris(photos),
        counts=counts,
    )


@page()
async def identity(ctx: Ctx) -> Response:
    """One registered person: handles, own accounts, photos, and their cases."""
    slug: str = ctx.request.path_params["slug"]

    def load(service: Service) -> tuple[Identity, dict[str, bytes], list[Case]]:
        person = service.identity(slug)
        cases = [c for c in CaseService(service).list_cases() if c.identity_slug == person.slug]
        return person, _identity_thumbnails(service, [person]), cases

    person, photos, cases = await ctx.call(load)
    return ctx.render(
        "identity.html.j2",
        title=person.name,
        person=person,
        photos=_uris(photos),
        cases=cases,
    )


def _uris(photos: dict[str, bytes]) -> dict[str, str]:
    return {digest: uri for digest, data in photos.items() if (uri := data_uri(data))}


@page(Role.ADMIN)
async def users(ctx: Ctx) -> Response:
    """The team members and their roles (changed from the CLI)."""
    team = await ctx.call(lambda service: UserService(service).list_users())
    return ctx.render("users.html.j2", title="Team", team=team)


ROUTES: list[BaseRoute] = [
    Route("/", queue, name="queue"),
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
    Route("/check", check_page, name="check_page"),
    Route("/check", check, methods=["POST"], name="check"),
    Route("/identities", identities, name="identities"),
    Route("/identities/{slug}", identity, name="identity"),
    Route("/users", users, name="users"),
]
