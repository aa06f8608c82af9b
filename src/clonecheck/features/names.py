"""Names, handles and bios: normalise, compare with rapidfuzz, and name the edits seen.

Clone makers keep a name recognisable to people while making it different for the platform:
look-alike letters from other scripts (Cyrillic ``а`` for ``a``), fullwidth or mathematical
forms, invisible characters, decorations, and for handles doubled, dropped or swapped letters,
added digits, underscores and affixes such as "real" or "official". Every comparison here
undoes those tricks first, then measures similarity, and returns the tricks it undid as named
edits so a report can say what it saw.

Look-alike data: the Unicode TS #39 confusables table as shipped by the maintained
``confusable_homoglyphs`` package (non-Latin letters that look like Latin ones), plus Unicode
NFKC for compatibility forms; non-Latin words that are not look-alikes are transliterated with
``anyascii`` ("Андрей" -> "andrei"), so a transliterated copy of a name still meets it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from confusable_homoglyphs import confusables
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Indel, Levenshtein


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
#: are decorations ``_normalize`` removes. Disclaimers ("parody", "fan") are not among them:
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
#: handles and names longer than this get no deletion keys (bounded key count)
MAX_DELETION_KEY_LEN = 24
_SEPARATORS = "_.-"
#: kept in handles by normalisation so that look-alikes and separators can be named
_HANDLE_KEEP = _SEPARATORS + "$@!|"
_DISCLAIMER_RE = re.compile(r"\b(" + "|".join(re.escape(d) for d in DISCLAIMERS) + r")\b")


#: entries kept by each per-string cache below: a scan normalises each identity once and each
#: profile once (the identity side stays cached across the whole crawl), not once per pair
_CACHE = 1 << 17


@lru_cache(maxsize=4096)
def _is_invisible(char: str) -> bool:
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
def _latin_lookalike(char: str) -> str | None:
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
        latin = _latin_lookalike(char) if char.isalpha() else None
        if latin is not None:
            edits.append(f"look-alike: {_script(char)} {char} for {latin}")
            mapped.append(latin)
        else:
            mapped.append(char)
    return "".join(mapped)


@lru_cache(maxsize=1 << 16)
def _normalize(text: str, *, keep_separators: bool = False) -> tuple[str, tuple[str, ...]]:
    """Lower-case ASCII words separated by single spaces, and the edits undone to get there.

    Handles (``keep_separators``) keep ``_ . -`` and the ASCII look-alikes ``$ @ ! |`` so
    their edits can be named, and read a word made only of look-alike letters as the Latin word
    it imitates (handles are Latin on every platform). In display names such a word is read as
    a look-alike only beside Latin words ("Jоhn Ѕmith"); a name written wholly in another script
    ("Андрей Иванов") is transliterated, not skeletonised. Cached: crawls repeat names."""
    edits: list[str] = []
    if not text.isascii():
        text = _compat_forms(text, edits)
        visible = "".join(c for c in text if not _is_invisible(c))
        if visible != text:
            edits.append("invisible characters removed")
        text_has_latin = any(c.isascii() and c.isalpha() for c in visible)
        words = []
        for word in visible.split():
            foreign = [c for c in word if c.isalpha() and not c.isascii()]
            has_latin = any(c.isascii() and c.isalpha() for c in word)
            lookalike = all(_latin_lookalike(c) for c in foreign)
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
    return _normalize(text)[0]


@lru_cache(maxsize=_CACHE)
def _collapse_doubles(text: str) -> str:
    return re.sub(r"(.)\1+", r"\1", text)


def _strip_affixes(core: str) -> tuple[str, list[str]]:
    """The core without every affix clone makers add ("real", "official", "tv" ...), for
    index keys; the caller keeps the unstripped form as well ("theodore" is not "odore")."""
    return _affix_steps(core)[-1]


def _affix_chain(
    core: str, affixes: tuple[str, ...], *, front: bool
) -> list[tuple[str, list[str]]]:
    """The core with 0, 1, 2 ... affixes removed from one end, with the edits so far."""
    kind = "prefix" if front else "suffix"
    chain: list[tuple[str, list[str]]] = [(core, [])]
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


def _affix_steps(core: str) -> list[tuple[str, list[str]]]:
    """The core with every combination of leading and trailing affixes removed, each with the
    edits naming what was removed; the core itself first, everything removed last. A
    comparison picks the one that fits best, so an affix is removed only where that brings the
    handle closer to the one compared with."""
    return [(tail, list(edits)) for tail, edits in _affix_steps_cached(core)]


@lru_cache(maxsize=_CACHE)
def _affix_steps_cached(core: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (tail, (*head_edits, *tail_edits))
        for head, head_edits in _affix_chain(core, PREFIXES, front=True)
        for tail, tail_edits in _affix_chain(head, SUFFIXES, front=False)
    )


_OUTER = _SEPARATORS + "0123456789"


def _bare(handle: str) -> tuple[str, list[str]]:
    """A normalised handle without separators and outer digits, and the digits it had."""
    core, edits = _bare_cached(handle)
    return core, list(edits)


@lru_cache(maxsize=_CACHE)
def _bare_cached(handle: str) -> tuple[str, tuple[str, ...]]:
    text, _ = _normalize(handle.strip().lstrip("@"), keep_separators=True)
    text = text.replace(" ", "")
    edits: list[str] = []
    lead = text[: len(text) - len(text.lstrip(_OUTER))]
    trail = text[len(text.rstrip(_OUTER)) :]
    if any(c.isdigit() for c in trail):
        edits.append(f"appended digits: {''.join(c for c in trail if c.isdigit())}")
    if any(c.isdigit() for c in lead):
        edits.append(f"prepended digits: {''.join(c for c in lead if c.isdigit())}")
    core = "".join(c for c in text.strip(_OUTER) if c not in _SEPARATORS)
    return core, tuple(edits)


def _handle_core(handle: str, against: str | None = None) -> tuple[str, list[str]]:
    """A handle without separators and outer digits, look-alikes not yet mapped, and the edits
    removed; with ``against``, also without the affixes whose removal brings it closest."""
    core, edits = _bare(handle)
    if against is not None:
        target = _bare(against)[0]
        steps = _affix_steps(core)
        core, affixes = max(steps, key=lambda step: (_ratio(target, step[0]), -len(step[1])))
        edits += affixes
    return core, edits


@lru_cache(maxsize=_CACHE)
def _leet(core: str, *, digraphs: bool = True) -> str:
    mapped = "".join(ASCII_LOOKALIKES.get(c, c) for c in core)
    if digraphs:
        for digraph, letter in ASCII_DIGRAPHS:
            mapped = mapped.replace(digraph, letter)
    return mapped


@lru_cache(maxsize=_CACHE)
def skeleton_handle(handle: str) -> str:
    """What a handle reads as: normalised, separators and outer digits removed, ASCII
    look-alikes mapped (0->o, 1->l, I->l, rn->m ...), doubled letters collapsed.

    Affixes ("real", "official") are not removed here: whether "the" in "theodore" is an affix
    depends on the handle compared with; ``handle_keys`` indexes both readings."""
    raw = handle.strip().lstrip("@").replace("I", "l")
    return _collapse_doubles(_leet(_bare(raw)[0]))


def _skeleton_forms(handle: str) -> list[str]:
    """Every way a handle may read, before doubled letters collapse: capital I as l and as i,
    "rn" as m and as rn, affixes kept and stripped. Most handles have one form."""
    raw = handle.strip().lstrip("@")
    forms: list[str] = []
    for text in dict.fromkeys((raw.replace("I", "l"), raw)):
        core = _bare(text)[0]
        for digraphs in (True, False):
            leet = _leet(core, digraphs=digraphs)
            forms += (leet, _strip_affixes(leet)[0])
    return list(dict.fromkeys(f for f in forms if f))


@lru_cache(maxsize=_CACHE)
def _leet_skeleton(handle: str) -> str:
    """Like ``skeleton_handle`` but keeping outer digits as the letters they imitate
    ("5usan" reads "susan"), for the comparison only."""
    text, _ = _normalize(handle.strip().lstrip("@").replace("I", "l"), keep_separators=True)
    return _collapse_doubles(_leet("".join(c for c in text if c not in _SEPARATORS + " ")))


def _ratio(left: str, right: str) -> float:
    """rapidfuzz's normalised Indel similarity (0..100), with a swap of two neighbouring letters
    counted as one edit, not two: "lovelcae" is as close to "lovelace" as "lovelac" is."""
    if not left or not right:
        return 0.0
    indel = Indel.distance(left, right)
    swaps = Levenshtein.distance(left, right) - OSA.distance(left, right)
    return 100.0 * (1.0 - max(0, indel - swaps) / (len(left) + len(right)))


def _undo_digraphs(registered: str, candidate: str) -> tuple[str, list[str]]:
    """Replace "rn" by "m" and "vv" by "w" in the candidate where the registered text has the
    letter, naming each: these read as one letter, so they are one look-alike, not two edits."""
    edits = []
    for digraph, letter in ASCII_DIGRAPHS:
        if digraph in candidate.casefold() and digraph not in registered.casefold():
            replaced = re.sub(digraph, letter, candidate, flags=re.IGNORECASE)
            if fuzz.ratio(registered.casefold(), replaced.casefold()) > fuzz.ratio(
                registered.casefold(), candidate.casefold()
            ):
                candidate = replaced
                edits.append(f"look-alike: {digraph} for {letter}")
    return candidate, edits


def _deletions(text: str) -> set[str]:
    if len(text) > MAX_DELETION_KEY_LEN or len(text) < 4:
        return set()
    return {text[:i] + text[i + 1 :] for i in range(len(text))}


def _skeleton_keys(forms: Iterable[str]) -> set[str]:
    """``h:`` keys of each form: its skeleton and the skeletons of its one-letter deletions
    (SymSpell: two strings at edit distance one, a dropped, doubled, swapped or replaced letter,
    share a deletion). Deleting before collapsing doubles keeps "maroneslaugh" and its clone
    "marrneslaugh" together. At most ``MAX_DELETION_KEY_LEN + 1`` keys per form."""
    keys: set[str] = set()
    for form in forms:
        if len(_collapse_doubles(form)) < 3:
            continue
        keys.add(f"h:{_collapse_doubles(form)}")
        keys |= {f"h:{d}" for d in _collapsed_deletions(form)}
    return keys


def _collapsed_deletions(text: str) -> set[str]:
    """``_collapse_doubles`` of every one-letter deletion of ``text`` (``_deletions``), with
    the regex run only where it can change something: in a text without doubled letters,
    deleting a letter makes a double only when its two neighbours are equal."""
    deletions = _deletions(text)
    if not deletions or _collapse_doubles(text) != text:
        return {_collapse_doubles(d) for d in deletions}
    found: set[str] = set()
    for i in range(len(text)):
        deleted = text[:i] + text[i + 1 :]
        if 0 < i < len(text) - 1 and text[i - 1] == text[i + 1]:
            deleted = _collapse_doubles(deleted)
        found.add(deleted)
    return found


def _name_spellings(words: list[str]) -> list[tuple[str, str]]:
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
    Bounded: at most about 2 x 25 + 3 ``h:`` keys, names over 24 letters get no deletions."""
    words = normalize_text(name).split()
    keys = {f"t:{w}" for w in words if len(w) >= 3}
    if not words:
        return keys
    joined = "".join(words)
    forms = [_leet(joined)]
    bare_words, affixes = _strip_name_affixes([], words)
    if affixes:  # "Official Madonna" meets "Madonna"
        forms.append(_leet("".join(bare_words)))
    if "I" in name:
        # "EiIeen Collins": a capital I inside a word may be an l
        forms.append(_leet(_bare(normalize_text(name.replace("I", "l")).replace(" ", ""))[0]))
    keys |= _skeleton_keys(forms)
    for spelled, _ in _name_spellings(words)[1:]:
        skeleton = _collapse_doubles(_leet(spelled))
        if len(skeleton) >= 3:
            keys.add(f"h:{skeleton}")
    return keys


