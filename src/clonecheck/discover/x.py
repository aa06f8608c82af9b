"""X (Twitter) API v2 with an app's bearer token.

``GET /2/users/by?usernames=`` looks up to 100 usernames a request (the handle edits a clone
maker would try), ``GET /2/users/:id/followers`` pages a follower list by ``pagination_token``.
X has no user search on the ordinary access levels, so ``search`` looks the query up as a
username. Records are v2 user objects, read by the ingest Twitter v2 parser.

The token comes from the environment (``CLONECHECK_X_BEARER_TOKEN``, else ``X_BEARER_TOKEN``);
without one the adapter says so in one line and discovery runs on the other platforms.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from clonecheck.discover.http import ApiClient, JsonResponse, RateLimit
from clonecheck.discover.interface import FollowerPage, PlatformError, RawRecord
from clonecheck.ingest._common import BadValue
from clonecheck.ingest.twitter import PLATFORM, v2_profile
from clonecheck.models import Profile

DEFAULT_BASE_URL = "https://api.x.com"
TOKEN_VARIABLES = ("CLONECHECK_X_BEARER_TOKEN", "X_BEARER_TOKEN")
#: user lookup: 300 requests per 15 minutes per app
LOOKUP_RATE = (300, 900.0)
#: follower lists: 15 requests per 15 minutes per app
FOLLOWERS_RATE = (15, 900.0)
LOOKUP_BATCH = 100
FOLLOWERS_PAGE = 1000
USER_FIELDS = "created_at,description,entities,location,profile_image_url,public_metrics,url"
_USERNAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")


def token_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    environ = os.environ if environ is None else environ
    for name in TOKEN_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


def valid_username(handle: str) -> bool:
    """True when X could have this username (1-15 letters, digits, underscores)."""
    return bool(_USERNAME.match(handle.strip().lstrip("@")))


class XAdapter:
    """X API v2."""

    name = "x"
    platform = PLATFORM

    def __init__(
        self,
        client: ApiClient,
        *,
        token: str | None,
        base_url: str = DEFAULT_BASE_URL,
        lookup_rate: tuple[int, float] = LOOKUP_RATE,
        followers_rate: tuple[int, float] = FOLLOWERS_RATE,
    ) -> None:
        self.client = client
        self.token = token or None
        self.base_url = base_url.rstrip("/")
        self.lookup_rate = RateLimit(f"x:{self.base_url}:lookup", *lookup_rate)
        self.followers_rate = RateLimit(f"x:{self.base_url}:followers", *followers_rate)

    def unavailable(self) -> str | None:
        if self.token is None:
            return (
                f"x: skipped, no bearer token; set {TOKEN_VARIABLES[0]} to an X API app token "
                "to include X"
            )
        return None

    def _get(
        self, path: str, params: dict[str, str | int | list[str]], rate: RateLimit
    ) -> JsonResponse:
        if self.token is None:
            raise PlatformError(f"{self.base_url}{path}", self.unavailable() or "no token")
        response = self.client.get_json(
            f"{self.base_url}{path}",
            params=params,
            headers={"Authorization": f"Bearer {self.token}"},
            rate=rate,
        )
        assert response is not None
        return response

    def search(self, query: str, *, limit: int) -> Iterator[RawRecord]:
        handle = query.strip().lstrip("@")
        if limit > 0 and valid_username(handle):
            yield from self.lookup([handle])

    def lookup(self, handles: Sequence[str]) -> Iterator[RawRecord]:
        names = list(
            dict.fromkeys(h.strip().lstrip("@").casefold() for h in handles if valid_username(h))
        )
        for start in range(0, len(names), LOOKUP_BATCH):
            batch = names[start : start + LOOKUP_BATCH]
            response = self._get(
                "/2/users/by",
                {"usernames": ",".join(batch), "user.fields": USER_FIELDS},
                self.lookup_rate,
            )
            yield from _users(response)

    def user_id(self, handle: str) -> str:
        """The numeric id of ``handle`` (the follower list is keyed by it)."""
        name = handle.strip().lstrip("@")
        for user in self.lookup([name]):
            if str(user.get("username", "")).casefold() == name.casefold() and user.get("id"):
                return str(user["id"])
        raise PlatformError(
            f"{self.base_url}/2/users/by?usernames={name}", f"no X account {name!r}"
        )

    def followers(self, handle: str, cursor: str | None) -> FollowerPage:
        user, _, token = (cursor or "").partition(":")
        if not user:
            user = self.user_id(handle)
        params: dict[str, str | int | list[str]] = {
            "max_results": FOLLOWERS_PAGE,
            "user.fields": USER_FIELDS,
        }
        if token:
            params["pagination_token"] = token
        response = self._get(f"/2/users/{user}/followers", params, self.followers_rate)
        records = tuple(_users(response))
        meta = response.data.get("meta") if isinstance(response.data, dict) else None
        following = meta.get("next_token") if isinstance(meta, dict) else None
        next_cursor = f"{user}:{following}" if isinstance(following, str) and following else None
        return FollowerPage(records, next_cursor if records else None)

    def parse(self, record: RawRecord) -> Profile | str:
        if not str(record.get("username", "")).strip():
            return "no username"
        try:
            return v2_profile(record, None)
        except BadValue as exc:  # a count no profile can have: a stranger's bad record
            return str(exc)


def _users(response: JsonResponse) -> list[RawRecord]:
    data: Any = response.data
    if not isinstance(data, dict):
        raise PlatformError(response.url, "the answer is not an X API v2 object")
    users = data.get("data")
    if users is None:
        errors = data.get("errors")
        if isinstance(errors, list) and any(
            isinstance(e, dict) and e.get("resource_type") == "user" for e in errors
        ):
            return []  # every username of the batch was not found
        title = data.get("title") or data.get("detail")
        if title:
            raise PlatformError(response.url, f"X API error: {title}")
        return []
    if isinstance(users, dict):
        users = [users]
    if not isinstance(users, list):
        raise PlatformError(response.url, "the answer's 'data' is not a list of users")
    return [user for user in users if isinstance(user, dict)]
