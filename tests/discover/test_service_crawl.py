"""The crawl use case over a real store file: progress with a total, resume, restart."""

from __future__ import annotations

from pathlib import Path

from platform_server import Account, PlatformServer

from clonecheck.discover.settings import DiscoverySettings
from clonecheck.service import Service
from clonecheck.service.crawl import crawl
from clonecheck.store import Store


class Recorder:
    """A Progress that remembers what it was told."""

    def __init__(self) -> None:
        self.totals: list[int | None] = []
        self.advanced = 0

    def start(self, label: str, total: int | None) -> None:
        self.totals.append(total)

    def advance(self, amount: int = 1) -> None:
        self.advanced += amount

    def finish(self) -> None:
        pass


def test_crawl_progress_has_the_follower_count_and_a_resume_continues_it(
    platforms: PlatformServer, tmp_path: Path
) -> None:
    """The bar's total is the account's follower count; a resumed run starts where it was, a
    finished one is not read again until --restart."""
    for n in range(450):
        platforms.add(Account("bluesky", f"fan{n}.bsky.social", f"Fan {n}"))
    star = platforms.add(Account("bluesky", "star.bsky.social", "Star"))
    star.followers = [f"fan{n}.bsky.social" for n in range(450)]
    settings = DiscoverySettings(
        platforms=("bluesky",), bluesky_url=platforms.base_url, http=platforms.policy()
    )
    with Store.open(tmp_path / "c.db") as store:
        service = Service(store)
        first = Recorder()
        part = crawl(
            service.photos,
            first,
            "bluesky",
            "star.bsky.social",
            settings,
            fetch_photos=False,
            max_pages=2,
        )
        assert first.totals == [450] and first.advanced == 200
        assert not part.finished and part.total_profiles == 200
        second = Recorder()
        rest = crawl(
            service.photos, second, "bluesky", "star.bsky.social", settings, fetch_photos=False
        )
        assert rest.resumed and rest.finished and rest.profiles == 250
        assert second.advanced == 450  # 200 from before, then the rest
        done = crawl(service.photos, Recorder(), "bluesky", "star.bsky.social", settings)
        assert done.pages == 0 and done.finished and "--restart" in done.problems[0]
        again = crawl(
            service.photos,
            Recorder(),
            "bluesky",
            "star.bsky.social",
            settings,
            fetch_photos=False,
            restart=True,
        )
        assert not again.resumed and again.profiles == 450 and again.finished
        assert store.count_profiles() == 450
