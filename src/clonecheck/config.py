"""Every threshold, weight and limit in one place, with documented defaults.

A run overrides them with ``--set name=value`` (see ``Config.with_overrides``). The README's
"How the defaults were chosen" section says on which data each default was measured; the
measurements come from ``scripts/calibrate.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from clonecheck.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Config:
    # --- photo hashes: bits of 64 that differ (pHash/dHash/wHash, mirrored copies included) ---
    #: at or below: the same photo, re-encoded, resized or filtered
    hash_strong: float = 8.0
    #: above: unrelated photos (strength falls linearly between strong and weak)
    hash_weak: float = 16.0

    # --- faces: euclidean distance between 128-d dlib embeddings ---
    #: at or below: the same person with high confidence
    face_strong: float = 0.50
    #: face_recognition's own default tolerance; above it the faces say nothing
    face_weak: float = 0.60
    #: a face with nothing else in common (no photo copy, name, handle or bio) counts only at
    #: or below this: the hardest different-person pairs (look-alikes) reach face_strong
    face_alone: float = 0.45
    #: upsampling passes of the HOG detector for avatars under 200 px (they need one to find
    #: the face); larger photos start with one fewer, and a photo with no face gets one more
    face_upsample: int = 1
    #: faces smaller than this (pixels on the short side) give no trustworthy embedding
    min_face_px: int = 20
    #: run the face model on every imported photo, not only on candidates of cheaper signals
    faces_for_all: bool = False
    #: worker processes for photo analysis and the face model (0: one per CPU core)
    workers: int = 0

    # --- names, handles, bios: rapidfuzz similarity 0..100 on normalised text ---
    name_strong: float = 95.0
    name_weak: float = 80.0
    handle_strong: float = 90.0
    handle_weak: float = 80.0
    bio_strong: float = 90.0
    bio_weak: float = 60.0
    #: bios shorter than this (characters) are too generic to compare
    bio_min_chars: int = 20

    # --- fusion: noisy-OR of weight x strength per signal, then two verdict thresholds ---
    weight_photo: float = 0.90
    weight_face: float = 0.80
    weight_name: float = 0.50
    weight_handle: float = 0.50
    weight_bio: float = 0.45
    #: a look-alike substitution in a handle or name that otherwise equals the registered one
    #: (``names.lookalike_tricks``): with the name matching, that alone reaches likely
    weight_deception: float = 0.75
    #: account evidence (``match.account``), scaled by the strongest identity signal: metadata
    #: alone never flags anyone; with a full name and handle match, a new bought-shaped account
    #: is likely
    weight_account: float = 0.60
    likely_threshold: float = 0.85
    possible_threshold: float = 0.55

    # --- how deliberate a handle edit is (names.handle_edit_class) ---
    #: the weight kept by a handle edit real people make to their own name (digits,
    #: separators, words swapped, initials, place/profession suffixes: 34 % of genuine Cresci
    #: handles vs 0.4 % with one typo-like edit, docs/calibration.md)
    handle_natural_factor: float = 0.60

    # --- account evidence: the account-shape model's probability of a bought account ---
    #: at or below: no suspicion; at or above account_strong: full suspicion (linear between);
    #: cross-validated on Cresci 2015, 0.85 flags 98.5 % of fakes and 0.8 % of genuine accounts
    account_weak: float = 0.50
    account_strong: float = 0.85
    #: at or below this probability, with at least account_audience followers (and posts,
    #: where known), an account is established: 95.5 % of genuine accounts, 0.4 % of fakes
    account_established: float = 0.15
    account_audience: int = 100
    #: the name, handle and bio weight an established account keeps (its own audience makes it
    #: the namesake, not the copy); deception, photo and face evidence are not lowered
    account_established_factor: float = 0.60
    #: an account created this many years after the person's own earliest account ...
    account_gap_years: float = 1.0
    #: ... is at least this suspicious, whatever its shape (unless established). Weak on
    #: purpose: a copy is newer than the original, but so is a namesake's account half the
    #: time; the shape carries the weight
    account_gap_strength: float = 0.25

    # --- limits on untrusted photos ---
    max_photo_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 50_000_000
    max_dimension: int = 12_000
    thumbnail_px: int = 192
    fetch_timeout_s: float = 15.0
    fetch_max_redirects: int = 5

    def with_overrides(self, overrides: Mapping[str, str]) -> Config:
        """A copy with ``name=value`` strings applied, each converted to the field's type."""
        fields = {f.name: f for f in dataclasses.fields(self)}
        changes: dict[str, object] = {}
        for name, text in overrides.items():
            key = name.strip().replace("-", "_")
            if key not in fields:
                known = ", ".join(sorted(fields))
                raise ConfigError(f"unknown setting {name!r}; known settings: {known}")
            current = getattr(self, key)
            changes[key] = _convert(key, text, type(current))
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """``["a=1", "b=2"]`` -> ``{"a": "1", "b": "2"}``, refusing pairs without ``=``."""
    result: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"setting {pair!r} is not of the form name=value")
        result[name.strip()] = value.strip()
    return result


def _convert(name: str, text: str, kind: type) -> object:
    try:
        if kind is bool:
            lowered = text.lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise ValueError(text)
        return kind(text)
    except ValueError:
        raise ConfigError(f"setting {name}={text!r}: expected a {kind.__name__} value") from None


DEFAULT = Config()
