"""``serve``: the web app for a support team, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from clonecheck.cli.common import SetOption, Settings, err_console, open_service
from clonecheck.cli.discover import (
    BlueskyUrlOption,
    MastodonOption,
    PlatformOption,
    PrivateOption,
    RateOption,
    XUrlOption,
    _settings,
)
from clonecheck.errors import InputError


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; keep 127.0.0.1 behind a proxy.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    secure_cookie: Annotated[
        bool,
        typer.Option(
            "--secure-cookie",
            help="Mark the session cookie Secure (the app is reached through HTTPS).",
        ),
    ] = False,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--trusted-proxy",
            metavar="ADDR",
            help="A reverse proxy (address or network) whose X-Forwarded-For names the "
            "client; repeat for several. Without it the header is ignored.",
        ),
    ] = None,
    platform: PlatformOption = None,
    mastodon_server: MastodonOption = None,
    bluesky_url: BlueskyUrlOption = None,
    x_url: XUrlOption = None,
    rate: RateOption = None,
    allow_private: PrivateOption = False,
    settings: SetOption = None,
) -> None:
    """Run the web app: the case queue, case pages, checks and identities, behind sign-in.
    The platform options set where an identity page's Discover button asks, as for
    ``clonecheck discover``."""
    from clonecheck.service.users import UserService

    with open_service(ctx) as service:
        members = UserService(service).count()
    if not members:
        raise InputError(
            "no team member can sign in yet: add one with "
            "`clonecheck users add NAME --role admin`, then run `clonecheck serve` again"
        )
    # imported here: the CLI's other commands do not need the web stack
    import uvicorn

    from clonecheck.web import create_app
    from clonecheck.web.app import server_config

    db = ctx.find_object(Settings)
    assert db is not None
    config = db.config(settings)
    asked = (platform, mastodon_server, bluesky_url, x_url, rate, allow_private)
    # without platform options the Discover button reads the defaults and tokens when pressed
    discovery = _settings(*asked) if any(asked) else None
    app = create_app(
        db.db,
        config=config,
        secure_cookie=secure_cookie,
        trusted_proxies=trusted_proxy or (),
        discovery=discovery,
    )
    console = err_console()
    if not _is_loopback(host):
        console.print(
            f"Listening on {host}, not only on this machine: put a TLS reverse proxy in front "
            "and pass --secure-cookie.",
            markup=False,
        )
    console.print(f"clonecheck web app on http://{host}:{port}/ (Ctrl+C stops it)", markup=False)
    uvicorn.Server(server_config(app, host, port)).run()
