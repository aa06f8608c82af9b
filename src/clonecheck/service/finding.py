"""Photo first: every stored profile that shows this photo or this face, without registering
anyone.

The photo is registered as a nameless identity inside a transaction, scanned against every
stored profile like a registered person, and the transaction is rolled back: nothing of the
search stays in the store (not the identity, not its photo), and the scoring is the scan's own,
photo hashes with crops and mirrors, and the face. The search has no name, handles or bio, so
only the photo and face signals can find a profile.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from clonecheck.models import Identity, Match
from clonecheck.service.photos import PhotoAnalyser
from clonecheck.service.progress import Progress
from clonecheck.service.registration import register
from clonecheck.service.scanning import ScanResult, scan

#: a name with no letters: it gives no name keys and compares as "no name to compare"
_NO_NAME = "—"


class _RollBackError(Exception):
    """Raised inside the search's transaction to undo it."""


def find_photo(photos: PhotoAnalyser, progress: Progress, source: str) -> ScanResult:
    """The stored profiles whose photo or face matches ``source`` (a path or URL), scored as a
    scan would score them; the photo must show a face, as a registered one must."""
    slug = f"photo-search-{uuid.uuid4().hex[:12]}"
    found: ScanResult | None = None
    try:
        with photos.store.transaction():
            register(photos, _NO_NAME, sources=[source], slug=slug)
            found = scan(photos, progress, identity=slug, record=False)
            raise _RollBackError
    except _RollBackError:
        pass
    assert found is not None
    shown = Identity(slug="photo", name=f"photo {source}")
    matches: tuple[Match, ...] = tuple(
        replace(m, identity=replace(shown, photos=m.identity.photos)) for m in found.matches
    )
    return replace(found, matches=matches, identities=0)
