"""Scans in the store: one row per run of the matcher, with the matches it found.

A scan writes as it goes (its matches a block at a time, each block in its own short
transaction), so its row says whether it is ``running``, ``finished`` or ``interrupted`` (its
process was killed: the matches it had written are kept, and marked by the row as partial).
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from clonecheck.models import Match, ProfileSketch
from clonecheck.store._rows import timestamp
from clonecheck.store.connection import Connection, _pid_alive
from clonecheck.store.profiles import SKETCH_COLUMNS, sketch_from_row

#: a scan's ``status``: running now, completed, or stopped before it completed
RUNNING = "running"
FINISHED = "finished"
INTERRUPTED = "interrupted"


@dataclass(frozen=True, slots=True)
class ScanRecord:
    """One row of ``scans``: when a scan ran, over what, and how many matches it found."""

    id: int
    started_at: str
    finished_at: str | None
    identity: str | None
    profiles: int
    likely: int
    possible: int
    #: ``running``, ``finished`` or ``interrupted`` (killed mid-way: its matches are partial)
    status: str = FINISHED


class ScanRows(Connection):
    """The ``scans`` and ``matches`` rows."""

    def start_scan(self, identity: str | None, config: dict[str, object]) -> int:
        """A new scan row, ``running`` under this process; scans left ``running`` by a process
        that is gone are marked ``interrupted`` first."""
        with self.transaction():
            self.mark_interrupted_scans()
            table = self.db.table("scans")
            table.insert(
                {
                    "started_at": timestamp(),
                    "identity": identity,
                    "config": json.dumps(config, sort_keys=True),
                    "profiles": 0,
                    "likely": 0,
                    "possible": 0,
                    "status": RUNNING,
                    "pid": os.getpid(),
                }
            )
            return int(table.last_pk or 0)

    def mark_interrupted_scans(self) -> int:
        """Mark ``interrupted`` every unfinished scan whose process is no longer running (a
        scan killed mid-way, or a file from before scans were written as they go); returns
        how many."""
        rows = self.db.execute(
            "select id, pid from scans where finished_at is null "
            "and (status is null or status = ?)",
            [RUNNING],
        ).fetchall()
        # a pid is only meaningful on this host; the activity rows say which host runs what
        running = {
            pid
            for _, pid, host in self.db.execute("select what, pid, host from activity")
            if host == socket.gethostname()
        }
        dead = [
            scan_id
            for scan_id, pid in rows
            if pid is None or not (pid in running and _pid_alive(int(pid)))
        ]
        for scan_id in dead:
            self.db.execute("update scans set status = ? where id = ?", [INTERRUPTED, scan_id])
        return len(dead)

    def interrupt_scan(self, scan_id: int) -> None:
        """Mark a scan that stopped before it completed (its matches so far are kept)."""
        with self.transaction():
            self.db.execute("update scans set status = ? where id = ?", [INTERRUPTED, scan_id])

    def add_matches(self, scan_id: int, matches: Iterable[Match]) -> None:
        """Record some of a running scan's matches (one block's, in its own transaction)."""
        with self.transaction():
            self._insert_matches(scan_id, matches)

    def complete_scan(self, scan_id: int, profiles: int) -> None:
        """Mark a scan ``finished``, its counts taken from the matches it recorded."""
        with self.transaction():
            likely, possible = self.db.execute(
                "select coalesce(sum(verdict = 'likely clone'), 0), "
                "coalesce(sum(verdict = 'possible'), 0) from matches where scan_id = ?",
                [scan_id],
            ).fetchone()
            self.db.table("scans").update(
                scan_id,
                {
                    "finished_at": timestamp(),
                    "profiles": profiles,
                    "likely": int(likely),
                    "possible": int(possible),
                    "status": FINISHED,
                },
            )

    def finish_scan(self, scan_id: int, matches: Sequence[Match], profiles: int) -> None:
        """Record a scan's matches all at once and mark it finished."""
        self.add_matches(scan_id, matches)
        self.complete_scan(scan_id, profiles)

    def earlier_match_pairs(self, before: int | None) -> set[tuple[str, str]]:
        """(identity slug, profile key) of every match an earlier scan (id below ``before``;
        every scan kept when None) recorded, as far as the retention rule kept them."""
        if before is None:
            rows = self.db.execute("select distinct identity_slug, profile_key from matches")
        else:
            rows = self.db.execute(
                "select distinct identity_slug, profile_key from matches where scan_id < ?",
                [before],
            )
        return {(str(slug), str(key)) for slug, key in rows}

    def prune_scan_matches(self, keep: int) -> int:
        """The retention rule: the match rows of the newest ``keep`` scans stay, older scans
        keep their summary row only (when, over what, how many found). Returns the number
        of match rows deleted."""
        with self.transaction():
            cursor = self.db.execute(
                "delete from matches where scan_id not in "
                "(select id from scans order by id desc limit ?)",
                [max(keep, 1)],
            )
            return int(cursor.rowcount or 0)

    def _insert_matches(self, scan_id: int, matches: Iterable[Match]) -> None:
        self.db.table("matches").insert_all(
            {
                "scan_id": scan_id,
                "identity_slug": m.identity.slug,
                "profile_key": m.profile.key,
                "score": round(m.score, 6),
                "verdict": str(m.verdict),
                "signals": json.dumps(
                    [
                        {
                            "kind": str(s.kind),
                            "value": s.value,
                            "strength": s.strength,
                            "detail": s.detail,
                            "evidence": list(s.evidence),
                        }
                        for s in m.signals
                    ],
                    ensure_ascii=False,
                ),
                "identity_photo": m.identity_photo,
                "notes": json.dumps(list(m.notes), ensure_ascii=False),
            }
            for m in matches
        )

    def scan_pages(self, size: int) -> Iterator[list[ProfileSketch]]:
        """Every profile's sketch (the columns a scan reads of every profile), ``size`` at a
        time in key order. Each page is its own short query (keyset, not one cursor held
        open), so a scan that writes between pages holds no read statement across its commits
        and never needs the whole crawl in memory."""
        after = ""
        while True:
            rows = self.db.execute(
                f"select {SKETCH_COLUMNS} from profiles where key > ? order by key limit ?",
                [after, size],
            ).fetchall()
            if not rows:
                return
            yield [sketch_from_row(row) for row in rows]
            after = str(rows[-1][0])

    def scans(self) -> list[ScanRecord]:
        return [
            ScanRecord(
                id=int(r["id"]),
                started_at=str(r["started_at"]),
                finished_at=r["finished_at"],
                identity=r["identity"],
                profiles=int(r["profiles"] or 0),
                likely=int(r["likely"] or 0),
                possible=int(r["possible"] or 0),
                status=str(r["status"] or (FINISHED if r["finished_at"] else INTERRUPTED)),
            )
            for r in self.db.table("scans").rows_where(order_by="id")
        ]