def handle_keys(handle: str) -> set[str]:
    """Candidate-index keys of a handle: ``h:`` keys of every reading of it (``_skeleton_forms``:
    capital I as l or i, "rn" as m or rn, affixes kept or stripped; usually one), each with its
    one-letter deletions, and ``t:`` keys of the words its separators delimit
    (``eileen_collins`` -> eileen, collins). At most 8 forms x 25 keys, typically about 12."""
    keys = _skeleton_keys(_skeleton_forms(handle))
    words = re.split(r"[_.\-\d$@!|]+", _normalize(handle, keep_separators=True)[0])
    keys |= {f"t:{w}" for w in words if len(w) >= 3}
    return keys


_LOOKALIKE_PAIRS = {
    ("I", "l"),
    ("1", "l"),
    ("l", "I"),
    ("l", "1"),
    ("i", "l"),
    ("l", "i"),
    ("|", "l"),
    ("0", "o"),
    ("o", "0"),
    ("3", "e"),
    ("4", "a"),
    ("@", "a"),
    ("5", "s"),
    ("$", "s"),
    ("7", "t"),
    ("8", "b"),
}


def _explain_core(registered: str, candidate: str) -> list[str]:
    """Named single-character edits between two handle cores (case kept on the candidate)."""
    edits: list[str] = []
    left, right = registered.casefold(), candidate
    if left == right.casefold():
        for a, b in zip(left, right, strict=True):
            if a != b and (b, a) in _LOOKALIKE_PAIRS:
                edits.append(f"look-alike: {b} for {a}")
        return edits
    if len(left) == len(right):
        diff = [i for i, (a, b) in enumerate(zip(left, right.casefold(), strict=True)) if a != b]
        if len(diff) == 2 and diff[1] == diff[0] + 1:
            i = diff[0]
            if left[i] == right[i + 1].casefold() and left[i + 1] == right[i].casefold():
                return [f"swapped neighbours: {left[i : i + 2]} -> {right[i : i + 2]}"]
    for op in Levenshtein.editops(left, right.casefold()):
        if op.tag == "replace":
            a, b = left[op.src_pos], right[op.dest_pos]
            if (b, a) in _LOOKALIKE_PAIRS or (b.casefold(), a) in _LOOKALIKE_PAIRS:
                edits.append(f"look-alike: {b} for {a}")
            else:
                edits.append(f"replaced letter: {b} for {a}")
        elif op.tag == "insert":
            b = right[op.dest_pos]
            neighbours = {left[op.src_pos - 1 : op.src_pos], left[op.src_pos : op.src_pos + 1]}
            edits.append(f"doubled letter: {b}" if b.casefold() in neighbours else f"added: {b}")
        elif op.tag == "delete":
            a = left[op.src_pos]
            edits.append(f"dropped letter: {a}")
    return edits


