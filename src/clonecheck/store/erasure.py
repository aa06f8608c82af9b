"""Erasing a registered person: every row that holds their data, and the bytes under it.

A person asked to be forgotten, so removal is complete, not just the ``identities`` row:

* deleted: the identity with its handles, photos and own accounts; their scans' matches;
  the crawled profiles of their own accounts (their name, bio and photo as the platform showed
  them) with those profiles' matches; what discovery and ``watch`` recorded for them (the
  queries were their name); their change log; and the features, crops, thumbnails, original
  bytes and fetch-cache rows of every photo nothing else uses.
* kept, because the team must keep a case's evidence: a case opened against them keeps the
  reported account (its profile row, its photo with its bytes, its verdict, score and history)
  so a platform report or an appeal can still be answered. What the case's snapshot said about
  the person is replaced: no name (``REMOVED_NAME``), slug, handles, photos, own accounts or
  bio, and their name, handles and bio are cut out of the signals' explanations. A line
  appended to the case's (append-only) history says so. A photo another identity registered
  or a stored profile shows stays too, and the report says which use kept it.
* wiped: SQLite leaves deleted rows in free pages and in the write-ahead log until something
  overwrites them. Every connection turns ``secure_delete`` on (``Connection.open``), which
  zeroes deleted content as it is freed; after the removal the log is checkpointed into the
  file and truncated. A build where ``secure_delete`` cannot be turned on gets a ``VACUUM``
  instead, which rewrites the whole file without its free pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from clonecheck.models import Identity, normalize_handle
from clonecheck.store.connection import Connection

#: what a case's snapshot says instead of the person's name, and the slug it keeps
REMOVED_NAME = "(removed person)"
REMOVED_SLUG = ""
#: what replaces the person's name, handles and bio inside a signal's explanation
REDACTED = "[removed]"
#: who the history line appended to a case names as having acted
ERASER = "clonecheck"


@dataclass(frozen=True, slots=True)
class Erasure:
    """What removing a person did: the lines to tell the user, and how the bytes were wiped."""

    identity: Identity
    #: what was deleted, one line each ("2 handles", "14 scan matches", ...)
    removed: tuple[str, ...]
    #: what was kept and why, one line each
    kept: tuple[str, ...]
    #: how deleted content was overwritten ("secure_delete" or "VACUUM"), or "" in memory
    wiped: str
    #: True when another connection kept the write-ahead log from being truncated (its old
    #: pages are overwritten as the log is reused, or at the next checkpoint)
    log_busy: bool = False


def _plural(n: int, word: str, words: str = "") -> str:
    return f"{n} {word}" if n == 1 else f"{n} {words or word + 's'}"


def _redactor(identity: Identity) -> re.Pattern[str] | None:
    """A pattern for the person's own strings: name (whole, its words and run together),
    slug, handles, own accounts' handles and bio; matched case-insensitively, not inside a
    longer word."""
    words = re.findall(r"\w+", identity.name)
    strings = {
        identity.name,
        identity.slug,
        identity.bio,
        "".join(words),
        *(w for w in words if len(w) >= 3),
        *identity.handles,
        *(normalize_handle(h) for h in identity.handles),
        *(own.handle for own in identity.own_accounts),
    }
    parts = sorted((s.strip() for s in strings if s and s.strip()), key=len, reverse=True)
    if not parts:
        return None
    alternatives = "|".join(re.escape(p) for p in parts)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _redact(value: Any, pattern: re.Pattern[str] | None) -> Any:
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, list):
        return [_redact(v, pattern) for v in value]
    return value


def _redacted_snapshot(text: str, pattern: re.Pattern[str] | None) -> str:
    """A case's stored match (``cases.match_to_json``) without the person: the reported
    profile, score, verdict and signal strengths stay; the person's part is emptied."""
    data = json.loads(text)
    data["identity"] = {
        "slug": REMOVED_SLUG,
        "name": REMOVED_NAME,
        "handles": [],
        "photos": [],
        "own_accounts": [],
        "bio": "",
    }
    data["identity_photo"] = None
    for signal in data.get("signals", []):
        signal["detail"] = _redact(signal.get("detail", ""), pattern)
        signal["evidence"] = _redact(signal.get("evidence", []), pattern)
    data["notes"] = _redact(data.get("notes", []), pattern)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def secure_delete_on(store: Connection) -> bool:
    """Turn ``secure_delete`` on for this connection; False when this SQLite build cannot."""
    row = store.db.execute("PRAGMA secure_delete = ON").fetchone()
    return row is not None and int(row[0]) == 1


