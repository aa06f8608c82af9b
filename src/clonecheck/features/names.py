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
from rapidfuzz.distance import Levenshtein


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
)
#: handles and names longer than this get no deletion keys (bounded key count)
MAX_DELETION_KEY_LEN = 24
_SEPARATORS = "_.-"
_DISCLAIMER_RE = re.compile(r"\b(" + "|".join(re.escape(d) for d in DISCLAIMERS) + r")\b")


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
        latin = glyph["c"]
        if latin.isascii() and latin.isalnum():
            return str(latin)
    return None


def _normalize(text: str, *, keep_separators: bool = False) -> tuple[str, tuple[str, ...]]:
    """Lower-case ASCII words separated by single spaces, and the edits undone to get there.

    Handles keep their separators (``_ . -``) so their edits can be named; names do not."""
    edits: list[str] = []
    compat = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        if folded != char and char.isalnum() and folded.isascii() and folded.isalnum():
            edits.append(f"look-alike: {_script(char).lower()} {char} for {folded}")
        compat.append(folded)
    text = "".join(compat)
    visible = "".join(c for c in text if not _is_invisible(c))
    if visible != text:
        edits.append("invisible characters removed")
    words = []
    for word in visible.split():
        has_latin = any(c.isascii() and c.isalpha() for c in word)
        if has_latin:
            mapped = []
            for char in word:
                latin = _latin_lookalike(char) if char.isalpha() else None
                if latin is not None:
                    edits.append(f"look-alike: {_script(char)} {char} for {latin}")
                    mapped.append(latin)
                else:
                    mapped.append(char)
            word = "".join(mapped)
        elif any(c.isalpha() and not c.isascii() for c in word):
            scripts = {_script(c) for c in word if c.isalpha()}
            transliterated = anyascii(word)
            if transliterated.strip():
                edits.append(f"transliterated from {'/'.join(sorted(scripts))}")
                word = transliterated
        words.append(word)
    text = " ".join(words)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    if stripped != decomposed:
        edits.append("accents removed")
    kept = []
    dropped = []
    for char in stripped:
        if (char.isalnum() and char.isascii()) or (keep_separators and char in _SEPARATORS):
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


def _collapse_doubles(text: str) -> str:
    return re.sub(r"(.)\1+", r"\1", text)


def _strip_affixes(core: str) -> tuple[str, list[str]]:
    found: list[str] = []
    changed = True
    while changed:
        changed = False
        for prefix in PREFIXES:
            if core.startswith(prefix) and len(core) - len(prefix) >= 4:
                core, changed = core[len(prefix) :], True
                found.append(f"prefix: {prefix}")
                break
        for suffix in SUFFIXES:
            if core.endswith(suffix) and len(core) - len(suffix) >= 4:
                core, changed = core[: -len(suffix)], True
                found.append(f"suffix: {suffix}")
                break
    return core, found


def _handle_core(handle: str) -> tuple[str, list[str]]:
    """A handle without separators, outer digits and affixes, look-alikes not yet mapped."""
    text, _ = _normalize(handle.strip().lstrip("@"), keep_separators=True)
    text = text.replace(" ", "")
    edits: list[str] = []
    bare = text.strip(_SEPARATORS + "0123456789")
    lead = text[: len(text) - len(text.lstrip(_SEPARATORS + "0123456789"))]
    trail = text[len(text.rstrip(_SEPARATORS + "0123456789")) :]
    if any(c.isdigit() for c in trail):
        edits.append(f"appended digits: {''.join(c for c in trail if c.isdigit())}")
    if any(c.isdigit() for c in lead):
        edits.append(f"prepended digits: {''.join(c for c in lead if c.isdigit())}")
    core = "".join(c for c in bare if c not in _SEPARATORS)
    core, affixes = _strip_affixes(core)
    return core, edits + affixes


