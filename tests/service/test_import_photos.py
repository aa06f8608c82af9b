"""Photo references during an import: unusable photos never block a profile, and are retried."""

from __future__ import annotations

import shutil
from pathlib import Path

from clonecheck.service import Service
from clonecheck.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"


def test_a_missing_photo_is_recorded_and_retried_on_the_next_import(tmp_path: Path) -> None:
    """The profile is imported with the reason; once the file exists, re-importing fetches it."""
    crawl = tmp_path / "crawl.csv"
    crawl.write_text("platform,handle,name,photo\nx,ada,Ada,later.jpg\n", encoding="utf-8")
    with Store.open(tmp_path / "clonecheck.db") as store:
        service = Service(store)
        first = service.import_file(crawl)
        assert first.inserted == 1
        assert first.photo_errors == (("x:@ada", "file not found"),)
        [profile] = store.profiles(["x:@ada"])
        assert profile.photo is not None
        assert profile.photo.error == "file not found"

        shutil.copy(SAMPLES / "eileen_collins.jpg", tmp_path / "later.jpg")
        again = service.import_file(crawl)
        assert again.photo_errors == ()
        assert again.photos_fetched == 1
        [profile] = store.profiles(["x:@ada"])
        assert profile.photo is not None
        assert profile.photo.digest is not None
        assert profile.photo.error is None


def test_a_corrupt_photo_does_not_stop_the_import(tmp_path: Path) -> None:
    """A truncated JPEG among good photos: every profile imported, the bad one with its reason."""
    good = SAMPLES / "eileen_collins.jpg"
    (tmp_path / "broken.jpg").write_bytes(good.read_bytes()[:2000])
    crawl = tmp_path / "crawl.csv"
    avatar = SAMPLES / "avatar_01.png"
    rows = f"x,a,A,{good}\nx,b,B,broken.jpg\nx,c,C,{avatar}\n"
    crawl.write_text("platform,handle,name,photo\n" + rows, encoding="utf-8")
    with Store.open(tmp_path / "clonecheck.db") as store:
        summary = Service(store).import_file(crawl)
        assert summary.inserted == 3
        assert [key for key, _ in summary.photo_errors] == ["x:@b"]
        assert "corrupt" in summary.photo_errors[0][1]
        assert len(store.photo_features()) == 2
