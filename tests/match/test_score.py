"""Scoring: each signal's strength, the noisy-OR fusion, and the decision table it encodes.

The decision table is the contract the README states: the same photo alone is a likely clone,
the same face alone only possible, a copied name alone nothing (namesakes), name and handle
together possible, and a copied bio or a matching face on top makes it likely.
"""

from __future__ import annotations

import pytest

from clonecheck.config import DEFAULT, Config
from clonecheck.match.score import fuse, ramp_down, ramp_up, score_pair, verdict_for
from clonecheck.models import (
    HASH_KINDS,
    AccountRef,
    Face,
    FaceStatus,
    Identity,
    Match,
    Photo,
    PhotoFeatures,
    Profile,
    Signal,
    SignalKind,
    Verdict,
)

ADA = Identity(
    slug="adalovelace",
    name="Ada Lovelace",
    handles=("adalovelace",),
    photos=(Photo("ada.jpg", digest="a" * 64),),
    own_accounts=(AccountRef("twitter", "adalovelace"),),
    bio="Mathematician and writer, chiefly known for work on the Analytical Engine.",
)


def features(
    digest: str, flipped_bits: int = 0, face: tuple[float, ...] | None = None
) -> PhotoFeatures:
    """A photo whose every hash differs from the all-zero hash in ``flipped_bits`` bits."""
    value = f"{(1 << flipped_bits) - 1:016x}"
    hashes = dict.fromkeys(HASH_KINDS, value)
    hashes |= {f"{kind}_mirror": "f" * 16 for kind in HASH_KINDS}
    faces = (Face(0, 100, 100, 0, face),) if face is not None else ()
    status = FaceStatus.FOUND if faces else FaceStatus.NO_FACE
    return PhotoFeatures(digest, 200, 200, hashes, status, faces)


REGISTERED = features("a" * 64, 0, face=(0.0,) * 128)


def signal(kind: SignalKind, strength: float = 1.0) -> Signal:
    return Signal(kind, 0.0, strength, kind.value)


def test_ramps_are_one_at_strong_zero_at_weak_and_linear_between() -> None:
    """Distances fall from 1 to 0 between strong and weak; similarities rise."""
    assert ramp_down(4, 8, 16) == 1.0
    assert ramp_down(12, 8, 16) == pytest.approx(0.5)
    assert ramp_down(20, 8, 16) == 0.0
    assert ramp_up(70, 80, 95) == 0.0
    assert ramp_up(87.5, 80, 95) == pytest.approx(0.5)
    assert ramp_up(99, 80, 95) == 1.0


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ((SignalKind.PHOTO,), Verdict.LIKELY_CLONE),
        ((SignalKind.FACE,), Verdict.POSSIBLE),
        ((SignalKind.NAME,), Verdict.NONE),
        ((SignalKind.HANDLE,), Verdict.NONE),
        ((SignalKind.BIO,), Verdict.NONE),
        ((SignalKind.NAME, SignalKind.HANDLE), Verdict.POSSIBLE),
        ((SignalKind.NAME, SignalKind.HANDLE, SignalKind.BIO), Verdict.LIKELY_CLONE),
        ((SignalKind.FACE, SignalKind.NAME), Verdict.LIKELY_CLONE),
        ((SignalKind.FACE, SignalKind.HANDLE), Verdict.LIKELY_CLONE),
        ((SignalKind.NAME, SignalKind.BIO), Verdict.POSSIBLE),
    ],
    ids=lambda value: "+".join(k.value for k in value) if isinstance(value, tuple) else None,
)
def test_default_weights_encode_the_documented_decision_table(
    kinds: tuple[SignalKind, ...], expected: Verdict
) -> None:
    """Full-strength signals in these combinations give the verdicts the README promises."""
    score = fuse([signal(kind) for kind in kinds], DEFAULT)
    assert verdict_for(score, DEFAULT) is expected