def erase(store: Connection, identity: Identity) -> Erasure:
    """Remove ``identity`` (as loaded from ``store``) and everything that holds their data,
    in one transaction; then overwrite what was deleted. See the module docstring."""
    can_wipe = secure_delete_on(store)
    removed: list[str] = []
    kept: list[str] = []
    with store.transaction():
        tables = set(store.db.table_names())
        _erase_rows(store, identity, tables, removed, kept)
    wiped, busy = _wipe(store, can_wipe)
    return Erasure(identity, tuple(removed), tuple(kept), wiped, busy)


def _erase_rows(
    store: Connection, identity: Identity, tables: set[str], removed: list[str], kept: list[str]
) -> None:
    db = store.db
    slug = identity.slug
    row = db.execute("select id from identities where slug = ?", [slug]).fetchone()
    identity_id = int(row[0])
    pattern = _redactor(identity)

    def count(sql: str, args: Sequence[Any]) -> int:
        return int(db.execute(sql, args).fetchone()[0])

    def delete(sql: str, args: Sequence[Any]) -> int:
        return int(db.execute(sql, args).rowcount)

    # cases: the reported account is kept as evidence, the person's part of the snapshot goes
    case_ids: list[int] = []
    if "cases" in tables:
        rows = db.execute(
            "select id, state, match_json from cases where identity_slug = ? "
            "or json_extract(match_json, '$.identity.slug') = ? order by id",
            [slug, slug],
        ).fetchall()
        at = datetime.now(UTC).isoformat(timespec="seconds")
        for case_id, state, match_json in rows:
            snapshot = _redacted_snapshot(str(match_json), pattern) if match_json else None
            db.execute(
                "update cases set identity_slug = null, match_json = ? where id = ?",
                [snapshot, case_id],
            )
            db.table("case_events").insert(
                {
                    "case_id": case_id,
                    "at": at,
                    "actor": ERASER,
                    "from_state": state,
                    "to_state": state,
                    "reason": "the person was removed from clonecheck",
                    "note": "their name, handles, photos, own accounts and bio were erased "
                    "from this case; the reported account and its photo are kept as evidence",
                }
            )
            case_ids.append(int(case_id))
    if case_ids:
        kept.append(
            f"{_plural(len(case_ids), 'case')} ("
            + ", ".join(f"#{n}" for n in case_ids)
            + "): the reported account, its photo, verdict and history, which the team keeps "
            "as evidence; the person's name, handles, photos and bio in them were erased "
            "(notes the team wrote in a case's history stay as written: it is append-only)"
        )

    # the crawled profiles of their own accounts: the person's own data, unless a case needs it
    own_profiles = _own_profile_keys(store, identity)
    in_cases: set[str] = set()
    if own_profiles and "cases" in tables:
        in_cases = {
            str(k)
            for (k,) in db.execute(
                "select distinct profile_key from cases where profile_key in "
                f"({', '.join('?' * len(own_profiles))})",
                list(own_profiles),
            )
        }
    digests = [p.digest for p in identity.photos if p.digest]
    n_matches = delete("delete from matches where identity_slug = ?", [slug])
    gone_profiles = [k for k in own_profiles if k not in in_cases]
    for key in gone_profiles:
        digest = db.execute("select photo_digest from profiles where key = ?", [key]).fetchone()
        if digest and digest[0]:
            digests.append(str(digest[0]))
        n_matches += delete("delete from matches where profile_key = ?", [key])
        for table in ("discoveries", "watch_seen"):
            if table in tables:
                delete(f"delete from {table} where profile_key = ?", [key])
        db.execute("delete from profiles where key = ?", [key])
    for key in sorted(in_cases):
        kept.append(f"profile {key} (one of their own accounts): a case is about it")

    # the identity itself
    n_handles = delete("delete from identity_handles where identity_id = ?", [identity_id])
    delete("delete from identity_photos where identity_id = ?", [identity_id])
    n_own = delete("delete from own_accounts where identity_id = ?", [identity_id])
    db.execute("delete from identities where id = ?", [identity_id])
    removed.append(
        f"the identity {slug} ({_plural(n_handles, 'handle')}, "
        f"{_plural(n_own, 'own account')}, {_plural(len(identity.photos), 'photo')}, bio)"
    )
    if n_matches:
        removed.append(_plural(n_matches, "scan match", "scan matches"))
    if gone_profiles:
        removed.append(
            f"{_plural(len(gone_profiles), 'crawled profile')} of their own accounts: "
            + ", ".join(gone_profiles)
        )

    # what else was recorded under their name
    n_found = 0
    for table in ("discoveries", "watch_seen"):
        if table in tables:
            n_found += delete(f"delete from {table} where identity_slug = ?", [slug])
    if n_found:
        removed.append(f"{_plural(n_found, 'discovery or watch record')} (queries by their name)")
    if "identity_changes" in tables:
        n_log = delete("delete from identity_changes where identity_slug = ?", [slug])
        if n_log:
            removed.append(f"{_plural(n_log, 'logged change')} (their earlier names and handles)")
    n_runs = count("select count(*) from scans where identity = ?", [slug])
    db.execute("update scans set identity = ? where identity = ?", [REMOVED_NAME, slug])
    if "watch_runs" in tables:
        for run_id, notes in db.execute(
            "select id, notes from watch_runs where identity = ?", [slug]
        ).fetchall():
            try:
                cleaned = json.dumps(_redact(json.loads(notes or "[]"), pattern))
            except ValueError:
                cleaned = "[]"
            db.execute(
                "update watch_runs set identity = ?, notes = ? where id = ?",
                [REMOVED_NAME, cleaned, run_id],
            )
            n_runs += 1
    if n_runs:
        removed.append(
            f"their slug from {_plural(n_runs, 'scan or watch run')} made for them alone "
            "(the runs' counts stay)"
        )

    # photos: features and bytes go unless something else still shows the photo
    n_photos = 0
    for digest in dict.fromkeys(digests):
        why = _photo_use(store, digest, tables)
        if why is None:
            for table in ("photos", "photo_data", "photo_crops", "photo_sources"):
                delete(f"delete from {table} where digest = ?", [digest])
            n_photos += 1
            continue
        if not count("select count(*) from identity_photos where digest = ?", [digest]):
            # crop hashes serve registered photos only
            delete("delete from photo_crops where digest = ?", [digest])
        kept.append(f"photo sha256 {digest[:12]}… with its bytes: {why}")
    if n_photos:
        removed.append(
            f"{_plural(n_photos, 'photo')} with their features, face embeddings, thumbnails "
            "and bytes"
        )
    # where their registered photos were fetched from (a path or URL may name them)
    for photo in identity.photos:
        if not count("select count(*) from profiles where photo_source = ?", [photo.source]):
            delete("delete from photo_sources where source = ?", [photo.source])


