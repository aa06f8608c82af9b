"""End to end through the service on real photos of real people (LFW subset in ../shared/data).

These are the integration tests the matching must pass: the same person in a different photo
is found by face; a re-encoded, resized or mirrored copy of the registered photo by hash;
another person is not flagged. They assert on verdicts and distances, so broken matching fails.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image, ImageOps

from clonecheck.models import SignalKind, Verdict
from clonecheck.service import Service
from clonecheck.store import Store

if TYPE_CHECKING:
    from tests.conftest import SharedData

pytestmark = pytest.mark.slow


def save_variant(source: Path, target: Path, *, size: int, mirror: bool, quality: int) -> None:
    image = Image.open(source).convert("RGB")
    if mirror:
        image = ImageOps.mirror(image)
    image.resize((size, size)).save(target, "JPEG", quality=quality)


@pytest.fixture
def world(shared_data: SharedData, tmp_path: Path) -> tuple[Service, dict[str, Path]]:
    """Tony Blair registered with one photo; a crawl with his clones and two innocents."""
    people = shared_data.faces_by_identity("lfw_dev")
    blair, bush = people["Tony_Blair"], people["Vladimir_Putin"]
    photos = {
        "registered": blair[0],
        "other_photo_same_man": blair[1],
        "stranger": bush[0],
    }
    copy = tmp_path / "blair_copy.jpg"
    save_variant(blair[0], copy, size=96, mirror=True, quality=60)
    photos["copy"] = copy
    cropped = tmp_path / "blair_cropped.jpg"
    with Image.open(blair[0]) as original:
        w, h = original.size
        corner = original.convert("RGB").crop((0, 0, round(w * 0.8), round(h * 0.8)))
        corner.resize((200, 200)).save(cropped, "JPEG", quality=80)
    photos["cropped"] = cropped
    for key, path in list(photos.items()):  # the crawl may name photos in its folder only
        if path.parent != tmp_path:
            photos[key] = Path(shutil.copy(path, tmp_path / f"{key}{path.suffix}"))
    service = Service(Store.open(tmp_path / "clonecheck.db"))
    service.register(
        "Tony Blair", handles=["tonyblair"], photos=[str(photos["registered"])], own=["x:tonyblair"]
    )
    crawl = tmp_path / "crawl.csv"
    rows = [
        ("x", "1", "tonyblair", "Tony Blair", photos["registered"]),  # his own account
        ("x", "2", "t0nyblair", "Tony Blair", photos["copy"]),  # photo copied: hash
        ("x", "3", "blairtony_", "Tony Blair", photos["other_photo_same_man"]),  # face
        ("x", "4", "vova_k", "Vladimir K.", photos["stranger"]),  # someone else
        ("x", "5", "lakeviewbakery", "Lakeview Bakery", photos["other_photo_same_man"]),
        ("x", "6", "daily_news_desk", "Daily News", photos["cropped"]),  # his photo, cropped
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["platform", "id", "handle", "name", "photo"])
    writer.writerows(rows)
    crawl.write_text(buffer.getvalue(), encoding="utf-8")
    service.import_file(crawl, photos_dir=tmp_path)
    return service, photos


def test_copy_and_same_face_are_found_stranger_and_own_account_are_not(
    world: tuple[Service, dict[str, Path]],
) -> None:
    """The scan flags the copied photo and the other photo of the same man, nobody else."""
    service, _ = world
    result = service.scan()
    by_handle = {m.profile.handle: m for m in result.matches}
    assert by_handle["t0nyblair"].verdict is Verdict.LIKELY_CLONE
    photo = next(s for s in by_handle["t0nyblair"].signals if s.kind is SignalKind.PHOTO)
    assert photo.value <= service.config.hash_strong
    assert "mirrored" in photo.evidence

    assert by_handle["blairtony_"].verdict is Verdict.LIKELY_CLONE
    face = next(s for s in by_handle["blairtony_"].signals if s.kind is SignalKind.FACE)
    assert face.value <= service.config.face_weak

    # the same face under an unrelated name is worth a look at most, never an accusation
    bakery = by_handle.get("lakeviewbakery")
    if bakery is not None:
        assert bakery.verdict is Verdict.POSSIBLE
    assert "tonyblair" not in by_handle
    assert "vova_k" not in by_handle


def test_a_cropped_copy_is_the_same_photo_by_a_crop_of_the_registered_one(
    world: tuple[Service, dict[str, Path]],
) -> None:
    """A 20 % corner crop defeats a whole-image hash; the registered photo's crops catch it,
    even under an unrelated name, and the evidence says which crop."""
    service, _ = world
    by_handle = {m.profile.handle: m for m in service.scan().matches}
    photo = next(s for s in by_handle["daily_news_desk"].signals if s.kind is SignalKind.PHOTO)
    assert photo.value <= service.config.hash_strong
    assert photo.detail.startswith("same photo, cropped (top-left 20 %)")
    assert "fits the registered photo's top-left 20 % crop" in photo.evidence


def test_crops_missing_from_an_older_store_are_computed_at_the_next_scan(
    world: tuple[Service, dict[str, Path]],
) -> None:
    """A store written before crops were kept (schema 1) still finds the cropped copy."""
    service, _ = world
    service.store.db.execute("delete from photo_crops")
    service.store.db.conn.commit()
    handles = {m.profile.handle for m in service.scan().matches}
    assert "daily_news_desk" in handles
    assert service.store.db.table("photo_crops").count == 1


def test_scan_is_recorded_and_repeatable(world: tuple[Service, dict[str, Path]]) -> None:
    """Two scans of the same store give the same matches; each is recorded."""
    service, _ = world
    first, second = service.scan(), service.scan()
    assert [(m.profile.key, m.verdict) for m in first.matches] == [
        (m.profile.key, m.verdict) for m in second.matches
    ]
    assert second.scan_id == (first.scan_id or 0) + 1


def test_check_stranger_photo_is_not_a_clone(world: tuple[Service, dict[str, Path]]) -> None:
    """A reported account with another man's photo and name is judged not a clone."""
    service, photos = world
    [match] = service.check(name="Vladimir K.", handle="vova_k", photo=str(photos["stranger"]))
    assert match.verdict is Verdict.NONE
    face = next(s for s in match.signals if s.kind is SignalKind.FACE)
    assert face.value > service.config.face_weak
