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
        first = service.import_file(crawl, photos_dir=tmp_path)
        assert first.inserted == 1
        assert first.photo_errors == (("x:@ada", "file not found"),)
        [profile] = store.profiles(["x:@ada"])
        assert profile.photo is not None
        assert profile.photo.error == "file not found"

        shutil.copy(SAMPLES / "eileen_collins.jpg", tmp_path / "later.jpg")
        again = service.import_file(crawl, photos_dir=tmp_path)
        assert again.photo_errors == ()
        assert again.photos_fetched == 1
        [profile] = store.profiles(["x:@ada"])
        assert profile.photo is not None
        assert profile.photo.digest is not None
        assert profile.photo.error is None


def test_a_corrupt_photo_does_not_stop_the_import(tmp_path: Path) -> None:
    """A truncated JPEG among good photos: every profile imported, the bad one with its reason."""
    good = tmp_path / "eileen.jpg"
    shutil.copy(SAMPLES / "eileen_collins.jpg", good)
    (tmp_path / "broken.jpg").write_bytes(good.read_bytes()[:2000])
    crawl = tmp_path / "crawl.csv"
    shutil.copy(SAMPLES / "avatar_01.png", tmp_path / "avatar.png")
    rows = f"x,a,A,{good}\nx,b,B,broken.jpg\nx,c,C,{tmp_path / 'avatar.png'}\n"
    crawl.write_text("platform,handle,name,photo\n" + rows, encoding="utf-8")
    with Store.open(tmp_path / "clonecheck.db") as store:
        summary = Service(store).import_file(crawl, photos_dir=tmp_path)
        assert summary.inserted == 3
        assert [key for key, _ in summary.photo_errors] == ["x:@b"]
        assert "corrupt" in summary.photo_errors[0][1]
        assert len(store.photo_features()) == 2


def test_a_crawl_cannot_read_local_files_outside_the_trusted_folder(tmp_path: Path) -> None:
    """A crawled CSV naming /etc/passwd, a photo outside --photos-dir and one escaping it with
    ../ gets the same refusal for each (nothing read, nothing stored); the photo inside the
    trusted folder is imported."""
    trusted = tmp_path / "photos"
    trusted.mkdir()
    shutil.copy(SAMPLES / "eileen_collins.jpg", trusted / "good.jpg")
    shutil.copy(SAMPLES / "avatar_01.png", tmp_path / "outside.png")
    crawl = tmp_path / "crawl.csv"
    crawl.write_text(
        "platform,handle,photo\nx,a,good.jpg\nx,b,/etc/passwd\nx,c,../outside.png\n"
        f"x,d,{tmp_path / 'outside.png'}\nx,e,file:///proc/self/environ\n",
        encoding="utf-8",
    )
    refusal = f"local file refused: outside the trusted photos folder {trusted.resolve()}"
    with Store.open(tmp_path / "clonecheck.db") as store:
        summary = Service(store).import_file(crawl, photos_dir=trusted)
        assert summary.inserted == 5 and summary.photos_fetched == 1
        assert dict(summary.photo_errors) == {f"x:@{h}": refusal for h in "bcde"}
        assert len(store.photo_features()) == 1


def test_without_a_trusted_folder_no_local_photo_is_read(tmp_path: Path) -> None:
    """Without --photos-dir a crawl's local photo (even beside the CSV) is refused, and a copy
    cached by an earlier trusted import is not served to it either."""
    shutil.copy(SAMPLES / "eileen_collins.jpg", tmp_path / "beside.jpg")
    crawl = tmp_path / "crawl.csv"
    crawl.write_text(f"platform,handle,photo\nx,a,{tmp_path / 'beside.jpg'}\n", encoding="utf-8")
    with Store.open(tmp_path / "clonecheck.db") as store:
        service = Service(store)
        trusted = service.import_file(crawl, photos_dir=tmp_path)
        assert trusted.photo_errors == () and trusted.photos_fetched == 1
        untrusted = service.import_file(crawl)
        assert untrusted.photos_cached == 0
        [(key, reason)] = untrusted.photo_errors
        assert key == "x:@a" and reason.startswith("local file refused:")
        assert "--photos-dir" in reason
        [profile] = store.profiles(["x:@a"])
        assert profile.photo is not None and profile.photo.digest is None
