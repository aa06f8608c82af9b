"""Which edits of a name or handle no namesake makes by accident: look-alike substitutions
(``lookalike_tricks``), and how deliberate a handle edit is (``handle_edit_class``).

Built on the comparisons of ``names``: a namesake's handle ``adalovelace84`` is ordinary,
``adaIovelace`` is not.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from clonecheck.features.names import compare_handles, compare_names
from clonecheck.features.text import (
    ASCII_DIGRAPHS,
    CACHE_SIZE,
    LOOKALIKE_TABLE,
    TextComparison,
    is_invisible,
    latin_lookalike,
)

# --- look-alike substitutions no namesake makes by accident ----------------------------------


@lru_cache(maxsize=CACHE_SIZE)
def lookalike_skeleton(text: str, *, handle: bool) -> str:
    """What a text reads as, and nothing more (Unicode TS #39 skeleton, Latin side): NFKC,
    invisible characters removed, letters of other scripts that imitate Latin ones mapped to
    them, ASCII look-alikes read as the letter (I and 1 as l, 0 as o, rn as m ...), case
    folded; in a handle, whose case platforms ignore, i reads as l too (it may be shown as
    I). Separators, digits, accents and decorations are kept, so two texts share a skeleton
    but differ only through a look-alike substitution."""
    text = unicodedata.normalize("NFKC", text.strip())
    if handle:
        text = text.lstrip("@")
    if not text.isascii():  # ASCII has no invisible or other-script characters
        mapped = []
        for char in text:
            if is_invisible(char):
                continue
            latin = latin_lookalike(char) if char.isalpha() else None
            mapped.append(latin if latin is not None else char)
        text = "".join(mapped)
    folded = text.replace("I", "l").casefold().translate(LOOKALIKE_TABLE)
    if handle:
        # platforms ignore a handle's case, so its i may be shown as I, which reads as l:
        # ``eiIeencollins`` is stored as ``eiieencollins``
        folded = folded.replace("i", "l")
    for digraph, letter in ASCII_DIGRAPHS:
        folded = folded.replace(digraph, letter)
    return " ".join(folded.split())


def lookalike_skeleton_once(text: str, *, handle: bool) -> str:
    """``lookalike_skeleton`` without its cache, for a string read once (a crawl's)."""
    return str(lookalike_skeleton.__wrapped__(text, handle=handle))


@lru_cache(maxsize=CACHE_SIZE)
def _plain(text: str, *, handle: bool) -> str:
    """A text as written, case and blanks aside (accents composed alike)."""
    text = unicodedata.normalize("NFC", text.strip())
    if handle:
        text = text.lstrip("@")
    return " ".join(text.casefold().split())


def lookalike_tricks(registered: str, candidate: str, *, handle: bool) -> tuple[str, ...]:
    """The look-alike substitutions that make ``candidate`` read as ``registered`` while
    differing from it ("Cyrillic е for e", "I for l", "invisible characters"); empty when the
    two are the same text (case aside) or do not read alike.

    Only substitutions count, never an added digit, separator or accent: a namesake's handle
    ``adalovelace84`` or name ``Adá Lovelace`` is ordinary, ``adaIovelace`` is not."""
    if lookalike_skeleton(registered, handle=handle) != lookalike_skeleton(
        candidate, handle=handle
    ):
        return ()
    if not registered.strip() or _plain(registered, handle=handle) == _plain(
        candidate, handle=handle
    ):
        return ()
    found = (
        compare_handles(registered, candidate).edits
        if handle
        else compare_names(registered, candidate).edits
    )
    tricks = [
        e.removeprefix("look-alike: ") for e in found if e.startswith(("look-alike", "invisible"))
    ]
    # the whole texts read alike, so a letter the comparison saw replaced was a look-alike
    # (``hkarza1`` for ``hkarzai``: 1 for i)
    replaced = "replaced letter: "
    tricks += [e.removeprefix(replaced) for e in found if e.startswith(replaced)]
    return tuple(dict.fromkeys(tricks)) or ("look-alike characters",)


# --- how deliberate a handle edit is -------------------------------------------------------

#: place and profession words real people append to their name when it is taken
NAMESAKE_SUFFIXES: tuple[str, ...] = (
    "nyc",
    "la",
    "sf",
    "uk",
    "usa",
    "md",
    "phd",
    "dds",
    "rn",
    "esq",
    "law",
    "dr",
    "photo",
    "photos",
    "photography",
    "art",
    "arts",
    "music",
    "writes",
    "writer",
    "design",
    "dev",
    "coach",
    "fit",
)


class HandleEdit:
    """Classes of handle edits, by how deliberate they are (see ``handle_edit_class``)."""

    SAME = "same"
    LOOKALIKE = "look-alike"
    TYPO = "typo"
    AFFIX = "affix"
    NATURAL = "natural"
    OTHER = "other"


_TYPO_EDITS = ("doubled letter", "dropped letter", "swapped neighbours", "replaced letter", "added")
_SEPARATOR_EDITS = ("underscore", "dot ", "dash ")
_NATURAL_EDITS = (
    "appended digits",
    "prepended digits",
    "underscore",
    "dot ",
    "dash ",
    "handle spells the name",
    "partial name",
)


def handle_edit_class(found: TextComparison, candidate: str = "") -> str:
    """How deliberate the edits behind a handle comparison are.

    - ``look-alike``: a letter swapped for one that looks the same (see ``lookalike_tricks``);
    - ``typo`` and ``affix``: a doubled, dropped, swapped or replaced letter in the exact
      handle, or "real"/"official" around it: copies meant to pass for the original;
    - ``natural``: what namesakes do with their own name when it is taken (digits,
      separators, words swapped, an initial, a place or profession suffix such as ``_nyc``);
    - ``same``: no edit; ``other``: anything else.

    A typo is one edit: two or more are another spelling (a truncated or different word).
    ``scripts/train_account_model.py`` measures how often real people's
    handles relate to their own names by each class."""
    edits = found.edits
    if edits and all(e.startswith(("look-alike", "invisible")) for e in edits):
        return HandleEdit.LOOKALIKE
    bare = "".join(c for c in candidate.casefold() if c.isalpha())
    if any(bare.endswith(s) and len(bare) > len(s) + 3 for s in NAMESAKE_SUFFIXES) and all(
        e.startswith(("added", "underscore", "dot ", "dash ", "appended", "handle spells"))
        for e in edits
    ):
        return HandleEdit.NATURAL
    if not edits:
        return HandleEdit.SAME if found.similarity >= 100 else HandleEdit.OTHER
    if any(e.startswith(("prefix:", "suffix:")) for e in edits):
        return HandleEdit.AFFIX
    typos = [e for e in edits if e.startswith(_TYPO_EDITS)]
    if len(typos) == 1 and all(e in typos or e.startswith(_SEPARATOR_EDITS) for e in edits):
        return HandleEdit.TYPO
    if all(e.startswith(_NATURAL_EDITS) for e in edits):
        return HandleEdit.NATURAL
    return HandleEdit.OTHER
