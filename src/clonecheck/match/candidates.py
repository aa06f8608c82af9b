"""Candidate generation: which (profile, identity) pairs deserve a full comparison.

A scan must not score every profile against every identity. Three indexes over the registered
identities pick candidates, and only those pairs are scored:

- name keys: the normalised tokens and confusable skeletons of each identity's name and handles
  (``features.names.name_keys`` / ``handle_keys``) in a dict; a profile is a candidate for the
  identities sharing a key with its name or handle. Cost: a few dict look-ups per profile.
- photo hashes: every registered photo's pHash and dHash (and the profile's mirrored hashes) in a
  uint64 matrix; a block of profiles is compared at once by XOR and popcount in NumPy, so the
  cost per profile is a vector operation over the registered photos, not a Python loop.
- face embeddings: the registered faces in a float matrix; profiles whose photo already has
  embeddings are compared by one matrix distance.

The thresholds are looser than the scoring thresholds, so that no pair scoring ``possible`` is
missed here; ``tests/match/test_candidates.py`` pins that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from clonecheck.config import Config
from clonecheck.features import names
from clonecheck.models import Identity, PhotoFeatures

T = TypeVar("T")

#: hash kinds compared in the candidate stage, with the profile-side kinds tried against each
_HASH_PAIRS: tuple[tuple[str, tuple[str, str]], ...] = (
    ("phash", ("phash", "phash_mirror")),
    ("dhash", ("dhash", "dhash_mirror")),
)
#: extra bits of slack over ``hash_weak`` so that no scored pair is lost to a single hash kind
_HASH_SLACK = 6
#: a crop of a registered photo makes a candidate only this far under ``hash_weak``: with the
#: whole photo's slack, ten crops would send most different-person portraits to the face
#: model (22 % of pairs become 54-66 %; 14 bits keeps 23 % and still catches 99 % of crops)
_CROP_MARGIN = 2


def _identity_keys(identity: Identity) -> tuple[set[str], set[str]]:
    """An identity's candidate-index keys (``names.name_keys`` | ``names.handle_keys``),
    unprefixed as the index holds them: the words, and the skeletons with their deletions."""
    parts = [names.handle_key_forms(handle) for handle in identity.handles]
    if identity.name.strip():
        parts.append(names.name_key_forms(identity.name))
    words: set[str] = set()
    skeletons: set[str] = set()
    for part in parts:
        words.update(part.words)
        skeletons.update(part.skeletons)
        for form in part.forms:
            skeletons |= names.form_keys(form)
    return words, skeletons


@dataclass
class CandidateIndex:
    """Indexes over the registered identities; ask it which identities a profile may clone."""

    identities: Sequence[Identity]
    photos: Mapping[str, PhotoFeatures]
    config: Config
    #: ``h:`` key, unprefixed -> positions of the identities with it (tuples: most of the
    #: index, and a scan's worker processes unpickle tuples three times faster than sets)
    _by_key: dict[str, tuple[int, ...]] = field(init=False, default_factory=dict)
    #: ``t:`` key, unprefixed -> positions of the identities whose name has this word and
    #: one more
    _by_word: dict[str, set[int]] = field(init=False, default_factory=dict)
    #: ``t:`` key, unprefixed -> positions of the identities whose name has this one word only
    _by_only_word: dict[str, set[int]] = field(init=False, default_factory=dict)
    _hash_owner: npt.NDArray[np.int64] = field(init=False)
    _hashes: dict[str, npt.NDArray[np.uint64]] = field(init=False, default_factory=dict)
    #: the bits each registered hash (row of ``_hashes``) may differ by to make a candidate
    _hash_limit: npt.NDArray[np.float64] = field(init=False)
    _face_owner: npt.NDArray[np.int64] = field(init=False)
    _faces: npt.NDArray[np.float64] = field(init=False)
    #: positions of the identities with at least one registered face
    _with_faces: frozenset[int] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        by_key: dict[str, list[int]] = {}
        for position, identity in enumerate(self.identities):
            words, skeletons = _identity_keys(identity)
            by_word = self._by_word if len(words) > 1 else self._by_only_word
            for word in words:
                by_word.setdefault(word, set()).add(position)
            for key in skeletons:
                by_key.setdefault(key, []).append(position)
        self._by_key = {key: tuple(found) for key, found in by_key.items()}
        owners: list[int] = []
        limits: list[float] = []
        rows: dict[str, list[int]] = {kind: [] for kind, _ in _HASH_PAIRS}
        whole_limit = self.config.hash_weak + _HASH_SLACK
        crop_limit = self.config.hash_weak - _CROP_MARGIN
        face_owners: list[int] = []
        face_rows: list[Sequence[float]] = []
        for position, identity in enumerate(self.identities):
            for photo in identity.photos:
                features = self.photos.get(photo.digest or "")
                if features is None:
                    continue
                for hashes, limit in (
                    (features.hashes, whole_limit),
                    *((crop, crop_limit) for crop in features.crops.values()),
                ):
                    owners.append(position)
                    limits.append(limit)
                    for kind, _ in _HASH_PAIRS:
                        rows[kind].append(int(hashes[kind], 16))
                for face in features.faces:
                    face_owners.append(position)
                    face_rows.append(face.encoding)
        self._hash_owner = np.array(owners, dtype=np.int64)
        self._hash_limit = np.array(limits, dtype=np.float64)
        self._hashes = {kind: np.array(values, dtype=np.uint64) for kind, values in rows.items()}
        self._face_owner = np.array(face_owners, dtype=np.int64)
        self._with_faces = frozenset(face_owners)
        self._faces = np.array(face_rows, dtype=np.float64) if face_rows else np.zeros((0, 128))

    def by_name(self, handle: str, name: str) -> set[int]:
        """Positions (in ``identities``) of the identities the profile may imitate by name.

        A shared skeleton key (``h:``: the look-alike skeleton of a handle or a joined name, or
        one of its one-letter deletions) is enough; shared word keys (``t:``) count only when
        two of them agree ("Lovelace Ada"), or the identity's name is a single word: one
        common first name shared with hundreds of registered people is not a reason to
        compare.

        The profile's keys (``names.name_keys`` | ``names.handle_keys``) are never built as a
        set: their forms are expanded straight into look-ups, each form once (a handle often
        spells the name), which is most of what a scan spends per profile."""
        found: set[int] = set()
        words: set[str] = set()
        forms: dict[str, None] = {}
        shared: set[str] = set()
        by_key = self._by_key
        for parts in (
            names.name_key_forms(name) if name.strip() else None,
            names.handle_key_forms(handle) if handle.strip() else None,
        ):
            if parts is not None:
                words.update(parts.words)
                forms.update(dict.fromkeys(parts.forms))
                shared.update(s for s in parts.skeletons if s in by_key)
        for form in forms:
            shared |= by_key.keys() & names.form_keys(form)
        for key in shared:
            found.update(by_key[key])
        # identities met by two of the profile's words: a few set intersections in C, not a
        # count per identity (a common first name is shared with hundreds of them)
        shared_words: list[set[int]] = []
        for word in words:
            found |= self._by_only_word.get(word, set())
            if word in self._by_word:
                shared_words.append(self._by_word[word])
        for i, first in enumerate(shared_words):
            for second in shared_words[i + 1 :]:
                found |= first & second
        return found

    def by_photo(self, photos: Sequence[PhotoFeatures]) -> list[set[int]]:
        """For each profile photo, the identities with a registered photo, or crop of one, of
        similar hash."""
        result: list[set[int]] = [set() for _ in photos]
        if not photos or self._hash_owner.size == 0:
            return result
        limit = self._hash_limit[np.newaxis, :]
        near = np.zeros((len(photos), self._hash_owner.size), dtype=bool)
        for kind, profile_kinds in _HASH_PAIRS:
            registered = self._hashes[kind][np.newaxis, :]
            for profile_kind in profile_kinds:
                column = np.array([p.hash_int(profile_kind) for p in photos], dtype=np.uint64)[
                    :, np.newaxis
                ]
                near |= np.bitwise_count(column ^ registered) <= limit
        rows, cols = np.nonzero(near)
        for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
            result[row].add(int(self._hash_owner[col]))
        return result

    def by_face(self, photos: Sequence[PhotoFeatures]) -> list[set[int]]:
        """For each profile photo with embeddings, the identities with a face within face_weak."""
        result: list[set[int]] = [set() for _ in photos]
        if self._face_owner.size == 0:
            return result
        for index, photo in enumerate(photos):
            if not photo.faces:
                continue
            encodings = np.array([f.encoding for f in photo.faces], dtype=np.float64)
            distances = np.linalg.norm(
                encodings[:, np.newaxis, :] - self._faces[np.newaxis, :, :], axis=2
            )
            close = np.nonzero((distances <= self.config.face_weak).any(axis=0))[0]
            result[index] = {int(self._face_owner[c]) for c in close.tolist()}
        return result

    def has_faces(self, position: int) -> bool:
        return position in self._with_faces


def iter_blocks(items: Iterable[T], size: int) -> Iterable[list[T]]:
    """Successive lists of ``size`` items (the last one shorter)."""
    block: list[T] = []
    for item in items:
        block.append(item)
        if len(block) == size:
            yield block
            block = []
    if block:
        yield block
