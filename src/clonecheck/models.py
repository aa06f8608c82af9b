"""Plain data shared by every stage. No I/O, and nothing of the project is imported here.

All records are frozen dataclasses so that a value computed once (a photo's features, a match)
can be cached, compared and passed between stages without defensive copies.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

#: Names of the perceptual hashes computed for every photo. ``*_mirror`` are the same hashes of
#: the left-right mirrored image, so that a flipped copy still matches.
HASH_KINDS: tuple[str, ...] = ("phash", "dhash", "whash")


def normalize_platform(platform: str) -> str:
    """Platforms are compared case-insensitively and without surrounding blanks."""
    return platform.strip().lower()


def normalize_handle(handle: str) -> str:
    """Handles are stored as written but keyed without ``@`` and case (platforms ignore case)."""
    return handle.strip().lstrip("@").casefold()


@dataclass(frozen=True, slots=True)
class AccountRef:
    """One account on one platform, as ``platform:handle``."""

    platform: str
    handle: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "platform", normalize_platform(self.platform))
        object.__setattr__(self, "handle", self.handle.strip().lstrip("@"))

    @property
    def key(self) -> str:
        return f"{self.platform}:{normalize_handle(self.handle)}"

    def __str__(self) -> str:
        return f"{self.platform}:{self.handle}"


@dataclass(frozen=True, slots=True)
class Face:
    """One detected face: its box in the decoded image and its 128-d dlib embedding."""

    top: int
    right: int
    bottom: int
    left: int
    encoding: tuple[float, ...]

    @property
    def area(self) -> int:
        return max(0, self.bottom - self.top) * max(0, self.right - self.left)


class FaceStatus(enum.StrEnum):
    """Why a photo has the faces it has; stored so that a report can say why no face matched."""

    NOT_COMPUTED = "not computed"
    FOUND = "found"
    NO_FACE = "no face found"
    TOO_SMALL = "too small"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PhotoFeatures:
    """What clonecheck knows about one image, keyed by the sha256 of its bytes."""

    digest: str
    width: int
    height: int
    #: hash kind (see HASH_KINDS, plus ``<kind>_mirror``) -> 64-bit hash as 16 hex digits
    hashes: Mapping[str, str]
    face_status: FaceStatus = FaceStatus.NOT_COMPUTED
    faces: tuple[Face, ...] = ()
    #: registered photos only: crop label -> the crop's hashes (``imaging.crop_hashes``)
    crops: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def hash_int(self, kind: str) -> int:
        return int(self.hashes[kind], 16)


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo reference as a source gave it, and what became of it."""

    source: str
    digest: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    """A registered person: who they are and which accounts really are theirs."""

    slug: str
    name: str
    handles: tuple[str, ...] = ()
    photos: tuple[Photo, ...] = ()
    own_accounts: tuple[AccountRef, ...] = ()
    bio: str = ""

    def owns(self, profile: Profile) -> bool:
        """True when the profile is one of the accounts the person declared as theirs."""
        return any(own.key == profile.account.key for own in self.own_accounts)


@dataclass(frozen=True, slots=True)
class Profile:
    """One account as crawled or exported, in the same shape whatever the source format."""

    platform: str
    handle: str
    name: str = ""
    account_id: str | None = None
    bio: str = ""
    location: str = ""
    #: the website the account links to, as the source gave it
    url: str = ""
    #: the account's own page on its platform (https://x.com/handle, an actor URL ...)
    link: str = ""
    created_at: str = ""
    followers: int | None = None
    following: int | None = None
    photo: Photo | None = None
    #: posts (statuses, notes) the account has published; None when the source does not say
    posts: int | None = None
    #: the platform's verified badge; None when the source does not say
    verified: bool | None = None
    #: the platform's default avatar (no photo of its own); None when the source does not say
    default_photo: bool | None = None
    #: the record as the source gave it, so nothing it said is lost
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "platform", normalize_platform(self.platform))
        object.__setattr__(self, "handle", self.handle.strip().lstrip("@"))

    @property
    def key(self) -> str:
        """Stable identity across re-imports: platform + account id, else platform + handle."""
        if self.account_id:
            return f"{self.platform}:id:{self.account_id}"
        return f"{self.platform}:@{normalize_handle(self.handle)}"

    @property
    def account(self) -> AccountRef:
        return AccountRef(self.platform, self.handle)


