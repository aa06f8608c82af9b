"""A scan dates a copy against the person's own account as stored, and weighs its shape."""

from __future__ import annotations

import csv
from pathlib import Path

from clonecheck.models import SignalKind, Verdict
from clonecheck.service import Service
from clonecheck.store import Store

ROWS = [
    # the person's own account, declared at registration
    ("x", "adalovelace", "Ada Lovelace", "2013-01-10T09:00:00Z", 5400, 380, 9100),
    # a name-only copy with a doubled letter on a new account following many
    ("x", "adalovelacce", "Ada Lovelace", "2019-03-02T12:00:00Z", 12, 1940, 3),
    # a namesake's own handle on an established account of 2011
    ("x", "adalovelace84", "Ada Lovelace", "2011-05-01T08:00:00Z", 2100, 450, 15000),
]


def test_scan_dates_the_copy_against_the_own_account_and_lowers_the_namesake(
    tmp_path: Path,
) -> None:
    """The copy is likely and says it was created six years after the person's own account;
    the established namesake is not reported."""
    service = Service(Store.open(tmp_path / "clonecheck.db"))
    service.register("Ada Lovelace", handles=["adalovelace"], own=["x:adalovelace"])
    crawl = tmp_path / "crawl.csv"
    with crawl.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["platform", "handle", "name", "created_at", "followers", "following", "posts"]
        )
        writer.writerows(ROWS)
    service.import_file(crawl)
    matches = {m.profile.handle: m for m in service.scan().matches}
    copy = matches["adalovelacce"]
    assert copy.verdict is Verdict.LIKELY_CLONE
    account = next(s for s in copy.signals if s.kind is SignalKind.ACCOUNT)
    assert "created 2019-03-02, six years after the person's own account" in account.detail
    assert "12 followers, follows 1,940; 3 posts" in account.detail
    assert "adalovelace84" not in matches
    assert "adalovelace" not in matches