def _own_profile_keys(store: Connection, identity: Identity) -> list[str]:
    """Keys of the stored profiles that are the person's declared own accounts."""
    keys: list[str] = []
    for own in identity.own_accounts:
        rows = store.db.execute(
            "select key, handle from profiles where platform = ? and lower(handle) in (?, ?)",
            [own.platform, own.handle.lower(), "@" + own.handle.lower()],
        ).fetchall()
        keys.extend(
            str(k) for k, h in rows if normalize_handle(str(h)) == normalize_handle(own.handle)
        )
    return list(dict.fromkeys(keys))


def _photo_use(store: Connection, digest: str, tables: Iterable[str]) -> str | None:
    """Why a photo must stay (another identity, a stored profile, a case), or None."""
    db = store.db
    other = db.execute(
        "select i.slug from identity_photos p join identities i on i.id = p.identity_id "
        "where p.digest = ? limit 1",
        [digest],
    ).fetchone()
    if other:
        return f"also registered to identity {other[0]}"
    if "cases" in set(tables):
        cases = [
            int(n)
            for (n,) in db.execute(
                "select id from cases where json_extract(match_json, '$.profile.photo.digest') = ? "
                "or json_extract(match_json, '$.identity_photo') = ? order by id",
                [digest, digest],
            )
        ]
        if cases:
            listed = ", ".join(f"#{n}" for n in cases)
            return f"the reported account's photo in case {listed}, kept as evidence"
    profile = db.execute(
        "select key from profiles where photo_digest = ? limit 1", [digest]
    ).fetchone()
    if profile:
        return f"the photo of stored profile {profile[0]}"
    return None


def _wipe(store: Connection, can_wipe: bool) -> tuple[str, bool]:
    """Overwrite what the removal freed: ``secure_delete`` already zeroed it in the pages;
    the checkpoint writes those pages into the file and truncates the log that held the old
    ones. Without ``secure_delete``, ``VACUUM`` rebuilds the file without free pages."""
    if store.path is None:
        return "", False
    how = "secure_delete"
    if not can_wipe:
        store.db.execute("VACUUM")
        how = "VACUUM"
    busy, _, _ = store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return how, bool(busy)
