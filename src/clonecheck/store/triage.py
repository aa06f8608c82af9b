"""The lists a support team works from, filtered and paged in SQL so that a page costs the
same with 50 rows or 50,000: the scan results awaiting triage (the latest scans' matches that
no case covers yet) and the case queue.

Both read through the declared links (``links.py``): a match's and a case's profile is a row of
``profiles``, so its platform, handle and name are a join away.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clonecheck.models import Case, CaseState, Match, Signal, SignalKind, Verdict
from clonecheck.store import Store
from clonecheck.store.cases import _case_from_row


@dataclass(frozen=True, slots=True)
class Filters:
    """What a list is narrowed to; empty means everything."""

    #: identity slug
    person: str = ""
    platform: str = ""
    #: words looked for in the handle, the profile's name, the person's name and the key
    text: str = ""
    #: cases only: the state (``CaseState`` value) and the assignee ("-": nobody)
    state: str = ""
    assignee: str = ""


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(filters: Filters, *, case: bool) -> tuple[str, list[Any]]:
    """The SQL conditions of ``filters`` over the aliases ``p`` (profile), ``i`` (person) and
    ``c`` (case) or ``m`` (match)."""
    row = "c" if case else "m"
    clauses: list[str] = []
    args: list[Any] = []
    if filters.person:
        clauses.append(f"{row}.identity_slug = ?")
        args.append(filters.person)
    if filters.platform:
        clauses.append("p.platform = ?")
        args.append(filters.platform)
    for word in filters.text.split():
        clauses.append(
            "(p.handle like ? escape '\\' or p.name like ? escape '\\' "
            f"or i.name like ? escape '\\' or {row}.profile_key like ? escape '\\')"
        )
        args.extend([_like(word)] * 4)
    if case and filters.state:
        clauses.append("c.state = ?")
        args.append(filters.state)
    if case and filters.assignee:
        if filters.assignee == "-":
            clauses.append("c.assignee is null")
        else:
            clauses.append("c.assignee = ?")
            args.append(filters.assignee)
    return (" and ".join(clauses) or "1"), args


# --- scan results awaiting triage -----------------------------------------------------------

#: the latest scans' flagged matches of stored people that no case (in any state) covers
_AWAITING = """
    from latest_matches m
    join profiles p on p.key = m.profile_key
    join identities i on i.slug = m.identity_slug
    where m.verdict in ('likely clone', 'possible')
      and not exists (select 1 from cases c
                      where c.identity_slug = m.identity_slug and c.profile_key = m.profile_key)
"""


@dataclass(frozen=True, slots=True)
class StoredMatch:
    """A match as a scan stored it, its profile and person read back whole."""

    scan_id: int
    match: Match


def awaiting_triage(
    store: Store, filters: Filters, *, offset: int = 0, limit: int | None = None
) -> tuple[list[StoredMatch], int]:
    """One page of the scan results awaiting triage, highest score first, and how many there
    are in all."""
    where, args = _where(filters, case=False)
    total = int(store.db.execute(f"select count(*) {_AWAITING} and {where}", args).fetchone()[0])
    page = "" if limit is None else f" limit {int(limit)} offset {int(offset)}"
    rows = store.db.execute(
        "select m.scan_id, m.identity_slug, m.profile_key, m.score, m.verdict, m.signals, "
        f"m.identity_photo, m.notes {_AWAITING} and {where} "
        f"order by m.score desc, m.identity_slug, m.profile_key{page}",
        args,
    ).fetchall()
    people = {slug: store.identity(slug) for slug in {str(r[1]) for r in rows}}
    profiles = {p.key: p for p in store.profiles(sorted({str(r[2]) for r in rows}))}
    found = [
        StoredMatch(
            int(scan_id),
            Match(
                identity=people[str(slug)],
                profile=profiles[str(key)],
                score=float(score),
                verdict=Verdict(verdict),
                signals=_signals(signals),
                identity_photo=identity_photo,
                notes=tuple(json.loads(notes or "[]")),
            ),
        )
        for scan_id, slug, key, score, verdict, signals, identity_photo, notes in rows
    ]
    return found, total


def _signals(text: str | None) -> tuple[Signal, ...]:
    return tuple(
        Signal(
            kind=SignalKind(s["kind"]),
            value=float(s["value"]),
            strength=float(s["strength"]),
            detail=str(s["detail"]),
            evidence=tuple(s.get("evidence") or ()),
        )
        for s in json.loads(text or "[]")
    )


# --- the case queue -------------------------------------------------------------------------

_CASES = """
    from cases c
    left join profiles p on p.key = c.profile_key
    left join identities i on i.slug = c.identity_slug
"""


def find_cases(
    store: Store, filters: Filters, *, offset: int = 0, limit: int | None = None
) -> tuple[list[Case], int]:
    """One page of the cases that pass ``filters``, highest score first then oldest, and how
    many there are in all."""
    where, args = _where(filters, case=True)
    total = int(store.db.execute(f"select count(*) {_CASES} where {where}", args).fetchone()[0])
    page = "" if limit is None else f" limit {int(limit)} offset {int(offset)}"
    cursor = store.db.execute(
        f"select c.* {_CASES} where {where} order by c.score desc, c.id{page}", args
    )
    names = [d[0] for d in cursor.description]
    return [_case_from_row(dict(zip(names, r, strict=True))) for r in cursor.fetchall()], total


def case_counts(store: Store, filters: Filters) -> dict[CaseState, int]:
    """How many cases are in each state, under ``filters`` but for the state."""
    where, args = _where(
        Filters(filters.person, filters.platform, filters.text, "", filters.assignee), case=True
    )
    rows = store.db.execute(
        f"select c.state, count(*) {_CASES} where {where} group by c.state", args
    ).fetchall()
    return {CaseState(state): int(n) for state, n in rows}


def platforms(store: Store, known: Sequence[str] = ()) -> list[str]:
    """The platforms of the stored profiles, with ``known`` ones, sorted."""
    stored = {str(r[0]) for r in store.db.execute("select distinct platform from profiles")}
    return sorted(stored | set(known))
