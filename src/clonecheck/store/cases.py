"""Impersonation cases in the store: the cases, their append-only audit log, and the known-bad
photos and handle patterns of confirmed clones.

The tables are part of the schema (``links.create_case_tables``, schema 5), so every open store
has them. ``case_events`` is append-only twice over: this module has no function that updates or
deletes an event, and SQLite triggers abort any ``UPDATE`` or ``DELETE`` on it, whoever issues it.

Plain SQL over the store's ``conn``, without sqlite-utils' table API: the case commands a
support agent runs all day (``cases list``, ``show``, ``note``, ``assign``, the moves) then never
import sqlite-utils, which imports numpy (more CPU than the rest of the command; issue 17).
Every write here runs inside ``store.transaction()``.

A case keeps the match as it was when opened (``match_json``), so its evidence survives later
re-imports and re-scans of the profile.

Over the project's 400-line guide on purpose: the case tables, their log and the known-bad
rows are read and written together in one transaction by every move of a case, and splitting
them would spread one invariant (a case and its log never disagree) over several files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from clonecheck.errors import NotFoundError
from clonecheck.models import (
    AccountRef,
    Case,
    CaseEvent,
    CaseState,
    Identity,
    Match,
    Photo,
    Profile,
    Signal,
    SignalKind,
    Verdict,
)
from clonecheck.store import Store
from clonecheck.store._rows import dict_rows
from clonecheck.store.profiles import _profile_record

APPEND_ONLY_MESSAGE = "case_events is append-only"

#: the integers SQLite stores: a case id outside them cannot be bound to a query
_SQLITE_MIN_INTEGER = -(2**63)
_SQLITE_MAX_INTEGER = 2**63 - 1

#: ``cases.resolution``: how the case was last decided (kept through "closed")
RESOLVED_DISMISSED = "dismissed"
RESOLVED_CONFIRMED = "confirmed"


def now() -> str:
    """The current time as stored in cases: ISO 8601 UTC to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _insert(store: Store, table: str, record: Mapping[str, Any], *, ignore: bool = False) -> int:
    """Insert one row (inside the caller's transaction); its rowid."""
    names = ", ".join(f'"{name}"' for name in record)
    marks = ", ".join("?" * len(record))
    verb = "insert or ignore" if ignore else "insert"
    cursor = store.conn.execute(
        f"{verb} into {table} ({names}) values ({marks})", list(record.values())
    )
    return int(cursor.lastrowid or 0)


# --- cases ---------------------------------------------------------------------------------


def open_case(
    store: Store,
    match: Match,
    *,
    evidence_digest: str,
    actor: str,
    note: str = "",
    reason: str = "",
) -> Case:
    """Insert a new open case for ``match`` and its opening event, in one transaction."""
    opened_at = now()
    with store.transaction():
        _keep_profile(store, match.profile, opened_at)
        case_id = _insert(
            store,
            "cases",
            {
                "identity_slug": match.identity.slug,
                "profile_key": match.profile.key,
                "handle": match.profile.handle,
                "state": str(CaseState.OPEN),
                "resolution": None,
                "assignee": None,
                "opened_at": opened_at,
                "score": round(match.score, 6),
                "verdict": str(match.verdict),
                "evidence_digest": evidence_digest,
                "match_json": match_to_json(match),
            },
        )
        _insert_event(
            store,
            CaseEvent(case_id, opened_at, actor, None, CaseState.OPEN, reason, note),
        )
    return get_case(store, case_id)


def _keep_profile(store: Store, profile: Profile, at: str) -> None:
    """A case's profile is a row of ``profiles`` (the case links to it): a reported account
    that no crawl holds is added as reported; a stored one is left as it is."""
    if store.conn.execute("select 1 from profiles where key = ?", [profile.key]).fetchone():
        return
    record = _profile_record(profile)
    digest = record.get("photo_digest")
    if (
        digest
        and not store.conn.execute("select 1 from photos where digest = ?", [digest]).fetchone()
    ):
        record["photo_digest"] = None
    _insert(
        store,
        "profiles",
        {**record, "source_file": "reported", "imported_at": at, "updated_at": at},
    )


def get_case(store: Store, case_id: int) -> Case:
    """The case with its match and full history; NotFoundError names the known ids. An id
    beyond SQLite's 64-bit integers (typed on a command line or in a URL) is a case that does
    not exist: every lookup of a case by its id, and every move, note or assignment, comes here
    first."""
    rows = (
        dict_rows(store.conn.execute("select * from cases where id = ?", [case_id]))
        if _SQLITE_MIN_INTEGER <= case_id <= _SQLITE_MAX_INTEGER
        else []
    )
    if not rows:
        count = store.conn.execute("select count(*) from cases").fetchone()[0]
        hint = "no cases yet" if not count else "list them with `clonecheck cases list`"
        raise NotFoundError(f"no case #{case_id}; {hint}")
    return _case_from_row(rows[0], events=tuple(case_events(store, case_id)))


