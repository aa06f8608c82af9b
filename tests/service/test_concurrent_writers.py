"""A scan shares the store with other writers: imports and registrations write while it runs,
a writer that must wait says for whom and gives up with one line, and a scan killed with
SIGKILL leaves a consistent store that the next scan completes."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import clonecheck.service.scanning
from clonecheck.config import Config
from clonecheck.errors import StoreError
from clonecheck.models import Profile
from clonecheck.service import Service
from clonecheck.store import Store

#: profiles that all resemble the registered person: every one is scored, so the scan lasts
#: several seconds, long enough for another process to start, import and finish during it,
#: even on a busy machine (8,000 was too few once names were normalised once per scan)
SEEDED = 20000
IMPORTED = 2000


def seeded_store(path: Path) -> None:
    service = Service(Store.open(path))
    service.register("Ada Lovelace", handles=["adalovelace"])
    with service.store.transaction():
        service.store.upsert_profiles(
            [Profile("x", f"adalovelace{i}", "Ada Lovelace") for i in range(SEEDED)], "seed"
        )
    service.store.close()


def cli(db: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "clonecheck", "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def wait_for_matches(db: Path, process: subprocess.Popen[str], at_least: int) -> None:
    """Until the running scan has recorded ``at_least`` matches (it is mid-way)."""
    deadline = time.monotonic() + 120
    with sqlite3.connect(db) as conn:
        while time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            count = conn.execute("select count(*) from matches").fetchone()[0]
            if count >= at_least:
                return
            time.sleep(0.05)
    pytest.fail("the scan recorded no matches in two minutes")


def test_an_import_during_a_scan_succeeds_and_neither_loses_anything(tmp_path: Path) -> None:
    """A scan and an import in two processes on the same file: the import finishes while the
    scan is still running (it used to wait for the scan's one long write transaction, and die
    with "database is locked"), both exit normally, every imported row is stored, and the scan
    records every match of the profiles it read."""
    db = tmp_path / "clonecheck.db"
    seeded_store(db)
    crawl = tmp_path / "crawl.csv"
    with crawl.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["platform", "handle", "name"])
        writer.writerows(("y", f"grace{i}", f"Grace Hopper {i}") for i in range(IMPORTED))
    scan = cli(db, "scan", "--set", "workers=1", "-f", "json", "-o", str(tmp_path / "r.json"))
    wait_for_matches(db, scan, 10)
    started = time.monotonic()
    imported = cli(db, "import", str(crawl))
    out, err = imported.communicate(timeout=120)
    assert imported.returncode == 0, err
    assert scan.poll() is None, "the scan ended before the import: make the scan longer"
    assert "Traceback" not in err
    _scan_out, scan_err = scan.communicate(timeout=300)
    assert scan.returncode in (0, 1), scan_err
    assert "Traceback" not in scan_err
    assert time.monotonic() - started < 120
    with Store.open(db) as store:
        assert store.count_profiles() == SEEDED + IMPORTED
        (record,) = store.scans()
        assert record.status == "finished"
        assert record.possible + record.likely == SEEDED
        assert store.db.execute("select count(*) from matches").fetchone()[0] == SEEDED
        assert store.running() == []


def test_a_writer_waits_for_the_running_scan_then_gives_up_with_one_line(
    tmp_path: Path,
) -> None:
    """While a scan holds the write lock, another writer says once who it waits for (what,
    when it started, its pid) and, past its bound, fails with a one-line StoreError."""
    db = tmp_path / "clonecheck.db"
    holder = Store.open(db)
    waiter = Store.open(db, wait=0.6)
    said: list[str] = []
    waiter.notice = said.append
    with holder.activity("scan"):
        with holder.transaction():
            started = time.monotonic()
            with pytest.raises(StoreError) as raised, waiter.transaction():
                pass
            assert 0.5 <= time.monotonic() - started < 5
        # the lock is free again: the same writer gets in at once
        with waiter.transaction():
            waiter.db.execute("create table probe (x)")
    assert len(said) == 1
    assert said[0].startswith("waiting for the scan that started at ")
    assert f"(pid {os.getpid()})" in said[0]
    message = str(raised.value)
    assert "\n" not in message and "busy with the scan" in message
    assert "CLONECHECK_LOCK_WAIT" in message
    assert holder.running() == []


def test_the_cli_writer_that_gives_up_exits_2_without_a_traceback(tmp_path: Path) -> None:
    """``register`` against a store another process holds: a waiting line, then one error
    line and exit code 2."""
    db = tmp_path / "clonecheck.db"
    holder = Store.open(db)
    with holder.activity("scan"), holder.transaction():
        process = cli(
            db,
            "register",
            "Grace Hopper",
            "--handle",
            "gracehopper",
            CLONECHECK_LOCK_WAIT="1",
        )
        _, err = process.communicate(timeout=120)
    assert process.returncode == 2
    assert "Traceback" not in err
    assert "waiting for the scan that started at" in err
    assert "gave up after 1 s" in err
    with Store.open(db) as store:
        assert store.identity_slugs() == []


def test_a_scan_killed_mid_way_leaves_a_consistent_store_and_the_next_one_completes(
    tmp_path: Path,
) -> None:
    """SIGKILL a scan subprocess after it has recorded some matches: the file passes SQLite's
    integrity check, its partial scan is marked interrupted (not finished), its activity row
    no longer holds anyone up, and the next scan finishes with every match."""
    db = tmp_path / "clonecheck.db"
    seeded_store(db)
    scan = cli(db, "scan", "--set", "workers=1", "-f", "json", "-o", str(tmp_path / "r.json"))
    wait_for_matches(db, scan, 10)
    scan.send_signal(signal.SIGKILL)
    scan.wait(timeout=30)
    with Store.open(db, wait=2) as store:
        assert store.db.execute("pragma integrity_check").fetchone()[0] == "ok"
        (killed,) = store.scans()
        assert killed.finished_at is None
        assert store.running() == []
        # nobody holds the lock: a writer gets in without waiting
        said: list[str] = []
        store.notice = said.append
        with store.transaction():
            pass
        assert said == []
    again = cli(db, "scan", "--set", "workers=1", "-f", "json", "-o", str(tmp_path / "r2.json"))
    _, err = again.communicate(timeout=300)
    assert again.returncode in (0, 1), err
    with Store.open(db) as store:
        first, second = store.scans()
        assert first.status == "interrupted"
        assert second.status == "finished"
        assert second.possible + second.likely == SEEDED
        recorded = store.db.execute(
            "select count(*) from matches where scan_id = ?", [second.id]
        ).fetchone()[0]
        assert recorded == SEEDED


def test_a_scan_stopped_by_an_error_is_marked_interrupted_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception in the second block (as Ctrl-C would be) leaves the scan ``interrupted``
    with the first block's matches, and the lock free: the next scan completes."""
    db = tmp_path / "clonecheck.db"
    seeded_store(db)
    blocks = 0
    real = clonecheck.service.scanning.score_block

    def failing(*args: object) -> object:
        nonlocal blocks
        blocks += 1
        if blocks == 2:
            raise KeyboardInterrupt
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(clonecheck.service.scanning, "score_block", failing)
    service = Service(Store.open(db), config=Config(workers=1))
    with pytest.raises(KeyboardInterrupt):
        service.scan()
    monkeypatch.setattr(clonecheck.service.scanning, "score_block", real)
    assert service.scan().profiles == SEEDED
    first, second = service.store.scans()
    assert (first.status, second.status) == ("interrupted", "finished")
    assert second.likely + second.possible == SEEDED
    assert service.store.running() == []
