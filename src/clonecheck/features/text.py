"""Normalise names and handles: undo look-alike letters, other scripts, invisible characters
and decorations, and name each trick undone.

Clone makers keep a name recognisable to people while making it different for the platform:
look-alike letters from other scripts (Cyrillic ``а`` for ``a``), fullwidth or mathematical
forms, invisible characters, decorations. ``normalize`` undoes those and returns what it undid
as named edits, so the comparisons (``names``), the handle readings (``skeleton``) and the
index keys (``keys``) all start from the same text. Also here: the word lists clone makers use
(affixes, disclaimers) and ``TextComparison``, what every comparison returns.

Look-alike data: the Unicode TS #39 confusables table as shipped by the maintained
``confusable_homoglyphs`` package (non-Latin letters that look like Latin ones), plus Unicode
NFKC for compatibility forms; non-Latin words that are not look-alikes are transliterated with
``anyascii`` ("Андрей" -> "andrei"), so a transliterated copy of a name still meets it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from confusable_homoglyphs import confusables


@dataclass(frozen=True, slots=True)
class TextComparison:
    """How alike two strings are (0..100), the edits that separate them, and a short phrase."""

    similarity: float
    edits: tuple[str, ...]
    detail: str


#: ASCII characters clone makers use for one another in handles (skeleton side: the letter)
ASCII_LOOKALIKES: dict[str, str] = {
    "0": "o",
    "1": "l",
    "!": "l",
    "|": "l",
    "3": "e",
    "4": "a",
    "@": "a",
    "5": "s",
    "$": "s",
    "7": "t",
    "8": "b",
}
#: ``ASCII_LOOKALIKES`` for ``str.translate``: one C call instead of a lookup per character
LOOKALIKE_TABLE = str.maketrans(ASCII_LOOKALIKES)
#: multi-letter look-alikes: "rn" reads as "m", "vv" as "w"
ASCII_DIGRAPHS: tuple[tuple[str, str], ...] = (("rn", "m"), ("vv", "w"))
#: words clone makers put before or after a stolen handle
PREFIXES: tuple[str, ...] = ("thereal", "official", "real", "the", "its", "iam", "im", "not")
SUFFIXES: tuple[str, ...] = (
    "official",
    "backup",
    "real",
    "fans",
    "fan",
    "news",
    "tv",
    "hq",
    "xx",
    "x",
)
#: words clone makers add around a stolen display name ("Official Bill Clinton", "Bill Clinton
#: (Official)", "The Real Bill Clinton"), as they do around handles; verified marks and emoji
#: are decorations ``normalize`` removes. Disclaimers ("parody", "fan") are not among them:
#: they say the account is not the person (``fan_or_parody``)
NAME_AFFIXES: frozenset[str] = frozenset(
    {"official", "real", "the", "thereal", "verified", "original", "authentic", "genuine"}
)
#: phrases by which an account says it is not the person
DISCLAIMERS: tuple[str, ...] = (
    "fan account",
    "fan page",
    "fanpage",
    "fan club",
    "fan acc",
    "parody",
    "not affiliated",
    "unofficial",
    "tribute",
    "satire",
    "commentary account",
    "not the real",
    "fansite",
    "fan site",
    "fanclub",
    "satirical",
    "not associated with",
)
#: the separators a handle may have between its words
SEPARATORS = "_.-"
#: kept in handles by normalisation so that look-alikes and separators can be named
_HANDLE_KEEP = SEPARATORS + "$@!|"

#: entries kept by each per-string cache of the name modules: a scan normalises each identity
#: once and each profile once (the identity side stays cached across the whole crawl), not
#: once per pair
CACHE_SIZE = 1 << 17


@lru_cache(maxsize=4096)
def is_invisible(char: str) -> bool:
    """Whether a character shows nothing: a format character, a variation selector, a filler."""
    code = ord(char)
    return (
        unicodedata.category(char) == "Cf"
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or char in "\u034f\u115f\u1160\u3164\uffa0\u180e"
    )


def _script(char: str) -> str:
    """The script word of a character's Unicode name: LATIN, CYRILLIC, GREEK ..."""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0].title() if name else "Unknown"


@lru_cache(maxsize=4096)
def latin_lookalike(char: str) -> str | None:
    """The Latin letter a non-Latin character is confusable with (TS #39), if any."""
    if char.isascii():
        return None
    found = confusables.is_confusable(char, preferred_aliases=["latin"], greedy=True)
    if not found:
        return None
    for glyph in found[0]["homoglyphs"]:
        # a prototype with a mark below or through ("n̩" for Greek η) reads as its base letter
        latin = "".join(
            c for c in unicodedata.normalize("NFKD", glyph["c"]) if not unicodedata.combining(c)
        )
        if len(latin) == 1 and latin.isascii() and latin.isalnum():
            return str(latin)
    return None


def _compat_forms(text: str, edits: list[str]) -> str:
    """NFKC per character, naming the compatibility look-alikes (fullwidth, mathematical ...)
    once per kind: a whole fullwidth handle is one trick, not nine."""
    out: list[str] = []
    kinds: dict[str, tuple[list[str], list[str]]] = {}
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        if folded != char and char.isalnum() and folded.isascii() and folded.isalnum():
            shown, latin = kinds.setdefault(_script(char).lower(), ([], []))
            if char not in shown:
                shown.append(char)
                latin.append(folded)
        out.append(folded)
    for kind, (shown, latin) in kinds.items():
        edits.append(f"look-alike: {kind} {''.join(shown)} for {''.join(latin)}")
    return "".join(out)


