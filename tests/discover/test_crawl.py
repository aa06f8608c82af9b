"""Follower crawls page by page: resumable from the cursor, a paging loop reported."""

from __future__ import annotations

import pytest
from platform_server import Account, PlatformServer

from clonecheck.discover.bluesky import BlueskyAdapter
from clonecheck.discover.crawl import crawl_followers
from clonecheck.discover.http import ApiClient
from clonecheck.discover.interface import PlatformError
from clonecheck.models import Profile


class CrashedError(Exception):
    """Stands for the process dying between two pages."""


class Store:
    """What a store does with a page: profiles by key and the cursor, together."""

    def __init__(self, die_after: int | None = None) -> None:
        self.profiles: dict[str, Profile] = {}
        self.writes = 0
        self.cursor: str | None = None
        self.die_after = die_after
        self.pages = 0

    def __call__(self, profiles: list[Profile], cursor: str | None, problems: list[str]) -> None:
        if self.die_after is not None and self.pages == self.die_after:
            raise CrashedError
        for profile in profiles:
            self.profiles[profile.key] = profile
        self.writes += len(profiles)
        self.cursor = cursor
        self.pages += 1


def star_with_followers(platforms: PlatformServer, count: int) -> None:
    for n in range(count):
        platforms.add(Account("bluesky", f"fan{n}.bsky.social", f"Fan {n}"))
    star = platforms.add(Account("bluesky", "star.bsky.social", "Star"))
    star.followers = [f"fan{n}.bsky.social" for n in range(count)]


def test_an_interrupted_crawl_resumes_from_its_cursor_and_reads_each_page_once(
    platforms: PlatformServer,
) -> None:
    """Killed after 3 pages and started again from the stored cursor: all 950 followers,
    each page fetched once, nothing written twice."""
    star_with_followers(platforms, 950)
    store = Store(die_after=3)
    with ApiClient(platforms.policy()) as client:
        adapter = BlueskyAdapter(client, base_url=platforms.base_url, rate=(200, 1.0))
        with pytest.raises(CrashedError):
            crawl_followers(adapter, "star.bsky.social", store)
        assert len(store.profiles) == 300 and store.cursor is not None
        store.die_after = None
        result = crawl_followers(adapter, "star.bsky.social", store, cursor=store.cursor)
    assert result.cursor is None and result.profiles == 650
    assert len(store.profiles) == 950 and store.writes == 950
    # 3 stored pages, 1 lost with the crash, 7 after the restart
    assert platforms.count("/xrpc/app.bsky.graph.getFollowers") == 3 + 1 + 7


def test_max_pages_stops_with_a_cursor_to_resume(platforms: PlatformServer) -> None:
    """max_pages stops early and returns the cursor the next run starts from."""
    star_with_followers(platforms, 250)
    store = Store()
    with ApiClient(platforms.policy()) as client:
        adapter = BlueskyAdapter(client, base_url=platforms.base_url, rate=(200, 1.0))
        first = crawl_followers(adapter, "star.bsky.social", store, max_pages=2)
        assert first.pages == 2 and first.cursor is not None and first.cursor == store.cursor
        assert len(store.profiles) == 200
        rest = crawl_followers(adapter, "star.bsky.social", store, cursor=first.cursor)
    assert rest.pages == 1 and rest.cursor is None and store.cursor is None
    assert len(store.profiles) == 250


def test_a_follower_cursor_loop_is_an_error_after_keeping_every_page(
    platforms: PlatformServer,
) -> None:
    """The server hands out page 1's cursor again: the pages read are kept, then an error."""
    star_with_followers(platforms, 600)
    platforms.loop_at = 1
    store = Store()
    with ApiClient(platforms.policy()) as client:
        adapter = BlueskyAdapter(client, base_url=platforms.base_url, rate=(200, 1.0))
        with pytest.raises(PlatformError, match="paging loop"):
            crawl_followers(adapter, "star.bsky.social", store)
    assert len(store.profiles) == 200
    assert store.cursor == "100"  # where page 2 started: not marked finished, nor the loop
