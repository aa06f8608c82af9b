"""Which candidate pairs cannot be reported, known before they are scored in full.

The candidate index (``match.candidates``) is deliberately loose: a shared word or a handle one
letter away makes a candidate, so a large registry meets many namesakes, and at 10,000
identities 99 % of the candidate pairs of a crawl score ``none``. Scoring one in full (every
reading of both handles, the edits named, the sentences of the report) costs a few hundred
microseconds; most of that is the handle comparison.

``PairScreen`` bounds a pair's fused score from above with the cheap signals computed exactly
(photo and face distances, bio, display name) and the expensive ones counted at their
largest: the handle at full strength until the bound says it matters, then its similarity
alone (no edits named, no namesake discount; for a whole block at once, every registered
reading against every reading of the candidate handle, so at least as high as pair by pair);
the account evidence at the strongest the
profile's metadata allows; no established-account or fan-page lowering. The fused score is a
noisy-OR, increasing in every strength, so a pair whose bound stays below
``possible_threshold`` scores ``none`` in full too, and only the others are scored by
``score.score_pair``. A pair whose handle or name reads as the registered one through
look-alike letters (the deception signal) is always scored in full.

Sound by construction, not by tuning: ``tests/match/test_screen.py`` checks on real names that
no pair the screen drops scores above ``none``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel, Levenshtein

from clonecheck.config import Config
from clonecheck.features import names
from clonecheck.features.deception import lookalike_skeleton, lookalike_skeleton_once
from clonecheck.features.skeleton import (
    affix_steps_cached,
    collapse_doubles,
    handle_readings,
    leet_skeleton,
    skeleton_handle,
)
from clonecheck.match.account import fake_probability
from clonecheck.match.rarity import NameRarity
from clonecheck.match.score import bio_signal, face_signal, photo_signal, ramp_up
from clonecheck.models import Identity, PhotoFeatures, Profile, ProfileSketch, SignalKind

#: rounding room: the bound multiplies in another order than ``score.fuse``
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class _Readings:
    """What the screen needs of one identity, computed once per scan."""

    #: look-alike skeletons of the registered handles
    handle_skeletons: frozenset[str]
    #: look-alike skeleton of the name as a handle spells it (None without a name)
    joined_skeleton: str | None
    #: look-alike skeleton of the display name (None without one)
    name_skeleton: str | None
    name_forms: names.NameForms
    #: weight a name match keeps (``NameRarity.factor``: common names weigh less)
    commonness: float


@dataclass(frozen=True, slots=True)
class ProfileReadings:
    """What the screen needs of one profile, computed once for all its candidate pairs."""

    handle_skeleton: str
    #: None without a display name
    name_skeleton: str | None
    name_forms: names.NameForms
    #: the most suspicion its account metadata can give (``account.assess``), 0 without any
    account_suspicion: float
    #: the normalised bio, when long enough to be compared (``names.compare_bios``)
    bio: str | None = None

    @classmethod
    def of(cls, profile: Profile | ProfileSketch, config: Config) -> ProfileReadings:
        return cls(
            lookalike_skeleton_once(profile.handle, handle=True),
            lookalike_skeleton_once(profile.name, handle=False) if profile.name.strip() else None,
            names.NameForms.of(profile.name),
            _suspicion_bound(profile, config),
            names.comparable_bio(profile.bio, config.bio_min_chars),
        )


def _suspicion_bound(profile: Profile | ProfileSketch, config: Config) -> float:
    """The largest ``AccountEvidence.suspicion`` this profile can have, whoever it is
    compared with: the model's, or the creation-date gap's if it has a creation date."""
    probability = fake_probability(profile)
    if probability is None and not profile.created_at.strip() and profile.verified is None:
        return 0.0
    suspicion = 0.0
    if probability is not None:
        suspicion = ramp_up(probability, config.account_weak, config.account_strong)
    if profile.created_at.strip():
        suspicion = max(suspicion, config.account_gap_strength)
    return suspicion


def _handle_texts(text: str, *, candidate: bool) -> tuple[str, ...]:
    """Each reading of a handle (or of a name as a handle spells it) that
    ``names.handle_similarity`` compares, once: as typed (case aside), as look-alike and handle
    skeletons, and its collapsed readings (a candidate's also with its affixes off)."""
    readings = handle_readings(text)
    if candidate:
        forms = [collapse_doubles(s) for r in readings for s, _ in affix_steps_cached(r)]
    else:
        forms = [collapse_doubles(r) for r in readings]
    return tuple(
        dict.fromkeys((text.casefold(), leet_skeleton(text), skeleton_handle(text), *forms))
    )


class PairScreen:
    """Upper bounds of the fused score of (identity, profile) pairs; see the module docstring."""

    def __init__(
        self, identities: Sequence[Identity], config: Config, rarity: NameRarity | None
    ) -> None:
        self.config = config
        self._rarity = rarity
        self._readings = [self._read(identity) for identity in identities]
        self._identities = tuple(identities)
        #: identity position -> the readings of its handles and of its name's spellings
        #: (``names.handle_name_similarity``), and which are spellings (1) or handles (0);
        #: read when a pair first needs them (a small crawl meets a few of a large registry)
        self._handle_texts: dict[int, tuple[tuple[str, ...], tuple[int, ...]]] = {}
        # the same, as columns for ``pairs_worth_scoring``
        self._names = np.array([r.name_forms.normalized for r in self._readings], dtype=object)
        self._named = np.array([bool(n) for n in self._names], dtype=bool)
        self._sorted = np.array([r.name_forms.sorted_words for r in self._readings], dtype=object)
        self._sorted_lengths = _lengths(self._sorted)
        self._skeletons = np.array([r.name_forms.skeleton for r in self._readings], dtype=object)
        self._skeleton_lengths = _lengths(self._skeletons)
        self._commonness = np.array([r.commonness for r in self._readings], dtype=np.float64)
        self._spelled = np.array(
            [bool(i.handles or i.name.strip()) for i in identities], dtype=bool
        )
        self._with_photos = np.array([bool(i.photos) for i in identities], dtype=bool)
        self._bios = np.array(
            [names.comparable_bio(i.bio, config.bio_min_chars) for i in identities], dtype=object
        )
        self._with_bio = np.array([b is not None for b in self._bios], dtype=bool)
        #: look-alike skeleton -> positions of the identities whose handle or name reads so
        self._lookalikes: dict[str, set[int]] = {}
        self._name_lookalikes: dict[str, set[int]] = {}
        for position, read in enumerate(self._readings):
            for skeleton in (*read.handle_skeletons, read.joined_skeleton):
                if skeleton is not None:
                    self._lookalikes.setdefault(skeleton, set()).add(position)
            if read.name_skeleton is not None:
                self._name_lookalikes.setdefault(read.name_skeleton, set()).add(position)

    def pairs_worth_scoring(
        self,
        profiles: Sequence[Profile | ProfileSketch],
        candidates: Mapping[str, Iterable[int]],
        readings: Sequence[ProfileReadings],
        with_photo: Sequence[bool],
    ) -> list[list[int]]:
        """For each profile, the candidate positions that ``may_match`` still has to look at:
        a whole block's pairs bounded at once, in C (rapidfuzz over the pairs, NumPy for the
        fusion), by the same bound as ``may_match``: the name at its bound, then, for the pairs
        that still reach, the handle at its similarity (``_handle_bounds``) instead of full
        strength. Pairs with a photo on both sides, a look-alike skeleton in common or an
        affixed name are left to ``may_match`` whole."""
        rows: list[int] = []
        positions: list[int] = []
        left_whole: list[bool] = []  # the pairs left to ``may_match``: look-alike skeletons
        for row, profile in enumerate(profiles):
            found = list(candidates.get(profile.key) or ())
            rows += [row] * len(found)
            positions += found
            read = readings[row]
            alike = self._lookalikes.get(read.handle_skeleton)
            if read.name_skeleton is not None and read.name_skeleton in self._name_lookalikes:
                alike = (alike or set()) | self._name_lookalikes[read.name_skeleton]
            left_whole += [p in alike for p in found] if alike else [False] * len(found)
        kept: list[list[int]] = [[] for _ in profiles]
        if not rows:
            return kept
        row_of = np.array(rows, dtype=np.int64)
        at = np.array(positions, dtype=np.int64)
        affixed = np.array([r.name_forms.affixed for r in readings], dtype=bool)
        photo = np.array(with_photo, dtype=bool)
        whole = np.array(left_whole, dtype=bool)
        whole |= affixed[row_of] | (photo[row_of] & self._with_photos[at])
        bounded = np.flatnonzero(~whole)
        reaches = np.ones(len(rows), dtype=bool)
        if bounded.size:
            reaches[bounded] = self._bounds(profiles, readings, row_of[bounded], at[bounded])
        for row, position in zip(row_of[reaches].tolist(), at[reaches].tolist(), strict=True):
            kept[row].append(position)
        return kept

    def _bounds(
        self,
        profiles: Sequence[Profile | ProfileSketch],
        readings: Sequence[ProfileReadings],
        rows: npt.NDArray[np.int64],
        at: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.bool_]:
        """Whether each pair's bound reaches ``possible_threshold`` (see ``may_match``).

        The name's similarity is the larger of the token-sorted ratio (an Indel distance over
        the words sorted once per name) and the skeletons' ratio, which counts a swap of
        neighbours as one edit. A swap saves at most half the Indel distance, so the skeletons'
        ratio is first taken at that most; only the pairs that still reach the threshold
        and whose similarity that term decides get the two distances that count swaps. The
        pairs still in then get the handle at its similarity (``_handle_bounds``) instead of
        full strength."""
        config = self.config
        forms = [r.name_forms for r in readings]
        sorted_words = np.array([f.sorted_words for f in forms], dtype=object)
        distance = process.cpdist(self._sorted[at], sorted_words[rows], scorer=Indel.distance)
        lengths = self._sorted_lengths[at] + _lengths(sorted_words)[rows]
        token_sorted = _ratio_of(distance.astype(np.float64), lengths)  # token_sort_ratio
        initials = np.array([f.initials for f in forms], dtype=bool)[rows]
        floor = np.where(initials, np.maximum(token_sorted, 90.0), token_sorted)
        theirs = self._skeletons[at]
        skeletons = np.array([f.skeleton for f in forms], dtype=object)
        mine = skeletons[rows]
        indel = process.cpdist(theirs, mine, scorer=Indel.distance).astype(np.float64)
        lengths = self._skeleton_lengths[at] + _lengths(skeletons)[rows]
        squeezed_at_most = _ratio_of(indel / 2.0, lengths)
        named = np.array([bool(f.normalized) for f in forms], dtype=bool)[rows] & self._named[at]
        commonness = np.where(named, self._commonness[at], 0.0)
        handled = np.array([bool(p.handle) for p in profiles], dtype=bool)[rows]
        handle = (handled & self._spelled[at]).astype(np.float64)
        # the signals other than the name and the handle
        others = np.ones(len(rows), dtype=np.float64)
        bios = np.array([r.bio for r in readings], dtype=object)[rows]
        with_bio = np.array([r.bio is not None for r in readings], dtype=bool)[rows]
        compared = np.flatnonzero(self._with_bio[at] & with_bio)
        if compared.size:
            left, right = self._bios[at[compared]], bios[compared]
            bio = np.maximum(
                process.cpdist(left, right, scorer=fuzz.ratio, dtype=np.float64),
                process.cpdist(left, right, scorer=fuzz.token_sort_ratio, dtype=np.float64),
            )
            others[compared] *= 1.0 - config.weight_bio * _ramp(
                bio + 0.01, config.bio_weak, config.bio_strong
            )
        account = (
            config.weight_account
            * np.array([r.account_suspicion for r in readings], dtype=np.float64)[rows]
        )

        def reaches(
            similarity: npt.NDArray[np.float64],
            pairs: slice | npt.NDArray[np.intp],
            handle: npt.NDArray[np.float64],
        ) -> npt.NDArray[np.bool_]:
            """The bound at this name similarity and handle strength, for these pairs."""
            strength = _ramp(similarity + 0.01, config.name_weak, config.name_strong)
            name = strength * commonness[pairs]
            miss = (1.0 - config.weight_name * name) * (1.0 - config.weight_handle * handle)
            miss *= others[pairs] * (1.0 - account[pairs] * np.maximum(name, handle))
            return np.asarray(1.0 - miss >= config.possible_threshold - _EPSILON, dtype=np.bool_)

        similarity = np.maximum(floor, squeezed_at_most)
        reached = reaches(similarity, slice(None), handle)
        exact = np.flatnonzero(reached & (squeezed_at_most > floor))
        if exact.size:
            squeezed = _swap_ratios(theirs[exact], mine[exact])
            similarity[exact] = np.maximum(floor[exact], squeezed)
            reached[exact] = reaches(similarity[exact], exact, handle[exact])
        # the handle at its real similarity instead of full strength, for the pairs still in
        live = np.flatnonzero(reached & (handle > 0))
        if live.size:
            strength = self._handle_bounds(profiles, rows[live], at[live])
            reached[live] = reaches(similarity[live], live, strength)
        return reached

    def _handle_bounds(
        self,
        profiles: Sequence[Profile | ProfileSketch],
        rows: npt.NDArray[np.int64],
        at: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.float64]:
        """At least ``_handle_strength`` of each pair, for a whole block in C. Pair by pair,
        ``names.handle_similarity`` takes the best of some pairs of readings (as typed with as
        typed, skeleton with skeleton, each reading with each); here every registered reading
        meets every reading of the candidate: more pairs, so a best at least as high."""
        config = self.config
        mine: dict[int, tuple[str, ...]] = {}
        left: list[str] = []
        right: list[str] = []
        spelled: list[int] = []
        counts: list[int] = []
        for row, position in zip(rows.tolist(), at.tolist(), strict=True):
            candidate = mine.get(row)
            if candidate is None:
                candidate = mine[row] = _handle_texts(profiles[row].handle, candidate=True)
            texts = self._handle_texts.get(position)
            if texts is None:
                texts = self._handle_texts[position] = _registered_texts(self._identities[position])
            registered, flags = texts
            for text in candidate:
                left += registered
                right += [text] * len(registered)
            spelled += flags * len(candidate)
            counts.append(len(registered) * len(candidate))
        owner = 2 * np.repeat(np.arange(len(rows)), counts) + np.array(spelled, dtype=np.int64)
        best = np.zeros(2 * len(rows), dtype=np.float64)
        np.maximum.at(
            best, owner, _swap_ratios(np.array(left, dtype=object), np.array(right, dtype=object))
        )
        handles = _ramp(best[0::2] + 0.01, config.handle_weak, config.handle_strong)
        spellings = _ramp(best[1::2] + 0.01, config.handle_weak, config.handle_strong)
        return np.maximum(handles, spellings * self._commonness[at])

    def _read(self, identity: Identity) -> _Readings:
        name = identity.name.strip()
        joined = "".join(names.normalize_text(identity.name).split()) if name else None
        return _Readings(
            frozenset(lookalike_skeleton(h, handle=True) for h in identity.handles),
            lookalike_skeleton(joined, handle=True) if joined is not None else None,
            lookalike_skeleton(identity.name, handle=False) if name else None,
            names.NameForms.of(identity.name),
            self._rarity.factor(identity.name) if self._rarity is not None and name else 1.0,
        )

    def may_match(
        self,
        position: int,
        identity: Identity,
        identity_photos: Sequence[PhotoFeatures],
        profile: Profile,
        profile_photo: PhotoFeatures | None,
        readings: ProfileReadings,
    ) -> bool:
        """False only when the pair certainly scores below ``possible_threshold`` (or is the
        person's own account): then ``score_pair`` need not run."""
        if identity.owns(profile):
            return False
        known = self._readings[position]
        # texts that read alike may carry a look-alike trick (the deception signal, which
        # ``deception.lookalike_tricks`` finds only between equal skeletons): score in full
        if readings.handle_skeleton in known.handle_skeletons or (
            profile.handle and readings.handle_skeleton == known.joined_skeleton
        ):
            return True
        if readings.name_skeleton is not None and readings.name_skeleton == known.name_skeleton:
            return True
        config = self.config
        weighted: list[float] = []
        identity_strength = 0.0
        if profile_photo is not None and identity_photos:
            for found in (
                photo_signal(identity_photos, profile_photo, config),
                face_signal(identity_photos, profile_photo, config),
            ):
                if found is not None:
                    signal = found[0]
                    weight = (
                        config.weight_photo
                        if signal.kind is SignalKind.PHOTO
                        else config.weight_face
                    )
                    weighted.append(weight * signal.strength)
                    identity_strength = max(identity_strength, signal.strength)
        bio = bio_signal(identity, profile, config)
        if bio is not None:
            weighted.append(config.weight_bio * bio.strength)
        has_name = bool(identity.name.strip() and profile.name.strip())
        has_handle = bool(profile.handle) and bool(identity.handles or identity.name.strip())
        # the handle at full strength and the name at its bound first: most pairs end there
        handle_at_most = 1.0 if has_handle else 0.0
        bound = names.name_similarity_bound(known.name_forms, readings.name_forms)
        if (
            has_name
            and bound is not None
            and not self._reaches(
                weighted, identity_strength, self._name(bound, known), handle_at_most, readings
            )
        ):
            return False
        name_strength = (
            self._name(names.compare_names(identity.name, profile.name).similarity, known)
            if has_name
            else 0.0
        )
        if not self._reaches(weighted, identity_strength, name_strength, handle_at_most, readings):
            return False
        if not has_handle:
            return True
        handle_strength = self._handle_strength(identity, profile, known)
        return self._reaches(weighted, identity_strength, name_strength, handle_strength, readings)

    def _name(self, similarity: float, known: _Readings) -> float:
        """``score.name_signal``'s strength at this similarity."""
        config = self.config
        return ramp_up(similarity, config.name_weak, config.name_strong) * known.commonness

    def _handle_strength(self, identity: Identity, profile: Profile, known: _Readings) -> float:
        """``score.handle_signal``'s strength without the namesake discount (which only
        lowers it)."""
        config = self.config
        best = 0.0
        for handle in identity.handles:
            similarity = names.handle_similarity(handle, profile.handle)
            best = max(best, ramp_up(similarity, config.handle_weak, config.handle_strong))
        if identity.name.strip():
            similarity = names.handle_name_similarity(profile.handle, identity.name)
            best = max(
                best,
                ramp_up(similarity, config.handle_weak, config.handle_strong) * known.commonness,
            )
        return best

    def _reaches(
        self,
        weighted: list[float],
        identity_strength: float,
        name: float,
        handle: float,
        readings: ProfileReadings,
    ) -> bool:
        """Whether the noisy-OR of the other signals (``weighted``: weight x strength), the
        name's and the handle's strengths, and the most the account evidence can add (scaled
        by the strongest identity signal), may reach ``possible_threshold``."""
        config = self.config
        miss = (1.0 - config.weight_name * name) * (1.0 - config.weight_handle * handle)
        for value in weighted:
            miss *= 1.0 - value
        strongest = max(identity_strength, name, handle)
        miss *= 1.0 - config.weight_account * readings.account_suspicion * strongest
        return 1.0 - miss >= config.possible_threshold - _EPSILON


def _ramp(values: npt.NDArray[np.float64], weak: float, strong: float) -> npt.NDArray[np.float64]:
    """``score.ramp_up`` over an array."""
    if strong <= weak:
        return (values >= strong).astype(np.float64)
    return np.clip((values - weak) / (strong - weak), 0.0, 1.0)


def _lengths(texts: npt.NDArray[np.object_]) -> npt.NDArray[np.float64]:
    return np.fromiter(map(len, texts), dtype=np.float64, count=len(texts))


def _ratio_of(
    distance: npt.NDArray[np.float64], lengths: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """An Indel distance as a 0..100 similarity (rapidfuzz ``ratio``); 0 against nothing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = 100.0 * (1.0 - distance / lengths)
    return np.where(lengths > 0, ratio, 0.0)


def _registered_texts(identity: Identity) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The readings ``_handle_strength`` compares of an identity's handles, then those of its
    name's spellings that no handle has (a reading both have counts at a handle's full
    strength, which is never less), and which of them are spellings."""
    handles = dict.fromkeys(
        text
        for handle in identity.handles
        for text in _handle_texts(handle.strip().lstrip("@"), candidate=False)
    )
    words = names.normalize_text(identity.name).split() if identity.name.strip() else []
    spellings = dict.fromkeys(
        text
        for spelled, _ in names.name_spellings(words)
        for text in _handle_texts(spelled, candidate=False)
        if text not in handles
    )
    return (*handles, *spellings), (0,) * len(handles) + (1,) * len(spellings)


def _swap_ratios(
    left: npt.NDArray[np.object_], right: npt.NDArray[np.object_]
) -> npt.NDArray[np.float64]:
    """``names._ratio`` of each pair (an Indel ratio with a swap of neighbours one edit), in C."""
    indel = process.cpdist(left, right, scorer=Indel.distance).astype(np.float64)
    swaps = process.cpdist(left, right, scorer=Levenshtein.distance).astype(
        np.float64
    ) - process.cpdist(left, right, scorer=OSA.distance).astype(np.float64)
    return _ratio_of(np.maximum(0.0, indel - swaps), _lengths(left) + _lengths(right))
