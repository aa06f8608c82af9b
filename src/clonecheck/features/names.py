"""Names, handles and bios compared with rapidfuzz, and the edits between them named.

Clone makers keep a name recognisable to people while making it different for the platform:
look-alike letters from other scripts, fullwidth or mathematical forms, invisible characters,
decorations, and for handles doubled, dropped or swapped letters, added digits, underscores and
affixes such as "real" or "official". Every comparison here undoes those tricks first
(``text.normalize``, the handle readings of ``skeleton``), then measures similarity, and
returns the tricks it undid as named edits so a report can say what it saw. Which of those
edits no namesake makes by accident is ``deception``'s question.

The public names of the modules below this one are handed on here too (``__all__``), so
``names.normalize_text`` or ``names.handle_keys`` need no second import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Indel, Levenshtein

from clonecheck.features.keys import (
    MAX_DELETION_KEY_LEN,
    form_keys,
    handle_key_forms,
    handle_keys,
    name_key_forms,
    name_keys,
    name_spellings,
)
from clonecheck.features.skeleton import (
    affix_steps,
    affix_steps_cached,
    bare_handle,
    collapse_doubles,
    handle_readings,
    leet_skeleton,
    skeleton_handle,
    skeleton_once,
)
from clonecheck.features.text import (
    ASCII_DIGRAPHS,
    ASCII_LOOKALIKES,
    DISCLAIMERS,
    NAME_AFFIXES,
    PREFIXES,
    SEPARATORS,
    SUFFIXES,
    TextComparison,
    normalize,
    normalize_keep_case,
    normalize_text,
    normalize_text_once,
    strip_name_affixes,
)

__all__ = [
    "ASCII_DIGRAPHS",
    "ASCII_LOOKALIKES",
    "DISCLAIMERS",
    "MAX_DELETION_KEY_LEN",
    "NAME_AFFIXES",
    "PREFIXES",
    "SUFFIXES",
    "TextComparison",
    "comparable_bio",
    "compare_bios",
    "compare_handle_to_name",
    "compare_handles",
    "compare_names",
    "fan_or_parody",
    "form_keys",
    "handle_key_forms",
    "handle_keys",
    "handle_name_similarity",
    "handle_similarity",
    "name_key_forms",
    "name_keys",
    "name_spellings",
    "normalize_text",
    "normalize_text_once",
    "skeleton_handle",
]


_DISCLAIMER_RE = re.compile(r"\b(" + "|".join(re.escape(d) for d in DISCLAIMERS) + r")\b")


def _ratio(left: str, right: str) -> float:
    """rapidfuzz's normalised Indel similarity (0..100), with a swap of two neighbouring letters
    counted as one edit, not two: "lovelcae" is as close to "lovelace" as "lovelac" is."""
    if not left or not right:
        return 0.0
    indel = Indel.distance(left, right)
    swaps = Levenshtein.distance(left, right) - OSA.distance(left, right)
    return 100.0 * (1.0 - max(0, indel - swaps) / (len(left) + len(right)))


def _handle_core(handle: str, against: str | None = None) -> tuple[str, list[str]]:
    """A handle without separators and outer digits, look-alikes not yet mapped, and the edits
    removed; with ``against``, also without the affixes whose removal brings it closest."""
    core, edits = bare_handle(handle)
    if against is not None:
        target = bare_handle(against)[0]
        steps = affix_steps(core)
        core, affixes = max(steps, key=lambda step: (_ratio(target, step[0]), -len(step[1])))
        edits += affixes
    return core, edits


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


def _handle_similarity(registered: str, candidate: str) -> float:
    """The best similarity over the readings of two handles: as typed (case aside), as
    skeletons, with outer digits read as letters, and with the candidate's added affixes
    removed. Affixes come off the candidate only (clone makers add "real" or "official"), so
    "odore" does not become "theodore" minus "the"."""
    reg_forms = handle_readings(registered)
    cand_forms = handle_readings(candidate)
    if not reg_forms or not cand_forms:
        return _ratio(registered.casefold(), candidate.casefold())
    best = max(
        _ratio(registered.casefold(), candidate.casefold()),
        _ratio(leet_skeleton(registered), leet_skeleton(candidate)),
    )
    for cand in cand_forms:
        for stripped, _ in affix_steps_cached(cand):
            for reg in reg_forms:
                best = max(best, _ratio(collapse_doubles(reg), collapse_doubles(stripped)))
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
    _, script_edits = normalize(cand, keep_separators=True)
    reg_core, reg_extra = _handle_core(reg)
    cand_core, cand_extra = _handle_core(cand, reg)
    extra = [e for e in cand_extra if e not in reg_extra]
    same_skeleton = skeleton_handle(reg) == skeleton_handle(cand)
    similarity = handle_similarity(reg, cand)
    # the candidate's core with case kept, for look-alike naming (I for l)
    cased = "".join(c for c in normalize_keep_case(cand) if c not in SEPARATORS)
    cased, digraphs = _undo_digraphs(reg, cased)
    cand_core, _ = _undo_digraphs(reg_core, cand_core)
    by_core = digraphs + _explain_core(reg_core, _find_core(cased, cand_core)) + extra
    # affix stripping can cut the two differently ("TheRealMadda" vs "TheReaMladda"): then
    # the whole handles, compared letter by letter, give the shorter and truer explanation
    reg_whole = "".join(c for c in reg.casefold() if c not in SEPARATORS)
    by_whole = digraphs + _explain_core(reg_whole, cased)
    edits = list(script_edits) + (by_whole if len(by_whole) < len(by_core) else by_core)
    edits += _separator_edits(reg, cand)
    edits = list(dict.fromkeys(edits))
    detail = _handle_detail(similarity, edits, same_skeleton)
    return TextComparison(similarity, tuple(edits), detail)


def handle_similarity(registered: str, candidate: str) -> float:
    """``compare_handles``' similarity alone, without naming the edits: a scan's screen asks
    it of every candidate pair and explains only the pairs it reports."""
    reg = registered.strip().lstrip("@")
    cand = candidate.strip().lstrip("@")
    if reg.casefold() == cand.casefold() or skeleton_handle(reg) == skeleton_handle(cand):
        return 100.0
    return round(_handle_similarity(reg, cand), 2)


def _find_core(cased: str, core: str) -> str:
    """The stretch of ``cased`` whose case-folded form is ``core`` (else ``core`` itself)."""
    position = cased.casefold().find(core)
    return cased[position : position + len(core)] if position >= 0 else core


def compare_handle_to_name(handle: str, name: str) -> TextComparison:
    """How much a handle spells a display name ("adalovelace" vs "Ada Lovelace"): the words
    joined in either order, or with an initial ("alovelace", "adal"), affixes and digits aside.
    A match at 95 or more carries the edit "handle spells the name" (or how it spells it)."""
    best = TextComparison(0.0, (), "handle unrelated to the name")
    for spelled, phrase in name_spellings(normalize_text(name).split()):
        similarity = _spelling_similarity(spelled, handle)
        if similarity > best.similarity:
            _, extra = _handle_core(handle, spelled)
            if similarity >= 95:
                best = TextComparison(similarity, (phrase, *extra), phrase)
            else:
                best = TextComparison(similarity, tuple(extra), "handle resembles the name")
    return best


def handle_name_similarity(handle: str, name: str) -> float:
    """``compare_handle_to_name``'s similarity alone, without naming the edits."""
    return max(
        (_spelling_similarity(s, handle) for s, _ in name_spellings(normalize_text(name).split())),
        default=0.0,
    )


