"""Small helpers of the use cases: reading an own account, making an identity's key."""

from __future__ import annotations

import re
import unicodedata

from clonecheck import __version__
from clonecheck.errors import InputError
from clonecheck.models import AccountRef


def parse_account(text: str) -> AccountRef:
    """``platform:handle`` -> AccountRef, refusing anything else with the expected form."""
    platform, sep, handle = text.partition(":")
    if not sep or not platform.strip() or not handle.strip():
        raise InputError(
            f"own account {text!r} is not of the form platform:handle (e.g. twitter:adalovelace)"
        )
    return AccountRef(platform, handle)


def make_slug(text: str) -> str:
    """A short ASCII key for an identity: its first handle, or its name, lowercased."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_]+", "-", ascii_text.casefold()).strip("-")
    if not slug:
        raise InputError(f"cannot make an identity key from {text!r}; pass --slug")
    return slug


def tool_version() -> str:
    return __version__
