"""Face embeddings with the real dlib model on real photos of real people (LFW subset)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from clonecheck.config import DEFAULT, Config
from clonecheck.features import faces, imaging
from clonecheck.models import Face, FaceStatus

if TYPE_CHECKING:
    from tests.conftest import SharedData

pytestmark = pytest.mark.slow
SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"


def embed(path: Path) -> Face:
    image = imaging.decode(path.read_bytes(), str(path), DEFAULT)
    status, found = faces.detect_faces(image, DEFAULT)
    assert status is FaceStatus.FOUND, path
    face = faces.largest_face(found)
    assert face is not None
    assert len(face.encoding) == 128
    return face


@pytest.fixture(scope="module")
def lfw(shared_data: SharedData) -> dict[str, list[Path]]:
    return shared_data.faces_by_identity("lfw_dev")


@pytest.fixture(scope="module")
def people(lfw: dict[str, list[Path]]) -> dict[str, list[Face]]:
    """Two photos each of five LFW people, embedded once for the module."""
    chosen = sorted(name for name, paths in lfw.items() if len(paths) >= 2)[:5]
    return {name: [embed(p) for p in lfw[name][:2]] for name in chosen}


def test_same_person_in_another_photo_is_within_face_weak(people: dict[str, list[Face]]) -> None:
    """Two different photos of one person: distance ≤ face_weak (0.6) for at least 4 of 5
    people (over all 540 same-person pairs of lfw_dev, 97.6 % are)."""
    distances = [faces.face_distance([a], [b]) for a, b in people.values()]
    assert sum(d is not None and d <= DEFAULT.face_weak for d in distances) >= 4, distances


def test_different_people_are_beyond_face_weak(people: dict[str, list[Face]]) -> None:
    """Photos of different people: all 10 pairs of these five beyond face_weak (0.6); over
    every different-person pair of lfw_dev, 0.6 % fall within it."""
    firsts = [photos[0] for photos in people.values()]
    distances = [faces.face_distance([a], [b]) for a, b in itertools.combinations(firsts, 2)]
    assert all(d is not None and d > DEFAULT.face_weak for d in distances), distances


def test_small_avatars_are_found_by_the_extra_upsampling_pass(lfw: dict[str, list[Path]]) -> None:
    """64-px copies of real photos: one upsampling pass finds about half the faces (24 of 45
    measured), the retry with a second pass all of them, and each embedding stays within
    face_weak of the full-size photo's (measured median 0.32, max 0.56)."""
    for person in sorted(lfw)[:5]:
        full = embed(lfw[person][0])
        image = imaging.decode(lfw[person][0].read_bytes(), person, DEFAULT)
        status, found = faces.detect_faces(
            image.resize((64, 64), Image.Resampling.LANCZOS), DEFAULT
        )
        assert status is FaceStatus.FOUND, person
        distance = faces.face_distance([full], found)
        assert distance is not None
        assert distance <= DEFAULT.face_weak, (person, distance)


def test_larger_photos_start_without_upsampling_small_avatars_with_it() -> None:
    """Upsampling costs four times as much at 250 px and finds nothing more there (README,
    face detector), so only avatars under SMALL_AVATAR get it from the first try."""
    assert faces.upsample_passes(96, DEFAULT) == 1
    assert faces.upsample_passes(faces.SMALL_AVATAR, DEFAULT) == 0
    assert faces.upsample_passes(400, Config(face_upsample=2)) == 1
    assert faces.upsample_passes(400, Config(face_upsample=0)) == 0


def test_the_demo_portrait_has_one_face_and_the_default_avatar_none() -> None:
    """The astronaut portrait shows one face; the grey silhouette shows none, and says so."""
    portrait = imaging.decode((SAMPLES / "eileen_collins.jpg").read_bytes(), "p", DEFAULT)
    status, found = faces.detect_faces(portrait, DEFAULT)
    assert status is FaceStatus.FOUND
    assert len(found) == 1
    avatar = imaging.decode((SAMPLES / "default_avatar.png").read_bytes(), "a", DEFAULT)
    assert faces.detect_faces(avatar, DEFAULT) == (FaceStatus.NO_FACE, ())


@pytest.mark.parametrize("size", [(30, 30), (24, 18)])
def test_a_tiny_thumbnail_gives_no_trustworthy_face(size: tuple[int, int]) -> None:
    """A 30- or 24-pixel copy yields no face (not found or too small), never a bogus one."""
    portrait = imaging.decode((SAMPLES / "eileen_collins.jpg").read_bytes(), "p", DEFAULT)
    status, found = faces.detect_faces(portrait.resize(size), DEFAULT)
    assert status in {FaceStatus.NO_FACE, FaceStatus.TOO_SMALL}
    assert found == ()


def test_faces_under_min_face_px_are_too_small() -> None:
    """A face that is found but smaller than min_face_px is TOO_SMALL, not a weak match."""
    portrait = imaging.decode((SAMPLES / "eileen_collins.jpg").read_bytes(), "p", DEFAULT)
    status, found = faces.detect_faces(portrait, DEFAULT)
    assert status is FaceStatus.FOUND
    strict = Config(
        min_face_px=min(found[0].bottom - found[0].top, found[0].right - found[0].left) + 1
    )
    assert faces.detect_faces(portrait, strict) == (FaceStatus.TOO_SMALL, ())


def test_large_photos_are_scaled_for_detection_but_boxes_stay_in_their_pixels() -> None:
    """A 1,600-px upscale finds the same face, with a box in the large image's coordinates."""
    portrait = imaging.decode((SAMPLES / "eileen_collins.jpg").read_bytes(), "p", DEFAULT)
    big = portrait.resize((portrait.width * 4, portrait.height * 4), Image.Resampling.BICUBIC)
    _, small_faces = faces.detect_faces(portrait, DEFAULT)
    status, big_faces = faces.detect_faces(big, DEFAULT)
    assert status is FaceStatus.FOUND
    assert big_faces[0].area == pytest.approx(small_faces[0].area * 16, rel=0.35)
    distance = faces.face_distance(small_faces, big_faces)
    assert distance is not None
    assert distance < DEFAULT.face_strong


def test_largest_face_and_distance_helpers() -> None:
    """largest_face picks by area; face_distance is the closest pair, None without faces."""
    small = Face(0, 10, 10, 0, (0.0,) * 128)
    large = Face(0, 50, 50, 0, (1.0,) * 128)
    assert faces.largest_face([small, large]) is large
    assert faces.largest_face([]) is None
    assert faces.face_distance([small], [large, small]) == 0.0
    assert faces.face_distance([], [small]) is None
