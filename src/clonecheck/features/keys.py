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
from typing import NamedTuple

from clonecheck.features.skeleton import (
    affix_steps_cached,
    bare_core,
    bare_handle,
    collapse_doubles,
    leet_to_letters,
)
from clonecheck.features.text import (
    CACHE_SIZE,
    NAME_AFFIXES,
    PREFIXES,
    SUFFIXES,
    normalize,
    normalize_text,
    strip_name_affixes,
)

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
    if not core.startswith(PREFIXES) and not core.endswith(SUFFIXES):
        return core  # most handles: two C calls say so
    return _affix_steps(core)[-1][0]


def _skeleton_forms(handle: str) -> list[str]:
    """Every way a handle may read, before doubled letters collapse: capital I as l and as i,
    "rn" as m and as rn, affixes kept and stripped. Most handles have one form."""
    raw = handle.strip().lstrip("@")
    forms: list[str] = []
    for text in (raw.replace("I", "l"), raw) if "I" in raw else (raw,):
        core = bare_core(text)
        # "rn" and "vv" read as m and w, and as themselves (mapping digits makes neither)
        for digraphs in (True, False) if "rn" in core or "vv" in core else (True,):
            leet = _leet(core, digraphs=digraphs)
            forms += (leet, _strip_affixes(leet))
    return list(dict.fromkeys(f for f in forms if f))


def _skeleton_keys(forms: Iterable[str]) -> set[str]:
    """``h:`` keys of each form (``form_keys``, prefixed)."""
    keys: set[str] = set()
    for form in forms:
        keys |= _form_keys(form)
    return keys


@lru_cache(maxsize=CACHE_SIZE)
def _form_keys(form: str) -> frozenset[str]:
    """``_skeleton_keys`` of one form, cached: a registry's keys are built once, and the
    comparisons and tests that ask for them ask again."""
    return frozenset(f"h:{key}" for key in form_keys(form))


def form_keys(form: str) -> set[str]:
    """The skeleton of a form and the skeletons of its one-letter deletions (SymSpell: two
    strings at edit distance one, a dropped, doubled, swapped or replaced letter, share a
    deletion); none for a skeleton shorter than 3 letters. Deleting before collapsing doubles
    keeps "maroneslaugh" and its clone "marrneslaugh" together. At most
    ``MAX_DELETION_KEY_LEN + 1`` keys; unprefixed, uncached (a crawl's forms are distinct)."""
    skeleton = _collapse(form)
    if len(skeleton) < 3:
        return set()
    found = _collapsed_deletions(form, skeleton)
    found.add(skeleton)
    return found


#: a doubled run of letters, and a letter between two equal ones (found at the one before)
_DOUBLED = re.compile(r"(.)\1+")
_BETWEEN_EQUAL = re.compile(r"(?=(.).\1)")


def _collapsed_deletions(text: str, letters: str | None = None) -> set[str]:
    """``collapse_doubles`` of every one-letter deletion of ``text`` (none for texts shorter
    than 4 or longer than ``MAX_DELETION_KEY_LEN``), read off ``letters``, the collapsed text,
    rather than collapsing each deletion (a regex each was most of a scan's key cost):
    deleting a letter of a doubled run leaves the collapsed text; deleting a single letter
    removes it, and merges its neighbours when they are equal ("bacab" without "c" reads
    "bab"). Both exceptions are found by a compiled pattern, not a loop over the letters."""
    if len(text) > MAX_DELETION_KEY_LEN or len(text) < 4:
        return set()
    if letters is None:
        letters = _collapse(text)
    doubled: set[int] = set()  # positions in ``letters`` of the runs longer than one
    if len(letters) < len(text):
        removed = 0
        for run in _DOUBLED.finditer(text):
            doubled.add(run.start() - removed)
            removed += run.end() - run.start() - 1
    found = {letters[:i] + letters[i + 1 :] for i in range(len(letters)) if i not in doubled}
    # a letter between two equal ones ("bacab"): one C pass says whether there is any
    if any(map(str.__eq__, letters, letters[2:])):
        for between in _BETWEEN_EQUAL.finditer(letters):
            i = between.start() + 1
            if i not in doubled:
                # the plain deletion holds a doubled letter no other deletion has: replace it
                found.discard(letters[:i] + letters[i + 1 :])
                found.add(letters[:i] + letters[i + 2 :])
    if doubled:
        found.add(letters)
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


class KeyForms(NamedTuple):
    """What a name or handle is keyed by, before the keys are spelled out: ``name_keys`` and
    ``handle_keys`` prefix and expand them for the index; a scan's profile side expands them
    straight into look-ups (``match.candidates``), never building a key set per profile."""

    #: normalised words of 3+ letters (``t:`` keys)
    words: tuple[str, ...]
    #: forms keyed by their skeleton and its one-letter deletions (``form_keys``)
    forms: tuple[str, ...]
    #: skeletons keyed alone, without deletions
    skeletons: tuple[str, ...] = ()

    def keys(self) -> set[str]:
        """The prefixed keys: ``t:`` per word, ``h:`` per skeleton or deletion."""
        keys = {f"t:{w}" for w in self.words}
        keys |= _skeleton_keys(self.forms)
        keys.update(f"h:{s}" for s in self.skeletons)
        return keys


def name_key_forms(name: str) -> KeyForms:
    """``name_keys`` before expansion: the words, the joined words (and without affix words,
    and with a capital I read as l) keyed with deletions, the other spellings alone."""
    words = normalize_text(name).split()
    if not words:
        return KeyForms((), ())
    joined = "".join(words)
    forms = [_leet(joined)]
    if words[0] in NAME_AFFIXES or words[-1] in NAME_AFFIXES:
        bare_words, affixes = strip_name_affixes([], words)
        if affixes:  # "Official Madonna" meets "Madonna"
            forms.append(_leet("".join(bare_words)))
    if "I" in name:
        # "EiIeen Collins": a capital I inside a word may be an l
        forms.append(
            leet_to_letters(bare_handle(normalize_text(name.replace("I", "l")).replace(" ", ""))[0])
        )
    spelled = map(_collapse, map(_leet, [s for s, _ in name_spellings(words)[1:]]))
    return KeyForms(
        tuple([w for w in words if len(w) >= 3]),
        tuple(forms),
        tuple([s for s in spelled if len(s) >= 3]),
    )


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
    return name_key_forms(name).keys()


#: what separates the words of a handle (``eileen_collins``, ``eileen.collins84``)
_HANDLE_WORD_BREAKS = re.compile(r"[_.\-\d$@!|]+")


def handle_key_forms(handle: str) -> KeyForms:
    """``handle_keys`` before expansion."""
    words = _HANDLE_WORD_BREAKS.split(normalize(handle, keep_separators=True)[0])
    return KeyForms(tuple([w for w in words if len(w) >= 3]), tuple(_skeleton_forms(handle)))


def handle_keys(handle: str) -> set[str]:
    """Candidate-index keys of a handle: ``h:`` keys of every reading of it (``_skeleton_forms``:
    capital I as l or i, "rn" as m or rn, affixes kept or stripped; usually one), each with its
    one-letter deletions, and ``t:`` keys of the words its separators delimit
    (``eileen_collins`` -> eileen, collins). At most 8 forms x 25 keys, typically about 12."""
    return handle_key_forms(handle).keys()