def skeleton_handle(handle: str) -> str:
    """What a handle reads as: normalised, separators, outer digits and affixes removed, ASCII
    look-alikes mapped (0->o, 1->l, I->l, rn->m ...), doubled letters collapsed."""
    raw = handle.strip().lstrip("@")
    raw = raw.replace("I", "l")
    core, _ = _handle_core(raw)
    mapped = "".join(ASCII_LOOKALIKES.get(c, c) for c in core)
    for digraph, letter in ASCII_DIGRAPHS:
        mapped = mapped.replace(digraph, letter)
    return _collapse_doubles(mapped)


def _leet_skeleton(handle: str) -> str:
    """Like ``skeleton_handle`` but keeping outer digits as the letters they imitate
    ("5usan" reads "susan"), for the comparison only."""
    text, _ = _normalize(handle.strip().lstrip("@").replace("I", "l"), keep_separators=True)
    mapped = "".join(ASCII_LOOKALIKES.get(c, c) for c in text if c not in _SEPARATORS + " ")
    for digraph, letter in ASCII_DIGRAPHS:
        mapped = mapped.replace(digraph, letter)
    return _collapse_doubles(mapped)


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


def _skeleton_keys(skeleton: str) -> set[str]:
    """The skeleton and its one-letter deletions (collapsed again: dropping the t of "atta"
    leaves "aa", which a skeleton writes "a")."""
    if len(skeleton) < 3:
        return set()
    return {f"h:{skeleton}"} | {f"h:{_collapse_doubles(d)}" for d in _deletions(skeleton)}


def name_keys(name: str) -> set[str]:
    """Candidate-index keys of a display name: its tokens and its joined skeleton (with the
    one-letter deletions, so a name at edit distance one still shares a key)."""
    tokens = [t for t in normalize_text(name).split() if len(t) >= 3]
    keys = {f"t:{t}" for t in tokens}
    words = normalize_text(name).split()
    keys |= _skeleton_keys(skeleton_handle("".join(words)))
    if len(words) > 1:
        # the other ways a handle spells a name: words swapped, first name as an initial
        for spelled in ("".join(reversed(words)), words[0][0] + "".join(words[1:])):
            skeleton = skeleton_handle(spelled)
            if len(skeleton) >= 3:
                keys.add(f"h:{skeleton}")
    return keys


def handle_keys(handle: str) -> set[str]:
    """Candidate-index keys of a handle: its skeleton with one-letter deletions, and the words
    its separators delimit (``eileen_collins`` -> eileen, collins)."""
    keys = _skeleton_keys(skeleton_handle(handle))
    words = re.split(r"[_.\-\d]+", _normalize(handle, keep_separators=True)[0])
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


def compare_handles(registered: str, candidate: str) -> TextComparison:
    """How much a handle looks like a registered one, and the edits that turn one into the
    other: look-alikes, doubled/dropped/swapped letters, digits, separators, affixes."""
    reg = registered.strip().lstrip("@")
    cand = candidate.strip().lstrip("@")
    if reg.casefold() == cand.casefold():
        return TextComparison(100.0, (), "same handle")
    _, script_edits = _normalize(cand, keep_separators=True)
    reg_core, reg_extra = _handle_core(reg)
    cand_core, cand_extra = _handle_core(cand)
    extra = [e for e in cand_extra if e not in reg_extra]
    plain = fuzz.ratio(reg.casefold(), cand.casefold())
    skeletons = fuzz.ratio(skeleton_handle(reg), skeleton_handle(cand))
    leet = fuzz.ratio(_leet_skeleton(reg), _leet_skeleton(cand))
    cores = fuzz.ratio(reg_core, cand_core)
    similarity = max(plain, skeletons, leet, cores)
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
    if skeleton_handle(reg) == skeleton_handle(cand):
        detail = "look-alike handle" if edits else "same handle once normalised"
    elif similarity >= 85:
        detail = "near-identical handle"
    elif similarity >= 70:
        detail = "similar handle"
    else:
        detail = "different handle"
    return TextComparison(float(similarity), tuple(edits), detail)


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