def _separator_edits(registered: str, candidate: str) -> list[str]:
    edits = []
    for char, label in (("_", "underscore"), (".", "dot"), ("-", "dash")):
        before, after = registered.count(char), candidate.count(char)
        if after > before:
            edits.append(f"{label} added")
        elif after < before:
            edits.append(f"{label} removed")
    return edits


@lru_cache(maxsize=_CACHE)
def _readings(handle: str) -> tuple[str, ...]:
    """A handle's readings before doubled letters collapse: capital I as l and as i, "rn"
    as m and as rn (affixes kept)."""
    raw = handle.strip().lstrip("@")
    forms = [
        _leet(_bare(text)[0], digraphs=digraphs)
        for text in dict.fromkeys((raw.replace("I", "l"), raw))
        for digraphs in (True, False)
    ]
    return tuple(dict.fromkeys(f for f in forms if f))


def _handle_similarity(registered: str, candidate: str) -> float:
    """The best similarity over the readings of two handles: as typed (case aside), as
    skeletons, with outer digits read as letters, and with the candidate's added affixes
    removed. Affixes come off the candidate only (clone makers add "real" or "official"), so
    "odore" does not become "theodore" minus "the"."""
    reg_forms = _readings(registered)
    cand_forms = _readings(candidate)
    if not reg_forms or not cand_forms:
        return _ratio(registered.casefold(), candidate.casefold())
    best = max(
        _ratio(registered.casefold(), candidate.casefold()),
        _ratio(_leet_skeleton(registered), _leet_skeleton(candidate)),
    )
    for cand in cand_forms:
        for stripped, _ in _affix_steps_cached(cand):
            for reg in reg_forms:
                best = max(best, _ratio(_collapse_doubles(reg), _collapse_doubles(stripped)))
                if best >= 100:
                    return 100.0
    return best


