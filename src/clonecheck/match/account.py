"""Account evidence: how new, how followed and how active an account is, in words.

Impersonators are newer than the account they copy, have few followers, follow many and have
little history of their own (Goga et al., IMC 2015). Two measurements, both explained:

- the account's *shape* (followers, following, posts) scored by a logistic regression trained
  on bought fake followers vs genuine accounts (``account_model``, written by
  ``scripts/train_account_model.py``; docs/calibration.md has the measurements);
- its creation date against the person's own accounts: a copy made years after the original.

Account evidence never stands alone: ``score`` scales it by the identity evidence (name,
handle, photo, face) and only then lets it raise a match, and an established account with its
own audience lowers the name evidence instead. Pure and deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from clonecheck.config import Config
from clonecheck.match import account_model
from clonecheck.models import Profile, ProfileSketch

_TWITTER_DATE = "%a %b %d %H:%M:%S %z %Y"
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@lru_cache(maxsize=1 << 14)
def parse_created(text: str) -> datetime | None:
    """A creation date as the sources give it (ISO 8601, Twitter v1.1's ``Fri Apr 06 10:58:22
    +0000 2007``, a Unix time), in UTC; None when absent or unreadable."""
    text = text.strip()
    if not text:
        return None
    try:
        parsed = datetime.strptime(text, _TWITTER_DATE)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            if not text.isdigit():
                return None
            seconds = int(text)
            parsed = datetime.fromtimestamp(seconds / 1000 if seconds > 10**11 else seconds, UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def fake_probability(profile: Profile | ProfileSketch) -> float | None:
    """The model's probability that the account is shaped like a bought one (0..1); None when
    the source gave no follower and following counts. Unknown posts count as average."""
    if profile.followers is None or profile.following is None:
        return None
    return _probability(profile.followers, profile.following, profile.posts)


@lru_cache(maxsize=1 << 14)
def _probability(followers: int, following: int, posts: int | None) -> float:
    counts = {"followers": followers, "following": following}
    if posts is not None:
        counts["posts"] = posts
    z = account_model.INTERCEPT
    for name, mean, scale, weight in zip(
        account_model.FEATURES,
        account_model.MEAN,
        account_model.SCALE,
        account_model.COEFFICIENTS,
        strict=True,
    ):
        if name in counts:
            z += weight * (math.log1p(max(0, counts[name])) - mean) / scale
    return 1.0 / (1.0 + math.exp(-z))


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def _span(years: float) -> str:
    """``six years``, ``1.5 years``, ``4 months``: the gap as a person says it."""
    if years < 1:
        months = max(1, round(years * 12))
        return f"{_NUMBERS[months] if months <= 10 else months} month{'s' if months > 1 else ''}"
    whole = round(years)
    if abs(years - whole) < 0.25:
        return f"{_NUMBERS[whole] if whole <= 10 else whole} year{'s' if whole > 1 else ''}"
    return f"{years:.1f} years"


@dataclass(frozen=True, slots=True)
class AccountEvidence:
    """What an account's metadata says, before it meets the identity evidence.

    ``suspicion`` (0..1) raises a match; ``established`` lowers its name evidence; ``facts`` is
    the sentence a support agent can paste ("created 2019-03-02, six years after the person's
    own account; 12 followers, follows 1,940; 3 posts")."""

    probability: float | None
    gap_years: float | None
    suspicion: float
    established: bool
    facts: str
    reasons: tuple[str, ...]


def _ramp(value: float, weak: float, strong: float) -> float:
    if value >= strong:
        return 1.0
    if value <= weak:
        return 0.0
    return (value - weak) / (strong - weak)


def assess(
    profile: Profile, own_accounts: Sequence[Profile], config: Config
) -> AccountEvidence | None:
    """The account evidence of one profile, or None when its source exported no metadata."""
    probability = fake_probability(profile)
    created = parse_created(profile.created_at)
    own_dates = [d for d in (parse_created(p.created_at) for p in own_accounts) if d is not None]
    if probability is None and created is None and profile.verified is None:
        return None
    facts: list[str] = []
    reasons: list[str] = []
    gap: float | None = None
    if created is not None:
        when = f"created {created.date().isoformat()}"
        if own_dates:
            gap = (created - min(own_dates)).days / 365.25
            if gap >= 1 / 12:
                when += f", {_span(gap)} after the person's own account"
            elif gap <= -1 / 12:
                when += f", {_span(-gap)} before the person's own account"
            else:
                when += ", the same month as the person's own account"
        facts.append(when)
    if profile.followers is not None and profile.following is not None:
        facts.append(
            f"{_count(profile.followers, 'follower', 'followers')}, follows {profile.following:,}"
        )
    if profile.posts is not None:
        facts.append(_count(profile.posts, "post", "posts"))
    if profile.default_photo:
        facts.append("default profile photo")
    if profile.verified:
        facts.append("verified by the platform")

    suspicion = 0.0
    if probability is not None:
        suspicion = _ramp(probability, config.account_weak, config.account_strong)
        if suspicion > 0:
            reasons.append(f"shaped like a bought account ({probability:.2f})")
    if (
        gap is not None
        and gap >= config.account_gap_years
        and suspicion < config.account_gap_strength
    ):
        suspicion = config.account_gap_strength
        reasons.append(f"made {_span(gap)} after the person's own account")
    established = bool(profile.verified) or (
        probability is not None
        and probability <= config.account_established
        and (profile.followers or 0) >= config.account_audience
        and (profile.posts is None or profile.posts >= config.account_audience)
    )
    if established:
        suspicion = 0.0
        reasons = [
            "verified by the platform"
            if profile.verified
            else f"an established account with its own audience ({probability:.2f})"
        ]
    return AccountEvidence(
        probability,
        gap,
        suspicion,
        established,
        "; ".join(facts) or "no account metadata",
        tuple(reasons),
    )
