"""The lists of the web app: the inbox (scan results awaiting triage, each opened as a case or
dismissed where it stands) and the case queue (search, filters, "my cases"), both paged, and
every list's ``.json`` and ``.csv`` twin: the same filters, every row, for a script or a
spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from clonecheck.errors import ClonecheckError
from clonecheck.models import Case, CaseState, DismissReason, Identity
from clonecheck.report.html import MatchView, match_view
from clonecheck.report.jsonfmt import match_to_dict
from clonecheck.service import Service
from clonecheck.service.triage import Filters, Page, StoredMatch, Triage
from clonecheck.service.users import Role, User, UserService
from clonecheck.web.context import Ctx
from clonecheck.web.security import action, page

#: the most rows one page shows; the rest are on the next pages
PAGE_SIZE = 100

#: the queue's state filters: URL value -> state (None: every case)
STATE_FILTERS: dict[str, CaseState | None] = {
    "open": CaseState.OPEN,
    "confirmed": CaseState.CONFIRMED,
    "reported": CaseState.REPORTED,
    "dismissed": CaseState.DISMISSED,
    "closed": CaseState.CLOSED,
    "all": None,
}
#: the value of the assignee filter for "nobody"
UNASSIGNED = "-"


def _page_number(ctx: Ctx) -> int:
    text = ctx.request.query_params.get("page", "1")
    return max(1, int(text)) if text.isdigit() and len(text) < 9 else 1


def _query(ctx: Ctx, **changes: str | int) -> str:
    """This page's query string with ``changes`` (an empty value drops the parameter)."""
    params = {**dict(ctx.request.query_params), **{k: str(v) for k, v in changes.items()}}
    kept = {k: v for k, v in params.items() if v and not (k == "page" and v == "1")}
    return f"?{urlencode(kept)}" if kept else ""


@dataclass(frozen=True, slots=True)
class Pager:
    """Where this page is in the list, and the links to the pages around it."""

    first: int
    last: int
    total: int
    previous: str | None
    next: str | None


def _pager(ctx: Ctx, shown: Page[Any], number: int) -> Pager:
    return Pager(
        first=shown.offset + 1 if shown.rows else 0,
        last=shown.offset + len(shown.rows),
        total=shown.total,
        previous=_query(ctx, page=number - 1) or "?" if shown.has_previous else None,
        next=_query(ctx, page=number + 1) if shown.has_next else None,
    )


def _export(
    ctx: Ctx, name: str, rows: Sequence[dict[str, Any]], columns: Sequence[str]
) -> Response:
    """``rows`` as the JSON or CSV the URL asks for (``/inbox.json``, ``/cases.csv``)."""
    kind = ctx.request.path_params["fmt"]
    if kind not in ("json", "csv"):
        raise HTTPException(404)
    if kind == "json":
        body = json.dumps({"rows": list(rows), "total": len(rows)}, ensure_ascii=False, indent=1)
        return Response(body, media_type="application/json")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="clonecheck-{name}.csv"'},
    )


def _cell(value: Any) -> Any:
    """A CSV cell: lists joined, and text a spreadsheet would run as a formula made inert."""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _choices(service: Service) -> tuple[list[Identity], list[str], list[User]]:
    """The people, platforms and team members the filters offer."""
    team = [u for u in UserService(service).list_users() if u.role.allows(Role.AGENT)]
    return service.identities(), Triage(service).platforms(), team


# --- the inbox: scan results awaiting triage --------------------------------------------------


def _inbox_filters(ctx: Ctx) -> Filters:
    params = ctx.request.query_params
    return Filters(
        person=params.get("person", "").strip(),
        platform=params.get("platform", "").strip(),
        text=params.get("q", "").strip()[:200],
    )


@dataclass(frozen=True, slots=True)
class InboxRow:
    scan_id: int
    view: MatchView