def _handle_detail(similarity: float, edits: list[str], same_skeleton: bool) -> str:
    lookalikes = [e.removeprefix("look-alike: ") for e in edits if e.startswith("look-alike")]
    if same_skeleton or similarity >= 95:
        if lookalikes:
            return f"look-alike handle ({lookalikes[0]})"
        phrase = "same handle once normalised" if same_skeleton else "near-identical handle"
    elif similarity >= 85:
        phrase = "near-identical handle"
    elif similarity >= 70:
        phrase = "similar handle"
    else:
        return "different handle"
    return f"{phrase} ({edits[0]})" if edits else phrase


def compare_handles(registered: str, candidate: str) -> TextComparison:
    """How much a handle looks like a registered one, and the edits that turn one into the
    other: look-alikes, doubled/dropped/swapped letters, digits, separators, affixes.

    Similarity is the best of several readings (``_handle_similarity``), each an Indel ratio
    with a neighbour swap counted as one edit; a handle with the same skeleton scores 100."""
    reg = registered.strip().lstrip("@")
    cand = candidate.strip().lstrip("@")
    if reg.casefold() == cand.casefold():
        return TextComparison(100.0, (), "same handle")
    _, script_edits = _normalize(cand, keep_separators=True)
    reg_core, reg_extra = _handle_core(reg)
    cand_core, cand_extra = _handle_core(cand, reg)
    extra = [e for e in cand_extra if e not in reg_extra]
    same_skeleton = skeleton_handle(reg) == skeleton_handle(cand)
    similarity = 100.0 if same_skeleton else _handle_similarity(reg, cand)
    # the candidate's core with case kept, for look-alike naming (I for l)
    cased = "".join(c for c in _normalize_keep_case(cand) if c not in _SEPARATORS)
    cased, digraphs = _undo_digraphs(reg, cased)
    cand_core, _ = _undo_digraphs(reg_core, cand_core)
    by_core = digraphs + _explain_core(reg_core, _find_core(cased, cand_core)) + extra
    # affix stripping can cut the two differently ("TheRealMadda" vs "TheReaMladda"): then
    # the whole handles, compared letter by letter, give the shorter and truer explanation
    reg_whole = "".join(c for c in reg.casefold() if c not in _SEPARATORS)
    by_whole = digraphs + _explain_core(reg_whole, cased)
    edits = list(script_edits) + (by_whole if len(by_whole) < len(by_core) else by_core)
    edits += _separator_edits(reg, cand)
    edits = list(dict.fromkeys(edits))
    detail = _handle_detail(similarity, edits, same_skeleton)
    return TextComparison(round(similarity, 2), tuple(edits), detail)


