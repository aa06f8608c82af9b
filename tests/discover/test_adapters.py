"""Each platform adapter against the local platform server, in the APIs' documented shapes."""

from __future__ import annotations

import json

import pytest
from platform_server import Account, PlatformServer

from clonecheck.discover.bluesky import BlueskyAdapter, lookup_handle
from clonecheck.discover.http import ApiClient
from clonecheck.discover.interface import PlatformError
from clonecheck.discover.mastodon import MastodonAdapter, next_max_id
from clonecheck.discover.x import XAdapter, token_from_env, valid_username
from clonecheck.models import Profile


def people(platforms: PlatformServer, platform: str, count: int, domain: str = "") -> None:
    for n in range(count):
        platforms.add(Account(platform, f"collins{n}{domain}", f"Pat Collins {n}", "bio"))


def test_bluesky_search_pages_by_cursor(platforms: PlatformServer) -> None:
    """searchActors is followed cursor by cursor up to the limit; views become Profiles."""
    people(platforms, "bluesky", 230, ".bsky.social")
    with ApiClient(platforms.policy()) as client:
        adapter = BlueskyAdapter(client, base_url=platforms.base_url, rate=(100, 1.0))
        records = list(adapter.search("Collins", limit=1000))
        limited = list(adapter.search("Collins", limit=120))
    assert len(records) == 230 and len({r["did"] for r in records}) == 230
    assert len(limited) == 120
    assert platforms.count("/xrpc/app.bsky.actor.searchActors") == 3 + 2
    profile = adapter.parse(records[0])
    assert isinstance(profile, Profile)
    assert profile.platform == "bluesky" and profile.handle == "collins0.bsky.social"
    assert profile.account_id == records[0]["did"]


def test_bluesky_cursor_loop_is_reported_and_earlier_results_kept(
    platforms: PlatformServer,
) -> None:
    """A server that hands out an old cursor again: an error, after the pages before it."""
    people(platforms, "bluesky", 400, ".bsky.social")
    platforms.loop_at = 2
    got = []
    with ApiClient(platforms.policy()) as client:
        adapter = BlueskyAdapter(client, base_url=platforms.base_url, rate=(100, 1.0))
        with pytest.raises(PlatformError, match="a second time \\(a paging loop\\)"):
            for record in adapter.search("collins", limit=10_000):
                got.append(record)
    assert len(got) == 300
    assert platforms.count("/xrpc/app.bsky.actor.searchActors") == 3


def test_bluesky_lookup_asks_25_actors_a_request(platforms: PlatformServer) -> None:
    """getProfiles in batches of 25; handles that do not exist are simply absent."""
    people(platforms, "bluesky", 30, ".bsky.social")
    wanted = [f"collins{n}" for n in range(60)] + ["not_a_domain!"]
    with ApiClient(platforms.policy()) as client:
        adapter = BlueskyAdapter(client, base_url=platforms.base_url, rate=(100, 1.0))
        found = list(adapter.lookup(wanted))
    assert len(found) == 30
    assert platforms.count("/xrpc/app.bsky.actor.getProfiles") == 3
    profile = adapter.parse(found[0])
    assert isinstance(profile, Profile) and profile.followers == 0


def test_bluesky_handles_are_domains() -> None:
    """A bare handle gets .bsky.social; what a domain label cannot hold is not looked up."""
    assert lookup_handle("EileenCollins") == "eileencollins.bsky.social"
    assert lookup_handle("eileen.example.com") == "eileen.example.com"
    assert lookup_handle("eileen_collins") is None


def test_mastodon_search_without_token_reads_the_first_page_only(
    platforms: PlatformServer,
) -> None:
    """Anonymous search gets one page (Mastodon refuses offset); with a token it pages on."""
    people(platforms, "mastodon", 100, "@masto.example")
    with ApiClient(platforms.policy()) as client:
        anonymous = MastodonAdapter(client, base_url=platforms.base_url, rate=(100, 1.0))
        first = list(anonymous.search("collins", limit=500))
        signed = MastodonAdapter(client, base_url=platforms.base_url, token="t", rate=(100, 1.0))
        every = list(signed.search("collins", limit=500))
    assert len(first) == 40
    assert len(every) == 100
    profile = anonymous.parse(every[-1])
    assert isinstance(profile, Profile)
    assert profile.platform == "fediverse" and profile.handle == "collins99@masto.example"


def test_mastodon_lookup_skips_missing_accounts(platforms: PlatformServer) -> None:
    """accounts/lookup per handle; a 404 is a handle nobody has, not an error."""
    people(platforms, "mastodon", 3, "@masto.example")
    with ApiClient(platforms.policy()) as client:
        adapter = MastodonAdapter(client, base_url=platforms.base_url, rate=(100, 1.0))
        found = list(adapter.lookup(["collins1", "nobody", "collins2", "bad handle!"]))
    assert [r["username"] for r in found] == ["collins1", "collins2"]
    assert platforms.count("/api/v1/accounts/lookup") == 3


