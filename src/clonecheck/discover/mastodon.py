"""Mastodon-compatible servers (Mastodon, GoToSocial, Pleroma/Akkoma with the Mastodon API).

``GET /api/v2/search?type=accounts`` finds accounts by name or handle, ``GET
/api/v1/accounts/lookup?acct=`` checks a handle exists, and ``GET /api/v1/accounts/:id/followers``
pages a follower list by its ``Link`` header. Records are Mastodon ``Account`` entities, read by
the ingest Mastodon parser. A token is optional: without one, search returns the first page
only (Mastodon refuses ``offset`` to anonymous callers).

Each server is one adapter; ``discover`` runs one per server the user names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from clonecheck.discover.http import ApiClient, JsonResponse, RateLimit
from clonecheck.discover.interface import FollowerPage, PlatformError, RawRecord
from clonecheck.ingest._common import BadValue
from clonecheck.ingest.activitypub import PLATFORM, account_profile
from clonecheck.models import Profile

#: Mastodon's default limit: 300 requests per 5 minutes per account or address (a sliding
#: window: no 5 minutes ever hold more)
DEFAULT_RATE = (300, 300.0)
SEARCH_PAGE = 40
FOLLOWERS_PAGE = 80
_USERNAME = re.compile(r"^[a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)?$", re.IGNORECASE)
_NEXT_LINK = re.compile(r"<([^>]+)>\s*;\s*rel=\"?next\"?")


def _host(base_url: str) -> str:
    return (urlsplit(base_url).hostname or base_url).lower()


def _accounts(data: Any, url: str) -> list[RawRecord]:
    if isinstance(data, dict) and isinstance(data.get("accounts"), list):
        data = data["accounts"]
    if not isinstance(data, list):
        raise PlatformError(url, "the answer is not a list of accounts; is this a Mastodon server?")
    return [item for item in data if isinstance(item, dict)]


def next_max_id(link_header: str | None) -> str | None:
    """The ``max_id`` of the ``rel="next"`` link of a Mastodon ``Link`` header."""
    if not link_header:
        return None
    found = _NEXT_LINK.search(link_header)
    if found is None:
        return None
    values = parse_qs(urlsplit(found.group(1)).query).get("max_id")
    return values[0] if values else None


class MastodonAdapter:
    """One Mastodon-compatible server's REST API."""

    name = "mastodon"
    platform = PLATFORM

    def __init__(
        self,
        client: ApiClient,
        *,
        base_url: str,
        token: str | None = None,
        rate: tuple[int, float] = DEFAULT_RATE,
    ) -> None:
        if "://" not in base_url:
            base_url = f"https://{base_url}"
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.host = _host(self.base_url)
        self.token = token or None
        self.rate = RateLimit(f"mastodon:{self.base_url}", rate[0], rate[1])

    def unavailable(self) -> str | None:
        return None

    def _get(
        self, path: str, params: dict[str, str | int | list[str]], *, missing_ok: bool = False
    ) -> JsonResponse | None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.client.get_json(
            f"{self.base_url}{path}",
            params=params,
            headers=headers,
            rate=self.rate,
            missing_ok=missing_ok,
        )

    def search(self, query: str, *, limit: int) -> Iterator[RawRecord]:
        offset = 0
        seen: set[str] = set()
        while offset < limit:
            page = min(SEARCH_PAGE, limit - offset)
            params: dict[str, str | int | list[str]] = {
                "q": query,
                "type": "accounts",
                "limit": page,
            }
            if offset:
                params["offset"] = offset
            response = self._get("/api/v2/search", params)
            assert response is not None
            accounts = _accounts(response.data, response.url)
            fresh = [a for a in accounts if str(a.get("id") or a.get("acct")) not in seen]
            seen.update(str(a.get("id") or a.get("acct")) for a in fresh)
            yield from fresh[: limit - offset]
            offset += len(accounts)
            if not self.token or len(accounts) < page or not fresh:
                return

    def lookup(self, handles: Sequence[str]) -> Iterator[RawRecord]:
        for handle in dict.fromkeys(h.strip().lstrip("@").casefold() for h in handles):
            user, _, host = handle.partition("@")
            if not _USERNAME.match(user) or (host and host != self.host):
                continue  # not a username this server can have
            response = self._get("/api/v1/accounts/lookup", {"acct": user}, missing_ok=True)
            if response is not None and isinstance(response.data, dict):
                yield response.data

    def account_id(self, handle: str) -> str:
        """The server's numeric id of ``handle`` (the follower list is keyed by it)."""
        user = handle.strip().lstrip("@").split("@", 1)[0]
        response = self._get("/api/v1/accounts/lookup", {"acct": user}, missing_ok=True)
        if response is None or not isinstance(response.data, dict) or not response.data.get("id"):
            raise PlatformError(
                f"{self.base_url}/api/v1/accounts/lookup?acct={user}",
                f"no account {user!r} on {self.host}; check the handle and the server",
            )
        return str(response.data["id"])

    def followers(self, handle: str, cursor: str | None) -> FollowerPage:
        account, _, max_id = (cursor or "").partition(":")
        if not account:
            account = self.account_id(handle)
        params: dict[str, str | int | list[str]] = {"limit": FOLLOWERS_PAGE}
        if max_id:
            params["max_id"] = max_id
        response = self._get(f"/api/v1/accounts/{account}/followers", params)
        assert response is not None
        records = _accounts(response.data, response.url)
        following = next_max_id(response.headers.get("link"))
        next_cursor = f"{account}:{following}" if following and records else None
        return FollowerPage(tuple(records), next_cursor)

    def parse(self, record: RawRecord) -> Profile | str:
        if not record.get("url") and "@" not in str(record.get("acct", "")):
            # a local account of a server that gives no url: its host is the server's
            record = {**record, "acct": f"{record.get('acct')}@{self.host}"}
        try:
            return account_profile(record, None)
        except BadValue as exc:  # a count no profile can have: a stranger's bad record
            return str(exc)
