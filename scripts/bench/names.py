"""How the world's names, handles and bios are made: the Devumi-style handle edits, copied
display names, templated bios and a plausible handle for each registered person.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable

HOMOGLYPHS = {
    "a": "а",  # Cyrillic
    "e": "е",
    "o": "о",
    "p": "р",
    "c": "с",
    "x": "х",
    "y": "у",
    "i": "і",
    "v": "ν",  # Greek
    "n": "η",
}
EMOJI = ["✔️", "🇺🇸", "✨", "💙", "🌟", "🔥", "🙏"]


def _positions(text: str, test: Callable[[str], bool]) -> list[int]:
    return [i for i, c in enumerate(text) if test(c)]


def edit_handle(handle: str, rng: random.Random) -> tuple[str, str]:
    """One Devumi-style edit of a handle, and its name."""

    def double(h: str) -> str | None:
        spots = _positions(h, str.isalpha)
        if not spots:
            return None
        i = rng.choice(spots)
        return h[: i + 1] + h[i] + h[i + 1 :]

    def drop(h: str) -> str | None:
        if len(h) < 5:
            return None
        i = rng.randrange(1, len(h))
        return h[:i] + h[i + 1 :]

    def swap(h: str) -> str | None:
        spots = [i for i in range(len(h) - 1) if h[i] != h[i + 1]]
        if not spots:
            return None
        i = rng.choice(spots)
        return h[:i] + h[i + 1] + h[i] + h[i + 2 :]

    def digits(h: str) -> str | None:
        return h + str(rng.randint(1, 9999))

    def underscore(h: str) -> str | None:
        if rng.random() < 0.5:
            return h + "_"
        i = rng.randrange(1, len(h))
        return h[:i] + "_" + h[i:]

    def ell(h: str) -> str | None:
        spots = _positions(h, lambda c: c in "li")
        if not spots:
            return None
        i = rng.choice(spots)
        return h[:i] + rng.choice(["I", "1"] if h[i] == "l" else ["l", "1"]) + h[i + 1 :]

    def zero(h: str) -> str | None:
        spots = _positions(h, lambda c: c == "o")
        if not spots:
            return None
        i = rng.choice(spots)
        return h[:i] + "0" + h[i + 1 :]

    def lookalike(h: str) -> str | None:
        spots = _positions(h, lambda c: c in HOMOGLYPHS)
        if not spots:
            return None
        i = rng.choice(spots)
        return h[:i] + HOMOGLYPHS[h[i]] + h[i + 1 :]

    def affix(h: str) -> str | None:
        return rng.choice(["real" + h, h + "official", "the" + h, h + "_official", "real_" + h])

    edits: dict[str, Callable[[str], str | None]] = {
        "doubled letter": double,
        "dropped letter": drop,
        "swapped neighbours": swap,
        "appended digits": digits,
        "underscore": underscore,
        "l/I/1": ell,
        "o/0": zero,
        "Cyrillic/Greek look-alike": lookalike,
        "real/official affix": affix,
    }
    order = list(edits)
    rng.shuffle(order)
    for name in order:
        result = edits[name](handle)
        if result is not None and result.casefold() != handle.casefold():
            return result, name
    return handle + "1", "appended digits"


def edit_name(name: str, rng: random.Random, *, light: bool) -> str:
    """A copied display name: as is, with an emoji, or (``light``) lightly edited."""
    roll = rng.random()
    if roll < 0.3:
        return f"{name} {rng.choice(EMOJI)}"
    if light and roll < 0.5:
        spots = _positions(name, lambda c: c in HOMOGLYPHS)
        if spots:
            i = rng.choice(spots)
            return name[:i] + HOMOGLYPHS[name[i]] + name[i + 1 :]
    if light and roll < 0.65:
        spots = _positions(name, str.isalpha)
        i = rng.choice(spots)
        return name[: i + 1] + name[i] + name[i + 1 :]
    return name


ROLES = ["Husband, father", "Proud parent", "Public servant", "Lifelong learner", "Sports fan"]
TOPICS = ["politics", "tennis", "film", "music", "education", "the economy", "community work"]
CLOSERS = ["Views my own.", "Official account.", "Tweets by me.", "Thank you for following."]


def make_bio(rng: random.Random, place: str) -> str:
    return (
        f"{rng.choice(ROLES)} from {place}. Passionate about {rng.choice(TOPICS)} "
        f"and {rng.choice(TOPICS)}. {rng.choice(CLOSERS)}"
    )


PLACES = ["London", "Madrid", "Rome", "Texas", "Paris", "Tokyo", "Seoul", "Brasília", "Ohio"]


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


#: place and profession suffixes real people add to their name when it is taken
NAMESAKE_SUFFIXES = ["_nyc", "md", "photo", "_uk", "la", "art", "music", "phd", "_tx", "dds"]


def namesake_handle(name: str, registered: str, rng: random.Random) -> tuple[str, str]:
    """A handle a real namesake of ``name`` uses (words re-ordered, an initial, a place or
    profession suffix, digits, a separator), never the registered one; and how it was made.
    At most 15 characters, as on Twitter."""
    words = ["".join(c for c in ascii_fold(w).lower() if c.isalnum()) for w in name.split()]
    first, last = words[0], words[-1]
    kinds: dict[str, list[str]] = {
        "re-ordered": [f"{last}{first}", f"{last}_{first}"],
        "initial": [f"{first[0]}{last}", f"{first}{last[0]}", f"{first[0]}_{last}"],
        "suffix": [
            f"{first}{last}{rng.choice(NAMESAKE_SUFFIXES)}",
            f"{last}{rng.choice(NAMESAKE_SUFFIXES)}",
        ],
        "digits": [
            f"{first}{last}{rng.randint(1, 99)}",
            f"{first}_{last}{rng.randint(1960, 2005)}",
            f"{first[0]}{last}{rng.randint(1, 999)}",
        ],
        "separator": [f"{first}_{last}", f"{first}_{last}_"],
    }
    order = list(kinds)
    rng.shuffle(order)
    for kind in order:
        options = list(kinds[kind])
        rng.shuffle(options)
        for option in options:
            handle = option[:15]
            if handle.casefold() != registered.casefold():
                return handle, kind
    return f"{first}{last}{rng.randint(100, 999)}"[:15], "digits"


def plausible_handle(identity: str, rng: random.Random, taken: set[str]) -> str:
    parts = [ascii_fold(p).lower() for p in identity.split("_") if p]
    parts = ["".join(c for c in p if c.isalnum()) for p in parts]
    first, last = parts[0], parts[-1]
    options = [f"{first}{last}", f"{first[0]}{last}"]
    rng.shuffle(options)
    for option in [*options, f"{first}_{last}", f"{first}{last}{rng.randint(1, 99)}"]:
        if option[:15] not in taken:
            taken.add(option[:15])
            return option[:15]
    raise AssertionError("no free handle")