def test_mastodon_followers_follow_the_link_header(platforms: PlatformServer) -> None:
    """Follower pages chained by Link rel=next max_id; the cursor carries the account id."""
    people(platforms, "mastodon", 170, "@masto.example")
    star = platforms.add(Account("mastodon", "star@masto.example", "Star"))
    star.followers = [f"collins{n}@masto.example" for n in range(170)]
    with ApiClient(platforms.policy()) as client:
        adapter = MastodonAdapter(client, base_url=platforms.base_url, rate=(100, 1.0))
        page = adapter.followers("star", None)
        handles = [r["acct"] for r in page.records]
        while page.cursor:
            page = adapter.followers("star", page.cursor)
            handles += [r["acct"] for r in page.records]
    assert len(handles) == 170 and len(set(handles)) == 170
    assert next_max_id('<https://h/api?max_id=7&limit=80>; rel="next", <x>; rel="prev"') == "7"


def test_x_without_token_says_so_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """No bearer token: the adapter names the variable to set."""
    monkeypatch.delenv("CLONECHECK_X_BEARER_TOKEN", raising=False)
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    with ApiClient() as client:
        adapter = XAdapter(client, token=token_from_env())
        message = adapter.unavailable()
    assert message is not None and "CLONECHECK_X_BEARER_TOKEN" in message and "\n" not in message
    assert token_from_env({"X_BEARER_TOKEN": " abc "}) == "abc"


def test_x_lookup_asks_100_usernames_a_request(platforms: PlatformServer) -> None:
    """users/by in batches of 100 with the bearer token; not-found errors are skipped."""
    people(platforms, "x", 120)
    wanted = [f"collins{n}" for n in range(250)] + ["far_too_long_for_x_handles"]
    with ApiClient(platforms.policy()) as client:
        adapter = XAdapter(client, token=platforms.x_token, base_url=platforms.base_url)
        found = list(adapter.lookup(wanted))
        request = next(r for r, _ in platforms.server.log if r.path == "/2/users/by")
    assert len(found) == 120
    assert platforms.count("/2/users/by") == 3
    assert request.headers["Authorization"] == f"Bearer {platforms.x_token}"
    profile = adapter.parse(found[0])
    assert isinstance(profile, Profile) and profile.platform == "twitter"
    assert profile.followers == 0 and profile.created_at
    assert not valid_username("far_too_long_for_x_handles")


def test_x_wrong_token_is_a_clear_error(platforms: PlatformServer) -> None:
    """A 401 from X names the token as the problem."""
    with ApiClient(platforms.policy()) as client:
        adapter = XAdapter(client, token="wrong", base_url=platforms.base_url)
        with pytest.raises(PlatformError, match="valid token"):
            list(adapter.lookup(["someone"]))


def test_x_followers_page_by_next_token(platforms: PlatformServer) -> None:
    """followers pages chained by meta.next_token; the cursor carries the user id."""
    people(platforms, "x", 2500)
    star = platforms.add(Account("x", "star", "Star"))
    star.followers = [f"collins{n}" for n in range(2500)]
    with ApiClient(platforms.policy()) as client:
        adapter = XAdapter(
            client, token=platforms.x_token, base_url=platforms.base_url, followers_rate=(100, 1)
        )
        pages = [adapter.followers("star", None)]
        while pages[-1].cursor:
            pages.append(adapter.followers("star", pages[-1].cursor))
    assert [len(p.records) for p in pages] == [1000, 1000, 500]
    assert pages[0].cursor is not None and pages[0].cursor.startswith(f"{star.id}:")


@pytest.mark.parametrize(
    ("parts", "handle"),
    [
        (("mastodon_api", "Account_example_0.json"), "noiob@awoo.space"),
        (("twitter_api_v2", "tweepy_cassettes", "test_client_get_users__0.json"), "Twitter"),
    ],
)
def test_real_api_answers_parse_through_the_adapters(
    shared_data, parts: tuple[str, ...], handle: str
) -> None:
    """The real documented answers become the same Profiles the file import makes."""
    document = json.loads(shared_data.path("formats", *parts).read_text())
    with ApiClient() as client:
        if parts[0] == "mastodon_api":
            result = MastodonAdapter(client, base_url="https://awoo.space").parse(document)
        else:
            result = XAdapter(client, token=None).parse(document["data"][0])
    assert isinstance(result, Profile) and result.handle == handle


@pytest.mark.parametrize(
    ("adapter", "record"),
    [
        ("bluesky", {"did": "did:plc:x", "handle": "a.bsky.social", "followersCount": -3}),
        (
            "mastodon",
            {"acct": "a@h.example", "url": "https://h.example/@a", "followers_count": 1.5},
        ),
        ("x", {"id": "1", "username": "a", "public_metrics": {"followers_count": -1}}),
    ],
)
def test_a_record_no_profile_can_have_is_a_reason_not_a_crash(
    adapter: str, record: dict[str, object]
) -> None:
    """A stranger's record with an impossible count becomes a skip reason naming it."""
    with ApiClient() as client:
        parser = {
            "bluesky": BlueskyAdapter(client),
            "mastodon": MastodonAdapter(client, base_url="h.example"),
            "x": XAdapter(client, token=None),
        }[adapter]
        result = parser.parse(record)
    assert isinstance(result, str) and ("negative" in result or "whole number" in result)