def _spelling_similarity(spelled: str, handle: str) -> float:
    return round(_handle_similarity(spelled, handle), 2)


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


def _drop_affix_words(name: str, affixes: list[str]) -> str:
    """The display name as written without the affix words ``strip_name_affixes`` named."""
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
    reg, _ = normalize(registered)
    cand, edits_found = normalize(candidate)
    edits = list(edits_found)
    if not reg or not cand:
        return TextComparison(0.0, (), "no name to compare")
    if registered.strip() == candidate.strip():
        return TextComparison(100.0, (), "same name")
    reg_tokens, cand_tokens = reg.split(), cand.split()
    cand_tokens, affixes = strip_name_affixes(reg_tokens, cand_tokens)
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
        cased = "".join(normalize_keep_case(candidate).split())
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


@dataclass(frozen=True, slots=True)
class NameForms:
    """What ``name_similarity_bound`` needs of a display name, computed once per name (a
    scan computes one per candidate profile: nothing of it is cached)."""

    normalized: str
    skeleton: str
    #: a one-letter word beside a longer one ("Ada L."): may be a partial name
    initials: bool
    #: starts or ends with a word clone makers add ("official"): compared in full
    affixed: bool
    #: the words sorted, as ``fuzz.token_sort_ratio`` compares them
    sorted_words: str = ""

    @classmethod
    def of(cls, name: str) -> NameForms:
        words = normalize(name)[0].split()
        return cls(
            " ".join(words),
            skeleton_once(name),
            any(len(w) == 1 for w in words) and any(len(w) > 1 for w in words),
            bool(words) and (words[0] in NAME_AFFIXES or words[-1] in NAME_AFFIXES),
            " ".join(sorted(words)),
        )


def name_similarity_bound(registered: NameForms, candidate: NameForms) -> float | None:
    """At least ``compare_names(registered, candidate).similarity``, at a few C calls' cost
    (a scan's screen asks it of every candidate pair); None where only the comparison itself
    can say (a candidate with affix words). ``compare_names`` takes the token-sorted ratio,
    raises it to at most the squeezed ratio, or to 90 for a partial name, then rounds."""
    if candidate.affixed:
        return None
    if not registered.normalized or not candidate.normalized:
        return 0.0
    bound = max(
        float(fuzz.token_sort_ratio(registered.normalized, candidate.normalized)),
        _ratio(registered.skeleton, candidate.skeleton),
        90.0 if candidate.initials else 0.0,
    )
    return bound + 0.01  # rounding to two places may add up to 0.005


def comparable_bio(bio: str, min_chars: int) -> str | None:
    """The normalised bio ``compare_bios`` compares, or None when it is shorter than
    ``min_chars`` (with ``min_chars`` 0, an empty bio is compared too)."""
    normalized = normalize_text(bio)
    return normalized if len(normalized) >= min_chars else None


def compare_bios(registered: str, candidate: str, *, min_chars: int) -> TextComparison | None:
    """How much two bios agree; None when either, normalised, is shorter than ``min_chars``
    (short bios are generic: "Mom. Dog lover." is many people's).

    The best of rapidfuzz ``ratio`` (a copy with a word changed or an emoji added) and
    ``token_sort_ratio`` (sentences reordered). Not ``token_set_ratio``: it scores 100 whenever
    one bio's words are a subset of the other's, so a short generic bio would "match" every
    longer one that contains its words."""
    reg, cand = comparable_bio(registered, min_chars), comparable_bio(candidate, min_chars)
    if reg is None or cand is None:
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
