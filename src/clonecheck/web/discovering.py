"""The identity page's Discover button: the same discovery as ``clonecheck discover SLUG``
(search the platforms, import what they return, scan it against the person), and the result
on a page: what each platform found, why a platform was skipped or stopped, and the likely
and possible clones, each with its way to the inbox.

Discovery can take minutes: it runs in the worker thread every view's service work runs in,
under the HTTP client's own timeouts, rate limits and back-off.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import Response

from clonecheck.errors import ClonecheckError
from clonecheck.models import Verdict
from clonecheck.report.html import MatchView, match_view
from clonecheck.service import Service
from clonecheck.service.users import Role
from clonecheck.web.context import Ctx
from clonecheck.web.people import identity_response
from clonecheck.web.security import action


@dataclass(frozen=True, slots=True)
class DiscoverOutcome:
    """What the page shows of one discovery and the scan after it."""

    name: str
    slug: str
    found: int
    new: int
    requests: int
    by_platform: dict[str, int]
    notes: tuple[str, ...]
    matches: list[MatchView]
    likely: int
    possible: int
    scan_id: int | None


@action(Role.AGENT)
async def identity_discover(ctx: Ctx) -> Response:
    """Search the platforms for a registered person, import and scan what they return, and
    show the likely and possible clones (each on its way to the inbox)."""
    from clonecheck.discover.settings import DiscoverySettings
    from clonecheck.service.discovery import discover

    slug: str = ctx.request.path_params["slug"]
    # the tokens are read from the environment now, as the command reads them when it runs
    settings = ctx.web.discovery or DiscoverySettings.from_env({})

    def work(service: Service) -> DiscoverOutcome:
        person = service.identity(slug)
        summary = discover(service.photos, service.progress, person, settings)
        result = service.scan(identity=person.slug)
        flagged = [m for m in result.matches if m.verdict is not Verdict.NONE]
        photos = service.thumbnails(flagged)
        return DiscoverOutcome(
            name=person.name,
            slug=person.slug,
            found=summary.found,
            new=summary.inserted,
            requests=summary.requests,
            by_platform=summary.by_adapter,
            notes=summary.notes,
            matches=[match_view(i, m, photos) for i, m in enumerate(flagged, 1)],
            likely=result.likely,
            possible=result.possible,
            scan_id=result.scan_id,
        )

    try:
        outcome = await ctx.call(work, allow_private=settings.http.allow_private)
    except ClonecheckError as failure:
        return await identity_response(ctx, slug, status=400, error=str(failure))
    return ctx.render("discover.html.j2", title=f"Discover {outcome.name}", outcome=outcome)
