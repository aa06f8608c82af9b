"""``clonecheck cases`` as a support team meets it: real SQLite file, the project's sample images,
exit codes and one-line errors, the audit log, what decided cases change in ``scan``, and the
evidence pack."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from clonecheck.cli import app

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"
PORTRAIT = SAMPLES / "eileen_collins.jpg"
DEMO_CSV = SAMPLES / "demo_profiles.csv"
HEADER = "platform,id,handle,name,bio,photo\n"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "clonecheck.db"
    code, _, err = run(
        path,
        "register",
        "Eileen Collins",
        "--handle",
        "eileencollins",
        "--photo",
        str(PORTRAIT),
        "--own",
        "twitter:eileencollins",
        "--bio",
        "Retired NASA astronaut. First woman to pilot and command a Space Shuttle.",
    )
    assert code == 0, err
    code, _, err = run(path, "import", str(DEMO_CSV), "--photos-dir", str(SAMPLES))
    assert code == 0, err
    return path


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def import_rows(db: Path, path: Path, *rows: str) -> None:
    lines = [row.replace("PHOTO:", f"{SAMPLES}/") for row in rows]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(db, "import", str(path), "--photos-dir", str(SAMPLES))
    assert code == 0, err


def scanned(db: Path) -> dict[str, dict[str, object]]:
    _, stdout, _ = run(db, "scan", "--format", "json")
    return {m["profile"]["handle"]: m for m in json.loads(stdout)["matches"]}


def open_case(db: Path, *args: str) -> int:
    code, stdout, err = run(db, "cases", "open", *args)
    assert code == 0, err
    return int(stdout.strip())


def test_report_to_closed_with_full_audit_log(db: Path) -> None:
    """report → confirmed clone → reported to platform → closed; `show` lists every change."""
    case = open_case(
        db,
        "--name",
        "Eileen Collins",
        "--handle",
        "eiIeencollins",
        "--photo",
        str(SAMPLES / "clone_mirrored_small.jpg"),
        "--as",
        "ana",
    )
    steps = [
        ("confirm", "--reason", "mirrored copy of her portrait", "--as", "ana"),
        ("reported", "--reason", "ticket X-123", "--as", "bo"),
        ("close", "--reason", "account suspended", "--as", "bo"),
    ]
    for command, *args in steps:
        code, _, err = run(db, "cases", command, str(case), *args)
        assert code == 0, err
    code, stdout, _ = run(db, "cases", "show", str(case))
    assert code == 0
    assert f"Case #{case}: closed" in stdout
    history = stdout[stdout.index("History") :]
    for row in [
        r"ana .*open .*confirmed clone .*mirrored copy of her portrait",
        r"bo .*confirmed clone .*reported to platform .*ticket X-123",
        r"bo .*reported to platform .*closed .*account suspended",
    ]:
        assert re.search(row, history), row
    assert "same photo, mirrored" in stdout  # the signals are shown too
    code, stdout, _ = run(db, "cases", "list", "--state", "closed")
    assert f"#{case}" in stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["close", "{id}"], "from 'open' it can become 'confirmed clone' or 'dismissed'"),
        (["dismiss", "{id}", "--note", "looks fine"], "needs a reason"),
        (["dismiss", "{id}", "--because", "bored"], "unknown dismiss reason"),
        (["show", "999"], "no case #999"),
        (["list", "--state", "pending"], "unknown case state"),
    ],
)
def test_refused_commands_are_one_line_with_exit_two(
    db: Path, args: list[str], message: str
) -> None:
    """A move outside the workflow or a dismissal without a reason: exit 2, one 'Error:' line."""
    case = open_case(db, "--from-scan", "twitter:id:1005", "--identity", "eileencollins")
    code, stdout, err = run(db, "cases", *(a.format(id=case) for a in args))
    assert code == 2
    assert err.startswith("Error: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err + stdout


#: every ``cases`` command that takes a case number ({id}), options first: after ``--`` a
#: negative number is the case number, not an option
CASE_ID_COMMANDS = [
    ["show", "--", "{id}"],
    ["confirm", "--", "{id}"],
    ["dismiss", "--because", "namesake", "--", "{id}"],
    ["reported", "--", "{id}"],
    ["close", "--", "{id}"],
    ["reopen", "--", "{id}"],
    ["assign", "--", "{id}", "bo"],
    ["note", "--", "{id}", "looked again"],
    ["evidence", "-o", "{out}", "--", "{id}"],
]


@pytest.mark.parametrize("number", ["99999999999999999999999", str(2**63), str(-(2**63) - 1)])
def test_a_case_number_beyond_sqlite_is_an_unknown_case(
    db: Path, tmp_path: Path, number: str
) -> None:
    """A case number SQLite cannot hold is refused as any unknown case is, by every command
    that takes one: the same one-line error, exit 2, and nothing written."""
    case = open_case(db, "--from-scan", "twitter:id:1005", "--identity", "eileencollins")
    pack = tmp_path / "pack.html"
    for command in CASE_ID_COMMANDS:
        unknown = run(db, "cases", *(a.format(id=999, out=pack) for a in command))
        too_large = run(db, "cases", *(a.format(id=number, out=pack) for a in command))
        assert unknown[0] == too_large[0] == 2, command
        assert too_large[2] == unknown[2].replace("#999", f"#{number}"), command
        assert too_large[2].startswith(f"Error: no case #{number}; list them with"), command
    assert not pack.exists()
    code, stdout, _ = run(db, "cases", "show", str(case))
    assert code == 0
    assert f"Case #{case}: open" in stdout
    assert "looked again" not in stdout
    assert "assigned to bo" not in stdout


def test_report_resembling_nobody_opens_nothing(db: Path) -> None:
    """`cases open` on an account that resembles nobody: exit 2, no case."""
    code, _, err = run(db, "cases", "open", "--name", "Maya Okafor", "--handle", "mayaokafor")
    assert code == 2
    assert "resembles no registered identity" in err
    _, _, err = run(db, "cases", "list")
    assert "No cases" in err


def test_dismissed_namesake_returns_when_its_evidence_changes(db: Path, tmp_path: Path) -> None:
    """A namesake dismissed once is not raised by the next scan, but is after a new photo."""
    crawl = tmp_path / "namesake.csv"
    row = "twitter,3001,eileencollinsbakes,Eileen Collins,Baker in Cork.,PHOTO:avatar_01.png"
    import_rows(db, crawl, row)
    assert scanned(db)["eileencollinsbakes"]["verdict"] == "possible"
    case = open_case(db, "--from-scan", "twitter:id:3001", "-i", "eileencollins")
    code, _, err = run(
        db, "cases", "dismiss", str(case), "--because", "namesake", "--reason", "a baker"
    )
    assert code == 0, err
    assert "eileencollinsbakes" not in scanned(db)
    import_rows(db, crawl, row.replace("avatar_01", "avatar_02"))
    assert scanned(db)["eileencollinsbakes"]["verdict"] == "possible"


def test_confirmed_clone_sibling_is_found_by_its_photo(db: Path, tmp_path: Path) -> None:
    """A later profile reusing a confirmed clone's photo under another name and handle is
    raised by the next scan, saying which case it shares the photo with."""
    case = open_case(db, "--from-scan", "twitter:id:1002", "--identity", "eileencollins")
    code, _, err = run(db, "cases", "confirm", str(case), "--reason", "mirrored copy")
    assert code == 0, err
    assert "spacenews_daily" not in scanned(db)
    import_rows(
        db,
        tmp_path / "later.csv",
        "twitter,4001,spacenews_daily,Space News Daily,Launches.,PHOTO:clone_mirrored_small.jpg",
    )
    sibling = scanned(db)["spacenews_daily"]
    assert sibling["verdict"] == "likely clone"
    assert f"shares photo with confirmed clone #{case} (@eiIeencollins)" in json.dumps(
        sibling, ensure_ascii=False
    )


def test_case_events_refuse_updates(db: Path) -> None:
    """The audit log is append-only in the database itself."""
    case = open_case(db, "--from-scan", "twitter:id:1002", "--identity", "eileencollins")
    run(db, "cases", "note", str(case), "called the owner", "--as", "ana")
    run(db, "cases", "assign", str(case), "bo", "--as", "ana")
    conn = sqlite3.connect(db)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("update case_events set note = 'nothing happened'")
    finally:
        conn.close()
    _, stdout, _ = run(db, "cases", "show", str(case))
    assert "called the owner" in stdout
    assert "assigned to bo" in stdout


def test_evidence_pack_is_one_self_contained_page(db: Path, tmp_path: Path) -> None:
    """The internal pack shows both photos as data: URIs, the signals and the history, and
    loads nothing from anywhere."""
    case = open_case(db, "--from-scan", "twitter:id:1002", "--identity", "eileencollins")
    run(db, "cases", "confirm", str(case), "--reason", "mirrored photo", "--as", "ana")
    pack = tmp_path / "pack.html"
    code, _, err = run(db, "cases", "evidence", str(case), "--internal", "--output", str(pack))
    assert code == 0, err
    html = pack.read_text(encoding="utf-8")
    assert html.count('src="data:image/jpeg;base64,') == 2
    assert "mirrored photo" in html and "confirmed clone" in html  # the history
    assert "same photo, mirrored" in html  # a signal's explanation
    assert "@eiIeencollins" in html
    # links to the profile's page are fine; nothing is loaded from anywhere
    assert re.findall(r"""src=["']?([a-z]+):""", html) == ["data", "data"]
    assert "<link" not in html
    assert "<script" not in html
    assert "@import" not in html and "url(" not in html


