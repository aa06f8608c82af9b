"""Candidate generation: the cheap indexes must never lose a pair that scoring would flag.

A scan only scores the (profile, identity) pairs the indexes propose. If a clone variant were
not proposed, it would silently go unreported, so these tests check the indexes against full
scoring on real names, and that unrelated accounts are not proposed (the point of indexing).
"""

from __future__ import annotations

import csv
import random
from typing import TYPE_CHECKING

import pytest

from clonecheck.config import DEFAULT
from clonecheck.match.candidates import CandidateIndex, iter_blocks
from clonecheck.match.score import score_pair
from clonecheck.models import (
    Identity,
    Photo,
    Verdict,
)

if TYPE_CHECKING:
    from tests.conftest import SharedData
    from tests.match.conftest import CloneVariants, MakePhoto


@pytest.fixture(scope="module")
def real_accounts(shared_data: SharedData) -> list[tuple[str, str]]:
    """(screen_name, name) of real genuine Twitter accounts with a usable name."""
    path = shared_data.path("profiles", "cresci2015", "data", "users.csv")
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        return [
            (row["screen_name"], row["name"])
            for row in csv.DictReader(handle)
            if len(row["screen_name"]) >= 6 and len(row["name"].split()) >= 2
        ]


def test_every_flagged_clone_variant_is_a_candidate(
    real_accounts: list[tuple[str, str]], clone_variants: CloneVariants
) -> None:
    """Over 60 real accounts × 10 edits, each variant scoring possible or more is proposed."""
    rng = random.Random(7)
    people = rng.sample(real_accounts, 60)
    identities = [
        Identity(slug=f"p{n}", name=name, handles=(handle,))
        for n, (handle, name) in enumerate(people)
    ]
    index = CandidateIndex(identities, {}, DEFAULT)
    missed = []
    flagged = 0
    for position, identity in enumerate(identities):
        for variant in clone_variants(identity.handles[0], identity.name, rng):
            match = score_pair(identity, [], variant, None, DEFAULT)
            if match.verdict is Verdict.NONE:
                continue
            flagged += 1
            if position not in index.by_name(variant.handle, variant.name):
                missed.append((identity.handles[0], variant.handle, variant.name))
    assert flagged > 300
    assert missed == []


def test_unrelated_accounts_are_rarely_candidates(real_accounts: list[tuple[str, str]]) -> None:
    """Real accounts are proposed for few of 100 other real people: the index prunes."""
    rng = random.Random(11)
    sample = rng.sample(real_accounts, 600)
    registered, crawl = sample[:100], sample[100:]
    identities = [
        Identity(slug=f"p{n}", name=m, handles=(h,)) for n, (h, m) in enumerate(registered)
    ]
    index = CandidateIndex(identities, {}, DEFAULT)
    proposed = sum(len(index.by_name(handle, name)) for handle, name in crawl)
    # at most one candidate per 20 profiles on average: shared first names and the like
    assert proposed / len(crawl) < 0.05 * len(identities)


def test_photo_and_face_indexes_find_copies_by_hash_and_embedding(make_photo: MakePhoto) -> None:
    """A photo a few bits from a registered one, or a face near a registered face, is proposed."""
    registered = make_photo("a" * 64, 0, face=(0.0,) * 128)
    ada = Identity("ada", "Ada Lovelace", ("adalovelace",), (Photo("ada.jpg", "a" * 64),))
    index = CandidateIndex([ada], {registered.digest: registered}, DEFAULT)
    near, far = make_photo("b" * 64, 0b1011), make_photo("c" * 64, 0x0F0F_F0F0_3C3C_C3C3)
    assert index.by_photo([near, far]) == [{0}, set()]
    same_face = make_photo("d" * 64, 0x0F0F_F0F0_3C3C_C3C3, face=(0.03,) * 128)
    other_face = make_photo("e" * 64, 0x0F0F_F0F0_3C3C_C3C3, face=(0.2,) * 128)
    assert index.by_face([same_face, other_face]) == [{0}, set()]


def test_iter_blocks_covers_everything_in_order() -> None:
    """Blocks partition the input in order; only the last may be short."""
    assert list(iter_blocks(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(iter_blocks([], 3)) == []