def _normalize_keep_case(text: str) -> str:
    """Like normalisation, but keeping case (so a capital I for l can be named)."""
    out = []
    for char in unicodedata.normalize("NFKC", text):
        if _is_invisible(char):
            continue
        latin = _latin_lookalike(char) if char.isalpha() else None
        out.append(latin if latin is not None else char)
    return "".join(out).strip().lstrip("@")


def _find_core(cased: str, core: str) -> str:
    """The stretch of ``cased`` whose case-folded form is ``core`` (else ``core`` itself)."""
    position = cased.casefold().find(core)
    return cased[position : position + len(core)] if position >= 0 else core


def compare_handle_to_name(handle: str, name: str) -> TextComparison:
    """How much a handle spells a display name ("adalovelace" vs "Ada Lovelace"): the words
    joined in either order, or with an initial ("alovelace", "adal"), affixes and digits aside.
    A match at 95 or more carries the edit "handle spells the name" (or how it spells it)."""
    best = TextComparison(0.0, (), "handle unrelated to the name")
    for spelled, phrase in _name_spellings(normalize_text(name).split()):
        similarity = round(_handle_similarity(spelled, handle), 2)
        if similarity > best.similarity:
            _, extra = _handle_core(handle, spelled)
            if similarity >= 95:
                best = TextComparison(similarity, (phrase, *extra), phrase)
            else:
                best = TextComparison(similarity, tuple(extra), "handle resembles the name")
    return best


