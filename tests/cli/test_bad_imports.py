"""`clonecheck import` on every hostile input the drill of issue 14 used, through the real CLI
and a real database file: never a traceback or a library warning, one line naming the input,
and the stored data untouched by what was refused.

A file that cannot be read at all (a JSON document nested past any parser, a 100,000-digit
number in a JSON document) is refused whole: ``Error:`` on one line naming the file, exit
code 2, nothing stored. A bad record in a file of records (a JSON line, a CSV row, an
impossible count) costs only that record: one ``skipped FILE line N: reason`` line, exit 0,
the other records imported, the bad one not stored. A bad photo reference (a local file a
crawl may not name, a photo with a corrupt EXIF block) costs only the photo."""

from __future__ import annotations

import io
import json
import sqlite3
import struct
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from clonecheck.cli import app

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"
GOOD = '{"platform": "x", "handle": "good_one", "followers": 12}'


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def stored(db: Path) -> list[tuple[object, ...]]:
    """Every stored profile and photo, as rows: what a refused input must not change."""
    with sqlite3.connect(db) as conn:
        profiles = conn.execute(
            "select key, handle, name, bio, followers, photo_digest from profiles order by key"
        ).fetchall()
        photos = conn.execute("select digest from photos order by digest").fetchall()
    return [*profiles, *photos]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database that already holds a crawl (with a photo), so 'untouched' means something."""
    path = tmp_path / "clonecheck.db"
    crawl = tmp_path / "earlier.csv"
    crawl.write_text(
        "platform,handle,name,bio,followers,photo\n"
        "twitter,earlier,Earlier Account,Was here first.,5,avatar_01.png\n",
        encoding="utf-8",
    )
    code, _, err = run(path, "import", str(crawl), "--photos-dir", str(SAMPLES))
    assert code == 0, err
    return path


# --- whole files refused ----------------------------------------------------------------------


def deep_json(folder: Path) -> Path:
    path = folder / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    return path


def huge_number_json(folder: Path) -> Path:
    path = folder / "bignum.json"
    path.write_text('[{"screen_name": "a", "id": ' + "9" * 100_000 + "}]", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (deep_json, "nested too deeply"),
        (huge_number_json, "a number with too many digits"),
    ],
    ids=["deeply-nested-json", "100000-digit-number-in-json"],
)
def test_unreadable_file_is_one_error_with_exit_two(
    db: Path, tmp_path: Path, make: Callable[[Path], Path], reason: str
) -> None:
    """A file no parser can read is one 'Error:' line naming it and why, exit 2, no
    traceback, and the database as it was."""
    before = stored(db)
    path = make(tmp_path)
    code, stdout, err = run(db, "import", str(path))
    assert code == 2
    assert err.startswith("Error: ") and len(err.strip().splitlines()) == 1
    assert str(path) in err and reason in err
    assert "Traceback" not in err + stdout
    assert stored(db) == before


# --- one record refused, the rest imported ----------------------------------------------------


def lines(name: str, bad: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_text(f"{bad}\n{GOOD}\n", encoding="utf-8")
        return path

    return make


def csv(name: str, bad_row: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_text(
            f"platform,handle,bio,followers\n{bad_row}\nx,good_one,fine,12\n", encoding="utf-8"
        )
        return path

    return make


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (
            lines("deep.jsonl", "[" * 100_000 + "]" * 100_000),
            "invalid JSON: nested too deeply",
        ),
        (
            lines(
                "bignum.jsonl",
                '{"platform": "x", "handle": "bad", "followers": 9' + "9" * 99_999 + "}",
            ),
            "invalid JSON: a number with too many digits",
        ),
        (
            lines("nan.jsonl", '{"platform": "x", "handle": "bad", "followers": NaN}'),
            "followers 'nan' is not a whole number",
        ),
        (
            lines("neginf.jsonl", '{"platform": "x", "handle": "bad", "followers": -1e400}'),
            "followers '-inf' is not a whole number",
        ),
        (csv("nan.csv", "x,bad,oops,NaN"), "followers 'NaN' is not a whole number"),
        (csv("bignum.csv", "x,bad,oops," + "9" * 100_000), "is too large to be a count"),
        (csv("quote.csv", 'x,bad,"never closed,3'), "unclosed quote"),
    ],
    ids=[
        "deeply-nested-json-line",
        "100000-digit-number-in-json-line",
        "nan-count",
        "minus-1e400-count",
        "nan-count-in-csv",
        "100000-digit-count-in-csv",
        "unterminated-csv-quote",
    ],
)
def test_bad_record_is_one_line_and_the_rest_imports(
    db: Path, tmp_path: Path, make: Callable[[Path], Path], reason: str
) -> None:
    """A bad record is one 'skipped FILE line N: reason' line; the good record after it is
    imported, the bad one is not stored, and nothing stored before changes."""
    before = stored(db)
    path = make(tmp_path)
    code, stdout, err = run(db, "import", str(path))
    assert code == 0, err
    assert "Traceback" not in err + stdout
    said = err.strip().splitlines()
    assert said[0].startswith(f"{path}: 1 imported, 0 updated, 0 unchanged, 1 skipped")
    assert len(said) == 2
    assert said[1].startswith(f"  skipped {path} line ") and reason in said[1]
    after = stored(db)
    assert [row for row in after if row not in before] == [
        ("x:@good_one", "good_one", "", "fine" if path.suffix == ".csv" else "", 12, None)
    ]
    assert set(before) <= set(after)


# --- one photo refused (or quietly decoded), the profile imported -----------------------------


def _corrupt_exif_jpeg() -> bytes:
    """A sample avatar as JPEG with an EXIF block whose description tag claims more bytes than
    the block holds (Pillow warns "Tag data larger than file" when it reads it)."""
    buffer = io.BytesIO()
    Image.open(SAMPLES / "avatar_01.png").convert("RGB").save(buffer, "JPEG")
    jpeg = buffer.getvalue()
    ifd = struct.pack("<H", 2)
    ifd += struct.pack("<HHII", 0x0112, 3, 1, 1)
    ifd += struct.pack("<HHII", 0x010E, 2, 4000, 30)
    ifd += struct.pack("<I", 0)
    app1 = b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + ifd
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


def test_the_corrupt_exif_photo_makes_pillow_warn() -> None:
    """The photo used below is one Pillow warns about, so the quiet import means something."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Image.open(io.BytesIO(_corrupt_exif_jpeg())).getexif()
    assert any("Tag data larger than file" in str(w.message) for w in caught)


