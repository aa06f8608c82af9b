"""``discover``, ``variants``, ``crawl followers``, ``watch`` and ``find``: candidates fetched from
the platforms' public APIs rather than from a file, and a photo searched for. The use cases are
imported inside each command, so ``--help`` and the other commands do not load them."""

from __future__ import annotations

import enum
import json
import sys
import time
from typing import TYPE_CHECKING, Annotated

import typer

from clonecheck.cli.common import SetOption, err_console, open_service
from clonecheck.cli.data import FormatOption, OutputOption, _render
from clonecheck.errors import InputError
from clonecheck.report.formats import OutputFormat

if TYPE_CHECKING:  # imported when a command runs: the HTTP client (httpx) costs --help 0.4 s
    from clonecheck.discover.settings import DiscoverySettings

#: the platforms discover.settings knows, named here for the help text (tested equal)
PLATFORMS: tuple[str, ...] = ("bluesky", "mastodon", "x")

crawl_app = typer.Typer(help="Crawl platform lists into the store.", no_args_is_help=True)

PlatformOption = Annotated[
    list[str] | None,
    typer.Option(
        "--platform",
        "-p",
        help=f"Platform to ask (repeatable): {', '.join(PLATFORMS)}. Default: all.",
    ),
]
MastodonOption = Annotated[
    list[str] | None,
    typer.Option(
        "--mastodon-server",
        help="Mastodon-compatible server to search (repeatable). Default: mastodon.social.",
    ),
]
BlueskyUrlOption = Annotated[
    str | None, typer.Option("--bluesky-url", help="Bluesky AppView base URL.")
]
XUrlOption = Annotated[str | None, typer.Option("--x-url", help="X API base URL.")]
RateOption = Annotated[
    float | None,
    typer.Option(
        "--rate",
        help="Requests per second to each host (never above the platform's published limit).",
    ),
]
PrivateOption = Annotated[
    bool,
    typer.Option(
        "--allow-private-addresses",
        help="Allow API servers and photos on loopback/private addresses (a self-hosted server).",
    ),
]


def _settings(
    platforms: list[str] | None,
    servers: list[str] | None,
    bluesky_url: str | None,
    x_url: str | None,
    rate: float | None,
    allow_private: bool,
    **extra: object,
) -> DiscoverySettings:
    from clonecheck.discover.http import HttpPolicy
    from clonecheck.discover.settings import DiscoverySettings

    values: dict[str, object] = {"http": HttpPolicy(allow_private=allow_private), **extra}
    if platforms:
        values["platforms"] = tuple(platforms)
    if servers:
        values["mastodon_servers"] = tuple(servers)
    if bluesky_url:
        values["bluesky_url"] = bluesky_url
    if x_url:
        values["x_url"] = x_url
    if rate is not None:
        values["rate"] = rate
    return DiscoverySettings.from_env(values)


def discover(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The registered identity to look for.")],
    platform: PlatformOption = None,
    mastodon_server: MastodonOption = None,
    bluesky_url: BlueskyUrlOption = None,
    x_url: XUrlOption = None,
    rate: RateOption = None,
    limit: Annotated[int, typer.Option("--limit", help="Search results per query.")] = 100,
    variants: Annotated[int, typer.Option("--variants", help="Handle edits to look up.")] = 200,
    allow_private: PrivateOption = False,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = None,
    settings: SetOption = None,
) -> None:
    """Search the platforms for a registered person, import what they return, scan it, report."""
    from clonecheck.service.discovery import discover as discover_identity

    options = _settings(
        platform,
        mastodon_server,
        bluesky_url,
        x_url,
        rate,
        allow_private,
        search_limit=limit,
        variant_limit=variants,
    )
    console = err_console()
    with open_service(ctx, settings, allow_private=allow_private) as service:
        person = service.identity(slug)
        summary = discover_identity(service.photos, service.progress, person, options)
        for note in summary.notes:
            console.print(note, markup=False)
        per = ", ".join(f"{n} on {name}" for name, n in summary.by_adapter.items()) or "none"
        console.print(
            f"Found {summary.found} profile(s) for {person.name} ({per}; {summary.inserted} new) "
            f"in {summary.requests} request(s).",
            markup=False,
        )
        result = service.scan(identity=slug)
        _render(
            service,
            result.matches,
            output_format,
            output,
            f"clonecheck discover {slug}",
            result.profiles,
            result.identities,
        )
    console.print(f"{result.likely} likely clone(s), {result.possible} possible.", markup=False)
    raise typer.Exit(1 if result.likely else 0)


class VariantFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"


