"""Face embeddings with the real dlib model on real photos of real people (LFW subset)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from clonecheck.config import DEFAULT
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
def people(shared_data: SharedData) -> dict[str, list[Face]]:
    """Two photos each of six LFW people, embedded once for the module."""
    lfw = shared_data.faces_by_identity("lfw_dev")
    chosen = sorted(name for name, paths in lfw.items() if len(paths) >= 2)[:6]
    return {name: [embed(p) for p in lfw[name][:2]] for name in chosen}


def test_same_person_in_another_photo_is_within_face_weak(people: dict[str, list[Face]]) -> None:
    """Two photos of one person: distance ≤ face_weak for at least five of six people."""
    distances = [faces.face_distance([a], [b]) for a, b in people.values()]
    assert sum(d is not None and d <= DEFAULT.face_weak for d in distances) >= 5, distances


def test_different_people_are_beyond_face_strong(people: dict[str, list[Face]]) -> None:
    """Photos of different people: every pair beyond face_strong, nearly all beyond face_weak."""
    firsts = [photos[0] for photos in people.values()]
    distances = [faces.face_distance([a], [b]) for a, b in itertools.combinations(firsts, 2)]
    assert all(d is not None and d > DEFAULT.face_strong for d in distances), distances
    assert sum(d is not None and d <= DEFAULT.face_weak for d in distances) <= 1


def test_the_demo_portrait_has_one_face_and_the_default_avatar_none() -> None:
    """The astronaut portrait shows one face; the grey silhouette shows none, and says so."""
    portrait = imaging.decode((SAMPLES / "eileen_collins.jpg").read_bytes(), "p", DEFAULT)
    status, found = faces.detect_faces(portrait, DEFAULT)
    assert status is FaceStatus.FOUND
    assert len(found) == 1
    avatar = imaging.decode((SAMPLES / "default_avatar.png").read_bytes(), "a", DEFAULT)
    assert faces.detect_faces(avatar, DEFAULT) == (FaceStatus.NO_FACE, ())


def test_a_tiny_thumbnail_gives_no_trustworthy_face() -> None:
    """A 24-pixel copy yields no face (not found or too small), never a bogus embedding."""
    portrait = imaging.decode((SAMPLES / "eileen_collins.jpg").read_bytes(), "p", DEFAULT)
    status, found = faces.detect_faces(portrait.resize((24, 18)), DEFAULT)
    assert status in {FaceStatus.NO_FACE, FaceStatus.TOO_SMALL}
    assert found == ()


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
