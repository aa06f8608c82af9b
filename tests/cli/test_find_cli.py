"""clonecheck find --photo: every imported profile with this photo or face, nobody registered."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from clonecheck.cli import app

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"


def test_find_photo_reports_the_copies_and_leaves_nothing_registered(tmp_path: Path) -> None:
    """The demo crawl searched with Eileen Collins's portrait: her account and the copies of her
    photo (mirrored, cropped, face crop) are found; the identities table stays empty."""
    db = tmp_path / "find.db"
    runner = CliRunner()
    imported = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "import",
            str(SAMPLES / "demo_profiles.csv"),
            "--photos-dir",
            str(SAMPLES),
        ],
    )
    assert imported.exit_code == 0, imported.output
    result = runner.invoke(
        app,
        ["--db", str(db), "find", "--photo", str(SAMPLES / "eileen_collins.jpg"), "-f", "json"],
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    likely = {m["profile"]["handle"] for m in report["matches"] if m["verdict"] == "likely clone"}
    assert {"eileencollins", "eiIeencollins", "eileen_collins_"} <= likely
    assert all(
        any(s["kind"] in ("photo", "face") and s["strength"] > 0 for s in m["signals"])
        for m in report["matches"]
    )
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from identities").fetchone()[0] == 0
        assert conn.execute("select count(*) from scans").fetchone()[0] == 0


def test_find_photo_without_a_face_is_a_clear_error(tmp_path: Path) -> None:
    """A photo with no face cannot be searched by face: exit 2 and the reason."""
    db = tmp_path / "find.db"
    result = CliRunner().invoke(
        app, ["--db", str(db), "find", "--photo", str(SAMPLES / "default_avatar.png")]
    )
    assert result.exit_code == 2
    assert "face" in result.output