def variants(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The registered identity.")],
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many, most likely first.")] = 50,
    output_format: Annotated[
        VariantFormat, typer.Option("--format", "-f", help="text or json.", case_sensitive=False)
    ] = VariantFormat.TEXT,
) -> None:
    """List the handles a clone maker would try for a person, most likely first."""
    with open_service(ctx) as service:
        person = service.identity(slug)
    from clonecheck.discover.variants import handle_variants

    found = handle_variants(person, limit=limit)
    if output_format is VariantFormat.JSON:
        json.dump([v.as_dict() for v in found], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    for variant in found:
        sys.stdout.write(f"{variant.handle}\t{variant.edit}\n")


@crawl_app.command("followers")
def followers(
    ctx: typer.Context,
    account: Annotated[
        str, typer.Argument(help="PLATFORM:HANDLE, e.g. bluesky:someone.bsky.social.")
    ],
    mastodon_server: MastodonOption = None,
    bluesky_url: BlueskyUrlOption = None,
    x_url: XUrlOption = None,
    rate: RateOption = None,
    photos: Annotated[
        bool, typer.Option("--photos/--no-photos", help="Fetch the followers' photos.")
    ] = True,
    max_pages: Annotated[
        int | None, typer.Option("--max-pages", help="Stop after this many pages (resumable).")
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Start a finished crawl again from the top.")
    ] = False,
    scan: Annotated[
        bool, typer.Option("--scan/--no-scan", help="Scan the store when the crawl ends.")
    ] = True,
    allow_private: PrivateOption = False,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = None,
    settings: SetOption = None,
) -> None:
    """Store every follower of an account (resumable), then scan them against everyone."""
    from clonecheck.service.crawl import crawl

    platform, sep, handle = account.partition(":")
    if not sep or not handle.strip():
        raise InputError(f"{account!r}: give PLATFORM:HANDLE, e.g. bluesky:someone.bsky.social")
    options = _settings(None, mastodon_server, bluesky_url, x_url, rate, allow_private)
    console = err_console()
    with open_service(ctx, settings, allow_private=allow_private) as service:
        summary = crawl(
            service.photos,
            service.progress,
            platform,
            handle,
            options,
            fetch_photos=photos,
            max_pages=max_pages,
            restart=restart,
        )
        for problem in summary.problems[:20]:
            console.print(problem, markup=False)
        state = "finished" if summary.finished else "stopped; run again to resume"
        console.print(
            f"{'Resumed' if summary.resumed else 'Crawled'} {summary.subject}: "
            f"{summary.profiles:,} follower(s) in {summary.pages} page(s) "
            f"({summary.profiles_per_second:,.0f}/s), {summary.total_profiles:,} stored in all; "
            f"{state}.",
            markup=False,
        )
        if not scan:
            return
        result = service.scan()
        _render(
            service,
            result.matches,
            output_format,
            output,
            f"clonecheck crawl followers {account}",
            result.profiles,
            result.identities,
        )
    raise typer.Exit(1 if result.likely else 0)


def watch(
    ctx: typer.Context,
    identity: Annotated[
        str | None, typer.Option("--identity", "-i", help="Watch this identity only.")
    ] = None,
    platform: PlatformOption = None,
    mastodon_server: MastodonOption = None,
    bluesky_url: BlueskyUrlOption = None,
    x_url: XUrlOption = None,
    rate: RateOption = None,
    no_discover: Annotated[
        bool, typer.Option("--no-discover", help="Only scan what is stored; ask no platform.")
    ] = False,
    webhook: Annotated[
        str | None, typer.Option("--webhook", help="POST the run as JSON here when it finds any.")
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="E-mail the run here when it finds any.")
    ] = None,
    smtp: Annotated[
        str, typer.Option("--smtp", help="SMTP server HOST:PORT for --email.")
    ] = "localhost:25",
    every: Annotated[
        str | None, typer.Option("--every", help="Run again after this long (6h, 30m) forever.")
    ] = None,
    allow_private: PrivateOption = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the run as JSON.")] = False,
    settings: SetOption = None,
) -> None:
    """Discover and scan again; report only clones that are new or got stronger since last run."""
    from clonecheck.service.watch import Notify, parse_every, run_document
    from clonecheck.service.watch import watch as watch_run

    pause = parse_every(every) if every else None
    host, _, port = smtp.rpartition(":")
    if email and not port.isdigit():
        raise InputError(f"--smtp {smtp!r}: give HOST:PORT, e.g. localhost:25")
    notify = Notify(
        webhook=webhook,
        email_to=email,
        smtp_host=host or "localhost",
        smtp_port=int(port) if port.isdigit() else 25,
    )
    options = (
        None
        if no_discover
        else _settings(platform, mastodon_server, bluesky_url, x_url, rate, allow_private)
    )
    console = err_console()
    while True:
        with open_service(ctx, settings, allow_private=allow_private) as service:
            result = watch_run(service, options, identity=identity, notify=notify)
        for note in result.notes:
            console.print(note, markup=False)
        if json_output:
            json.dump(run_document(result), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            for match in result.reported:
                change = "new" if match in result.new else "stronger"
                sys.stdout.write(
                    f"{change}\t{match.verdict}\t{match.identity.slug}\t"
                    f"{match.profile.platform}:{match.profile.handle}\t{match.score:.2f}\t"
                    f"{match.profile.link}\n"
                )
        console.print(
            f"Watch run {result.run_id}: {len(result.new)} new, {len(result.stronger)} stronger "
            f"({result.new_likely} likely)"
            + (f"; sent to {', '.join(result.notified)}" if result.notified else "")
            + ".",
            markup=False,
        )
        if pause is None:
            raise typer.Exit(1 if result.new_likely else 0)
        sys.stdout.flush()
        time.sleep(pause)


def find(
    ctx: typer.Context,
    photo: Annotated[
        str, typer.Option("--photo", help="The photo to look for: path or URL (shows a face).")
    ],
    allow_private: PrivateOption = False,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = None,
    settings: SetOption = None,
) -> None:
    """Find every imported profile that uses this photo or face, without registering anyone."""
    from clonecheck.service.finding import find_photo

    with open_service(ctx, settings, allow_private=allow_private) as service:
        result = find_photo(service.photos, service.progress, photo)
        _render(
            service,
            result.matches,
            output_format,
            output,
            f"clonecheck find --photo {photo}",
            result.profiles,
            0,
        )
    err_console().print(
        f"Searched {result.profiles:,} profiles: {result.likely} with this photo or face, "
        f"{result.possible} possible. Nothing was registered.",
        markup=False,
    )
    raise typer.Exit(1 if result.likely else 0)
