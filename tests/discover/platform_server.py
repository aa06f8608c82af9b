"""A real HTTP server on 127.0.0.1 that answers like Bluesky's AppView, a Mastodon server and
the X API v2, in the shapes they document (records built from the real samples in
``../shared/data/formats``), over a world of accounts the test chooses.

Not a mock: adapters talk HTTP to it through the same client as to the real platforms. It keeps
the time of every request, so tests can check the observed rate.
"""

from __future__ import annotations

import copy
import csv
import json
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from clonecheck.discover.http import HttpPolicy
from clonecheck.discover.variants import handle_variants
from clonecheck.discover.x import valid_username
from clonecheck.models import AccountRef, Identity


@dataclass
class Account:
    """One account of the fake world, on one platform."""

    platform: str  # bluesky | mastodon | x
    handle: str  # as the platform writes it (bluesky: with its domain)
    name: str
    bio: str = ""
    id: str = ""
    followers: list[str] = field(default_factory=list)  # handles of followers
    photo: Path | None = None  # the avatar the server serves, if any


def _words(text: str) -> set[str]:
    return set("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def matches(account: Account, query: str) -> bool:
    """Loose relevance, as platform search is: any query word of 3+ letters in name or handle."""
    wanted = {w for w in _words(query) if len(w) >= 3}
    have = _words(account.name) | _words(account.handle.replace(".", " "))
    return bool(wanted & have) or query.casefold().replace(" ", "") in account.handle.casefold()


class PlatformServer:
    """The three platform APIs on one local server (``base_url``)."""

    def __init__(self, server: HTTPServer, formats: Path) -> None:
        self.server = server
        self.accounts: list[Account] = []
        self.hits: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        self.x_token = "test-bearer"
        self.mastodon_host = "masto.example"
        self._mastodon_template = json.loads(
            (formats / "mastodon_api" / "Account_example_0.json").read_text()
        )
        self._x_sample = json.loads(
            (
                formats
                / "twitter_api_v2"
                / "postman_user_lookup"
                / "Users_by_Username_200_Success_Request_User_Fields.json"
            ).read_text()
        )["data"][0]
        #: page number -> cursor to hand out instead (to play a cursor loop)
        self.loop_at: int | None = None
        for path, handler in (
            ("/xrpc/app.bsky.actor.searchActors", self._bsky_search),
            ("/xrpc/app.bsky.actor.getProfiles", self._bsky_profiles),
            ("/xrpc/app.bsky.graph.getFollowers", self._bsky_followers),
            ("/api/v2/search", self._masto_search),
            ("/api/v1/accounts/lookup", self._masto_lookup),
            ("/2/users/by", self._x_users_by),
        ):
            server.expect_request(path).respond_with_handler(self._logged(handler))
        server.expect_request(re.compile(r"^/avatars/\d+\.img$")).respond_with_handler(self._avatar)
        server.expect_request(re.compile(r"^/api/v1/accounts/\d+/followers$")).respond_with_handler(
            self._logged(self._masto_followers)
        )
        server.expect_request(re.compile(r"^/2/users/\d+/followers$")).respond_with_handler(
            self._logged(self._x_followers)
        )

    # --- setup ------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def policy(self, **changes: Any) -> HttpPolicy:
        return HttpPolicy(
            trusted_hosts=frozenset({f"127.0.0.1:{self.server.port}"}),
            backoff_s=0.05,
            **changes,
        )

    def add(self, account: Account) -> Account:
        if not account.id:
            account.id = str(10_000 + len(self.accounts))
        self.accounts.append(account)
        return account

    def on(self, platform: str) -> list[Account]:
        return [a for a in self.accounts if a.platform == platform]

    def by_handle(self, platform: str, handle: str) -> Account | None:
        for account in self.on(platform):
            if account.handle.casefold() == handle.casefold():
                return account
        return None

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for _, seen in self.hits if seen == path)

    def _logged(self, handler: Any) -> Any:
        def wrapped(request: Request) -> Response:
            with self.lock:
                self.hits.append((time.monotonic(), request.path))
            result: Response = handler(request)
            return result

        return wrapped

    def avatar_url(self, account: Account) -> str:
        return f"{self.base_url}/avatars/{account.id}.img"

    def _avatar(self, request: Request) -> Response:
        account_id = request.path.rsplit("/", 1)[1].split(".")[0]
        account = next((a for a in self.accounts if a.id == account_id), None)
        if account is None or account.photo is None:
            return Response("no such avatar", status=404)
        return Response(account.photo.read_bytes(), content_type="image/jpeg")

    # --- record shapes ----------------------------------------------------------------------

    def bsky_view(self, account: Account, detailed: bool = False) -> dict[str, Any]:
        """app.bsky.actor.defs#profileView (or profileViewDetailed with the counts)."""
        did = f"did:plc:{account.id}abcdefghijklmno"
        view: dict[str, Any] = {
            "did": did,
            "handle": account.handle,
            "displayName": account.name,
            "description": account.bio,
            "avatar": self.avatar_url(account),
            "indexedAt": "2024-05-01T10:00:00.000Z",
            "createdAt": "2023-06-01T09:30:00.000Z",
            "labels": [],
        }
        if detailed:
            view |= {"followersCount": len(account.followers), "followsCount": 3, "postsCount": 1}
        return view

    def masto_account(self, account: Account) -> dict[str, Any]:
        """A Mastodon Account entity: the documented example with this account's values."""
        entity = copy.deepcopy(self._mastodon_template)
        user, _, host = account.handle.partition("@")
        local = host in ("", self.mastodon_host)
        entity |= {
            "id": account.id,
            "username": user,
            "acct": user if local else account.handle,
            "display_name": account.name,
            "note": f"<p>{account.bio}</p>",
            "url": f"https://{host or self.mastodon_host}/@{user}",
            "avatar": self.avatar_url(account),
            "followers_count": len(account.followers),
            "emojis": [],
            "fields": [],
        }
        return entity

    def x_user(self, account: Account) -> dict[str, Any]:
        """A v2 user object with the fields the postman example carries, plus public_metrics."""
        user = {key: self._x_sample[key] for key in ("created_at", "protected", "verified")}
        user |= {
            "id": account.id,
            "name": account.name,
            "username": account.handle,
            "description": account.bio,
            "profile_image_url": self.avatar_url(account),
            "public_metrics": {"followers_count": len(account.followers), "following_count": 1},
        }
        return user

    # --- paging -----------------------------------------------------------------------------

    def _page(
        self, items: list[Any], cursor: str | None, size: int
    ) -> tuple[list[Any], str | None]:
        start = int(cursor) if cursor else 0
        end = start + size
        page_number = start // size
        next_cursor = str(end) if end < len(items) else None
        if self.loop_at is not None and page_number >= self.loop_at and next_cursor:
            next_cursor = str(self.loop_at * size)  # hands out an earlier cursor again
        return items[start:end], next_cursor

    def _followers_of(self, platform: str, account: Account) -> list[Account]:
        found = [self.by_handle(platform, h) for h in account.followers]
        return [a for a in found if a is not None]

    # --- bluesky ----------------------------------------------------------------------------

    def _bsky_search(self, request: Request) -> Response:
        query = request.args.get("q", "")
        limit = min(int(request.args.get("limit", "25")), 100)
        hits = [a for a in self.on("bluesky") if matches(a, query)]
        page, cursor = self._page(hits, request.args.get("cursor"), limit)
        body: dict[str, Any] = {"actors": [self.bsky_view(a) for a in page]}
        if cursor:
            body["cursor"] = cursor
        return Response(json.dumps(body), content_type="application/json")

    def _bsky_profiles(self, request: Request) -> Response:
        actors = request.args.getlist("actors")
        if len(actors) > 25:
            return Response(
                json.dumps(
                    {
                        "error": "InvalidRequest",
                        "message": "actors must not have more than 25 elements",
                    }
                ),
                status=400,
                content_type="application/json",
            )
        found = [self.by_handle("bluesky", a) for a in actors]
        body = {"profiles": [self.bsky_view(a, detailed=True) for a in found if a is not None]}
        return Response(json.dumps(body), content_type="application/json")

    def _bsky_followers(self, request: Request) -> Response:
        subject = self.by_handle("bluesky", request.args.get("actor", ""))
        if subject is None:
            return Response(
                json.dumps({"error": "InvalidRequest", "message": "Profile not found"}),
                status=400,
                content_type="application/json",
            )
        followers = self._followers_of("bluesky", subject)
        limit = min(int(request.args.get("limit", "50")), 100)
        page, cursor = self._page(followers, request.args.get("cursor"), limit)
        body: dict[str, Any] = {
            "subject": self.bsky_view(subject),
            "followers": [self.bsky_view(a) for a in page],
        }
        if cursor:
            body["cursor"] = cursor
        return Response(json.dumps(body), content_type="application/json")

    # --- mastodon ---------------------------------------------------------------------------

    def _masto_search(self, request: Request) -> Response:
        query = request.args.get("q", "")
        limit = min(int(request.args.get("limit", "20")), 40)
        offset = int(request.args.get("offset", "0"))
        if offset and "Authorization" not in request.headers:
            return Response(
                json.dumps(
                    {"error": "Search queries pagination is not supported without authentication"}
                ),
                status=401,
                content_type="application/json",
            )
        hits = [a for a in self.on("mastodon") if matches(a, query)]
        body = {
            "accounts": [self.masto_account(a) for a in hits[offset : offset + limit]],
            "statuses": [],
            "hashtags": [],
        }
        return Response(json.dumps(body), content_type="application/json")

    def _masto_lookup(self, request: Request) -> Response:
        acct = request.args.get("acct", "")
        handle = acct if "@" in acct else f"{acct}@{self.mastodon_host}"
        account = self.by_handle("mastodon", handle)
        if account is None:
            return Response(
                json.dumps({"error": "Record not found"}),
                status=404,
                content_type="application/json",
            )
        return Response(json.dumps(self.masto_account(account)), content_type="application/json")

    def _masto_followers(self, request: Request) -> Response:
        account_id = request.path.split("/")[4]
        subject = next((a for a in self.on("mastodon") if a.id == account_id), None)
        if subject is None:
            return Response(json.dumps({"error": "Record not found"}), status=404)
        followers = self._followers_of("mastodon", subject)
        limit = min(int(request.args.get("limit", "40")), 80)
        page, cursor = self._page(followers, request.args.get("max_id"), limit)
        headers = {}
        if cursor:
            headers["Link"] = (
                f"<{self.base_url}/api/v1/accounts/{account_id}/followers?limit={limit}&max_id={cursor}>;"
                ' rel="next"'
            )
        return Response(
            json.dumps([self.masto_account(a) for a in page]),
            content_type="application/json",
            headers=headers,
        )

    # --- x ----------------------------------------------------------------------------------

    def _x_refused(self, request: Request) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.x_token}":
            body = {
                "title": "Unauthorized",
                "type": "about:blank",
                "status": 401,
                "detail": "Unauthorized",
            }
            return Response(json.dumps(body), status=401, content_type="application/json")
        return None

    def _x_users_by(self, request: Request) -> Response:
        refused = self._x_refused(request)
        if refused is not None:
            return refused
        names = [n for n in request.args.get("usernames", "").split(",") if n]
        if len(names) > 100:
            body = {
                "errors": [{"message": f"size [{len(names)}] is not between 1 and 100"}],
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            }
            return Response(json.dumps(body), status=400, content_type="application/json")
        data, errors = [], []
        for name in names:
            account = self.by_handle("x", name)
            if account is None:
                errors.append(
                    {
                        "detail": f"Could not find user with usernames: [{name}].",
                        "title": "Not Found Error",
                        "resource_type": "user",
                        "parameter": "usernames",
                        "value": name,
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    }
                )
            else:
                data.append(self.x_user(account))
        body: dict[str, Any] = {}
        if data:
            body["data"] = data
        if errors:
            body["errors"] = errors
        return Response(json.dumps(body), content_type="application/json")

    def _x_followers(self, request: Request) -> Response:
        refused = self._x_refused(request)
        if refused is not None:
            return refused
        user_id = request.path.split("/")[3]
        subject = next((a for a in self.on("x") if a.id == user_id), None)
        if subject is None:
            return Response(json.dumps({"errors": [{"title": "Not Found Error"}]}), status=404)
        followers = self._followers_of("x", subject)
        limit = min(int(request.args.get("max_results", "100")), 1000)
        page, cursor = self._page(followers, request.args.get("pagination_token"), limit)
        meta: dict[str, Any] = {"result_count": len(page)}
        if cursor:
            meta["next_token"] = cursor
        body = {"data": [self.x_user(a) for a in page], "meta": meta}
        return Response(json.dumps(body), content_type="application/json")


