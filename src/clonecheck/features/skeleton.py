"""What a handle reads as: separators and outer digits off, ASCII look-alikes read as the
letters they imitate (0 as o, rn as m), doubled letters collapsed, affixes ("real",
"official") off or kept.

The readings the index keys (``keys``) and the handle comparison (``names``) share; each is
cached per string, since a scan reads each identity's handle once for the whole crawl.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter

from clonecheck.features.text import (
    ASCII_DIGRAPHS,
    CACHE_SIZE,
    LOOKALIKE_TABLE,
    PREFIXES,
    SEPARATORS,
    SUFFIXES,
    normalize,
)

_RUNS = re.compile(r"(.)\1+")
_FIRST = itemgetter(1)


def _collapse(text: str) -> str:
    return _RUNS.sub(_FIRST, text)


@lru_cache(maxsize=CACHE_SIZE)
def collapse_doubles(text: str) -> str:
    """The text with every run of one character cut to one ("aaddaa" -> "ada"). (A compiled
    pattern and a C replacement: ``re.sub`` with a template string was a fifth of the keys.)"""
    return _collapse(text)


def _affix_chain(
    core: str, affixes: tuple[str, ...], *, front: bool
) -> list[tuple[str, list[str]]]:
    """The core with 0, 1, 2 ... affixes removed from one end, with the edits so far."""
    kind = "prefix" if front else "suffix"
    chain: list[tuple[str, list[str]]] = [(core, [])]
    if not (core.startswith(affixes) if front else core.endswith(affixes)):
        return chain  # most handles: one C call says so
    while True:
        found = next(
            (
                a
                for a in affixes
                if (core.startswith(a) if front else core.endswith(a)) and len(core) - len(a) >= 4
            ),
            None,
        )
        if found is None:
            return chain
        core = core[len(found) :] if front else core[: -len(found)]
        chain.append((core, [*chain[-1][1], f"{kind}: {found}"]))


def affix_steps(core: str) -> list[tuple[str, list[str]]]:
    """The core with every combination of leading and trailing affixes removed, each with the
    edits naming what was removed; the core itself first, everything removed last. A
    comparison picks the one that fits best, so an affix is removed only where that brings the
    handle closer to the one compared with."""
    return [(tail, list(edits)) for tail, edits in affix_steps_cached(core)]


@lru_cache(maxsize=CACHE_SIZE)
def affix_steps_cached(core: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``affix_steps`` as tuples, cached: a comparison that only reads them copies nothing."""
    return tuple(
        (tail, (*head_edits, *tail_edits))
        for head, head_edits in _affix_chain(core, PREFIXES, front=True)
        for tail, tail_edits in _affix_chain(head, SUFFIXES, front=False)
    )


_OUTER = SEPARATORS + "0123456789"
_NO_SEPARATORS = str.maketrans("", "", SEPARATORS)


def bare_handle(handle: str) -> tuple[str, list[str]]:
    """A normalised handle without separators and outer digits, and the digits it had."""
    core, edits = _bare_cached(handle)
    return core, list(edits)


def bare_core(handle: str) -> str:
    """``bare_handle``'s core, without its cache and without naming the digits: for the index
    keys and readings of a crawl's handles, nearly all distinct."""
    text = normalize(handle.strip().lstrip("@"), keep_separators=True)[0].replace(" ", "")
    return text.strip(_OUTER).translate(_NO_SEPARATORS)


@lru_cache(maxsize=CACHE_SIZE)
def _bare_cached(handle: str) -> tuple[str, tuple[str, ...]]:
    text, _ = normalize(handle.strip().lstrip("@"), keep_separators=True)
    text = text.replace(" ", "")
    edits: list[str] = []
    # outer runs of separators and digits: what is left of them without separators is digits
    trail = text[len(text.rstrip(_OUTER)) :].translate(_NO_SEPARATORS)
    lead = text[: len(text) - len(text.lstrip(_OUTER))].translate(_NO_SEPARATORS)
    if trail:
        edits.append(f"appended digits: {trail}")
    if lead:
        edits.append(f"prepended digits: {lead}")
    return text.strip(_OUTER).translate(_NO_SEPARATORS), tuple(edits)


@lru_cache(maxsize=CACHE_SIZE)
def leet_to_letters(core: str, *, digraphs: bool = True) -> str:
    """A handle core with its ASCII look-alikes read as the letters they imitate (0 as o,
    and with ``digraphs`` rn as m)."""
    mapped = core.translate(LOOKALIKE_TABLE)
    if digraphs:
        for digraph, letter in ASCII_DIGRAPHS:
            mapped = mapped.replace(digraph, letter)
    return mapped


@lru_cache(maxsize=CACHE_SIZE)
def skeleton_handle(handle: str) -> str:
    """What a handle reads as: normalised, separators and outer digits removed, ASCII
    look-alikes mapped (0->o, 1->l, I->l, rn->m ...), doubled letters collapsed.

    Affixes ("real", "official") are not removed here: whether "the" in "theodore" is an affix
    depends on the handle compared with; ``handle_keys`` indexes both readings."""
    raw = handle.strip().lstrip("@").replace("I", "l")
    return collapse_doubles(leet_to_letters(bare_handle(raw)[0]))


def skeleton_once(handle: str) -> str:
    """``skeleton_handle`` without its caches, for a string read once (a crawl's name or
    handle): caching each distinct string only grows the caches (a cold cached call took
    three times as long as computing it)."""
    if handle.isascii() and "I" not in handle and handle.replace(" ", "").isalpha():
        # letters and blanks only (most display names): the core is the words joined
        return _collapse(leet_to_letters.__wrapped__("".join(handle.lower().split())))
    raw = handle.strip().lstrip("@").replace("I", "l")
    return _collapse(leet_to_letters.__wrapped__(bare_core(raw)))


@lru_cache(maxsize=CACHE_SIZE)
def leet_skeleton(handle: str) -> str:
    """Like ``skeleton_handle`` but keeping outer digits as the letters they imitate
    ("5usan" reads "susan"), for the comparison only."""
    text, _ = normalize(handle.strip().lstrip("@").replace("I", "l"), keep_separators=True)
    return collapse_doubles(leet_to_letters("".join(c for c in text if c not in SEPARATORS + " ")))


@lru_cache(maxsize=CACHE_SIZE)
def handle_readings(handle: str) -> tuple[str, ...]:
    """A handle's readings before doubled letters collapse: capital I as l and as i, "rn"
    as m and as rn (affixes kept)."""
    raw = handle.strip().lstrip("@")
    forms = [
        leet_to_letters(bare_handle(text)[0], digraphs=digraphs)
        for text in dict.fromkeys((raw.replace("I", "l"), raw))
        for digraphs in (True, False)
    ]
    return tuple(dict.fromkeys(f for f in forms if f))