@page()
async def inbox(ctx: Ctx) -> Response:
    """The latest scans' likely and possible clones that no case covers yet, highest score
    first, with "open case" and "dismiss" beside each."""
    filters = _inbox_filters(ctx)
    number = _page_number(ctx)

    def load(
        service: Service,
    ) -> tuple[Page[StoredMatch], dict[str, bytes], tuple[list[Identity], list[str], list[User]]]:
        shown = Triage(service).awaiting(filters, offset=(number - 1) * PAGE_SIZE, size=PAGE_SIZE)
        photos = service.thumbnails(row.match for row in shown.rows)
        return shown, photos, _choices(service)

    shown, photos, (people, platforms, _) = await ctx.call(load)
    rows = [
        InboxRow(row.scan_id, match_view(i, row.match, photos))
        for i, row in enumerate(shown.rows, shown.offset + 1)
    ]
    return ctx.render(
        "inbox.html.j2",
        title="Inbox",
        rows=rows,
        pager=_pager(ctx, shown, number),
        filters=filters,
        people=people,
        platforms=platforms,
        dismiss_reasons=list(DismissReason),
        can_act=ctx.user.role.allows(Role.AGENT),
        export=_query(ctx, page=""),
        export_base="/inbox",
    )


INBOX_COLUMNS = (
    "scan_id",
    "identity",
    "identity_name",
    "profile_key",
    "platform",
    "handle",
    "name",
    "score",
    "verdict",
    "reasons",
)


@page()
async def inbox_export(ctx: Ctx) -> Response:
    """Every scan result awaiting triage under the page's filters, as JSON or CSV."""
    filters = _inbox_filters(ctx)
    shown = await ctx.call(lambda service: Triage(service).awaiting(filters))
    rows = []
    for row in shown.rows:
        match = row.match
        rows.append(
            {
                "scan_id": row.scan_id,
                "identity": match.identity.slug,
                "identity_name": match.identity.name,
                "profile_key": match.profile.key,
                "platform": match.profile.platform,
                "handle": match.profile.handle,
                "name": match.profile.name,
                "score": round(match.score, 4),
                "verdict": match.verdict.value,
                "reasons": [s.detail for s in match.signals if s.strength > 0],
                "match": match_to_dict(match),
            }
        )
    return _export(ctx, "inbox", rows, INBOX_COLUMNS)


async def _triage_action(ctx: Ctx, work: Callable[[Triage], Case], done: str) -> Response:
    """Run an inbox action; back to the inbox with what happened, or with why not."""
    back = ctx.field("back")
    target = back if back.startswith("/inbox") and not back.startswith("//") else "/inbox"
    try:
        case = await ctx.call(lambda service: work(Triage(service)))
    except ClonecheckError as error:
        ctx.flash(f"Nothing changed: {error}")
        return RedirectResponse(target, status_code=303)
    ctx.flash(done.format(id=case.id, handle=case.match.profile.handle if case.match else ""))
    return RedirectResponse(target, status_code=303)


@action(Role.AGENT)
async def inbox_open(ctx: Ctx) -> Response:
    """Open a case on a scan result."""
    identity, key, actor = ctx.field("identity"), ctx.field("profile_key"), ctx.user.username
    return await _triage_action(
        ctx,
        lambda triage: triage.open_case(identity, key, actor=actor, note=ctx.field("note")),
        "Opened case #{id} on @{handle}.",
    )


@action(Role.AGENT)
async def inbox_dismiss(ctx: Ctx) -> Response:
    """Dismiss a scan result, with why it is not a clone (logged as a dismissed case)."""
    identity, key, actor = ctx.field("identity"), ctx.field("profile_key"), ctx.user.username
    because = ctx.field("because")
    return await _triage_action(
        ctx,
        lambda triage: triage.dismiss(identity, key, because, actor=actor, note=ctx.field("note")),
        "Dismissed @{handle} (case #{id}).",
    )


# --- the case queue ---------------------------------------------------------------------------


def _queue_filters(ctx: Ctx) -> tuple[Filters, str]:
    params = ctx.request.query_params
    wanted = params.get("state", "open")
    if wanted not in STATE_FILTERS:
        wanted = "open"
    state = STATE_FILTERS[wanted]
    assignee = params.get("assignee", "").strip()
    if params.get("mine"):
        assignee = ctx.user.username
    filters = Filters(
        person=params.get("person", "").strip(),
        platform=params.get("platform", "").strip(),
        text=params.get("q", "").strip()[:200],
        state=state.value if state else "",
        assignee=assignee,
    )
    return filters, wanted


