"""Hand-made matches for the report tests: one registered person and three suspects.

The thumbnails are tiny real JPEG files kept under ``data/`` (made once with Pillow), so that
their bytes, and with them the golden files, never depend on the JPEG encoder installed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clonecheck.models import Identity, Match, Photo, Profile, Signal, SignalKind, Verdict
from clonecheck.report.interface import ReportContext

DATA = Path(__file__).parent / "data"
GENERATED_AT = datetime(2025, 3, 1, 12, 30, 5, 123456, tzinfo=UTC)


def _thumbnail(name: str) -> tuple[str, bytes]:
    data = (DATA / name).read_bytes()
    return hashlib.sha256(data).hexdigest(), data


REGISTERED_DIGEST, REGISTERED_JPEG = _thumbnail("collins.jpg")
CLONE_DIGEST, CLONE_JPEG = _thumbnail("clone.jpg")
FACE_DIGEST, FACE_JPEG = _thumbnail("face.jpg")

COLLINS = Identity(
    slug="eileen-collins",
    name="Eileen Collins",
    handles=("EileenCollins",),
    photos=(Photo("https://www.nasa.gov/collins.jpg", REGISTERED_DIGEST),),
    bio="Retired NASA astronaut, first woman to pilot and command a Space Shuttle.",
)


def clone_match() -> Match:
    """A likely clone: the registered photo mirrored, a handle with I for l."""
    profile = Profile(
        platform="x",
        handle="EiIeenCollins",
        name="Eileen Collins",
        account_id="1456789012345678901",
        bio="Retired NASA astronaut, first woman to pilot and command a Space Shuttle. DM me!",
        url="https://crypto-giveaway.example/eileen",
        link="https://x.com/EiIeenCollins",
        photo=Photo("https://pbs.twimg.com/profile_images/1/clone.jpg", CLONE_DIGEST),
        created_at="2019-03-02T12:00:00+00:00",
        followers=12,
        following=1940,
        posts=3,
        verified=False,
        default_photo=False,
    )
    facts = (
        "created 2019-03-02, six years after the person's own account; "
        "12 followers, follows 1,940; 3 posts"
    )
    signals = (
        Signal(
            SignalKind.PHOTO,
            2.0,
            1.0,
            "same photo, mirrored: hash distance 2 of 64",
            ("mirrored", "dhash 2 of 64", "phash 2 of 64", "whash 0 of 64"),
        ),
        Signal(
            SignalKind.HANDLE,
            92.31,
            0.8846,
            "handle @EiIeenCollins vs @EileenCollins: look-alike spelling (92/100)",
            ("look-alike: I for l",),
        ),
        Signal(
            SignalKind.NAME,
            100.0,
            1.0,
            "display name 'Eileen Collins': the same name (100/100)",
        ),
        Signal(
            SignalKind.BIO, 91.2, 0.78, "bio: nearly the same text (91/100)", ("added: DM me!",)
        ),
        Signal(
            SignalKind.DECEPTION,
            1.0,
            1.0,
            "look-alike characters, no namesake's accident: handle @EiIeenCollins reads as "
            "@EileenCollins: I for l",
            ("handle @EiIeenCollins reads as @EileenCollins: I for l",),
        ),
        Signal(
            SignalKind.ACCOUNT,
            0.9987,
            1.0,
            f"shaped like a bought account (1.00): {facts}",
            (facts, "shaped like a bought account (1.00)"),
        ),
    )
    return Match(
        COLLINS,
        profile,
        0.9731,
        Verdict.LIKELY_CLONE,
        signals,
        identity_photo=REGISTERED_DIGEST,
    )


def face_match() -> Match:
    """A possible clone on the face alone: another photo of her, another name."""
    profile = Profile(
        platform="instagram",
        handle="shuttle.commander",
        name="Commander ✈ E.C.",
        account_id="5512349876",
        link="https://www.instagram.com/shuttle.commander/",
        photo=Photo("https://scontent.cdninstagram.com/v/face.jpg", FACE_DIGEST),
    )
    signals = (
        Signal(SignalKind.PHOTO, 31.0, 0.0, "different photo: hash distance 31 of 64"),
        Signal(
            SignalKind.FACE,
            0.4123,
            0.6285,
            "similar face: distance 0.41 (between 0.38 and 0.5)",
        ),
        Signal(SignalKind.NAME, 22.5, 0.0, "display name 'Commander ✈ E.C.': different (22/100)"),
    )
    return Match(
        COLLINS, profile, 0.5512, Verdict.POSSIBLE, signals, identity_photo=REGISTERED_DIGEST
    )


def fan_match() -> Match:
    """A fan account: her name in name and handle, lowered by a note; its photo failed."""
    profile = Profile(
        platform="bluesky",
        handle="eileencollinsfan.bsky.social",
        name="Eileen Collins Fan Page",
        account_id="did:plc:7q2xkz5fan",
        bio="Fan account, not affiliated. Celebrating STS-93 and STS-114.",
        link="https://bsky.app/profile/eileencollinsfan.bsky.social",
        photo=Photo("https://cdn.bsky.app/img/avatar/plain/fan.jpg", error="HTTP 404"),
    )
    signals = (
        Signal(
            SignalKind.NAME,
            73.68,
            0.3368,
            "display name 'Eileen Collins Fan Page': contains the name (74/100)",
            ("added: Fan Page",),
        ),
        Signal(
            SignalKind.HANDLE,
            80.0,
            0.5,
            "handle @eileencollinsfan.bsky.social vs 'Eileen Collins': spells the name (80/100)",
            ("added: fan", "added: .bsky.social"),
        ),
    )
    return Match(
        COLLINS,
        profile,
        0.2104,
        Verdict.NONE,
        signals,
        notes=("says it is a fan account ('fan' in handle, name and bio)",),
    )


def sample_matches() -> list[Match]:
    return [clone_match(), face_match(), fan_match()]


def sample_context(**changes: object) -> ReportContext:
    values: dict[str, object] = {
        "title": "clonecheck scan 7 for eileen-collins",
        "generated_at": GENERATED_AT,
        "tool_version": "0.1.0",
        "photos": {
            REGISTERED_DIGEST: REGISTERED_JPEG,
            CLONE_DIGEST: CLONE_JPEG,
            FACE_DIGEST: FACE_JPEG,
        },
        "scanned_profiles": 1234,
        "scanned_identities": 2,
    }
    values.update(changes)
    return ReportContext(**values)  # type: ignore[arg-type]


@pytest.fixture
def matches() -> list[Match]:
    return sample_matches()


@pytest.fixture
def context() -> ReportContext:
    return sample_context()
