"""Discovery of the demo identity over three platforms on the local platform server."""

from __future__ import annotations

from platform_server import CLONES, EILEEN, PlatformServer, demo_world

from clonecheck.discover.bluesky import BlueskyAdapter
from clonecheck.discover.finder import Found, Note, discover_identity
from clonecheck.discover.http import ApiClient
from clonecheck.discover.mastodon import MastodonAdapter
from clonecheck.discover.x import XAdapter


def test_discover_finds_the_planted_clones_and_never_her_own_accounts(
    platforms: PlatformServer, shared_data
) -> None:  # type: ignore[no-untyped-def]
    """Every clone found, among 240 namesakes; none of her three own accounts returned."""
    innocents = demo_world(platforms, shared_data)
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
    demo_world(platforms, shared_data)
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
