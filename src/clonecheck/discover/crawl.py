"""A follower list, page by page, resumable from a stored cursor.

The caller stores each page's profiles and the next cursor together (one transaction), so a
crawl killed at any point resumes from the last stored cursor: at most the page in flight is
fetched again, and since profiles are stored by key, nothing is stored twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from clonecheck.discover.interface import Adapter, PlatformError
from clonecheck.models import Profile

#: called with one page's profiles, the cursor after it (``None``: done) and problems
PageSink = Callable[[list[Profile], str | None, list[str]], None]


@dataclass(frozen=True, slots=True)
class CrawlResult:
    pages: int
    profiles: int
    #: the cursor to resume from; ``None`` when the list was read to its end
    cursor: str | None


def crawl_followers(
    adapter: Adapter,
    handle: str,
    sink: PageSink,
    *,
    cursor: str | None = None,
    max_pages: int | None = None,
) -> CrawlResult:
    """Read ``handle``'s followers from ``cursor`` on, handing each page to ``sink``.

    A cursor the server returns twice is a paging loop: PlatformError, after every page before
    it was handed over. ``max_pages`` stops early (the result's cursor resumes)."""
    seen: set[str] = set() if cursor is None else {cursor}
    pages = profiles = 0
    while max_pages is None or pages < max_pages:
        page = adapter.followers(handle, cursor)
        parsed: list[Profile] = []
        problems: list[str] = []
        for record in page.records:
            result = adapter.parse(record)
            if isinstance(result, str):
                problems.append(result)
            else:
                parsed.append(result)
        looped = page.cursor is not None and page.cursor in seen
        # on a loop the page's profiles are kept but the cursor stays where it was: the crawl
        # is not finished, and a resume meets the same loop and says so again
        sink(parsed, cursor if looped else page.cursor, problems)
        pages += 1
        profiles += len(parsed)
        if looped:
            raise PlatformError(
                f"{adapter.name}:{handle} followers",
                f"the server returned cursor {page.cursor!r} again (a paging loop) after "
                f"{pages} pages; the {profiles} profiles read so far are kept",
            )
        if page.cursor is None:
            return CrawlResult(pages, profiles, None)
        seen.add(page.cursor)
        cursor = page.cursor
    return CrawlResult(pages, profiles, cursor)
