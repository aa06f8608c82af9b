"""Signals -> fused score -> verdict, with a sentence a person understands for every signal.

Each comparison (photo hashes, faces, display name, handle, bio) becomes a ``Signal`` whose
``strength`` maps the raw measurement onto 0..1 between the config's ``*_weak`` and ``*_strong``
thresholds (measured on real data, see the README). Strengths fuse by a noisy-OR of
``weight × strength``: each signal is an independent chance that the pair is a clone, so one
strong signal suffices, several weak ones add up, and none can push the score past 1.

The weights encode a decision table (README, "How the defaults were chosen"): the same photo
alone is a likely clone; the same face alone only possible (a fan page or news account may use
another photo of the person) until a name or handle agrees; a copied name and handle without
any photo is possible, and likely only with a copied bio too, or with a look-alike trick in
the handle or name (deception: no namesake writes ``adaIovelace``), or on a new account shaped
like a bought one (account evidence, ``match.account``). Handle edits real people make to their
own names (digits, ``_nyc``, initials) weigh less than the typo-like edits of copies, and an
established account with its own audience keeps less of its name evidence. Pure and
deterministic.

Over the project's 400-line guide on purpose: every signal's function sits beside the fusion
and the cross-checks that weigh it, so the whole verdict can be read, and audited, in one file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from clonecheck.config import Config
from clonecheck.features import deception, names
from clonecheck.features.faces import face_distance
from clonecheck.features.imaging import best_hash_match
from clonecheck.match import account
from clonecheck.match.rarity import NameRarity
from clonecheck.models import (
    Identity,
    Match,
    PhotoFeatures,
    Profile,
    Signal,
    SignalKind,
    Verdict,
)


def ramp_down(value: float, strong: float, weak: float) -> float:
    """1 at or below ``strong``, 0 at or above ``weak``, linear between (for distances)."""
    if value <= strong:
        return 1.0
    if value >= weak:
        return 0.0
    return (weak - value) / (weak - strong)


def ramp_up(value: float, weak: float, strong: float) -> float:
    """0 at or below ``weak``, 1 at or above ``strong``, linear between (for similarities)."""
    if value >= strong:
        return 1.0
    if value <= weak:
        return 0.0
    return (value - weak) / (strong - weak)


def photo_signal(
    identity_photos: Sequence[PhotoFeatures], photo: PhotoFeatures, config: Config
) -> tuple[Signal, str] | None:
    """The closest registered photo (or crop of one) by perceptual hash, and its digest."""
    best = None
    for registered in identity_photos:
        found = best_hash_match(registered, photo.hashes)
        if best is None or found.distance < best[0].distance:
            best = (found, registered.digest)
    if best is None:
        return None
    found, digest = best
    strength = ramp_down(found.distance, config.hash_strong, config.hash_weak)
    bits = f"hash distance {found.distance:g} of 64"
    evidence: list[str] = [
        f"{kind} {bits_} of 64" for kind, bits_ in sorted(found.per_kind.items())
    ]
    if found.mirrored:
        evidence.insert(0, "mirrored")
    if found.crop:
        evidence.insert(0, f"fits the registered photo's {found.crop} crop")
    how = "mirrored" if found.mirrored else "re-encoded, resized or filtered"
    if found.crop:
        how = f"cropped ({found.crop})" + (" and mirrored" if found.mirrored else "")
    if strength >= 1.0:
        detail = f"same photo, {how}: {bits}"
    elif strength > 0:
        detail = f"similar photo ({how}?): {bits}"
    else:
        detail = f"different photo: {bits}"
    signal = Signal(SignalKind.PHOTO, found.distance, strength, detail, tuple(evidence))
    return signal, digest


def face_signal(
    identity_photos: Sequence[PhotoFeatures], photo: PhotoFeatures, config: Config
) -> tuple[Signal, str] | None:
    """The closest registered face by embedding distance, and its photo's digest."""
    best: tuple[float, str] | None = None
    for registered in identity_photos:
        distance = face_distance(registered.faces, photo.faces)
        if distance is not None and (best is None or distance < best[0]):
            best = (distance, registered.digest)
    if best is None:
        return None
    distance, digest = best
    strength = ramp_down(distance, config.face_strong, config.face_weak)
    if strength >= 1.0:
        detail = f"same face: distance {distance:.2f} (same person below {config.face_strong:g})"
    elif strength > 0:
        detail = (
            f"similar face: distance {distance:.2f} "
            f"(between {config.face_strong:g} and {config.face_weak:g})"
        )
    else:
        detail = f"different face: distance {distance:.2f}"
    return Signal(SignalKind.FACE, round(distance, 4), strength, detail), digest