def test_fusion_never_exceeds_one_and_zero_strength_adds_nothing() -> None:
    """Noisy-OR: all signals at full strength stay below 1; zero-strength signals are inert."""
    every = [signal(kind) for kind in SignalKind]
    assert 0.99 < fuse(every, DEFAULT) < 1.0
    assert fuse([signal(SignalKind.PHOTO, 0.0), signal(SignalKind.NAME, 0.0)], DEFAULT) == 0.0


def test_the_same_photo_re_encoded_is_a_likely_clone_whatever_the_name() -> None:
    """Four bits of 64 apart on every hash: the same photo, so likely, even with another name."""
    profile = Profile("twitter", "mathsfan99", name="Numbers Daily", photo=Photo("x", "b" * 64))
    match = score_pair(ADA, [REGISTERED], profile, features("b" * 64, 4), DEFAULT)
    photo = next(s for s in match.signals if s.kind is SignalKind.PHOTO)
    assert photo.value == 4
    assert photo.strength == 1.0
    assert photo.detail.startswith("same photo")
    assert match.verdict is Verdict.LIKELY_CLONE
    assert match.identity_photo == "a" * 64


def test_an_unrelated_photo_carries_no_photo_evidence() -> None:
    """Thirty bits apart is another picture: strength 0 and no verdict from it."""
    profile = Profile("twitter", "someoneelse", name="Someone Else", photo=Photo("x", "c" * 64))
    match = score_pair(ADA, [REGISTERED], profile, features("c" * 64, 30), DEFAULT)
    photo = next(s for s in match.signals if s.kind is SignalKind.PHOTO)
    assert photo.strength == 0.0
    assert match.verdict is Verdict.NONE


def test_same_face_in_another_photo_with_copied_name_is_likely() -> None:
    """A different photo of the same face plus the copied name: a likely clone."""
    close_face = (0.0,) * 127 + (0.3,)
    profile = Profile("twitter", "ada_l0velace", name="Ada Lovelace", photo=Photo("x", "d" * 64))
    match = score_pair(ADA, [REGISTERED], profile, features("d" * 64, 30, close_face), DEFAULT)
    face = next(s for s in match.signals if s.kind is SignalKind.FACE)
    assert face.value == pytest.approx(0.3)
    assert face.detail.startswith("same face")
    assert match.verdict is Verdict.LIKELY_CLONE


def test_own_account_is_never_a_clone() -> None:
    """The account the person declared as theirs scores zero, with the reason."""
    profile = Profile("Twitter", "@AdaLovelace", name="Ada Lovelace", photo=Photo("x", "a" * 64))
    match = score_pair(ADA, [REGISTERED], profile, REGISTERED, DEFAULT)
    assert match.verdict is Verdict.NONE
    assert match.score == 0.0
    assert "own account" in match.notes[0]


def test_copied_name_alone_is_not_flagged() -> None:
    """A namesake with another handle and no photo evidence is not even possible."""
    profile = Profile("twitter", "gardening_ada", name="Ada Lovelace")
    match = score_pair(ADA, [REGISTERED], profile, None, DEFAULT)
    assert match.verdict is Verdict.NONE


def test_look_alike_handle_and_copied_name_is_likely_and_names_the_trick() -> None:
    """adaIovelace (capital I for l) with the name: deception, likely, and the trick named."""
    profile = Profile("twitter", "adaIovelace", name="Ada Lovelace")
    match = score_pair(ADA, [REGISTERED], profile, None, DEFAULT)
    handle = next(s for s in match.signals if s.kind is SignalKind.HANDLE)
    assert handle.strength == 1.0
    assert any("look-alike" in edit for edit in handle.evidence)
    deception = next(s for s in match.signals if s.kind is SignalKind.DECEPTION)
    assert "I for l" in deception.detail
    assert match.verdict is Verdict.LIKELY_CLONE


def test_copied_bio_makes_name_and_handle_likely() -> None:
    """Name, look-alike handle and the bio copied word for word: likely."""
    profile = Profile("twitter", "adalovelace_", name="Ada Lovelace", bio=ADA.bio)
    match = score_pair(ADA, [REGISTERED], profile, None, DEFAULT)
    assert {s.kind for s in match.signals if s.strength > 0} == {
        SignalKind.NAME,
        SignalKind.HANDLE,
        SignalKind.BIO,
    }
    assert match.verdict is Verdict.LIKELY_CLONE


