"""Scans in the store: one row per run of the matcher, with the matches it found."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from clonecheck.models import Match
from clonecheck.store._rows import timestamp
from clonecheck.store.connection import Connection


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


class ScanRows(Connection):
    """The ``scans`` and ``matches`` rows."""

    def start_scan(self, identity: str | None, config: dict[str, object]) -> int:
        table = self.db.table("scans")
        table.insert(
            {
                "started_at": timestamp(),
                "identity": identity,
                "config": json.dumps(config, sort_keys=True),
                "profiles": 0,
                "likely": 0,
                "possible": 0,
            }
        )
        return int(table.last_pk or 0)

    def finish_scan(self, scan_id: int, matches: Sequence[Match], profiles: int) -> None:
        """Record a scan's matches; the caller wraps start/finish in one transaction."""
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
        self.db.table("scans").update(
            scan_id,
            {
                "finished_at": timestamp(),
                "profiles": profiles,
                "likely": sum(1 for m in matches if m.verdict.rank == 2),
                "possible": sum(1 for m in matches if m.verdict.rank == 1),
            },
        )

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
            )
            for r in self.db.table("scans").rows_where(order_by="id")
        ]
