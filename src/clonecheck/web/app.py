"""The app factory: the store and settings in, a Starlette app out (``clonecheck serve`` runs
it with uvicorn). As in Datasette, the views are handed the app's state (``Web``), never import
it, and ``serve`` only builds the app and runs it.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from clonecheck.config import Config
from clonecheck.errors import ClonecheckError, NotFoundError
from clonecheck.service.users import UserService
from clonecheck.web.context import Web
from clonecheck.web.security import (
    SECURITY_HEADERS,
    BodyLimit,
    SecurityHeaders,
    current_user,
    trusted_networks,
    web_of,
)
from clonecheck.web.views import ROUTES

if TYPE_CHECKING:
    from clonecheck.discover.settings import DiscoverySettings

log = logging.getLogger("clonecheck.web")

#: environment variable with the secret that signs session cookies (else one kept in the store)
SECRET_ENV = "CLONECHECK_SECRET"
SESSION_COOKIE = "clonecheck_session"
#: how long a session lasts without signing in again
SESSION_HOURS = 12


def create_app(
    db_path: Path | str,
    *,
    config: Config | None = None,
    secret: str | None = None,
    uploads_dir: Path | None = None,
    secure_cookie: bool = False,
    session_hours: float = SESSION_HOURS,
    trusted_proxies: list[str] | tuple[str, ...] = (),
    discovery: DiscoverySettings | None = None,
) -> Starlette:
    """The web app over the clonecheck database at ``db_path``.

    ``secret`` signs the session cookies; by default it comes from ``CLONECHECK_SECRET``, else
    from the store, where one is made the first time and kept, so a restart keeps everyone
    signed in. ``uploads_dir`` keeps photos uploaded to the search form until a case is opened
    from them (default: a temporary folder removed at shutdown). ``secure_cookie`` marks the
    cookie Secure, for a server behind an HTTPS reverse proxy. ``trusted_proxies`` are the
    addresses (or networks) of reverse proxies whose ``X-Forwarded-For`` names the client;
    from anyone else the header is ignored (default: trust nobody, count the socket's peer).
    ``discovery`` names the platforms and base URLs the Discover button asks (default: those
    of ``clonecheck discover``, the tokens read from the environment when it runs).
    """
    settings = config or Config()
    scratch = None
    if uploads_dir is None:
        scratch = tempfile.TemporaryDirectory(prefix="clonecheck-uploads-")
        uploads_dir = Path(scratch.name)
    web = Web(
        Path(db_path),
        settings,
        uploads_dir,
        session_lifetime_s=session_hours * 3600,
        trusted_proxies=trusted_networks(trusted_proxies),
        discovery=discovery,
    )
    key = (
        secret
        or os.environ.get(SECRET_ENV)
        or web.run(lambda service: UserService(service).session_secret())
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if scratch is not None:
            scratch.cleanup()

    app = Starlette(
        routes=ROUTES,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, limit=web.max_body),
            Middleware(
                SessionMiddleware,
                secret_key=key,
                session_cookie=SESSION_COOKIE,
                max_age=int(session_hours * 3600),
                same_site="lax",
                https_only=secure_cookie,
            ),
        ],
        exception_handlers={
            ClonecheckError: _clonecheck_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
        lifespan=lifespan,
    )
    app.state.web = web
    # the temporary folder lives as long as the app
    app.state.scratch = scratch
    return app


def server_config(app: Starlette, host: str, port: int) -> uvicorn.Config:
    """How ``clonecheck serve`` runs the app. uvicorn's own proxy-header handling is off: by
    default it believes ``X-Forwarded-For`` from 127.0.0.1, so any local client could claim
    any address; the app reads the header itself, from the proxies it was told to trust."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        proxy_headers=False,
        server_header=False,
        log_level="info",
    )


async def _clonecheck_error(request: Request, error: Exception) -> Response:
    """An error a user caused, on a page: its one line, no traceback."""
    status = 404 if isinstance(error, NotFoundError) else 400
    try:
        user = await current_user(request)
    except ClonecheckError:  # the store itself is the problem
        user = None
    return web_of(request).render(
        request, "error.html.j2", user=user, status=status, title="Error", error=str(error)
    )


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    detail = {404: "There is no such page."}.get(error.status_code, error.detail)
    try:
        user = await current_user(request)
    except ClonecheckError:
        user = None
    return web_of(request).render(
        request,
        "error.html.j2",
        user=user,
        status=error.status_code,
        title="Error",
        error=detail,
    )


async def _server_error(request: Request, error: Exception) -> Response:
    """A bug: the traceback goes to the server's log, the browser gets one sentence."""
    log.error("error on %s %s", request.method, request.url.path, exc_info=error)
    # Starlette answers a bug outside the middleware stack, so the headers are set here
    return HTMLResponse(
        "<!DOCTYPE html><title>clonecheck: server error</title><p>Something went wrong on the "
        "server; the details are in its log.</p>",
        status_code=500,
        headers={name.decode(): value.decode() for name, value in SECURITY_HEADERS},
    )
