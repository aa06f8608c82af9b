"""From a scan to a case: every report row shows the profile key `cases open --from-scan`
takes and whether a case exists (with its state), the key works as `platform:@handle` or by id,
`scan --new` reports only what is new, and old scans' match rows follow a retention rule."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clonecheck.cli import app
from clonecheck.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    code, _, err = run(path, "register", "Eileen Collins", "--handle", "eileencollins",
                       "--photo", str(SAMPLES / "eileen_collins.jpg"),
                       "--own", "twitter:eileencollins")  # fmt: skip
    assert code == 0, err
    code, _, err = run(path, "import", str(SAMPLES / "demo_profiles.csv"),
                       "--photos-dir", str(SAMPLES))  # fmt: skip
    assert code == 0, err
    return path


def test_open_from_scan_takes_the_handle_or_the_stored_key(db: Path) -> None:
    """`twitter:@eiIeencollins` finds the profile stored as `twitter:id:1002`; so does the id
    form; an unknown one is one line naming both forms."""
    code, _, err = run(db, "cases", "open", "--from-scan", "twitter:@eiIeencollins",
                         "-i", "eileencollins", "--as", "ana")  # fmt: skip
    assert code == 0, err
    with Store.open(db) as store:
        key = store.db.execute("select profile_key from cases").fetchone()[0]
    assert key == "twitter:id:1002"
    # without @ and in other case: the same profile, so the same (already open) case
    code, _, err = run(db, "cases", "open", "--from-scan", "twitter:EIIEENCOLLINS",
                       "-i", "eileencollins")  # fmt: skip
    assert code == 2
    assert "case #1 is already open for @eiIeencollins" in err
    code, _, err = run(db, "cases", "open", "--from-scan", "twitter:id:1003", "-i",
                       "eileencollins")  # fmt: skip
    assert code == 0, err
    code, _, err = run(db, "cases", "open", "--from-scan", "twitter:@nobody", "-i",
                       "eileencollins")  # fmt: skip
    assert code == 2
    assert "no imported profile 'twitter:@nobody'" in err and "platform:@handle" in err


def test_every_format_shows_the_key_and_the_case(db: Path, tmp_path: Path) -> None:
    """Table, JSON, CSV and HTML rows name the profile key and the case on the pair (or none)."""
    run(db, "cases", "open", "--from-scan", "twitter:@eiIeencollins", "-i", "eileencollins")
    run(db, "cases", "confirm", "1", "--as", "ana")
    _, table, _ = run(db, "scan")
    assert "key twitter:id:1002" in table and "case #1: confirmed clone" in table
    assert "key twitter:id:1003" in table and "no case yet" in table
    _, out, _ = run(db, "scan", "-f", "json")
    cases = {m["profile"]["key"]: m["case"] for m in json.loads(out)["matches"]}
    assert cases["twitter:id:1002"] == {"id": 1, "state": "confirmed clone"}
    assert cases["twitter:id:1003"] is None
    _, out, _ = run(db, "scan", "-f", "csv")
    rows = {r["profile_key"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (rows["twitter:id:1002"]["case_id"], rows["twitter:id:1002"]["case_state"]) == (
        "1",
        "confirmed clone",
    )
    assert rows["twitter:id:1003"]["case_id"] == ""
    page = tmp_path / "r.html"
    run(db, "scan", "-f", "html", "-o", str(page))
    html = page.read_text(encoding="utf-8")
    assert '<dd class="case">#1: confirmed clone</dd>' in html
    assert '<dd class="case">no case yet</dd>' in html


def test_scan_new_reports_only_unseen_pairs_without_a_case(db: Path, tmp_path: Path) -> None:
    """The first `scan --new` reports all; the next nothing; a newly imported clone alone
    afterwards; a pair with a case never."""
    _, out, _ = run(db, "scan", "--new", "-f", "json")
    first = {m["profile"]["key"] for m in json.loads(out)["matches"]}
    assert "twitter:id:1002" in first and len(first) >= 4
    code, out, _ = run(db, "scan", "--new", "-f", "json")
    assert json.loads(out)["matches"] == []
    assert code == 0  # nothing new: no likely clone to gate on
    extra = tmp_path / "more.csv"
    extra.write_text(
        "platform,id,handle,name,bio,photo\n"
        f"x,77,eileen_collins_nasa,Eileen Collins,,{SAMPLES / 'clone_cropped.jpg'}\n"
        f"x,78,eileencollins_2,Eileen Collins,,{SAMPLES / 'clone_filtered.png'}\n",
        encoding="utf-8",
    )
    run(db, "import", str(extra), "--photos-dir", str(SAMPLES))
    run(db, "cases", "open", "--from-scan", "x:id:78", "-i", "eileencollins")
    _, out, _ = run(db, "scan", "--new", "-f", "json")
    assert [m["profile"]["key"] for m in json.loads(out)["matches"]] == ["x:id:77"]


def test_old_scans_keep_their_summary_but_not_their_matches(db: Path) -> None:
    """With `scan_history` 2, the third scan leaves match rows for the newest two scans only;
    all three scan rows stay."""
    for _ in range(3):
        run(db, "scan", "--set", "scan_history=2")
    with Store.open(db) as store:
        scans = [r[0] for r in store.db.execute("select id from scans order by id")]
        kept = [r[0] for r in store.db.execute("select distinct scan_id from matches order by 1")]
    assert scans == [1, 2, 3]
    assert kept == [2, 3]


def test_watch_follows_the_same_retention_rule_as_scan(db: Path) -> None:
    """`watch` scans as `scan` does: with `scan_history` 1, each run leaves the match rows of
    its own scan only, and every scan keeps its summary row. (The first run finds the demo's
    likely clones of her, exit 1; the second nothing new, exit 0.)"""
    for run_number, exit_code in ((1, 1), (2, 0)):
        code, _, err = run(db, "watch", "--no-discover", "--set", "scan_history=1")
        assert code == exit_code, err
        with Store.open(db) as store:
            scans = [r[0] for r in store.db.execute("select id from scans order by id")]
            kept = [r[0] for r in store.db.execute("select distinct scan_id from matches")]
            watched = [r[0] for r in store.db.execute("select scan_id from watch_runs")]
        assert scans == watched == list(range(1, run_number + 1))
        assert kept == [run_number]
