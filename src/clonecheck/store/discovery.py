"""What discovery, follower crawls and watch runs leave in the store.

* ``discoveries``: which identity's discovery found which profile, by which query, on which
  platform and when (first and last time), so a report can say where a candidate came from.
* ``crawls``: one row per follower list (``platform:handle`` at a base URL) with the cursor to
  resume from; the caller saves it in the same transaction as the page's profiles, so a crawl
  killed at any point resumes where its last page was stored.
* ``watch_runs`` and ``watch_seen``: the history of ``watch`` and, per identity and profile,
  the strongest verdict reported so far, so a run reports only what is new or stronger.

Module functions over a ``Store`` creating their tables on first use (as ``cases.py`` does), so
files made before discovery existed gain them without a schema migration.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from clonecheck.store._rows import timestamp
from clonecheck.store.db import Store

_READY: weakref.WeakSet[Store] = weakref.WeakSet()


def ensure_discovery_tables(store: Store) -> None:
    """Create the discovery, crawl and watch tables if they are missing."""
    if store in _READY:
        return
    db = store.db
    with store.transaction():
        db.table("discoveries").create(
            {
                "identity_slug": str,
                "profile_key": str,
                "adapter": str,
                "query": str,
                "first_found_at": str,
                "last_found_at": str,
            },
            pk=("identity_slug", "profile_key"),
            if_not_exists=True,
        )
        db.table("crawls").create(
            {
                "crawl_key": str,
                "adapter": str,
                "subject": str,
                "base_url": str,
                "cursor": str,
                "pages": int,
                "profiles": int,
                "started_at": str,
                "updated_at": str,
                "finished_at": str,
            },
            pk="crawl_key",
            if_not_exists=True,
        )
        db.table("watch_runs").create(
            {
                "id": int,
                "started_at": str,
                "finished_at": str,
                "identity": str,
                "scan_id": int,
                "found": int,
                "new_likely": int,
                "new_possible": int,
                "stronger": int,
                "notes": str,
            },
            pk="id",
            if_not_exists=True,
        )
        db.table("watch_seen").create(
            {
                "identity_slug": str,
                "profile_key": str,
                "rank": int,
                "score": float,
                "first_run": int,
                "last_run": int,
            },
            pk=("identity_slug", "profile_key"),
            if_not_exists=True,
        )
    _READY.add(store)


# --- discoveries --------------------------------------------------------------------------


def record_discoveries(
    store: Store, identity: str, found: Iterable[tuple[str, str, str, str]]
) -> None:
    """Record ``(profile key, adapter, query, fetched at)`` found for ``identity``; a profile
    found again keeps its first query and time and updates the last time."""
    ensure_discovery_tables(store)
    table = store.db.table("discoveries")
    for key, adapter, query, fetched_at in found:
        old = next(table.rows_where("identity_slug = ? and profile_key = ?", [identity, key]), None)
        if old is None:
            table.insert(
                {
                    "identity_slug": identity,
                    "profile_key": key,
                    "adapter": adapter,
                    "query": query,
                    "first_found_at": fetched_at,
                    "last_found_at": fetched_at,
                }
            )
        else:
            table.update((identity, key), {"last_found_at": fetched_at})


def discovery_sources(store: Store, identity: str) -> dict[str, tuple[str, str, str]]:
    """profile key -> (adapter, query, first found at) of what discovery found for ``identity``."""
    ensure_discovery_tables(store)
    rows = store.db.table("discoveries").rows_where("identity_slug = ?", [identity])
    return {
        str(r["profile_key"]): (str(r["adapter"]), str(r["query"]), str(r["first_found_at"]))
        for r in rows
    }


# --- crawls -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CrawlState:
    """Where a follower crawl stands."""

    crawl_key: str
    cursor: str | None
    pages: int
    profiles: int
    finished: bool


def crawl_state(store: Store, crawl_key: str) -> CrawlState | None:
    ensure_discovery_tables(store)
    row = next(store.db.table("crawls").rows_where("crawl_key = ?", [crawl_key]), None)
    if row is None:
        return None
    return CrawlState(
        crawl_key=crawl_key,
        cursor=row["cursor"] or None,
        pages=int(row["pages"] or 0),
        profiles=int(row["profiles"] or 0),
        finished=bool(row["finished_at"]),
    )


def start_crawl(store: Store, crawl_key: str, adapter: str, subject: str, base_url: str) -> None:
    """A new crawl row (or the old one reset when its list was read to the end before)."""
    ensure_discovery_tables(store)
    now = timestamp()
    store.db.table("crawls").upsert(
        {
            "crawl_key": crawl_key,
            "adapter": adapter,
            "subject": subject,
            "base_url": base_url,
            "cursor": None,
            "pages": 0,
            "profiles": 0,
            "started_at": now,
            "updated_at": now,
            "finished_at": None,
        },
        pk="crawl_key",
    )


def save_crawl_page(store: Store, crawl_key: str, cursor: str | None, profiles: int) -> None:
    """Advance the crawl by one page; call inside the transaction that stores the page."""
    row = store.db.table("crawls").get(crawl_key)
    now = timestamp()
    store.db.table("crawls").update(
        crawl_key,
        {
            "cursor": cursor,
            "pages": int(row["pages"] or 0) + 1,
            "profiles": int(row["profiles"] or 0) + profiles,
            "updated_at": now,
            "finished_at": now if cursor is None else None,
        },
    )


# --- watch --------------------------------------------------------------------------------


def start_watch_run(store: Store, identity: str | None) -> int:
    ensure_discovery_tables(store)
    table = store.db.table("watch_runs")
    table.insert({"started_at": timestamp(), "identity": identity, "found": 0})
    return int(table.last_pk or 0)


def finish_watch_run(store: Store, run_id: int, values: Mapping[str, object]) -> None:
    store.db.table("watch_runs").update(run_id, {**values, "finished_at": timestamp()})


def watch_runs(store: Store) -> list[dict[str, object]]:
    """Every watch run, newest first."""
    ensure_discovery_tables(store)
    return list(store.db.table("watch_runs").rows_where(order_by="id desc"))


def seen_verdicts(store: Store) -> dict[tuple[str, str], tuple[int, float]]:
    """(identity slug, profile key) -> (strongest verdict rank, its score) reported before."""
    ensure_discovery_tables(store)
    return {
        (str(r["identity_slug"]), str(r["profile_key"])): (int(r["rank"]), float(r["score"]))
        for r in store.db.table("watch_seen").rows
    }


def remember_verdicts(
    store: Store, run_id: int, seen: Iterable[tuple[str, str, int, float]]
) -> None:
    """Keep, per (identity, profile), the strongest verdict rank and score seen so far."""
    table = store.db.table("watch_seen")
    for slug, key, rank, score in seen:
        old = next(table.rows_where("identity_slug = ? and profile_key = ?", [slug, key]), None)
        if old is None:
            table.insert(
                {
                    "identity_slug": slug,
                    "profile_key": key,
                    "rank": rank,
                    "score": score,
                    "first_run": run_id,
                    "last_run": run_id,
                }
            )
        else:
            stronger = (rank, score) > (int(old["rank"]), float(old["score"]))
            update: dict[str, object] = {"last_run": run_id}
            if stronger:
                update |= {"rank": rank, "score": score}
            table.update((slug, key), update)
