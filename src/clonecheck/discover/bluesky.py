"""Bluesky through the public AppView (no account needed).

``app.bsky.actor.searchActors`` pages by cursor, ``app.bsky.actor.getProfiles`` takes 25 actors
a request and gives the counts and creation dates search leaves out, and
``app.bsky.graph.getFollowers`` pages a follower list. Records are ``profileView`` /
``profileViewDetailed`` objects, read by the ingest Bluesky parser.

Handles are domain names: a bare variant ``adalovelace`` is looked up as
``adalovelace.bsky.social`` (the default host suffix), and characters a domain label cannot
hold (``_``, ``.`` inside the name) are left out of lookups.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from clonecheck.discover.http import ApiClient, RateLimit
from clonecheck.discover.interface import FollowerPage, PlatformError, RawRecord
from clonecheck.ingest._common import BadValue
from clonecheck.ingest.bluesky import PLATFORM
from clonecheck.ingest.bluesky import _profile as _parse_profile
from clonecheck.models import Profile

DEFAULT_BASE_URL = "https://public.api.bsky.app"
#: the AppView allows 3000 requests per 5 minutes per address (a sliding window: no 5 minutes
#: ever hold more)
DEFAULT_RATE = (3000, 300.0)
SEARCH_PAGE = 100
FOLLOWERS_PAGE = 100
PROFILES_BATCH = 25
HANDLE_SUFFIX = ".bsky.social"
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def lookup_handle(handle: str, suffix: str = HANDLE_SUFFIX) -> str | None:
    """``handle`` as a Bluesky handle to look up, or ``None`` when no domain can spell it."""
    handle = handle.strip().lstrip("@").casefold()
    if "." in handle:
        labels = handle.split(".")
        return handle if all(_LABEL.match(label) for label in labels) else None
    return f"{handle}{suffix}" if _LABEL.match(handle) else None


def _records(data: Any, key: str, url: str) -> list[RawRecord]:
    listed = data.get(key) if isinstance(data, dict) else None
    if not isinstance(listed, list):
        raise PlatformError(url, f"the answer has no {key!r} list; is this a Bluesky AppView?")
    return [item for item in listed if isinstance(item, dict)]


class BlueskyAdapter:
    """Bluesky's AppView XRPC API."""

    name = "bluesky"
    platform = PLATFORM

    def __init__(
        self,
        client: ApiClient,
        *,
        base_url: str = DEFAULT_BASE_URL,
        rate: tuple[int, float] = DEFAULT_RATE,
        handle_suffix: str = HANDLE_SUFFIX,
    ) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.rate = RateLimit(f"bluesky:{self.base_url}", rate[0], rate[1])
        self.handle_suffix = handle_suffix

    def unavailable(self) -> str | None:
        return None

    def _get(self, method: str, params: dict[str, str | int | list[str]]) -> Any:
        response = self.client.get_json(
            f"{self.base_url}/xrpc/{method}", params=params, rate=self.rate
        )
        assert response is not None
        return response

    def search(self, query: str, *, limit: int) -> Iterator[RawRecord]:
        cursor: str | None = None
        seen_cursors: set[str] = set()
        found = 0
        while found < limit:
            params: dict[str, str | int | list[str]] = {
                "q": query,
                "limit": min(SEARCH_PAGE, limit - found),
            }
            if cursor:
                params["cursor"] = cursor
            response = self._get("app.bsky.actor.searchActors", params)
            actors = _records(response.data, "actors", response.url)
            for actor in actors[: limit - found]:
                found += 1
                yield actor
            cursor = _next_cursor(response.data, seen_cursors, response.url)
            if cursor is None or not actors:
                return

    def lookup(self, handles: Sequence[str]) -> Iterator[RawRecord]:
        actors = list(
            dict.fromkeys(
                looked
                for looked in (lookup_handle(h, self.handle_suffix) for h in handles)
                if looked is not None
            )
        )
        for start in range(0, len(actors), PROFILES_BATCH):
            batch = actors[start : start + PROFILES_BATCH]
            response = self._get("app.bsky.actor.getProfiles", {"actors": batch})
            yield from _records(response.data, "profiles", response.url)

    def followers(self, handle: str, cursor: str | None) -> FollowerPage:
        actor = lookup_handle(handle, self.handle_suffix) or handle
        params: dict[str, str | int | list[str]] = {"actor": actor, "limit": FOLLOWERS_PAGE}
        if cursor:
            params["cursor"] = cursor
        response = self._get("app.bsky.graph.getFollowers", params)
        records = _records(response.data, "followers", response.url)
        next_cursor = response.data.get("cursor")
        if not isinstance(next_cursor, str) or not next_cursor or not records:
            next_cursor = None
        return FollowerPage(tuple(records), next_cursor)

    def parse(self, record: RawRecord) -> Profile | str:
        try:
            return _parse_profile(record, None)
        except BadValue as exc:  # a count no profile can have: a stranger's bad record
            return str(exc)


def _next_cursor(data: Any, seen: set[str], url: str) -> str | None:
    """The next page's cursor; a cursor seen before is a loop, reported instead of followed."""
    cursor = data.get("cursor") if isinstance(data, dict) else None
    if not isinstance(cursor, str) or not cursor:
        return None
    if cursor in seen:
        raise PlatformError(
            url,
            f"the server returned cursor {cursor!r} a second time (a paging loop); "
            "stopped here, the results before it are kept",
        )
    seen.add(cursor)
    return cursor