def _commonness(name: str, rarity: NameRarity | None) -> tuple[float, tuple[str, ...]]:
    """The weight a match on this name keeps, and the evidence saying why it is less than 1."""
    if rarity is None:
        return 1.0, ()
    factor = rarity.factor(name)
    if factor >= 1.0:
        return 1.0, ()
    namesakes = rarity.namesakes(name)
    return factor, (
        f"common name: about {namesakes:.0f} namesakes expected among {rarity.total:,} "
        f"profiles, weight x{factor:.2f}",
    )


def name_signal(
    identity: Identity, profile: Profile, config: Config, rarity: NameRarity | None = None
) -> Signal | None:
    if not identity.name.strip() or not profile.name.strip():
        return None
    found = names.compare_names(identity.name, profile.name)
    factor, why = _commonness(identity.name, rarity)
    strength = ramp_up(found.similarity, config.name_weak, config.name_strong) * factor
    detail = f"display name {profile.name!r}: {found.detail} ({found.similarity:.0f}/100)"
    return Signal(SignalKind.NAME, round(found.similarity, 2), strength, detail, found.edits + why)


def handle_signal(
    identity: Identity,
    profile: Profile,
    config: Config,
    rarity: NameRarity | None = None,
    *,
    not_a_namesake: bool = False,
) -> Signal | None:
    """The registered handle (or the registered name) that the profile's handle is closest to.

    A handle that merely spells the registered name is weighed like the name itself: common
    names make it weaker (a namesake's handle often spells their name). An edit real people
    make to their own names (digits, separators, initials, ``_nyc``) keeps
    ``handle_natural_factor`` of its weight, unless ``not_a_namesake`` (the bio, the photo or
    the face is the person's too: a namesake copies none of them)."""
    if not profile.handle:
        return None
    comparisons: list[tuple[names.TextComparison, str, float, tuple[str, ...]]] = [
        (names.compare_handles(handle, profile.handle), f"@{handle}", 1.0, ())
        for handle in identity.handles
    ]
    if identity.name.strip():
        factor, why = _commonness(identity.name, rarity)
        comparisons.append(
            (
                names.compare_handle_to_name(profile.handle, identity.name),
                repr(identity.name),
                factor,
                why,
            )
        )
    if not comparisons:
        return None

    def strength_of(found: names.TextComparison, factor: float) -> float:
        return ramp_up(found.similarity, config.handle_weak, config.handle_strong) * factor

    found, against, factor, why = max(
        comparisons, key=lambda c: (strength_of(c[0], c[2]), c[0].similarity)
    )
    strength = strength_of(found, factor)
    detail = f"handle @{profile.handle} vs {against}: {found.detail} ({found.similarity:.0f}/100)"
    if strength > 0 and _is_natural(found, profile.handle) and not not_a_namesake:
        strength *= config.handle_natural_factor
        why += (_NATURAL_NOTE.format(config.handle_natural_factor),)
    return Signal(
        SignalKind.HANDLE, round(found.similarity, 2), strength, detail, found.edits + why
    )


#: handle edit classes real people use for their own names (measured in docs/calibration.md)
_NATURAL_CLASSES = frozenset({deception.HandleEdit.NATURAL, deception.HandleEdit.OTHER})
#: the evidence line of a handle weighed as a namesake's own spelling of their name
_NATURAL_NOTE = "an edit namesakes make to their own name, weight x{:g}"


def _is_natural(found: names.TextComparison, handle: str) -> bool:
    return deception.handle_edit_class(found, handle) in _NATURAL_CLASSES


def _namesake_like(signal: Signal) -> bool:
    """Whether a signal is evidence a namesake could also show: a name, a bio, a handle that
    spells the name the way people do. A deliberate handle edit (one typo, an affix) is not:
    an established account does not make it less of a copy."""
    if signal.kind is SignalKind.HANDLE:
        return any(e.startswith("an edit namesakes make") for e in signal.evidence)
    return signal.kind in (SignalKind.NAME, SignalKind.BIO)


