"""The inner step of a scan, with no store and no process pool: which registered identities
may each profile of a partition imitate, and how alike are they.

Everything it needs is in one picklable ``ScanIndex``, built once per scan, so a process pool
(or any worker that receives pickled arguments) can run ``score_partition`` unchanged.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from clonecheck.config import Config
from clonecheck.match.candidates import CandidateIndex
from clonecheck.match.rarity import NameRarity
from clonecheck.match.score import score_pair
from clonecheck.match.screen import PairScreen, ProfileReadings
from clonecheck.models import (
    FaceStatus,
    Identity,
    Match,
    PhotoFeatures,
    Profile,
    ProfileSketch,
    Verdict,
)

#: (profile key, handle, name): the cheap columns the name lookup needs
ProfileName = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class ScanIndex:
    """What every partition of a scan is scored against."""

    identities: tuple[Identity, ...]
    #: digest -> features of each registered photo: its largest face only, with crop hashes
    identity_photos: Mapping[str, PhotoFeatures]
    candidates: CandidateIndex
    #: drops the candidate pairs that cannot score above ``none`` before they are scored
    screen: PairScreen
    #: token frequencies of every stored profile's name, not only the partition's
    rarity: NameRarity
    #: account key -> the identity that owns it: never reported, against anyone
    owned: Mapping[str, Identity]
    config: Config
    #: identity slug -> its own accounts as stored (their creation dates date the original)
    own_profiles: Mapping[str, tuple[Profile, ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        identities: Sequence[Identity],
        identity_photos: Mapping[str, PhotoFeatures],
        rarity: NameRarity,
        owned: Mapping[str, Identity],
        config: Config,
        own_profiles: Mapping[str, tuple[Profile, ...]] | None = None,
    ) -> ScanIndex:
        return cls(
            tuple(identities),
            identity_photos,
            CandidateIndex(list(identities), identity_photos, config),
            PairScreen(identities, config, rarity),
            rarity,
            owned,
            config,
            dict(own_profiles or {}),
        )

    def photos_of(self, position: int) -> list[PhotoFeatures]:
        """The registered photos' features of the identity at ``position``."""
        digests = (p.digest for p in self.identities[position].photos if p.digest)
        return [self.identity_photos[d] for d in digests if d in self.identity_photos]


def find_candidates(
    names: Iterable[ProfileName], photos: Mapping[str, PhotoFeatures], index: ScanIndex
) -> dict[str, set[int]]:
    """Profile key -> positions (in ``index.identities``) of the identities it may imitate by
    name, photo hash or face; ``photos`` holds each profile's photo features by profile key.
    Profiles with no candidate are left out."""
    pairs: dict[str, set[int]] = {}
    for key, handle, name in names:
        hits = index.candidates.by_name(handle, name)
        if hits:
            pairs[key] = set(hits)
    keys = list(photos)
    features = [photos[key] for key in keys]
    for key, hits in zip(keys, index.candidates.by_photo(features), strict=True):
        if hits:
            pairs.setdefault(key, set()).update(hits)
    for key, hits in zip(keys, index.candidates.by_face(features), strict=True):
        if hits:
            pairs.setdefault(key, set()).update(hits)
    return pairs


def screened_candidates(
    sketches: Sequence[ProfileSketch], photos: Mapping[str, PhotoFeatures], index: ScanIndex
) -> dict[str, set[int]]:
    """``find_candidates``, then the screen's first bound (``PairScreen.pairs_worth_scoring``)
    on the sketches alone: the pairs worth reading the profile in full for. At 10,000
    identities under 3 % of candidate pairs remain, so a scan reads about one profile in
    twelve in full instead of most of them. ``score_partition`` applies the same bound
    again (to the same values, so it keeps every pair kept here)."""
    found = find_candidates(((s.key, s.handle, s.name) for s in sketches), photos, index)
    if not found:
        return found
    sketches = [s for s in sketches if s.key in found]
    readings = [ProfileReadings.of(s, index.config) for s in sketches]
    worth = index.screen.pairs_worth_scoring(
        sketches, found, readings, [s.key in photos for s in sketches]
    )
    return {s.key: set(kept) for s, kept in zip(sketches, worth, strict=True) if kept}


def faces_wanted(
    pairs: Mapping[str, Iterable[int]], photos: Mapping[str, PhotoFeatures], index: ScanIndex
) -> set[str]:
    """Digests of the candidates' photos the face model has not seen yet, of those compared
    with an identity that has a face: the model runs on nothing else."""
    return {
        photos[key].digest
        for key, positions in pairs.items()
        if key in photos
        and photos[key].face_status is FaceStatus.NOT_COMPUTED
        and any(index.candidates.has_faces(p) for p in positions)
    }


def score_partition(
    profiles: Sequence[Profile],
    photos: Mapping[str, PhotoFeatures],
    index: ScanIndex,
    candidates: Mapping[str, Iterable[int]] | None = None,
) -> list[Match]:
    """Every match (verdict above none) of these profiles against the index's identities.

    ``photos`` holds the features of the profiles' photos by digest (missing ones count as no
    photo). ``candidates`` (profile key -> identity positions) are the pairs to score; without
    them they are found here. A scan passes the ones it found before it ran the face model on
    the candidates' photos, so that a face first seen in this scan adds no pairs of its own.
    Profiles that are some identity's own account are never matched."""
    profiles = [p for p in profiles if p.account.key not in index.owned]
    if candidates is None:
        by_key = {
            p.key: photos[p.photo.digest]
            for p in profiles
            if p.photo is not None and p.photo.digest and p.photo.digest in photos
        }
        candidates = find_candidates(((p.key, p.handle, p.name) for p in profiles), by_key, index)
    matches: list[Match] = []
    profiles = [p for p in profiles if candidates.get(p.key)]
    profile_photos = [
        photos.get(p.photo.digest) if p.photo is not None and p.photo.digest else None
        for p in profiles
    ]
    readings = [ProfileReadings.of(p, index.config) for p in profiles]
    worth = index.screen.pairs_worth_scoring(
        profiles, candidates, readings, [photo is not None for photo in profile_photos]
    )
    for row, profile in enumerate(profiles):
        profile_photo = profile_photos[row]
        for position in sorted(worth[row]):
            identity = index.identities[position]
            registered = index.photos_of(position)
            if not index.screen.may_match(
                position, identity, registered, profile, profile_photo, readings[row]
            ):
                continue
            match = score_pair(
                identity,
                registered,
                profile,
                profile_photo,
                index.config,
                index.rarity,
                index.own_profiles.get(identity.slug, ()),
            )
            if match.verdict is not Verdict.NONE:
                matches.append(match)
    return matches


def collect_less() -> tuple[int, int, int]:
    """Freeze what exists now (the index, the per-string caches of names and handles) out of
    the cyclic garbage collector, and collect young objects less often; returns the previous
    thresholds. Scoring makes millions of short-lived objects, which reference counting frees
    at once, beside large long-lived ones that the collector would otherwise walk again and
    again (computing index keys took 30 % more CPU with it; a whole scan a few per cent)."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], _YOUNG_OBJECTS), threshold[1], threshold[2])
    return threshold


@contextmanager
def few_collections() -> Iterator[None]:
    """``collect_less`` while scoring, the collector as it was after."""
    threshold = collect_less()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


#: allocations between two collections of young objects while scoring (Python's default: 700)
_YOUNG_OBJECTS = 50_000