@pytest.mark.parametrize(
    ("photo", "refusal"),
    [
        ("file:///etc/passwd", "local file refused"),
        ("/etc/passwd", "local file refused"),
        ("../../../../../../etc/passwd", "local file refused"),
        ("corrupt-exif.jpg", None),
    ],
    ids=["file-url", "absolute-path", "dotdot-path", "corrupt-exif"],
)
def test_bad_photo_costs_only_the_photo(
    db: Path, tmp_path: Path, photo: str, refusal: str | None
) -> None:
    """A crawl naming a system file as a photo imports the profile without it, in one line
    that echoes nothing of the file; a photo with corrupt EXIF imports with no warning
    printed (the drill saw six lines of Pillow's)."""
    trusted = tmp_path / "photos"
    trusted.mkdir()
    (trusted / "corrupt-exif.jpg").write_bytes(_corrupt_exif_jpeg())
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text(
        json.dumps({"platform": "x", "handle": "bad", "photo": photo}) + "\n", encoding="utf-8"
    )
    before = stored(db)
    # a process of its own: Pillow's warnings reach the real stderr there (pytest keeps them)
    command = [sys.executable, "-m", "clonecheck", "--db", str(db), "import", str(crawl)]
    done = subprocess.run(
        [*command, "--photos-dir", str(trusted)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    code, stdout, err = done.returncode, done.stdout, done.stderr
    assert code == 0, err
    assert "Traceback" not in err + stdout
    assert "root:" not in err + stdout
    said = err.strip().splitlines()
    assert said[0].startswith(f"{crawl}: 1 imported")
    if refusal is None:
        assert len(said) == 1, err  # no Pillow warning, no "unusable" line
        assert "0 unusable" in said[0]
    else:
        assert len(said) == 2 and said[1].startswith(f"  1 photo(s): {refusal}")
    after = stored(db)
    assert set(before) <= set(after)
    added = [row for row in after if row not in before and row[0] == "x:@bad"]
    assert len(added) == 1
    assert (added[0][5] is None) == (refusal is not None)