#: name particles a short form may leave out ("Francesca C." for "Francesca De Chiara")
_PARTICLES = frozenset({"de", "da", "di", "del", "della", "van", "von", "der", "den", "la", "le"})


def _partial_name(registered: list[str], candidate: list[str]) -> str | None:
    """``Ada L.`` against ``Ada Lovelace``: the initials, when every candidate word is a
    distinct registered word or the initial of one, at least one word is whole, and the
    registered words left over are only particles. Else None."""
    initials = [t for t in candidate if len(t) == 1]
    whole = [t for t in candidate if len(t) > 1]
    if not initials or not whole:
        return None
    unused = list(registered)
    for token in whole:
        if token not in unused:
            return None
        unused.remove(token)
    for token in initials:
        full = next((r for r in unused if r.startswith(token) and r not in _PARTICLES), None)
        if full is None:
            return None
        unused.remove(full)
    if any(r not in _PARTICLES for r in unused):
        return None
    return " ".join(t.upper() + "." for t in initials)


def _strip_name_affixes(registered: list[str], candidate: list[str]) -> tuple[list[str], list[str]]:
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


def _drop_affix_words(name: str, affixes: list[str]) -> str:
    """The display name as written without the affix words ``_strip_name_affixes`` named."""
    words = name.split()
    front = sum(e.startswith("prefix: ") for e in affixes)
    back = sum(e.startswith("suffix: ") for e in affixes)
    while front and len(words) > 1 and normalize_text(words[0]) in NAME_AFFIXES:
        words.pop(0)
        front -= 1
    while back and len(words) > 1 and normalize_text(words[-1]) in NAME_AFFIXES:
        words.pop()
        back -= 1
    return " ".join(words)


def _name_detail(similarity: float, edits: list[str]) -> str:
    """A phrase for a name comparison, naming the trick when the names are otherwise equal."""
    affixes = [e.split(": ", 1)[1] for e in edits if e.startswith(("prefix: ", "suffix: "))]
    if similarity >= 100 and affixes:
        return f"same name with {', '.join(repr(a) for a in affixes)} added"
    if similarity >= 100:
        for start, phrase in (
            ("look-alike", "same name with look-alike letters"),
            ("transliterated", "same name in another script"),
            ("decorations", "same name after removing decorations"),
            ("invisible", "same name with invisible characters"),
            ("accents", "same name without accents"),
            ("token order", "same name, words in another order"),
        ):
            if any(e.startswith(start) for e in edits):
                return phrase
        return "same name after normalisation" if edits else "same name"
    partial = next((e for e in edits if e.startswith("partial name")), None)
    if partial is not None and similarity < 95:
        return partial.replace("partial name: ", "partial name (") + ")"
    if similarity >= 90:
        return "nearly the same name"
    if similarity >= 75:
        return "similar name"
    return "different name"


