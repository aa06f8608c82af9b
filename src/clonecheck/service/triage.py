"""Triage: what a support team works through every day. The scan results awaiting a decision
(the latest scans' matches that no case covers yet), each opened as a case or dismissed (a
case opened and dismissed at once, so the decision is logged and teaches later scans); the
case queue, filtered and paged; and a reported account named by its profile URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from clonecheck.errors import InputError
from clonecheck.models import Case, CaseState, DismissReason
from clonecheck.service import Service
from clonecheck.service.cases import CaseService
from clonecheck.store import triage as triage_store
from clonecheck.store.triage import Filters, StoredMatch

T = TypeVar("T")

__all__ = ["KNOWN_PLATFORMS", "Filters", "Page", "StoredMatch", "Triage", "profile_from_url"]

#: the platforms a reported account can be on, besides those of the stored profiles
KNOWN_PLATFORMS = ("bluesky", "facebook", "instagram", "mastodon", "tiktok", "twitter")

#: host (without "www." / "mobile.") -> platform, for profile URLs
_HOSTS = {
    "twitter.com": "twitter",
    "x.com": "twitter",
    "bsky.app": "bluesky",
    "instagram.com": "instagram",
    "facebook.com": "facebook",
    "tiktok.com": "tiktok",
}


def profile_from_url(url: str) -> tuple[str, str]:
    """(platform, handle) of a profile URL: ``https://x.com/eiIeencollins``,
    ``https://bsky.app/profile/ada.bsky.social``, ``https://mastodon.social/@ada``, an
    Instagram, Facebook or TikTok page. InputError says which forms are understood."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("mobile.")
    segments = [s for s in parts.path.split("/") if s]
    if parts.scheme in {"http", "https"} and host and segments:
        platform = _HOSTS.get(host)
        if platform == "bluesky" and len(segments) >= 2 and segments[0] == "profile":
            return platform, segments[1]
        if platform is not None and platform != "bluesky":
            return platform, segments[0].lstrip("@")
        if platform is None and segments[0].startswith("@") and len(segments[0]) > 1:
            return "mastodon", f"{segments[0][1:]}@{host}"
    raise InputError(
        f"profile URL {url!r} is not one clonecheck reads; give the account's page, like "
        "https://x.com/HANDLE, https://bsky.app/profile/HANDLE, https://instagram.com/HANDLE "
        "or https://mastodon.social/@HANDLE, or type the platform and handle"
    )


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its rows, how many rows the list has in all, and where it starts."""

    rows: list[T]
    total: int
    offset: int
    size: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.rows) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


@dataclass
class Triage:
    """The inbox and the queue over the store of one ``Service``."""

    service: Service

    def awaiting(
        self, filters: Filters, *, offset: int = 0, size: int | None = None
    ) -> Page[StoredMatch]:
        """The scan results awaiting triage, highest score first (``size``: one page)."""
        rows, total = triage_store.awaiting_triage(
            self.service.store, filters, offset=offset, limit=size
        )
        return Page(rows, total, offset, size or total)

    def cases(self, filters: Filters, *, offset: int = 0, size: int | None = None) -> Page[Case]:
        """The cases that pass ``filters``, highest score first (``size``: one page)."""
        rows, total = triage_store.find_cases(
            self.service.store, filters, offset=offset, limit=size
        )
        return Page(rows, total, offset, size or total)

    def case_counts(self, filters: Filters) -> dict[CaseState, int]:
        return triage_store.case_counts(self.service.store, filters)

    def platforms(self) -> list[str]:
        """The platforms to choose from: the stored profiles' and the well-known ones."""
        return triage_store.platforms(self.service.store, KNOWN_PLATFORMS)

    def open_case(self, identity: str, profile_key: str, *, actor: str, note: str = "") -> Case:
        """Open a case on a scan result: the stored profile scored against the person now."""
        return CaseService(self.service).open_from_scan(
            profile_key, identity=identity, actor=actor, note=note
        )

    def dismiss(
        self, identity: str, profile_key: str, because: str, *, actor: str, note: str = ""
    ) -> Case:
        """Dismiss a scan result: a case opened and dismissed at once, with the kind of
        dismissal (the scans learn from it) and the note, both in its history."""
        choices = ", ".join(str(r) for r in DismissReason)
        if because not in {str(r) for r in DismissReason}:
            raise InputError(f"choose why it is not a clone: one of {choices}")
        cases = CaseService(self.service)
        with self.service.store.transaction():
            case = cases.open_from_scan(profile_key, identity=identity, actor=actor)
            return cases.transition(
                case.id, CaseState.DISMISSED, actor=actor, reason=because, note=note
            )
