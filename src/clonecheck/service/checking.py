"""Checking one reported account against the registry, without adding it to the profiles.

What the check compares with (the identities, their photos' features, the candidate index,
the name-rarity table) is built once per process and kept warm for the store's file until
the registry or the profiles' names change (``Store.change_counts``): a running web app
answers a check in milliseconds, not seconds, with 10,000 people registered.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from clonecheck.config import Config
from clonecheck.errors import InputError
from clonecheck.match.candidates import CandidateIndex
from clonecheck.match.rarity import NameRarity
from clonecheck.match.score import score_pair
from clonecheck.models import Identity, Match, Photo, PhotoFeatures, Profile, Verdict
from clonecheck.service.photos import PhotoAnalyser
from clonecheck.service.scanning import NO_IDENTITIES, chosen_identities, name_rarity

#: with this many identities or fewer, a check scores every one (the answer then also says
#: how far the account is from each); above it, only the candidates the index picks (the
#: same flagged matches: the index's thresholds are looser than the verdicts')
SCORE_ALL_UP_TO = 200


@dataclass(frozen=True, slots=True)
class Registry:
    """Everything a check compares an account with, built from the store in a few queries."""

    identities: tuple[Identity, ...]
    photos: Mapping[str, PhotoFeatures]
    index: CandidateIndex
    rarity: NameRarity
    #: account key -> the identity that owns it
    owned: Mapping[str, Identity]
    #: slug -> position in ``identities`` (the index answers with positions)
    positions: Mapping[str, int]

    @classmethod
    def build(cls, analyser: PhotoAnalyser) -> Registry:
        identities = analyser.store.identities()
        photos = analyser.identity_photos(identities)
        return cls(
            tuple(identities),
            photos,
            CandidateIndex(identities, photos, analyser.config),
            name_rarity(analyser.store),
            {own.key: i for i in identities for own in i.own_accounts},
            {identity.slug: p for p, identity in enumerate(identities)},
        )

    def photos_of(self, identity: Identity) -> list[PhotoFeatures]:
        return [self.photos[d] for p in identity.photos if (d := p.digest) and d in self.photos]


#: (database file, settings) -> (the store's change counts when built, the registry)
_WARM: dict[tuple[str, Config], tuple[tuple[int, int], Registry]] = {}
_WARM_LOCK = threading.Lock()


def registry(analyser: PhotoAnalyser) -> Registry:
    """The registry of this store, from the warm copy while the store has not changed since
    it was built (an in-memory store is built each time)."""
    store = analyser.store
    if store.path is None:
        return Registry.build(analyser)
    key = (str(store.path.resolve()), analyser.config)
    counts = store.change_counts()
    with _WARM_LOCK:
        warm = _WARM.get(key)
    if warm is not None and warm[0] == counts:
        return warm[1]
    built = Registry.build(analyser)
    with _WARM_LOCK:
        _WARM[key] = (counts, built)
    return built


def check(
    photos: PhotoAnalyser,
    *,
    name: str = "",
    handle: str = "",
    photo: str | None = None,
    photo_source: str | None = None,
    bio: str = "",
    platform: str = "reported",
    identity: str | None = None,
) -> list[Match]:
    """Judge one reported account against the registry (or one identity), best first.

    The account is not added to the stored profiles; its photo's features are cached.
    ``photo_source`` names the photo in the result instead of ``photo`` (a path or URL).
    With few identities registered (``SCORE_ALL_UP_TO``) every one is scored, so the answer
    also says how far the account is from each; with more, the candidates the index picks
    (by name, handle, photo hash and face), which hold every flagged match."""
    if not (name.strip() or handle.strip() or photo):
        raise InputError("give at least one of --name, --handle or --photo to check")
    store = photos.store
    warm = registry(photos)
    if identity:
        slugs = {i.slug for i in chosen_identities(store, identity)}
        identities: Sequence[Identity] = [i for i in warm.identities if i.slug in slugs]
    else:
        identities = warm.identities
    if not identities:
        raise InputError(NO_IDENTITIES)
    profile_photo: PhotoFeatures | None = None
    photo_ref = None
    if photo:
        with photos.fetcher() as fetcher:
            data = fetcher.fetch(photo).data
        with store.transaction():
            analysed = photos.analyse_and_save(photo, data, registered=False)
            profile_photo = photos.ensure_faces([analysed.digest]).get(analysed.digest)
        photo_ref = Photo(
            source=photo_source or photo,
            digest=profile_photo.digest if profile_photo else None,
        )
    profile = Profile(
        platform=platform, handle=handle or "(none)", name=name, bio=bio, photo=photo_ref
    )
    if len(identities) > SCORE_ALL_UP_TO:
        identities = candidates(warm, identities, profile, profile_photo)
    matches = [
        score_pair(i, warm.photos_of(i), profile, profile_photo, photos.config, warm.rarity)
        for i in identities
    ]
    owner = warm.owned.get(profile.account.key)
    if owner is not None:
        note = f"{profile.account} is registered as {owner.name}'s own account"
        matches = [
            replace(m, score=0.0, verdict=Verdict.NONE, notes=(*m.notes, note))
            if m.identity.slug != owner.slug
            else m
            for m in matches
        ]
    matches.sort(key=lambda m: (-m.score, m.identity.slug))
    return matches


def candidates(
    warm: Registry,
    identities: Sequence[Identity],
    profile: Profile,
    photo: PhotoFeatures | None,
) -> list[Identity]:
    """The identities (of ``identities``) the index says the account may imitate."""
    hits = set(warm.index.by_name(profile.handle, profile.name))
    if photo is not None:
        hits |= warm.index.by_photo([photo])[0] | warm.index.by_face([photo])[0]
    return [i for i in identities if warm.positions[i.slug] in hits]