def deception_signal(identity: Identity, profile: Profile) -> Signal | None:
    """A handle or display name that reads exactly as the registered one but is not: a
    look-alike letter, ``I`` for ``l``, ``0`` for ``o``, ``rn`` for ``m``, invisible characters.
    Checked against the registered handles and the name as a handle spells it."""
    found: list[str] = []
    for handle in identity.handles:
        tricks = deception.lookalike_tricks(handle, profile.handle, handle=True)
        if tricks:
            found.append(f"handle @{profile.handle} reads as @{handle}: {', '.join(tricks)}")
            break
    if not found and identity.name.strip() and profile.handle:
        joined = "".join(names.normalize_text(identity.name).split())
        tricks = deception.lookalike_tricks(joined, profile.handle, handle=True)
        if tricks:
            found.append(f"handle @{profile.handle} reads as the name: {', '.join(tricks)}")
    if identity.name.strip() and profile.name.strip():
        tricks = deception.lookalike_tricks(identity.name, profile.name, handle=False)
        if tricks:
            found.append(
                f"display name {profile.name!r} reads as {identity.name!r}: {', '.join(tricks)}"
            )
    if not found:
        return None
    detail = "look-alike characters, no namesake's accident: " + "; ".join(found)
    return Signal(SignalKind.DECEPTION, float(len(found)), 1.0, detail, tuple(found))


#: signals that say who the account claims to be; account evidence counts only beside them
_IDENTITY_KINDS = frozenset({SignalKind.PHOTO, SignalKind.FACE, SignalKind.NAME, SignalKind.HANDLE})


def account_signal(
    signals: Sequence[Signal],
    profile: Profile,
    own_accounts: Sequence[Profile],
    config: Config,
) -> tuple[Signal | None, float]:
    """The account evidence as a signal scaled by the strongest identity signal (metadata
    alone never flags anyone), and the weight factor for name evidence (below 1 for an
    established account)."""
    found = account.assess(profile, own_accounts, config)
    if found is None:
        return None, 1.0
    identity = max((s.strength for s in signals if s.kind in _IDENTITY_KINDS), default=0.0)
    strength = found.suspicion * identity
    value = round(found.probability, 4) if found.probability is not None else 0.0
    if found.established:
        detail = f"{found.reasons[0]}: {found.facts}"
        factor = config.account_established_factor
        return Signal(SignalKind.ACCOUNT, value, 0.0, detail, (found.facts, *found.reasons)), factor
    if strength > 0:
        detail = f"{' and '.join(found.reasons)}: {found.facts}"
    else:
        detail = f"account: {found.facts}"
    return Signal(SignalKind.ACCOUNT, value, strength, detail, (found.facts, *found.reasons)), 1.0


def bio_signal(identity: Identity, profile: Profile, config: Config) -> Signal | None:
    found = names.compare_bios(identity.bio, profile.bio, min_chars=config.bio_min_chars)
    if found is None:
        return None
    strength = ramp_up(found.similarity, config.bio_weak, config.bio_strong)
    detail = f"bio: {found.detail} ({found.similarity:.0f}/100)"
    return Signal(SignalKind.BIO, round(found.similarity, 2), strength, detail, found.edits)


def fuse(signals: Sequence[Signal], config: Config, name_factor: float = 1.0) -> float:
    """Noisy-OR of ``weight × strength`` over the signals; ``name_factor`` scales the weight
    of the evidence a namesake could also show (name, bio, a handle spelling the name the way
    people do): an established account's own audience."""
    weights = {
        SignalKind.PHOTO: config.weight_photo,
        SignalKind.FACE: config.weight_face,
        SignalKind.NAME: config.weight_name,
        SignalKind.HANDLE: config.weight_handle,
        SignalKind.BIO: config.weight_bio,
        SignalKind.DECEPTION: config.weight_deception,
        SignalKind.ACCOUNT: config.weight_account,
    }
    miss = 1.0
    for signal in signals:
        factor = name_factor if name_factor != 1.0 and _namesake_like(signal) else 1.0
        miss *= 1.0 - weights[signal.kind] * factor * signal.strength
    return 1.0 - miss


def verdict_for(score: float, config: Config) -> Verdict:
    if score >= config.likely_threshold:
        return Verdict.LIKELY_CLONE
    if score >= config.possible_threshold:
        return Verdict.POSSIBLE
    return Verdict.NONE


def _lowered(verdict: Verdict) -> Verdict:
    return {
        Verdict.LIKELY_CLONE: Verdict.POSSIBLE,
        Verdict.POSSIBLE: Verdict.NONE,
        Verdict.NONE: Verdict.NONE,
    }[verdict]


