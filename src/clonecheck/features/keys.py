"""Candidate-index keys of display names and handles: the words of a name, and the skeletons
and one-letter deletions by which a clone's name or handle meets the identity it copies.

``match.candidates`` indexes these keys, so only names and handles that share one are compared
(``names``). The keys per name or handle are bounded: no deletions past
``MAX_DELETION_KEY_LEN`` letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from clonecheck.features.skeleton import (
    affix_steps_cached,
    bare_core,
    bare_handle,
    collapse_doubles,
    leet_to_letters,
)
from clonecheck.features.text import CACHE_SIZE, normalize, normalize_text, strip_name_affixes

#: the readings without their per-string caches: a crawl's names and handles are nearly all
#: distinct, so caching each intermediate string would only fill the caches (the comparisons,
#: which meet the same registered strings pair after pair, keep using the cached ones)
_leet = leet_to_letters.__wrapped__
_collapse = collapse_doubles.__wrapped__
_affix_steps = affix_steps_cached.__wrapped__

#: handles and names longer than this get no deletion keys (bounded key count)
MAX_DELETION_KEY_LEN = 24


def _strip_affixes(core: str) -> str:
    """The core without every affix clone makers add ("real", "official", "tv" ...), for
    index keys; the caller keeps the unstripped form as well ("theodore" is not "odore")."""
    return _affix_steps(core)[-1][0]


def _skeleton_forms(handle: str) -> list[str]:
    """Every way a handle may read, before doubled letters collapse: capital I as l and as i,
    "rn" as m and as rn, affixes kept and stripped. Most handles have one form."""
    raw = handle.strip().lstrip("@")
    forms: list[str] = []
    for text in dict.fromkeys((raw.replace("I", "l"), raw)):
        core = bare_core(text)
        # "rn" and "vv" read as m and w, and as themselves (mapping digits makes neither)
        for digraphs in (True, False) if "rn" in core or "vv" in core else (True,):
            leet = _leet(core, digraphs=digraphs)
            forms += (leet, _strip_affixes(leet))
    return list(dict.fromkeys(f for f in forms if f))


def _skeleton_keys(forms: Iterable[str]) -> set[str]:
    """``h:`` keys of each form: its skeleton and the skeletons of its one-letter deletions
    (SymSpell: two strings at edit distance one, a dropped, doubled, swapped or replaced letter,
    share a deletion). Deleting before collapsing doubles keeps "maroneslaugh" and its clone
    "marrneslaugh" together. At most ``MAX_DELETION_KEY_LEN + 1`` keys per form."""
    keys: set[str] = set()
    for form in forms:
        keys |= _form_keys(form)
    return keys


@lru_cache(maxsize=CACHE_SIZE)
def _form_keys(form: str) -> frozenset[str]:
    """``_skeleton_keys`` of one form, cached: a crawl's handles repeat their cores with other
    digits ("annasmith84", "annasmith1990"), so most cores are keyed once per scan."""
    skeleton = collapse_doubles(form)
    if len(skeleton) < 3:
        return frozenset()
    return frozenset({f"h:{skeleton}", *(f"h:{d}" for d in _collapsed_deletions(form))})


def _collapsed_deletions(text: str) -> set[str]:
    """``collapse_doubles`` of every one-letter deletion of ``text`` (none for texts shorter
    than 4 or longer than ``MAX_DELETION_KEY_LEN``), read off its runs of letters rather than
    collapsing each deletion (a regex each was most of a scan's key cost): deleting a letter of
    a doubled run leaves the collapsed text; deleting a single letter removes it, and merges
    its neighbours when they are equal ("bacab" without "c" reads "bab")."""
    if len(text) > MAX_DELETION_KEY_LEN or len(text) < 4:
        return set()
    letters = _collapse(text)
    doubled: set[int] = set()  # positions in ``letters`` of the runs longer than one
    if len(letters) < len(text):
        start = 0
        for position, letter in enumerate(letters):
            end = start + 1
            while end < len(text) and text[end] == letter:
                end += 1
            if end - start > 1:
                doubled.add(position)
            start = end
    last = len(letters) - 1
    found: set[str] = set()
    for i in range(last + 1):
        if i in doubled:
            found.add(letters)
        elif 0 < i < last and letters[i - 1] == letters[i + 1]:
            found.add(letters[:i] + letters[i + 2 :])
        else:
            found.add(letters[:i] + letters[i + 1 :])
    return found


def name_spellings(words: list[str]) -> list[tuple[str, str]]:
    """The ways a handle spells a name, with the phrase saying which: words joined, words
    swapped, first name as an initial, last name as an initial."""
    if not words:
        return []
    found = [("".join(words), "handle spells the name")]
    if len(words) > 1:
        found += [
            ("".join(reversed(words)), "handle spells the name, words swapped"),
            (words[0][0] + "".join(words[1:]), "handle spells the name with an initial"),
            (words[0] + words[-1][0], "handle spells the name with an initial"),
        ]
    return found


def name_keys(name: str) -> set[str]:
    """Candidate-index keys of a display name.

    ``t:`` one per normalised word of 3+ letters (the index needs two of them, or a one-word
    name, to pick a candidate); ``h:`` the skeleton of the joined words with its one-letter
    deletions (so a name at edit distance one still meets), and without deletions the other
    spellings a handle uses: words swapped, "alovelace", "adal" (which "Ada L." also gives).
    Bounded: at most about 2 x 25 + 3 ``h:`` keys, names over 24 letters get no deletions.

    A profile's name keeps its spellings too, though only a registered handle or name is
    spelled: "Andrea Jacobs" and "Andrea Jacobson" (names 93/100 alike, two edits apart)
    meet only through "andreaj"."""
    words = normalize_text(name).split()
    keys = {f"t:{w}" for w in words if len(w) >= 3}
    if not words:
        return keys
    joined = "".join(words)
    forms = [_leet(joined)]
    bare_words, affixes = strip_name_affixes([], words)
    if affixes:  # "Official Madonna" meets "Madonna"
        forms.append(_leet("".join(bare_words)))
    if "I" in name:
        # "EiIeen Collins": a capital I inside a word may be an l
        forms.append(
            leet_to_letters(bare_handle(normalize_text(name.replace("I", "l")).replace(" ", ""))[0])
        )
    keys |= _skeleton_keys(forms)
    for spelled, _ in name_spellings(words)[1:]:
        skeleton = _collapse(_leet(spelled))
        if len(skeleton) >= 3:
            keys.add(f"h:{skeleton}")
    return keys


def handle_keys(handle: str) -> set[str]:
    """Candidate-index keys of a handle: ``h:`` keys of every reading of it (``_skeleton_forms``:
    capital I as l or i, "rn" as m or rn, affixes kept or stripped; usually one), each with its
    one-letter deletions, and ``t:`` keys of the words its separators delimit
    (``eileen_collins`` -> eileen, collins). At most 8 forms x 25 keys, typically about 12."""
    keys = _skeleton_keys(_skeleton_forms(handle))
    words = re.split(r"[_.\-\d$@!|]+", normalize(handle, keep_separators=True)[0])
    keys |= {f"t:{w}" for w in words if len(w) >= 3}
    return keys