def test_evidence_pack_as_pdf(db: Path, tmp_path: Path) -> None:
    """``-o pack.pdf`` writes the same evidence as a PDF, photos included; ``--format``
    overrides the suffix."""
    case = open_case(db, "--from-scan", "twitter:id:1002", "--identity", "eileencollins")
    run(db, "cases", "confirm", str(case), "--reason", "mirrored photo", "--as", "ana")
    pack = tmp_path / "pack.pdf"
    code, _, err = run(db, "cases", "evidence", str(case), "--internal", "--output", str(pack))
    assert code == 0, err
    assert "(pdf)" in err
    reader = PdfReader(pack)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "same photo, mirrored" in text and "mirrored photo" in text  # a signal; the history
    assert sum(len(page.images) for page in reader.pages) == 2
    forced = tmp_path / "pack.out"
    code, _, err = run(db, "cases", "evidence", str(case), "-o", str(forced), "--format", "pdf")
    assert code == 0, err
    assert forced.read_bytes().startswith(b"%PDF-")


def test_evidence_pack_to_an_unwritable_place_is_one_line(db: Path, tmp_path: Path) -> None:
    case = open_case(db, "--from-scan", "twitter:id:1002", "--identity", "eileencollins")
    target = tmp_path / "missing" / "pack.pdf"
    code, _, err = run(db, "cases", "evidence", str(case), "--output", str(target))
    assert code != 0
    assert "cannot write evidence pack" in err and str(target) in err
