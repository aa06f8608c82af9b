"""What every report format shares: the context a report is rendered in, the ``Renderer``
protocol and the helpers the renderers use (the design follows pip-audit's ``format`` package).
The format names and the renderer behind each live in ``formats.py``, which imports the
renderers; this module imports none of them, so they can all import it.

A renderer turns a list of ``Match`` into text on a stream. It never queries the store: the
photos it may show arrive as JPEG thumbnails in ``ReportContext.photos``. Every renderer is
deterministic: the same matches and context give the same bytes (the only time in a report is
``context.generated_at``), and matches are shown by score, highest first, ties in the order
given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, TextIO

from clonecheck.models import Match, SignalKind


@dataclass(frozen=True, slots=True)
class CaseMark:
    """The case a team already has on a match's pair (identity, profile): the newest one."""

    id: int
    #: the case state's value: "open", "confirmed clone", "dismissed" ...
    state: str


@dataclass(frozen=True, slots=True)
class ReportContext:
    """Everything a report says besides the matches themselves."""

    title: str
    #: when the report was made; a naive datetime is taken as UTC
    generated_at: datetime
    tool_version: str
    #: photo digest (sha256) -> JPEG thumbnail bytes, for the formats that show photos (HTML)
    photos: Mapping[str, bytes] = field(default_factory=dict)
    scanned_profiles: int = 0
    scanned_identities: int = 0
    #: (identity slug, profile key) -> the case opened on that pair, so that every row says
    #: whether the team already has it; pairs without a case are absent
    cases: Mapping[tuple[str, str], CaseMark] = field(default_factory=dict)


class Renderer(Protocol):
    """Writes one report of ``matches`` to ``out`` (a text stream: stdout, or a file opened with
    ``newline=""``)."""

    def render(self, matches: Sequence[Match], context: ReportContext, out: TextIO) -> None: ...


# Helpers shared by the renderers.


def ordered(matches: Sequence[Match]) -> list[Match]:
    """Matches by score, highest first; equal scores keep the order they were given in."""
    return sorted(matches, key=lambda match: -match.score)


def utc_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC to the second, e.g. ``2025-03-01T12:00:00Z`` (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: signal kinds whose evidence names the edits that turn the registered text into the profile's
EDIT_KINDS: frozenset[SignalKind] = frozenset({SignalKind.NAME, SignalKind.HANDLE})


def named_edits(match: Match) -> tuple[str, ...]:
    """The named edits ("look-alike: I for l") of the name and handle signals that carried
    evidence, in signal order, without repeats."""
    seen: dict[str, None] = {}
    for signal in match.signals:
        if signal.kind in EDIT_KINDS and signal.strength > 0:
            seen.update(dict.fromkeys(signal.evidence))
    return tuple(seen)


def case_of(context: ReportContext, match: Match) -> CaseMark | None:
    """The case on the match's pair, if the team has one."""
    return context.cases.get((match.identity.slug, match.profile.key))


def plural(count: int, singular: str, plural_form: str) -> str:
    """``1 profile``, ``1,234 profiles``."""
    return f"{count:,} {singular if count == 1 else plural_form}"
