"""Checking one reported account against the registry, without adding it to the profiles."""

from __future__ import annotations

from dataclasses import replace

from clonecheck.errors import InputError
from clonecheck.match.score import score_pair
from clonecheck.models import Match, Photo, PhotoFeatures, Profile, Verdict
from clonecheck.service.photos import PhotoAnalyser
from clonecheck.service.scanning import chosen_identities, name_rarity, own_accounts


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
    Every registered identity is scored, so the answer also says who it resembles least."""
    if not (name.strip() or handle.strip() or photo):
        raise InputError("give at least one of --name, --handle or --photo to check")
    store = photos.store
    identities = chosen_identities(store, identity)
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
    registered = photos.identity_photos(identities)
    rarity = name_rarity(store)
    matches = [
        score_pair(
            i,
            [registered[p.digest] for p in i.photos if p.digest in registered],
            profile,
            profile_photo,
            photos.config,
            rarity,
        )
        for i in identities
    ]
    owner = own_accounts(store).get(profile.account.key)
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
