"""What every view is handed: the app's settings (``Web``) and, per request, who asks (``Ctx``).

Views never open the database themselves and never speak SQL: ``Web.call`` runs a function
with a ``Service`` over a store opened for that call, in a worker thread (SQLite connections
belong to the thread that opened them, and the service's work must not block the event loop).
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse

from clonecheck import __version__
from clonecheck.config import Config
from clonecheck.models import CaseState, Verdict
from clonecheck.service import Service
from clonecheck.service.users import Role, User
from clonecheck.store import Store
from clonecheck.web.throttle import LoginThrottle

if TYPE_CHECKING:  # the HTTP client (httpx) is loaded when someone discovers, not at start-up
    from clonecheck.discover.settings import DiscoverySettings

T = TypeVar("T")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: session keys
#: the random session id; the store knows which member it signs in, until the session ends
SESSION_ID = "sid"
SESSION_CSRF = "csrf"
SESSION_FLASH = "flash"
#: name of the hidden form field that carries the CSRF token
CSRF_FIELD = "csrf_token"

#: CSS class of each state's and verdict's chip
STATE_CLASS = {
    CaseState.OPEN: "open",
    CaseState.CONFIRMED: "confirmed",
    CaseState.REPORTED: "reported",
    CaseState.DISMISSED: "dismissed",
    CaseState.CLOSED: "closed",
}
VERDICT_CLASS = {Verdict.LIKELY_CLONE: "likely", Verdict.POSSIBLE: "possible", Verdict.NONE: "none"}


def _number(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use; every form carries it back."""
    token = request.session.get(SESSION_CSRF)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return token


@dataclass
class Web:
    """The app's settings and its way to the service layer."""

    db_path: Path
    config: Config
    #: where uploaded photos are kept between a check and the case opened from it
    uploads: Path
    #: the largest request body accepted: a photo of ``max_photo_bytes`` plus the form
    max_body: int = field(init=False)
    #: failed sign-ins, by account and by client address
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    #: a session unused this long ends
    session_lifetime_s: float = 12 * 3600.0
    #: reverse proxies whose ``X-Forwarded-For`` tells the client's address (default: none)
    trusted_proxies: tuple[Network, ...] = ()
    #: the platforms the identity page's Discover button asks, and where (``None``: the
    #: defaults of ``discover.settings``, with the tokens read from the environment then)
    discovery: DiscoverySettings | None = None

    def __post_init__(self) -> None:
        self.max_body = self.config.max_photo_bytes + 256 * 1024

    def run(self, work: Callable[[Service], T], *, allow_private: bool = False) -> T:
        """``work`` with a service over a store opened for it, closed after. ``allow_private``
        lets its photo fetcher reach private addresses (a self-hosted platform discovery asks)."""
        with Store.open(self.db_path) as store:
            return work(Service(store, config=self.config, allow_private=allow_private))

    async def call(self, work: Callable[[Service], T], *, allow_private: bool = False) -> T:
        """``run`` in a worker thread."""
        return await run_in_threadpool(self.run, work, allow_private=allow_private)

    @cached_property
    def templates(self) -> Environment:
        env = Environment(
            loader=PackageLoader("clonecheck.web", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["number"] = _number
        env.globals.update(
            version=__version__,
            csrf_field=CSRF_FIELD,
            Role=Role,
            state_class=STATE_CLASS,
            verdict_class=VERDICT_CLASS,
        )
        return env

    def render(
        self,
        request: Request,
        template: str,
        *,
        user: User | None,
        status: int = 200,
        **values: Any,
    ) -> HTMLResponse:
        """A page: the template with who is signed in, the CSRF token and the flash message."""
        flash = request.session.pop(SESSION_FLASH, None)
        values.setdefault("error", None)
        values.setdefault("title", "")
        html = self.templates.get_template(template).render(
            user=user,
            csrf=csrf_token(request),
            flash=flash if isinstance(flash, str) else None,
            path=request.url.path,
            **values,
        )
        return HTMLResponse(html, status_code=status)


@dataclass
class Ctx:
    """One request of a signed-in team member (with its form, for a POST)."""

    request: Request
    web: Web
    user: User
    form: FormData | None = None

    def render(self, template: str, *, status: int = 200, **values: Any) -> HTMLResponse:
        return self.web.render(self.request, template, user=self.user, status=status, **values)

    async def call(self, work: Callable[[Service], T], *, allow_private: bool = False) -> T:
        return await self.web.call(work, allow_private=allow_private)

    def flash(self, message: str) -> None:
        """A message for the next page shown (after a redirect)."""
        self.request.session[SESSION_FLASH] = message

    def field(self, name: str) -> str:
        """A text field of the form ("" when absent or a file)."""
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else ""
