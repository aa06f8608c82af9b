"""Discovery of the demo identity over three platforms on the local platform server."""

from __future__ import annotations

import csv

from platform_server import Account, PlatformServer

from clonecheck.discover.bluesky import BlueskyAdapter
from clonecheck.discover.finder import Found, Note, discover_identity
from clonecheck.discover.http import ApiClient
from clonecheck.discover.mastodon import MastodonAdapter
from clonecheck.discover.variants import handle_variants
from clonecheck.discover.x import XAdapter, valid_username
from clonecheck.models import AccountRef, Identity

EILEEN = Identity(
    slug="eileen-collins",
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


def world(platforms: PlatformServer, shared_data) -> int:  # type: ignore[no-untyped-def]
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


def test_discover_finds_the_planted_clones_and_never_her_own_accounts(
    platforms: PlatformServer, shared_data
) -> None:  # type: ignore[no-untyped-def]
    """Every clone found, among 240 namesakes; none of her three own accounts returned."""
    innocents = world(platforms, shared_data)
    with ApiClient(platforms.policy()) as client:
        adapters = [
            BlueskyAdapter(client, base_url=platforms.base_url, rate=(200, 1.0)),
            MastodonAdapter(client, base_url=platforms.base_url, token="t", rate=(200, 1.0)),
            XAdapter(client, token=platforms.x_token, base_url=platforms.base_url),
        ]
        results = list(discover_identity(EILEEN, adapters))
    found = [r for r in results if isinstance(r, Found)]
    notes = [r for r in results if isinstance(r, Note)]
    assert notes == []
    keys = {(f.adapter, f.profile.handle.casefold()) for f in found}
    for platform, handle in CLONES:
        assert (platform, handle.casefold()) in keys, handle
    assert not any(EILEEN.owns(f.profile) for f in found)
    assert not any(f.profile.handle.split("@")[0].split(".")[0] == "eileencollins" for f in found)
    assert len({f.profile.key for f in found}) == len(found)
    assert innocents == 240 and len(found) - len(CLONES) == innocents
    assert {f.adapter for f in found} == {"bluesky", "mastodon", "x"}
    by_handle = {f.profile.handle.casefold(): f for f in found}
    x_clone = by_handle["eiieencollins"]
    assert x_clone.adapter == "x"
    assert x_clone.query == "variant: eiIeencollins (look-alike: I for l)"
    assert by_handle["eileen-collins-official.bsky.social"].query == "search: Eileen Collins"
    assert all(f.fetched_at.endswith("+00:00") for f in found)


def test_a_platform_without_token_or_failing_does_not_stop_the_others(
    platforms: PlatformServer, shared_data
) -> None:  # type: ignore[no-untyped-def]
    """X without token is one note; a Mastodon server that is down is notes; Bluesky runs."""
    world(platforms, shared_data)
    with ApiClient(platforms.policy(retries=0, timeout_s=2)) as client:
        adapters = [
            XAdapter(client, token=None, base_url=platforms.base_url),
            MastodonAdapter(client, base_url="http://127.0.0.1:9", rate=(200, 1.0)),
            BlueskyAdapter(client, base_url=platforms.base_url, rate=(200, 1.0)),
        ]
        results = list(discover_identity(EILEEN, adapters))
    notes = [str(r) for r in results if isinstance(r, Note)]
    assert notes[0].startswith("x: x: skipped, no bearer token") or "no bearer token" in notes[0]
    assert any(n.startswith("mastodon: search") for n in notes)
    found = {r.profile.handle for r in results if isinstance(r, Found)}
    assert "eileencolins.bsky.social" in found