def compare_names(registered: str, candidate: str) -> TextComparison:
    """How much a display name looks like a registered one, order and decorations aside.

    rapidfuzz ``token_sort_ratio`` on normalised names ("Lovelace Ada" is the same name; "Ada"
    alone stays at 40 against "Ada Lovelace"); then the names squeezed to handle skeletons
    (spacing, ASCII look-alikes, doubled letters undone); an initial standing for a word
    ("Ada L.") gives 90: close, but below ``name_strong``, since many people share both."""
    reg, _ = _normalize(registered)
    cand, edits_found = _normalize(candidate)
    edits = list(edits_found)
    if not reg or not cand:
        return TextComparison(0.0, (), "no name to compare")
    if registered.strip() == candidate.strip():
        return TextComparison(100.0, (), "same name")
    reg_tokens, cand_tokens = reg.split(), cand.split()
    cand_tokens, affixes = _strip_name_affixes(reg_tokens, cand_tokens)
    if affixes:
        edits += affixes
        cand = " ".join(cand_tokens)
        candidate = _drop_affix_words(candidate, affixes)
    similarity = float(fuzz.token_sort_ratio(reg, cand))
    if similarity >= 100 and reg_tokens != cand_tokens:
        edits.append("token order differs")
    squeezed = _ratio(skeleton_handle(registered), skeleton_handle(candidate))
    if squeezed > similarity and squeezed >= 90:
        # the same letters once ASCII look-alikes, doubled letters and spacing are undone
        cased = "".join(_normalize_keep_case(candidate).split())
        named = _explain_core("".join(reg_tokens), _find_core(cased, "".join(cand_tokens)))
        edits += named if 0 < len(named) <= 3 else ["spacing or look-alike letters"]
        similarity = (
            squeezed
            if any(e.startswith("look-alike") for e in named)
            else (max(similarity, min(squeezed, 96.0)))
        )
    initials = _partial_name(reg_tokens, cand_tokens)
    if initials is not None:
        edits.append(f"partial name: initial {initials}")
        similarity = max(similarity, 90.0)
    edits = list(dict.fromkeys(edits))
    similarity = round(similarity, 2)
    return TextComparison(similarity, tuple(edits), _name_detail(similarity, edits))


def compare_bios(registered: str, candidate: str, *, min_chars: int) -> TextComparison | None:
    """How much two bios agree; None when either, normalised, is shorter than ``min_chars``
    (short bios are generic: "Mom. Dog lover." is many people's).

    The best of rapidfuzz ``ratio`` (a copy with a word changed or an emoji added) and
    ``token_sort_ratio`` (sentences reordered). Not ``token_set_ratio``: it scores 100 whenever
    one bio's words are a subset of the other's, so a short generic bio would "match" every
    longer one that contains its words."""
    reg, cand = normalize_text(registered), normalize_text(candidate)
    if len(reg) < min_chars or len(cand) < min_chars:
        return None
    similarity = round(float(max(fuzz.ratio(reg, cand), fuzz.token_sort_ratio(reg, cand))), 2)
    if similarity >= 95:
        detail = "copied bio"
    elif similarity >= 60:
        detail = "similar bio"
    else:
        detail = "different bio"
    return TextComparison(similarity, (), detail)


def fan_or_parody(name: str, bio: str) -> str | None:
    """The phrase by which an account says it is not the person ("fan account", "parody")."""
    found = _DISCLAIMER_RE.search(normalize_text(f"{name} . {bio}"))
    return found.group(1) if found else None


# --- deception: look-alike substitutions no namesake makes by accident -----------------------


@lru_cache(maxsize=_CACHE)
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
    mapped = []
    for char in text:
        if _is_invisible(char):
            continue
        latin = _latin_lookalike(char) if char.isalpha() else None
        mapped.append(latin if latin is not None else char)
    folded = "".join(mapped).replace("I", "l").casefold()
    folded = "".join(ASCII_LOOKALIKES.get(c, c) for c in folded)
    if handle:
        # platforms ignore a handle's case, so its i may be shown as I, which reads as l:
        # ``eiIeencollins`` is stored as ``eiieencollins``
        folded = folded.replace("i", "l")
    for digraph, letter in ASCII_DIGRAPHS:
        folded = folded.replace(digraph, letter)
    return " ".join(folded.split())


@lru_cache(maxsize=_CACHE)
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