def _to_latin(word: str, edits: list[str]) -> str:
    """Each non-Latin look-alike letter of a word replaced by the Latin letter it imitates."""
    mapped = []
    for char in word:
        latin = latin_lookalike(char) if char.isalpha() else None
        if latin is not None:
            edits.append(f"look-alike: {_script(char)} {char} for {latin}")
            mapped.append(latin)
        else:
            mapped.append(char)
    return "".join(mapped)


@lru_cache(maxsize=1 << 16)
def normalize(text: str, *, keep_separators: bool = False) -> tuple[str, tuple[str, ...]]:
    """Lower-case ASCII words separated by single spaces, and the edits undone to get there.

    Handles (``keep_separators``) keep ``_ . -`` and the ASCII look-alikes ``$ @ ! |`` so
    their edits can be named, and read a word made only of look-alike letters as the Latin word
    it imitates (handles are Latin on every platform). In display names such a word is read as
    a look-alike only beside Latin words ("Jоhn Ѕmith"); a name written wholly in another script
    ("Андрей Иванов") is transliterated, not skeletonised. Cached: crawls repeat names.

    Most of a crawl is ASCII: that takes two ``str.translate`` tables, the same result."""
    if text.isascii():
        return _normalize_ascii(text, keep_separators)
    return _normalize_any(text, keep_separators)


def _ascii_table(keep_separators: bool) -> tuple[dict[int, str | None], frozenset[str]]:
    """What ``_normalize_any`` does to each ASCII character, as a translate table (kept,
    a blank, or dropped), and the characters it drops as decorations."""
    table: dict[int, str | None] = {}
    dropped = []
    for code in range(128):
        char = chr(code)
        if char.isalnum() or (keep_separators and char in _HANDLE_KEEP):
            continue
        if char.isspace() or unicodedata.category(char).startswith("P"):
            table[code] = " "
        else:
            table[code] = None
            dropped.append(char)
    return table, frozenset(dropped)


_ASCII_TABLES = {keep: _ascii_table(keep) for keep in (False, True)}


def _normalize_ascii(text: str, keep_separators: bool) -> tuple[str, tuple[str, ...]]:
    table, dropped = _ASCII_TABLES[keep_separators]
    edits: tuple[str, ...] = ()
    if not dropped.isdisjoint(text):
        removed = "".join(dict.fromkeys(c for c in text if c in dropped))
        edits = (f"decorations removed: {removed}",)
    return " ".join(text.translate(table).casefold().split()), edits


def _normalize_any(text: str, keep_separators: bool) -> tuple[str, tuple[str, ...]]:
    edits: list[str] = []
    if not text.isascii():
        text = _compat_forms(text, edits)
        visible = "".join(c for c in text if not is_invisible(c))
        if visible != text:
            edits.append("invisible characters removed")
        text_has_latin = any(c.isascii() and c.isalpha() for c in visible)
        words = []
        for word in visible.split():
            foreign = [c for c in word if c.isalpha() and not c.isascii()]
            has_latin = any(c.isascii() and c.isalpha() for c in word)
            lookalike = all(latin_lookalike(c) for c in foreign)
            if not foreign:
                pass
            elif has_latin or (lookalike and (keep_separators or text_has_latin)):
                word = _to_latin(word, edits)
            else:
                scripts = {_script(c) for c in foreign}
                transliterated = anyascii(word)
                if transliterated.strip():
                    edits.append(f"transliterated from {'/'.join(sorted(scripts))}")
                    word = transliterated
            words.append(word)
        text = " ".join(words)
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
        if text != decomposed:
            edits.append("accents removed")
    kept = []
    dropped = []
    for char in text:
        if (char.isalnum() and char.isascii()) or (keep_separators and char in _HANDLE_KEEP):
            kept.append(char)
        elif char.isspace() or unicodedata.category(char).startswith("P"):
            kept.append(" ")
        elif char.isalnum():
            kept.append(anyascii(char))
        else:
            dropped.append(char)
    if dropped:
        edits.append(f"decorations removed: {''.join(dict.fromkeys(dropped))}")
    return " ".join("".join(kept).casefold().split()), tuple(dict.fromkeys(edits))


def normalize_text(text: str) -> str:
    """NFKC, invisible characters removed, look-alikes mapped to Latin, other scripts
    transliterated, accents and decorations removed, case-folded, blanks collapsed."""
    return normalize(text)[0]


def normalize_text_once(text: str) -> str:
    """``normalize_text`` without its cache, for a string read once (a crawl's names, counted
    for their rarity): caching each distinct one only churns the cache."""
    return str(normalize.__wrapped__(text)[0])


def normalize_keep_case(text: str) -> str:
    """Like normalisation, but keeping case (so a capital I for l can be named)."""
    out = []
    for char in unicodedata.normalize("NFKC", text):
        if is_invisible(char):
            continue
        latin = latin_lookalike(char) if char.isalpha() else None
        out.append(latin if latin is not None else char)
    return "".join(out).strip().lstrip("@")


def strip_name_affixes(registered: list[str], candidate: list[str]) -> tuple[list[str], list[str]]:
    """The candidate's words without the ``NAME_AFFIXES`` at its start and end that the
    registered name does not have itself ("The Rock" keeps its "the"), and the edits naming
    them ("prefix: official", as for handles). At least one word is always kept."""
    words, edits = list(candidate), []
    own = set(registered)
    while len(words) > 1 and words[0] in NAME_AFFIXES and words[0] not in own:
        edits.append(f"prefix: {words.pop(0)}")
    while len(words) > 1 and words[-1] in NAME_AFFIXES and words[-1] not in own:
        edits.append(f"suffix: {words.pop()}")
    return words, edits