def list_cases(store: Store, state: CaseState | None = None) -> list[Case]:
    """Cases (without their history), highest score first, then oldest first."""
    where, args = (" where state = ?", [str(state)]) if state is not None else ("", [])
    cursor = store.conn.execute(f"select * from cases{where} order by score desc, id", args)
    return [_case_from_row(row) for row in dict_rows(cursor)]


def active_case_ids(store: Store, identity_slug: str | None, profile_key: str) -> list[int]:
    """Cases of this (identity, profile) pair still being handled: open, confirmed, reported."""
    states = [str(CaseState.OPEN), str(CaseState.CONFIRMED), str(CaseState.REPORTED)]
    rows = store.conn.execute(
        "select id from cases where identity_slug is ? and profile_key = ? "
        "and state in (?, ?, ?) order by id",
        [identity_slug, profile_key, *states],
    ).fetchall()
    return [int(r[0]) for r in rows]


def newest_cases(store: Store) -> dict[tuple[str | None, str], tuple[int, str]]:
    """(identity slug, profile key) -> (id, state) of the newest case on each pair, for the
    reports that say whether the team already has a match."""
    rows = store.conn.execute("select id, identity_slug, profile_key, state from cases order by id")
    return {(slug, str(key)): (int(case_id), str(state)) for case_id, slug, key, state in rows}


def case_events(store: Store, case_id: int) -> list[CaseEvent]:
    """A case's audit log, oldest first."""
    rows = dict_rows(
        store.conn.execute("select * from case_events where case_id = ? order by id", [case_id])
    )
    return [
        CaseEvent(
            case_id=int(r["case_id"]),
            at=str(r["at"]),
            actor=str(r["actor"]),
            from_state=CaseState(r["from_state"]) if r["from_state"] else None,
            to_state=CaseState(r["to_state"]),
            reason=str(r["reason"] or ""),
            note=str(r["note"] or ""),
        )
        for r in rows
    ]


def add_event(
    store: Store,
    case_id: int,
    *,
    actor: str,
    reason: str = "",
    note: str = "",
) -> CaseEvent:
    """Append an event that leaves the state as it is (a note, an assignment)."""
    case = get_case(store, case_id)
    event = CaseEvent(case_id, now(), actor, case.state, case.state, reason, note)
    with store.transaction():
        _insert_event(store, event)
    return event


def transition(
    store: Store,
    case_id: int,
    to_state: CaseState,
    *,
    actor: str,
    reason: str = "",
    note: str = "",
) -> CaseEvent:
    """Move a case to ``to_state`` and log it. The workflow rules live in the service; this
    only records. Reopening forgets the resolution; confirming or dismissing sets it."""
    case = get_case(store, case_id)
    event = CaseEvent(case_id, now(), actor, case.state, to_state, reason, note)
    changes: dict[str, Any] = {"state": str(to_state)}
    if to_state is CaseState.CONFIRMED:
        changes["resolution"] = RESOLVED_CONFIRMED
    elif to_state is CaseState.DISMISSED:
        changes["resolution"] = RESOLVED_DISMISSED
    elif to_state is CaseState.OPEN:
        changes["resolution"] = None
    assignments = ", ".join(f"{column} = ?" for column in changes)
    with store.transaction():
        store.conn.execute(
            f"update cases set {assignments} where id = ?", [*changes.values(), case_id]
        )
        _insert_event(store, event)
    return event


def set_assignee(store: Store, case_id: int, assignee: str | None, *, actor: str) -> CaseEvent:
    """Assign the case (None: unassign) and log who did it."""
    case = get_case(store, case_id)
    note = f"assigned to {assignee}" if assignee else "unassigned"
    if case.assignee:
        note += f" (was {case.assignee})"
    event = CaseEvent(case_id, now(), actor, case.state, case.state, "", note)
    with store.transaction():
        store.conn.execute("update cases set assignee = ? where id = ?", [assignee, case_id])
        _insert_event(store, event)
    return event


def _insert_event(store: Store, event: CaseEvent) -> None:
    _insert(
        store,
        "case_events",
        {
            "case_id": event.case_id,
            "at": event.at,
            "actor": event.actor,
            "from_state": str(event.from_state) if event.from_state is not None else None,
            "to_state": str(event.to_state),
            "reason": event.reason,
            "note": event.note,
        },
    )


# --- what decided cases teach later scans ---------------------------------------------------


def dismissed_pairs(store: Store) -> dict[tuple[str | None, str], str]:
    """(identity slug, profile key) -> evidence digest of every pair dismissed (and perhaps
    closed since) and not reopened."""
    rows = store.conn.execute(
        "select identity_slug, profile_key, evidence_digest from cases "
        "where resolution = ? and state in (?, ?) order by id",
        [RESOLVED_DISMISSED, str(CaseState.DISMISSED), str(CaseState.CLOSED)],
    ).fetchall()
    return {(slug, str(key)): str(digest) for slug, key, digest in rows}


