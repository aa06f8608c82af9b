"""Who may do what in the web app, and the guards every request passes.

- **Sign-in and sessions.** ``/login`` checks the password with argon2 (``UserService``); the
  session is a cookie signed with the app's secret (Starlette's ``SessionMiddleware``,
  ``itsdangerous``), HttpOnly and SameSite=Lax, holding a random session id and the CSRF token.
  Every request looks the session and its member up in the store (``UserService``): signing
  out, a removed or disabled member, or a password change ends it there, so a copy of the
  cookie stops working too; a role change applies from the next request.
- **Client address** (``client_address``), which the sign-in throttle counts by: the socket's
  peer, unless that peer is a reverse proxy the operator trusts; only then does the
  ``X-Forwarded-For`` it appended count.
- **Pages** (``page``): an anonymous visitor is sent to ``/login``; a role too low gets 403.
- **Forms** (``action``): every POST needs a signed-in member (401 otherwise), a role high
  enough (403), and the session's CSRF token in the form (403 when missing or wrong). Nothing
  reaches the service before all three pass.
- **Bodies**: a POST must say its ``Content-Length`` (411) and stay under one photo's size
  limit plus the form (413), before any of it is read.
- **Headers**: a Content-Security-Policy that allows no script at all, no framing, forms only
  to this site; ``no-store`` caching for pages that show cases.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Awaitable, Callable
from functools import wraps
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clonecheck.errors import InputError
from clonecheck.service.users import Role, User, UserService
from clonecheck.web.context import (
    CSRF_FIELD,
    SESSION_CSRF,
    SESSION_ID,
    Ctx,
    Network,
    Web,
    csrf_token,
)

log = logging.getLogger("clonecheck.web")

Handler = Callable[[Ctx], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
)


def web_of(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a POST without ``Content-Length`` (411) or with a larger one than ``limit``
    (413) before reading it; the server enforces the length it declared."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in {"GET", "HEAD", "OPTIONS"}:
            headers = dict(scope.get("headers", []))
            length = headers.get(b"content-length")
            status = 0
            if length is None or not length.isdigit():
                status, text = 411, "Length Required"
            elif int(length) > self.limit:
                status = 413
                text = f"Request too large: at most {self.limit // (1024 * 1024)} MiB"
            if status:
                body = text.encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


async def current_user(request: Request) -> User | None:
    """The signed-in team member, or None (and the session forgotten) when the session was
    ended, or names a removed or disabled member."""
    session_id = request.session.get(SESSION_ID)
    if not isinstance(session_id, str):
        return None
    web = web_of(request)
    user = await web.call(
        lambda service: UserService(service).session_user(
            session_id, lifetime_s=web.session_lifetime_s
        )
    )
    if user is None:
        request.session.clear()
    return user


async def sign_in(request: Request, user: User) -> None:
    """A fresh session for ``user``: nothing of the anonymous one survives, not even its CSRF
    token."""
    web = web_of(request)
    session_id = await web.call(
        lambda service: UserService(service).start_session(user, lifetime_s=web.session_lifetime_s)
    )
    request.session.clear()
    request.session[SESSION_ID] = session_id
    csrf_token(request)


async def sign_out(request: Request) -> None:
    """End the session in the store (every copy of the cookie stops working) and forget it."""
    session_id = request.session.get(SESSION_ID)
    if isinstance(session_id, str):
        await web_of(request).call(lambda service: UserService(service).end_session(session_id))
    request.session.clear()


def trusted_networks(proxies: list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    """The addresses (or networks, ``10.0.0.0/8``) of trusted reverse proxies."""
    networks = []
    for proxy in proxies:
        try:
            networks.append(ipaddress.ip_network(proxy.strip(), strict=False))
        except ValueError:
            raise InputError(
                f"trusted proxy {proxy!r} is not an IP address or network; pass one like "
                "127.0.0.1 or 10.0.0.0/8"
            ) from None
    return tuple(networks)


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(request: Request) -> str:
    """Who is asking: the socket's peer; when that peer is a trusted proxy, the last address
    in ``X-Forwarded-For`` that is not a trusted proxy (each proxy appends the address it was
    reached from, so the addresses to the left of it are whatever the client claimed)."""
    peer = request.client.host if request.client else "unknown"
    proxies = web_of(request).trusted_proxies
    if not _trusted(peer, proxies):
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


def csrf_ok(request: Request, form: FormData) -> bool:
    """Whether the form carries the session's CSRF token (compared in constant time)."""
    sent = form.get(CSRF_FIELD)
    expected = request.session.get(SESSION_CSRF)
    if not isinstance(sent, str) or not isinstance(expected, str) or not expected:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


async def read_form(request: Request) -> FormData:
    """The form of a POST, at most one file and a bounded number of fields."""
    try:
        return await request.form(max_files=1, max_fields=64, max_part_size=256 * 1024)
    except HTTPException:
        raise
    except Exception as error:  # a malformed multipart body is the client's error
        log.info("unreadable form: %s", error)
        raise HTTPException(400, "The form could not be read; send it again.") from None


def refuse(request: Request, status: int, message: str, user: User | None) -> Response:
    """A page saying why the request was refused."""
    return web_of(request).render(
        request, "error.html.j2", user=user, status=status, title="Refused", error=message
    )


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in; anything else (another site) becomes "/"."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ord(char) < 0x20 for char in target):
        return "/"
    return target


def page(role: Role = Role.VIEWER) -> Callable[[Handler], Endpoint]:
    """A GET page for team members of at least ``role``; anonymous visitors go to /login."""

    def wrap(handler: Handler) -> Endpoint:
        @wraps(handler)
        async def endpoint(request: Request) -> Response:
            user = await current_user(request)
            if user is None:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                # relative, like every link of the app: right behind any reverse proxy
                return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
            if not user.role.allows(role):
                return refuse(request, 403, _role_message(user, role), user)
            return await handler(Ctx(request, web_of(request), user))

        return endpoint

    return wrap


def action(role: Role) -> Callable[[Handler], Endpoint]:
    """A POST for team members of at least ``role``, with the session's CSRF token."""

    def wrap(handler: Handler) -> Endpoint:
        @wraps(handler)
        async def endpoint(request: Request) -> Response:
            user = await current_user(request)
            if user is None:
                return refuse(
                    request,
                    401,
                    "Sign in first: your session has ended, or you have not signed in.",
                    None,
                )
            if not user.role.allows(role):
                return refuse(request, 403, _role_message(user, role), user)
            form = await read_form(request)
            if not csrf_ok(request, form):
                return refuse(request, 403, CSRF_MESSAGE, user)
            return await handler(Ctx(request, web_of(request), user, form))

        return endpoint

    return wrap


CSRF_MESSAGE = (
    "This form did not carry this session's security token (CSRF check failed): "
    "reload the page and send it again."
)


def _role_message(user: User, needed: Role) -> str:
    return (
        f"Your role ({user.role.value}) may not do this; it needs the {needed.value} role. "
        "An admin can change roles with `clonecheck users role`."
    )