#: the demo identity of ``clonecheck demo``, with her own accounts on the three platforms
EILEEN = Identity(
    slug="eileencollins",
    name="Eileen Collins",
    handles=("eileencollins",),
    own_accounts=(
        AccountRef("twitter", "eileencollins"),
        AccountRef("bluesky", "eileencollins.bsky.social"),
        AccountRef("fediverse", "eileencollins@masto.example"),
    ),
)
#: (platform, handle) of the planted clones, each made the way clone makers make them
CLONES = [
    ("bluesky", "eileencolins.bsky.social"),  # dropped letter: found by lookup
    ("bluesky", "eileen-collins-official.bsky.social"),  # found by name search
    ("mastodon", "eileen_collins@masto.example"),  # underscore: search and lookup
    ("mastodon", "eiieencollins@masto.example"),  # l for i: lookup only
    ("x", "EiIeenCollins"),  # capital I for l: lookup
    ("x", "eileencollins_"),  # trailing underscore: lookup
]


def demo_world(platforms: PlatformServer, shared_data) -> int:  # type: ignore[no-untyped-def]
    """Eileen's own accounts, her clones, and innocents made from real Cresci accounts spread
    over the three platforms: on Bluesky and Mastodon namesakes a name search returns (first
    names joined with Collins, Eileen joined with last names); on X, which has no user search,
    real people whose handle happens to be one of her handle's edits. Returns how many."""
    path = shared_data.path("profiles", "cresci2015", "data", "users.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if len(r["name"].split()) == 2][:240]
    clone_handles = {h.split("@")[0].split(".")[0].casefold() for _, h in CLONES}
    free = [
        v.handle
        for v in handle_variants(EILEEN, limit=200)
        if v.handle.casefold() not in clone_handles and valid_username(v.handle)
    ]
    domains = {"bluesky": ".bsky.social", "mastodon": "@masto.example", "x": ""}
    order = list(domains)
    for n, row in enumerate(rows):
        platform = order[n % 3]
        first, last = row["name"].split()
        if platform == "x":
            platforms.add(Account("x", free[n // 3], row["name"], row["description"]))
            continue
        name = f"{first} Collins" if n % 2 else f"Eileen {last}"
        handle = "".join(c for c in row["screen_name"].lower() if c.isalnum())[:14]
        platforms.add(
            Account(platform, f"{handle}{n}{domains[platform]}", name, row["description"])
        )
    for platform, domain in domains.items():
        platforms.add(Account(platform, f"eileencollins{domain}", "Eileen Collins", "Astronaut"))
    for platform, handle in CLONES:
        platforms.add(Account(platform, handle, "Eileen Collins", "Retired NASA astronaut."))
    return len(rows)
