"""What the matching tests share: the edits clone makers use, and photo features made to
measure (hashes a chosen number of bits apart, a face at a chosen place)."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from clonecheck.models import HASH_KINDS, Face, FaceStatus, PhotoFeatures, Profile

CloneVariants = Callable[[str, str, random.Random], list[Profile]]
MakePhoto = Callable[..., PhotoFeatures]


def _clone_variants(handle: str, name: str, rng: random.Random) -> list[Profile]:
    """The handle and name edits clone makers use, one profile each."""
    i = rng.randrange(1, len(handle) - 1)
    handles = [
        handle[:i] + handle[i] + handle[i:],  # doubled letter
        handle[:i] + handle[i + 1 :],  # dropped letter
        handle[: i - 1] + handle[i] + handle[i - 1] + handle[i + 1 :],  # swapped neighbours
        handle + "1",
        handle + "_",
        "real" + handle,
        handle.replace("o", "0").replace("l", "I"),
        handle.replace("a", "а").replace("e", "е"),  # Cyrillic
    ]
    variants = [Profile("twitter", h, name=name) for h in handles]
    variants.append(Profile("twitter", "x" + str(rng.randrange(10**6)), name=name))
    variants.append(Profile("twitter", "y" + str(rng.randrange(10**6)), name=name + " 🌸"))
    return variants


def _photo(digest: str, value: int, face: tuple[float, ...] | None = None) -> PhotoFeatures:
    """Features whose every hash is ``value`` (mirrored: its complement), with one face."""
    hashes = dict.fromkeys(HASH_KINDS, f"{value:016x}")
    hashes |= {f"{kind}_mirror": f"{value ^ 0xFFFF_FFFF_FFFF_FFFF:016x}" for kind in HASH_KINDS}
    faces = (Face(0, 50, 50, 0, face),) if face else ()
    return PhotoFeatures(
        digest, 100, 100, hashes, FaceStatus.FOUND if faces else FaceStatus.NO_FACE, faces
    )


@pytest.fixture(scope="session")
def clone_variants() -> CloneVariants:
    return _clone_variants


@pytest.fixture(scope="session")
def make_photo() -> MakePhoto:
    return _photo
