"""Which platforms discovery asks, where, and how fast: every base URL is configurable.

``build_adapters`` turns :class:`DiscoverySettings` into adapters over one client;
``adapter_for`` picks the adapter of a ``PLATFORM:HANDLE`` for follower crawls.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from clonecheck.discover import bluesky, mastodon, x
from clonecheck.discover.http import ApiClient, HttpPolicy
from clonecheck.discover.interface import Adapter
from clonecheck.errors import InputError

PLATFORMS: tuple[str, ...] = ("bluesky", "mastodon", "x")
#: names a user may write for each adapter
ALIASES: Mapping[str, str] = {
    "bluesky": "bluesky",
    "bsky": "bluesky",
    "mastodon": "mastodon",
    "fediverse": "mastodon",
    "x": "x",
    "twitter": "x",
}
MASTODON_TOKEN_VARIABLE = "CLONECHECK_MASTODON_TOKEN"


@dataclass(frozen=True, slots=True)
class DiscoverySettings:
    """Platforms, their base URLs and tokens, the request rate and how much to ask for."""

    platforms: tuple[str, ...] = PLATFORMS
    bluesky_url: str = bluesky.DEFAULT_BASE_URL
    mastodon_servers: tuple[str, ...] = ("mastodon.social",)
    mastodon_token: str | None = None
    x_url: str = x.DEFAULT_BASE_URL
    x_token: str | None = None
    #: requests per second to each host; ``None``: each platform's published limit
    rate: float | None = None
    search_limit: int = 100
    variant_limit: int = 200
    http: HttpPolicy = field(default_factory=HttpPolicy)

    @classmethod
    def from_env(
        cls, values: Mapping[str, object], environ: Mapping[str, str] | None = None
    ) -> DiscoverySettings:
        """Settings from ``values``, the tokens taken from the environment unless given."""
        environ = os.environ if environ is None else environ
        merged = {
            "x_token": x.token_from_env(environ),
            "mastodon_token": environ.get(MASTODON_TOKEN_VARIABLE, "").strip() or None,
            **values,
        }
        return cls(**merged)  # type: ignore[arg-type]


def platform_name(name: str) -> str:
    """The adapter name for ``name`` (``twitter`` -> ``x``); InputError listing the known."""
    found = ALIASES.get(name.strip().lower())
    if found is None:
        known = ", ".join(sorted(ALIASES))
        raise InputError(f"unknown platform {name!r}; use one of {known}")
    return found


def _rate(settings: DiscoverySettings, default: tuple[int, float]) -> tuple[int, float]:
    if settings.rate is None:
        return default
    if settings.rate <= 0:
        raise InputError(f"--rate {settings.rate:g}: give a number of requests per second above 0")
    # never faster than the platform publishes, whatever is asked
    asked = settings.rate
    published = default[0] / default[1]
    per_second = min(asked, published)
    if per_second >= 1:
        return round(per_second), 1.0
    return 1, 1 / per_second


def build_adapters(settings: DiscoverySettings, client: ApiClient) -> list[Adapter]:
    """One adapter per platform (one per Mastodon server), in the settings' order."""
    adapters: list[Adapter] = []
    for name in dict.fromkeys(platform_name(p) for p in settings.platforms):
        if name == "bluesky":
            adapters.append(
                bluesky.BlueskyAdapter(
                    client,
                    base_url=settings.bluesky_url,
                    rate=_rate(settings, bluesky.DEFAULT_RATE),
                )
            )
        elif name == "mastodon":
            adapters.extend(
                mastodon.MastodonAdapter(
                    client,
                    base_url=server,
                    token=settings.mastodon_token,
                    rate=_rate(settings, mastodon.DEFAULT_RATE),
                )
                for server in settings.mastodon_servers
            )
        else:
            adapters.append(
                x.XAdapter(
                    client,
                    token=settings.x_token,
                    base_url=settings.x_url,
                    lookup_rate=_rate(settings, x.LOOKUP_RATE),
                    followers_rate=_rate(settings, x.FOLLOWERS_RATE),
                )
            )
    return adapters


def adapter_for(
    platform: str, handle: str, settings: DiscoverySettings, client: ApiClient
) -> Adapter:
    """The adapter that crawls ``platform:handle``; a Mastodon ``user@host`` handle is asked of
    its own server unless a server is configured."""
    name = platform_name(platform)
    if name == "mastodon" and "@" in handle.strip().lstrip("@"):
        host = handle.strip().lstrip("@").split("@", 1)[1]
        servers = settings.mastodon_servers
        if not any(host in server for server in servers):
            settings = replace(settings, mastodon_servers=(host,))
    only = replace(settings, platforms=(name,))
    adapters = build_adapters(only, client)
    if name == "mastodon":
        host = handle.strip().lstrip("@").partition("@")[2]
        for adapter in adapters:
            if isinstance(adapter, mastodon.MastodonAdapter) and (
                not host or host in adapter.base_url
            ):
                return adapter
    return adapters[0]
