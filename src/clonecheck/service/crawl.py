"""Follower crawls: every follower of an account stored as a profile, resumable.

Each page's profiles and the cursor after it are stored in one transaction, so a crawl killed
at any point (SIGKILL included) resumes from the last stored page when run again; profiles are
keyed, so a page fetched twice stores nothing twice.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from clonecheck.discover.crawl import crawl_followers
from clonecheck.discover.http import ApiClient
from clonecheck.discover.interface import Adapter, PlatformError
from clonecheck.discover.settings import DiscoverySettings, adapter_for
from clonecheck.models import Profile
from clonecheck.service.importing import resolve_photos
from clonecheck.service.photos import PhotoAnalyser
from clonecheck.service.progress import Progress
from clonecheck.store.discovery import crawl_state, save_crawl_page, start_crawl


@dataclass(frozen=True, slots=True)
class CrawlSummary:
    """One run of a follower crawl."""

    subject: str
    pages: int
    profiles: int
    #: profiles stored by every run of this crawl so far
    total_profiles: int
    resumed: bool
    finished: bool
    problems: tuple[str, ...]
    seconds: float
    requests: int

    @property
    def profiles_per_second(self) -> float:
        return self.profiles / self.seconds if self.seconds > 0 else 0.0


def crawl(
    photos: PhotoAnalyser,
    progress: Progress,
    platform: str,
    handle: str,
    settings: DiscoverySettings,
    *,
    fetch_photos: bool = True,
    max_pages: int | None = None,
    restart: bool = False,
) -> CrawlSummary:
    """Store the followers of ``platform:handle`` from where the last run stopped.

    A crawl read to its end starts over only with ``restart``; its profiles are updated in
    place then. Without ``fetch_photos`` the photo references are stored, not fetched (a scan
    fetches nothing; import the profiles again to fetch them)."""
    store = photos.store
    started = time.perf_counter()
    problems: list[str] = []
    with ApiClient(settings.http) as client:
        adapter = adapter_for(platform, handle, settings, client)
        base_url = str(getattr(adapter, "base_url", ""))
        subject = f"{adapter.platform}:{handle.strip().lstrip('@')}"
        crawl_key = f"{subject} followers @ {base_url}"
        state = crawl_state(store, crawl_key)
        if state is not None and state.finished and not restart:
            return CrawlSummary(
                subject=subject,
                pages=0,
                profiles=0,
                total_profiles=state.profiles,
                resumed=False,
                finished=True,
                problems=(
                    f"{subject}: this list was read to its end before; --restart reads it again",
                ),
                seconds=time.perf_counter() - started,
                requests=client.requests,
            )
        resumed = state is not None and not state.finished and not restart
        if not resumed:
            with store.transaction():
                start_crawl(store, crawl_key, adapter.name, subject, base_url)
        cursor = state.cursor if resumed and state is not None else None
        stored = 0

        def sink(profiles: list[Profile], next_cursor: str | None, bad: list[str]) -> None:
            nonlocal stored
            if fetch_photos:
                profiles, _, _ = resolve_photos(photos, progress, profiles)
            with store.transaction():
                store.upsert_profiles(profiles, source_file=f"crawl {subject} followers")
                save_crawl_page(store, crawl_key, next_cursor, len(profiles))
            stored += len(profiles)
            problems.extend(f"{subject} follower skipped: {reason}" for reason in bad)
            progress.advance(len(profiles))

        progress.start(f"Crawling followers of {subject}", _follower_count(adapter, handle))
        if resumed and state is not None:
            progress.advance(state.profiles)
        try:
            result = crawl_followers(adapter, handle, sink, cursor=cursor, max_pages=max_pages)
        finally:
            progress.finish()
        requests = client.requests
    after = crawl_state(store, crawl_key)
    return CrawlSummary(
        subject=subject,
        pages=result.pages,
        profiles=stored,
        total_profiles=after.profiles if after else stored,
        resumed=resumed,
        finished=result.cursor is None,
        problems=tuple(problems),
        seconds=time.perf_counter() - started,
        requests=requests,
    )


def _follower_count(adapter: Adapter, handle: str) -> int | None:
    """The account's follower count, for the progress bar's total and ETA (one request);
    ``None`` when the platform does not say."""
    try:
        for record in adapter.lookup([handle]):
            profile = adapter.parse(record)
            if isinstance(profile, Profile) and profile.followers is not None:
                return profile.followers
    except PlatformError:
        return None
    return None