@dataclass(frozen=True, slots=True)
class QueueRow:
    case: Case
    view: MatchView | None


@page()
async def queue(ctx: Ctx) -> Response:
    """The cases in one state (open by default), highest score first, narrowed by person,
    platform, assignee ("my cases") and words, a page at a time."""
    filters, wanted = _queue_filters(ctx)
    number = _page_number(ctx)

    def load(
        service: Service,
    ) -> tuple[
        Page[Case],
        dict[str, bytes],
        dict[CaseState, int],
        tuple[list[Identity], list[str], list[User]],
    ]:
        triage = Triage(service)
        shown = triage.cases(filters, offset=(number - 1) * PAGE_SIZE, size=PAGE_SIZE)
        photos = service.thumbnails(c.match for c in shown.rows if c.match is not None)
        return shown, photos, triage.case_counts(filters), _choices(service)

    shown, photos, counts, (people, platforms, team) = await ctx.call(load)
    rows = [
        QueueRow(case, match_view(case.id, case.match, photos) if case.match else None)
        for case in shown.rows
    ]
    state = STATE_FILTERS[wanted]
    tabs = [
        (
            key,
            value.value if value else "all",
            counts.get(value, 0) if value else sum(counts.values()),
            _query(ctx, state=key, page=""),
        )
        for key, value in STATE_FILTERS.items()
    ]
    mine = filters.assignee == ctx.user.username
    return ctx.render(
        "queue.html.j2",
        title="Queue",
        rows=rows,
        filters=tabs,
        current=wanted,
        state=state,
        wanted=filters,
        mine=mine,
        mine_link=_query(ctx, mine="1", assignee="", page=""),
        everyone_link=_query(ctx, mine="", assignee="", page=""),
        pager=_pager(ctx, shown, number),
        people=people,
        platforms=platforms,
        team=team,
        unassigned=UNASSIGNED,
        export=_query(ctx, page=""),
        export_base="/cases",
    )


CASE_COLUMNS = (
    "id",
    "state",
    "score",
    "verdict",
    "identity",
    "profile_key",
    "platform",
    "handle",
    "name",
    "assignee",
    "opened_at",
)


@page()
async def queue_export(ctx: Ctx) -> Response:
    """Every case under the queue's filters, as JSON or CSV."""
    filters, _ = _queue_filters(ctx)
    shown = await ctx.call(lambda service: Triage(service).cases(filters))
    rows = [
        {
            "id": case.id,
            "state": case.state.value,
            "score": round(case.score, 4),
            "verdict": case.verdict.value,
            "identity": case.identity_slug,
            "profile_key": case.profile_key,
            "platform": case.match.profile.platform if case.match else None,
            "handle": case.match.profile.handle if case.match else None,
            "name": case.match.profile.name if case.match else None,
            "assignee": case.assignee,
            "opened_at": case.opened_at,
        }
        for case in shown.rows
    ]
    return _export(ctx, "cases", rows, CASE_COLUMNS)


# --- people -----------------------------------------------------------------------------------

IDENTITY_COLUMNS = ("slug", "name", "handles", "own_accounts", "photos", "bio", "cases")


@page()
async def identities_export(ctx: Ctx) -> Response:
    """Everyone registered, with their handles, own accounts and how many cases each has."""

    def load(service: Service) -> list[dict[str, Any]]:
        counts = triage_counts(service)
        return [
            {
                "slug": p.slug,
                "name": p.name,
                "handles": list(p.handles),
                "own_accounts": [str(a) for a in p.own_accounts],
                "photos": [photo.digest for photo in p.photos if photo.digest],
                "bio": p.bio,
                "cases": counts.get(p.slug, 0),
            }
            for p in service.identities()
        ]

    return _export(ctx, "identities", await ctx.call(load), IDENTITY_COLUMNS)


def triage_counts(service: Service) -> dict[str, int]:
    """identity slug -> how many cases they have (in any state)."""
    counts: dict[str, int] = {}
    for case in Triage(service).cases(Filters()).rows:
        if case.identity_slug:
            counts[case.identity_slug] = counts.get(case.identity_slug, 0) + 1
    return counts
