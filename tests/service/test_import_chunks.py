"""An import writes its profiles a chunk per short transaction: when the store stays locked
past the wait, what was committed stays, the error says how much, and the same import run again
stores the rest without storing anything twice."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import clonecheck.service.importing as importing
from clonecheck.errors import StoreError
from clonecheck.service import Service
from clonecheck.store import Store


def write_crawl(path: Path, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["platform", "handle", "name"])
        writer.writerows(("x", f"user{i}", f"User {i}") for i in range(count))


def test_a_lock_held_mid_import_keeps_the_committed_chunks_and_a_rerun_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer takes the lock after the first chunk: the import stops with one error
    naming how many profiles were stored; once the lock is free the same import stores the
    rest, each profile once."""
    monkeypatch.setattr(importing, "PROFILE_CHUNK", 100)
    db, crawl = tmp_path / "clonecheck.db", tmp_path / "crawl.csv"
    write_crawl(crawl, 350)
    service = Service(Store.open(db, wait=0.3))
    other = sqlite3.connect(db, isolation_level=None)
    begin = service.store.transaction

    @contextmanager
    def another_writer_after_the_first_chunk() -> Iterator[None]:
        if service.store.count_profiles() and not other.in_transaction:
            other.execute("BEGIN IMMEDIATE")  # holds the lock from now on
        with begin():
            yield

    monkeypatch.setattr(service.store, "transaction", another_writer_after_the_first_chunk)
    with pytest.raises(StoreError, match=r"100 of 350 profiles from .*crawl.csv were stored"):
        service.import_file(crawl)
    assert service.store.count_profiles() == 100

    other.rollback()
    monkeypatch.undo()
    summary = Service(Store.open(db)).import_file(crawl)
    assert (summary.inserted, summary.unchanged) == (250, 100)
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from profiles").fetchone()[0] == 350