def add_known_bad(
    store: Store, case_id: int, *, photo_digest: str | None, handle_skeleton: str | None
) -> None:
    """Record a confirmed clone's photo digest and handle skeleton as known-bad."""
    rows = [
        {"kind": kind, "value": value, "case_id": case_id}
        for kind, value in (("photo", photo_digest), ("handle", handle_skeleton))
        if value
    ]
    with store.transaction():
        for row in rows:
            _insert(store, "known_bad", row, ignore=True)


def remove_known_bad(store: Store, case_id: int) -> None:
    """Forget what a case taught (it was reopened: no longer a confirmed clone)."""
    with store.transaction():
        store.conn.execute("delete from known_bad where case_id = ?", [case_id])


def _known_bad(store: Store, kind: str) -> dict[str, int]:
    rows = store.conn.execute(
        "select value, min(case_id) from known_bad where kind = ? group by value", [kind]
    ).fetchall()
    return {str(value): int(case_id) for value, case_id in rows}


def known_bad_photos(store: Store) -> dict[str, int]:
    """Photo digest -> the (first) confirmed-clone case that used it."""
    return _known_bad(store, "photo")


def known_bad_handles(store: Store) -> dict[str, int]:
    """Handle skeleton -> the (first) confirmed-clone case whose handle reads that way."""
    return _known_bad(store, "handle")


# --- row <-> model ---------------------------------------------------------------------------


def _case_from_row(row: Mapping[str, Any], events: tuple[CaseEvent, ...] = ()) -> Case:
    match = match_from_json(str(row["match_json"])) if row.get("match_json") else None
    return Case(
        id=int(row["id"]),
        identity_slug=row["identity_slug"],
        profile_key=str(row["profile_key"]),
        state=CaseState(row["state"]),
        assignee=row["assignee"],
        opened_at=str(row["opened_at"]),
        score=float(row["score"]),
        verdict=Verdict(row["verdict"]),
        evidence_digest=str(row["evidence_digest"]),
        match=match,
        events=events,
    )


def _photo_json(photo: Photo | None) -> dict[str, Any] | None:
    if photo is None:
        return None
    return {"source": photo.source, "digest": photo.digest, "error": photo.error}


def _photo_from_json(data: Mapping[str, Any] | None) -> Photo | None:
    if data is None:
        return None
    return Photo(source=str(data["source"]), digest=data.get("digest"), error=data.get("error"))


def match_to_json(match: Match) -> str:
    """The whole match (identity, profile with its raw record, signals) as JSON."""
    identity, profile = match.identity, match.profile
    data = {
        "identity": {
            "slug": identity.slug,
            "name": identity.name,
            "handles": list(identity.handles),
            "photos": [_photo_json(p) for p in identity.photos],
            "own_accounts": [[a.platform, a.handle] for a in identity.own_accounts],
            "bio": identity.bio,
        },
        "profile": {
            "platform": profile.platform,
            "handle": profile.handle,
            "name": profile.name,
            "account_id": profile.account_id,
            "bio": profile.bio,
            "location": profile.location,
            "url": profile.url,
            "link": profile.link,
            "created_at": profile.created_at,
            "followers": profile.followers,
            "following": profile.following,
            "photo": _photo_json(profile.photo),
            "raw": dict(profile.raw),
        },
        "score": match.score,
        "verdict": str(match.verdict),
        "signals": [
            {
                "kind": str(s.kind),
                "value": s.value,
                "strength": s.strength,
                "detail": s.detail,
                "evidence": list(s.evidence),
            }
            for s in match.signals
        ],
        "identity_photo": match.identity_photo,
        "notes": list(match.notes),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def match_from_json(text: str) -> Match:
    data = json.loads(text)
    i, p = data["identity"], data["profile"]
    identity = Identity(
        slug=str(i["slug"]),
        name=str(i["name"]),
        handles=tuple(i["handles"]),
        photos=tuple(
            photo for photo in (_photo_from_json(x) for x in i["photos"]) if photo is not None
        ),
        own_accounts=tuple(AccountRef(platform, handle) for platform, handle in i["own_accounts"]),
        bio=str(i["bio"]),
    )
    profile = Profile(
        platform=str(p["platform"]),
        handle=str(p["handle"]),
        name=str(p["name"]),
        account_id=p["account_id"],
        bio=str(p["bio"]),
        location=str(p["location"]),
        url=str(p["url"]),
        link=str(p["link"]),
        created_at=str(p["created_at"]),
        followers=p["followers"],
        following=p["following"],
        photo=_photo_from_json(p["photo"]),
        raw=p["raw"],
    )
    return Match(
        identity=identity,
        profile=profile,
        score=float(data["score"]),
        verdict=Verdict(data["verdict"]),
        signals=tuple(
            Signal(
                kind=SignalKind(s["kind"]),
                value=float(s["value"]),
                strength=float(s["strength"]),
                detail=str(s["detail"]),
                evidence=tuple(s["evidence"]),
            )
            for s in data["signals"]
        ),
        identity_photo=data["identity_photo"],
        notes=tuple(data["notes"]),
    )
