"""The three single-signal baselines run on the same world as clonecheck: pHash alone, face
``compare_faces`` alone, display-name ``fuzz.ratio`` alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import face_recognition
import imagehash
from PIL import Image
from rapidfuzz import fuzz

from bench.embeddings import Embeddings
from bench.world import Person, World

PHASH_MAX = 10
FACE_TOLERANCE = 0.6
NAME_RATIO_MIN = 90.0


def baselines(
    world: World, people: Sequence[Person], embeddings: Embeddings
) -> dict[str, dict[str, set[str]]]:
    """The three single-signal baselines, each flagging profiles against identities."""
    own = {(p.slug, p.handle.casefold()) for p in people}
    ref_phash = {p.slug: imagehash.phash(Image.open(p.reference)) for p in people}
    ref_faces = {p.slug: p.encoding for p in people if p.encoding is not None}
    slugs = list(ref_faces)
    known = [ref_faces[s] for s in slugs]
    result: dict[str, dict[str, set[str]]] = {"phash": {}, "face": {}, "name": {}}
    for row in world.rows:
        for kind in result:
            result[kind][row.id] = set()
        if row.photo:
            path = world.photo_files[row.photo]
            phash = imagehash.phash(Image.open(path))
            for slug, reference in ref_phash.items():
                if phash - reference <= PHASH_MAX:
                    result["phash"][row.id].add(slug)
            for encoding in embeddings.of(path.read_bytes()):
                same = face_recognition.compare_faces(known, encoding, tolerance=FACE_TOLERANCE)
                result["face"][row.id].update(s for s, hit in zip(slugs, same, strict=True) if hit)
        for person in people:
            if fuzz.ratio(row.name.lower(), person.name.lower()) >= NAME_RATIO_MIN:
                result["name"][row.id].add(person.slug)
        for kind in result:
            result[kind][row.id] = {
                s for s in result[kind][row.id] if (s, row.handle.casefold()) not in own
            }
    return result