def _cross_checked(signals: list[Signal], config: Config) -> list[Signal]:
    """Signals that contradict or fail to support each other, weakened with the reason why.

    - A photo only *similar* by hash (not within ``hash_strong``) whose face is clearly
      another person's is two portraits of the same layout, not an edited copy: an edited
      copy keeps the face. Passport-style photos of different people reach 10-12 bits.
    - A face with nothing else in common counts only within ``face_alone``: the hardest
      different-person pairs (look-alikes) come as close as ``face_strong``.
    """
    by_kind = {s.kind: s for s in signals}
    photo, face = by_kind.get(SignalKind.PHOTO), by_kind.get(SignalKind.FACE)
    result = []
    for signal in signals:
        if (
            signal is photo
            and face is not None
            and 0 < signal.strength < 1
            and face.value >= config.face_weak
        ):
            signal = replace(
                signal,
                strength=0.0,
                detail=(
                    f"similar layout, different person: hash distance {signal.value:g} of 64, "
                    f"but the faces are {face.value:.2f} apart"
                ),
            )
        elif (
            signal is face
            and signal.strength > 0
            and signal.value > config.face_alone
            and not any(s.strength > 0 for s in signals if s is not face)
        ):
            signal = replace(
                signal,
                strength=0.0,
                detail=(
                    f"similar face: distance {signal.value:.2f}, but nothing else in common "
                    f"(alone, a face counts within {config.face_alone:g}: look-alikes come "
                    "this close)"
                ),
            )
        result.append(signal)
    return result


def score_pair(
    identity: Identity,
    identity_photos: Sequence[PhotoFeatures],
    profile: Profile,
    profile_photo: PhotoFeatures | None,
    config: Config,
    rarity: NameRarity | None = None,
    own_accounts: Sequence[Profile] = (),
) -> Match:
    """Judge one profile against one identity. The person's own accounts are never clones.

    ``rarity`` (token frequencies of the crawl) weakens name evidence for common names;
    ``own_accounts`` (the person's own accounts as stored) date the original for the account
    evidence."""
    if identity.owns(profile):
        return Match(
            identity,
            profile,
            0.0,
            Verdict.NONE,
            (),
            notes=(f"{profile.account} is registered as {identity.name}'s own account",),
        )
    signals: list[Signal] = []
    matched_photo: str | None = None
    if profile_photo is not None and identity_photos:
        photo = photo_signal(identity_photos, profile_photo, config)
        if photo is not None:
            signals.append(photo[0])
            matched_photo = photo[1]
        face = face_signal(identity_photos, profile_photo, config)
        if face is not None:
            signals.append(face[0])
            if face[0].strength > (photo[0].strength if photo else 0.0):
                matched_photo = face[1]
    bio = bio_signal(identity, profile, config)
    # a namesake has neither the person's bio nor their photo or face: with either, a handle
    # edit namesakes make is no excuse
    not_a_namesake = (bio is not None and bio.strength >= 1.0) or any(
        s.kind in (SignalKind.PHOTO, SignalKind.FACE) and s.strength >= 0.5 for s in signals
    )
    name = name_signal(identity, profile, config, rarity)
    handle = handle_signal(identity, profile, config, rarity, not_a_namesake=not_a_namesake)
    signals += [s for s in (name, handle, bio) if s is not None]
    # a look-alike reads exactly as the original (``lookalike_tricks`` compares what the
    # texts read as), even where the comparison saw a replaced letter: ``hkarza1`` reads as
    # ``hkarzai`` though it scores 92 as a handle
    if name is not None or handle is not None:
        deception = deception_signal(identity, profile)
        if deception is not None:
            signals.append(deception)
    signals = _cross_checked(signals, config)
    notes: tuple[str, ...] = ()
    found, name_factor = None, 1.0
    if any(s.strength > 0 for s in signals if s.kind in _IDENTITY_KINDS):
        found, name_factor = account_signal(signals, profile, own_accounts, config)
    if found is not None:
        signals.append(found)
        if name_factor < 1.0 and any(s.strength > 0 for s in signals if _namesake_like(s)):
            notes = (
                f"{found.detail}: the evidence a namesake could also show (name, bio, a "
                f"handle spelling the name) weighed x{name_factor:g}",
            )
    score = fuse(signals, config, name_factor)
    verdict = verdict_for(score, config)
    disclaimer = names.fan_or_parody(profile.name, profile.bio)
    if disclaimer is not None and verdict is not Verdict.NONE:
        verdict = _lowered(verdict)
        notes += (f"says {disclaimer!r} in its name or bio: verdict lowered one step",)
    if matched_photo is None and identity_photos:
        matched_photo = identity_photos[0].digest
    return Match(identity, profile, score, verdict, tuple(signals), matched_photo, notes)
