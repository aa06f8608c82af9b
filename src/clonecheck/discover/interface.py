"""What every platform adapter provides, and the error a platform's answer becomes.

An :class:`Adapter` speaks one platform's public API. It returns the records exactly as the
API gave them (``Account`` entities, ``profileView`` objects, v2 user objects): turning them into
:class:`~clonecheck.models.Profile` is the ingest parsers' job, so a profile found by
discovery and one imported from a file of the same API answer are the same profile.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from clonecheck.errors import ClonecheckError
from clonecheck.models import Profile

#: one record as the platform's API returned it
RawRecord = Mapping[str, Any]


class PlatformError(ClonecheckError):
    """A platform's API could not be used: refused, failing, too slow, or answering nonsense.

    ``url`` names the request and ``reason`` says what happened and what to do; records
    returned before the error stay with the caller (adapters yield as they go).
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


@dataclass(frozen=True, slots=True)
class FollowerPage:
    """One page of a follower list and the cursor of the next (``None`` after the last)."""

    records: tuple[RawRecord, ...]
    cursor: str | None


class Adapter(Protocol):
    """One platform's public API."""

    #: the adapter's name on the command line (``bluesky``, ``mastodon``, ``x``)
    name: str
    #: the ``Profile.platform`` its records become (``bluesky``, ``fediverse``, ``twitter``)
    platform: str

    def unavailable(self) -> str | None:
        """Why this adapter cannot run (no token ...), as one line; ``None`` when it can."""
        ...

    def search(self, query: str, *, limit: int) -> Iterator[RawRecord]:
        """Accounts the platform's own search finds for ``query``, at most ``limit``."""
        ...

    def lookup(self, handles: Sequence[str]) -> Iterator[RawRecord]:
        """The accounts that exist among ``handles`` (handles that do not exist are skipped)."""
        ...

    def followers(self, handle: str, cursor: str | None) -> FollowerPage:
        """One page of the accounts that follow ``handle``, from ``cursor`` (``None``: first)."""
        ...

    def parse(self, record: RawRecord) -> Profile | str:
        """The record as a Profile through the ingest parser of its API, or why it has none."""
        ...