class ProfileSketch(NamedTuple):
    """The columns of a stored profile a scan reads for every profile: enough to find its
    candidates and bound their scores (``match.screen``). The rest (the source's record, the
    photo's address) is read only for the pairs the bound keeps: most profiles never need it."""

    key: str
    handle: str
    name: str
    photo_digest: str | None = None
    bio: str = ""
    created_at: str = ""
    followers: int | None = None
    following: int | None = None
    posts: int | None = None
    verified: bool | None = None


class SignalKind(enum.StrEnum):
    PHOTO = "photo"
    FACE = "face"
    NAME = "name"
    HANDLE = "handle"
    BIO = "bio"
    #: a look-alike substitution (other script, I for l, 0 for o, invisible characters) in a
    #: handle or name that otherwise equals the registered one: deliberate, not a namesake
    DECEPTION = "deception"
    #: the account's own shape and age (``match.account``): raises or lowers identity evidence
    ACCOUNT = "account"


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of evidence, with its raw measurement and a sentence a person understands.

    ``strength`` is the evidence on a 0..1 scale after calibration (0: says nothing, 1: as strong
    as this kind of signal gets); ``value`` is the raw measurement in the unit ``detail`` names.
    """

    kind: SignalKind
    value: float
    strength: float
    detail: str
    #: named edits or facts behind the signal ("look-alike: Cyrillic а for a", "mirrored")
    evidence: tuple[str, ...] = ()


class Verdict(enum.StrEnum):
    LIKELY_CLONE = "likely clone"
    POSSIBLE = "possible"
    NONE = "none"

    @property
    def rank(self) -> int:
        return {Verdict.LIKELY_CLONE: 2, Verdict.POSSIBLE: 1, Verdict.NONE: 0}[self]


@dataclass(frozen=True, slots=True)
class Match:
    """A profile judged against one identity, with every signal that went into the verdict."""

    identity: Identity
    profile: Profile
    score: float
    verdict: Verdict
    signals: tuple[Signal, ...]
    #: digest of the registered photo that matched best, for side-by-side evidence
    identity_photo: str | None = None
    #: reasons that lowered the verdict (fan account, parody ...)
    notes: tuple[str, ...] = ()

    @property
    def reasons(self) -> tuple[str, ...]:
        """The sentences of the signals that carried evidence, strongest first."""
        ranked = sorted(self.signals, key=lambda s: s.strength, reverse=True)
        return tuple(s.detail for s in ranked if s.strength > 0) + self.notes


class CaseState(enum.StrEnum):
    """Where an impersonation case stands in a support team's workflow."""

    OPEN = "open"
    CONFIRMED = "confirmed clone"
    DISMISSED = "dismissed"
    REPORTED = "reported to platform"
    CLOSED = "closed"


class DismissReason(enum.StrEnum):
    """Why a reported account is not a clone; required to dismiss a case."""

    NAMESAKE = "namesake"
    FAN_PARODY = "fan/parody"
    OWN_ACCOUNT = "own account"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One entry of a case's audit log: who changed what, when and why (append-only)."""

    case_id: int
    #: ISO 8601, UTC
    at: str
    actor: str
    #: None for the event that opened the case
    from_state: CaseState | None
    to_state: CaseState
    reason: str
    note: str


@dataclass(frozen=True, slots=True)
class Case:
    """An impersonation report being handled: the match as it was when opened, and its log."""

    id: int
    identity_slug: str | None
    profile_key: str
    state: CaseState
    assignee: str | None
    opened_at: str
    score: float
    verdict: Verdict
    #: sha256 over the evidence that matters (photo, normalised name, handle, signals)
    evidence_digest: str
    match: Match | None = None
    events: tuple[CaseEvent, ...] = ()
