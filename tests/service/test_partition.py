"""The pure inner step of a scan: scored from a picklable index, with no store and no pool."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from clonecheck.config import Config
from clonecheck.features import imaging
from clonecheck.match.rarity import NameRarity
from clonecheck.models import AccountRef, Identity, Match, Photo, PhotoFeatures, Profile, Verdict
from clonecheck.service.partition import ScanIndex, find_candidates, score_partition

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"
CONFIG = Config()


def features(name: str, *, registered: bool = False) -> PhotoFeatures:
    """Features of a sample photo as the store keeps them (crop hashes for a registered one)."""
    found, image = imaging.analyse((SAMPLES / name).read_bytes(), name, CONFIG)
    return replace(found, crops=imaging.crop_hashes(image)) if registered else found


def profile(handle: str, name: str, photo: PhotoFeatures | None) -> Profile:
    ref = Photo(source=f"{handle}.jpg", digest=photo.digest) if photo else None
    return Profile(platform="twitter", handle=handle, name=name, photo=ref)


@pytest.fixture(scope="module")
def partition() -> tuple[list[Profile], dict[str, PhotoFeatures], ScanIndex]:
    registered = features("eileen_collins.jpg", registered=True)
    eileen = Identity(
        slug="eileencollins",
        name="Eileen Collins",
        handles=("eileencollins",),
        photos=(Photo(source="eileen_collins.jpg", digest=registered.digest),),
        own_accounts=(AccountRef("twitter", "eileencollins"),),
    )
    mirrored = features("clone_mirrored_small.jpg")
    stranger = features("avatar_01.png")
    profiles = [
        profile("eiIeencollins", "Eileen Collins", mirrored),  # look-alike handle, same photo
        profile("space_fan_77", "Space Fan", mirrored),  # the photo alone
        profile("eileencollins", "Eileen Collins", registered),  # her own account
        profile("tom_k", "Tom Kowalski", stranger),
    ]
    photos = {f.digest: f for f in (registered, mirrored, stranger)}
    rarity = NameRarity.from_names(p.name for p in profiles)
    owned = {own.key: eileen for own in eileen.own_accounts}
    index = ScanIndex.build([eileen], {registered.digest: registered}, rarity, owned, CONFIG)
    return profiles, photos, index


def summary(matches: list[Match]) -> list[tuple[str, str, Verdict, float]]:
    return sorted((m.identity.slug, m.profile.handle, m.verdict, m.score) for m in matches)


def test_partition_scores_clones_and_spares_own_account_and_strangers(
    partition: tuple[list[Profile], dict[str, PhotoFeatures], ScanIndex],
) -> None:
    """Clones by handle and by photo are matched; the own account and a stranger are not."""
    profiles, photos, index = partition
    matched = {m.profile.handle: m.verdict for m in score_partition(profiles, photos, index)}
    assert matched == {"eiIeencollins": Verdict.LIKELY_CLONE, "space_fan_77": Verdict.LIKELY_CLONE}


def test_scan_index_survives_pickling_with_the_same_matches(
    partition: tuple[list[Profile], dict[str, PhotoFeatures], ScanIndex],
) -> None:
    """A worker process that receives the index pickled scores the partition the same."""
    profiles, photos, index = partition
    restored = pickle.loads(pickle.dumps((profiles, photos, index)))
    assert summary(score_partition(*restored)) == summary(score_partition(profiles, photos, index))
    assert summary(score_partition(profiles, photos, index))


def test_given_candidates_are_the_only_pairs_scored(
    partition: tuple[list[Profile], dict[str, PhotoFeatures], ScanIndex],
) -> None:
    """With candidates passed in (as a scan does), no other pair is looked up or scored."""
    profiles, photos, index = partition
    by_key = {p.key: photos[p.photo.digest] for p in profiles if p.photo and p.photo.digest}
    found = find_candidates(((p.key, p.handle, p.name) for p in profiles), by_key, index)
    assert profiles[3].key not in found
    only_first = {profiles[0].key: found[profiles[0].key]}
    matches = score_partition(profiles, photos, index, only_first)
    assert [m.profile.handle for m in matches] == ["eiIeencollins"]
    assert score_partition(profiles, photos, index, {}) == []