def test_fan_account_disclaimer_lowers_the_verdict_one_step() -> None:
    """An account that says it is a fan account is at most possible, with the reason."""
    profile = Profile(
        "twitter", "adalovelacefan", name="Ada Lovelace", bio="Fan account, not affiliated."
    )
    photo = features("e" * 64, 2)
    match = score_pair(ADA, [REGISTERED], profile, photo, DEFAULT)
    assert match.verdict is Verdict.POSSIBLE
    assert any("verdict lowered" in note for note in match.notes)


def test_thresholds_come_from_the_config() -> None:
    """Raising the likely threshold above what a photo alone gives turns it into possible."""
    strict = Config(likely_threshold=0.95)
    profile = Profile("twitter", "x", photo=Photo("x", "b" * 64))
    match = score_pair(ADA, [REGISTERED], profile, features("b" * 64, 2), strict)
    assert match.verdict is Verdict.POSSIBLE


def face_at(distance: float) -> tuple[float, ...]:
    """An embedding ``distance`` away from the registered (all-zero) face."""
    return (0.0,) * 127 + (distance,)


def stranger(bits: int, face_distance: float) -> tuple[Profile, PhotoFeatures]:
    profile = Profile("twitter", "kettle_news", name="Kettle News", photo=Photo("x", "f" * 64))
    return profile, features("f" * 64, bits, face_at(face_distance))


def signal_of(match: Match, kind: SignalKind) -> Signal:
    return next(s for s in match.signals if s.kind is kind)


@pytest.mark.parametrize(("distance", "expected"), [(0.40, Verdict.POSSIBLE), (0.48, Verdict.NONE)])
def test_a_face_alone_counts_only_when_closer_than_look_alikes_come(
    distance: float, expected: Verdict
) -> None:
    """Another photo, another name: the face is all there is, so it must be within face_alone
    (0.45); at 0.48 it is the distance of LFW's hardest look-alikes, and says why."""
    profile, photo = stranger(30, distance)
    match = score_pair(ADA, [REGISTERED], profile, photo, DEFAULT)
    assert match.verdict is expected
    if expected is Verdict.NONE:
        assert "nothing else in common" in signal_of(match, SignalKind.FACE).detail


def test_the_same_face_at_look_alike_distance_still_counts_with_the_name() -> None:
    """At 0.48 with the copied name and a look-alike handle, the face adds its full weight."""
    profile = Profile("twitter", "ada_l0velace", name="Ada Lovelace", photo=Photo("x", "d" * 64))
    match = score_pair(ADA, [REGISTERED], profile, features("d" * 64, 30, face_at(0.48)), DEFAULT)
    assert signal_of(match, SignalKind.FACE).strength == 1.0
    assert match.verdict is Verdict.LIKELY_CLONE


def test_a_similar_layout_with_another_persons_face_is_not_photo_evidence() -> None:
    """Twelve bits apart is 'similar' by hash alone; a face 0.8 away says it is another
    person in a photo of the same layout (a passport-style portrait), not an edited copy."""
    profile, photo = stranger(12, 0.8)
    match = score_pair(ADA, [REGISTERED], profile, photo, DEFAULT)
    assert signal_of(match, SignalKind.PHOTO).strength == 0.0
    assert "different person" in signal_of(match, SignalKind.PHOTO).detail
    assert match.verdict is Verdict.NONE


def test_an_edited_copy_keeps_its_photo_evidence_because_the_face_agrees() -> None:
    """Twelve bits apart (a crop, a border) with the same face: the hash evidence stands."""
    profile, photo = stranger(12, 0.1)
    match = score_pair(ADA, [REGISTERED], profile, photo, DEFAULT)
    assert signal_of(match, SignalKind.PHOTO).strength == pytest.approx(0.5)
    assert match.verdict is not Verdict.NONE