def _name_handles(name: str) -> Iterable[tuple[str, str]]:
    tokens = normalize_text(name).split()
    if not tokens:
        return
    yield "".join(tokens), "handle spells the name"
    if len(tokens) > 1:
        yield "".join(reversed(tokens)), "handle spells the name, words swapped"
        yield tokens[0][0] + "".join(tokens[1:]), "handle spells the name with an initial"
        yield tokens[0] + tokens[-1][0], "handle spells the name with an initial"


def compare_handle_to_name(handle: str, name: str) -> TextComparison:
    """How much a handle spells a display name ("adalovelace" vs "Ada Lovelace")."""
    cand_skeleton = skeleton_handle(handle)
    _, edits = _handle_core(handle)
    best = TextComparison(0.0, (), "handle unrelated to the name")
    for spelled, detail in _name_handles(name):
        similarity = float(fuzz.ratio(skeleton_handle(spelled), cand_skeleton))
        if similarity > best.similarity:
            phrase = detail if similarity >= 95 else "handle resembles the name"
            best = TextComparison(similarity, tuple(edits), phrase)
    return best


def _initials_expanded(registered: list[str], candidate: list[str]) -> list[str] | None:
    """``Ada L.`` against ``Ada Lovelace``: the candidate with its initials spelled out."""
    if not any(len(t) == 1 for t in candidate):
        return None
    expanded = []
    for token in candidate:
        if len(token) == 1:
            full = next((r for r in registered if r.startswith(token)), None)
            if full is None:
                return None
            expanded.append(full)
        else:
            expanded.append(token)
    return expanded


def compare_names(registered: str, candidate: str) -> TextComparison:
    """How much a display name looks like a registered one, order and decorations aside."""
    reg, _ = _normalize(registered)
    cand, edits_found = _normalize(candidate)
    edits = list(edits_found)
    if not reg or not cand:
        return TextComparison(0.0, (), "no name to compare")
    if registered.strip() == candidate.strip():
        return TextComparison(100.0, (), "same name")
    similarity = float(fuzz.token_sort_ratio(reg, cand))
    reg_tokens, cand_tokens = reg.split(), cand.split()
    if similarity >= 100 and reg_tokens != cand_tokens:
        edits.append("token order differs")
    squeezed = float(fuzz.ratio(skeleton_handle(registered), skeleton_handle(candidate)))
    if squeezed > similarity and squeezed >= 95:
        # the same letters once ASCII look-alikes, doubled letters and spacing are undone
        cased = "".join(_normalize_keep_case(candidate).split())
        named = _explain_core("".join(reg_tokens), _find_core(cased, "".join(cand_tokens)))
        edits += named if 0 < len(named) <= 3 else ["spacing or look-alike letters"]
        similarity = (
            squeezed
            if any(e.startswith("look-alike") for e in named)
            else (max(similarity, min(squeezed, 96.0)))
        )
    expanded = _initials_expanded(reg_tokens, cand_tokens)
    if expanded is not None and fuzz.token_sort_ratio(reg, " ".join(expanded)) >= 100:
        initials = " ".join(t.upper() + "." for t in cand_tokens if len(t) == 1)
        edits.append(f"partial name: initial {initials}")
        similarity = max(similarity, 90.0)
    edits = list(dict.fromkeys(edits))
    if similarity >= 100:
        detail = "same name" + (" after normalisation" if edits else "")
    elif similarity >= 90:
        detail = "nearly the same name"
    elif similarity >= 75:
        detail = "similar name"
    else:
        detail = "different name"
    return TextComparison(similarity, tuple(edits), detail)


def compare_bios(registered: str, candidate: str, *, min_chars: int) -> TextComparison | None:
    """How much two bios agree; None when either is too short to tell anything."""
    reg, cand = normalize_text(registered), normalize_text(candidate)
    if len(reg) < min_chars or len(cand) < min_chars:
        return None
    similarity = float(max(fuzz.ratio(reg, cand), fuzz.token_sort_ratio(reg, cand)))
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
