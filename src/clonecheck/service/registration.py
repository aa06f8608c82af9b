"""Registering the people to protect: their name, handles, own accounts and face photos."""

from __future__ import annotations

from collections.abc import Sequence

from clonecheck.errors import InputError, PhotoError
from clonecheck.models import FaceStatus, Identity, Photo
from clonecheck.service.helpers import make_slug, parse_account
from clonecheck.service.photos import PhotoAnalyser


def register(
    photos: PhotoAnalyser,
    name: str,
    *,
    handles: Sequence[str] = (),
    sources: Sequence[str] = (),
    own: Sequence[str] = (),
    bio: str = "",
    slug: str | None = None,
) -> Identity:
    """Register a person. Every photo (``sources``) must be readable and show a face, or
    nothing is stored."""
    if not name.strip():
        raise InputError('a name is required: clonecheck register "Full Name" ...')
    clean_handles = tuple(dict.fromkeys(h.strip().lstrip("@") for h in handles if h.strip()))
    own_accounts = tuple(parse_account(text) for text in own)
    identity_slug = slug or make_slug(clean_handles[0] if clean_handles else name)
    analysed: list[tuple[str, bytes]] = []
    with photos.fetcher() as fetcher:
        for source in sources:
            analysed.append((source, fetcher.fetch(source).data))
    registered: list[Photo] = []
    store = photos.store
    with store.transaction():
        for source, data in analysed:
            features = photos.analyse_and_save(source, data, registered=True)
            if features.face_status is not FaceStatus.FOUND:
                raise PhotoError(
                    source,
                    f"{features.face_status.value}: a registered photo must show the "
                    "person's face clearly; choose another photo",
                )
            registered.append(Photo(source=source, digest=features.digest))
        # a photo already stored as some profile's photo has no crop hashes yet
        photos.ensure_crops([photo.digest for photo in registered if photo.digest])
        identity = Identity(
            slug=identity_slug,
            name=name.strip(),
            handles=clean_handles,
            photos=tuple(registered),
            own_accounts=own_accounts,
            bio=bio.strip(),
        )
        store.add_identity(identity)
    return identity
