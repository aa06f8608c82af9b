"""Thumbnails of the photos a report shows side by side, made (and kept) on first use: a crawl
has far more photos than any report shows. The imaging library loads only when a thumbnail is
made, so that ``cases evidence`` on a case whose thumbnails are kept does not pay for it."""

from __future__ import annotations

from collections.abc import Iterable

from clonecheck.config import Config
from clonecheck.errors import PhotoError
from clonecheck.models import Match
from clonecheck.store import Store


def thumbnails(store: Store, config: Config, matches: Iterable[Match]) -> dict[str, bytes]:
    """JPEG thumbnail by digest of every photo the matches show (a photo whose bytes are gone
    or no longer decode has none)."""
    wanted: list[str] = []
    for match in matches:
        if match.identity_photo:
            wanted.append(match.identity_photo)
        if match.profile.photo and match.profile.photo.digest:
            wanted.append(match.profile.photo.digest)
    found = store.thumbnails(wanted) if wanted else {}
    missing = [d for d in dict.fromkeys(wanted) if d not in found]
    if missing:
        from clonecheck.features import imaging  # Pillow and numpy: only to make one

        with store.transaction():
            for digest in missing:
                data = store.photo_data(digest)
                if data is None:
                    continue
                try:
                    image = imaging.decode(data, f"stored photo {digest[:12]}", config)
                except PhotoError:
                    continue
                found[digest] = imaging.thumbnail_jpeg(image, config.thumbnail_px)
                store.save_thumbnail(digest, found[digest])
    return found
