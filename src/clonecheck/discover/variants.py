"""The handles a clone maker would try for a person, most likely first (dnstwist for handles).

The edits are the matcher's own (``clonecheck.features.names``): its ASCII look-alike table
(``0`` for ``o``, ``1`` for ``l`` ...), its digraphs (``rn`` for ``m``), its prefixes and
suffixes ("real", "official"), plus the single-letter edits it names (doubled, dropped and
swapped letters, added underscores and digits). They are applied the other way round, from the
registered handle to the clone, and every variant carries the matcher's similarity to the handle
it came from, so this list and the scan's explanations speak the same language.

Order: by kind, in the order the Devumi clones used them (a capital I for an l, a doubled
letter, an added underscore were the commonest), then by similarity, highest first. Display
name spellings ("adalovelace", "ada_lovelace" for Ada Lovelace) come after the edits of the
registered handles, then single edits of those spellings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from clonecheck.features.names import (
    ASCII_DIGRAPHS,
    ASCII_LOOKALIKES,
    PREFIXES,
    SUFFIXES,
    compare_handles,
    normalize_text,
)
from clonecheck.models import Identity

#: (letter, imitation) pairs from the matcher's table, the Devumi favourites first: a capital I
#: for an l, an l for an i, a zero for an o (a 1 for an i too, as the benchmark clones do)
_IMITATIONS: tuple[tuple[str, str], ...] = tuple(
    dict.fromkeys(
        [("l", "I"), ("i", "l"), ("o", "0"), ("l", "1"), ("i", "1")]
        + [(letter, char) for char, letter in ASCII_LOOKALIKES.items() if char.isalnum()]
    )
)
#: kinds of edit, most used first; the variant's ``kind`` is one of these
KINDS: tuple[str, ...] = (
    "look-alike",
    "doubled letter",
    "underscore",
    "swapped neighbours",
    "dropped letter",
    "appended digits",
    "affix",
    "separator",
    "name spelling",
)
_DIGITS = ("1", "2", "0", "01", "_1", "123", "3", "7", "9", "99")
_HANDLE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-")


@dataclass(frozen=True, slots=True)
class Variant:
    """One handle a clone maker might register, the edit that makes it, and where it came from."""

    handle: str
    kind: str
    #: the edit in the matcher's words ("doubled letter: l", "look-alike: I for l")
    edit: str
    #: the registered handle or name spelling it was made from
    base: str
    #: the matcher's handle similarity between ``base`` and ``handle`` (0..100)
    similarity: float

    def as_dict(self) -> dict[str, object]:
        return {
            "handle": self.handle,
            "kind": self.kind,
            "edit": self.edit,
            "from": self.base,
            "similarity": self.similarity,
        }


def _edits(handle: str) -> Iterator[tuple[str, str, str]]:
    """(variant, kind, edit) for every single edit of ``handle`` the model knows."""
    h = handle
    for letter, imitation in _IMITATIONS:
        for i, char in enumerate(h):
            if char == letter:
                yield (
                    h[:i] + imitation + h[i + 1 :],
                    "look-alike",
                    f"look-alike: {imitation} for {char}",
                )
    for digraph, letter in ASCII_DIGRAPHS:
        at = h.find(letter)
        while at >= 0:
            yield (
                h[:at] + digraph + h[at + 1 :],
                "look-alike",
                f"look-alike: {digraph} for {letter}",
            )
            at = h.find(letter, at + 1)
    for i, char in enumerate(h):
        if char.isalpha():
            yield h[: i + 1] + char + h[i + 1 :], "doubled letter", f"doubled letter: {char}"
    yield h + "_", "underscore", "underscore added"
    yield "_" + h, "underscore", "underscore added"
    for i in range(1, len(h)):
        if h[i - 1] not in "_.-" and h[i] not in "_.-":
            yield h[:i] + "_" + h[i:], "underscore", "underscore added"
    for i in range(len(h) - 1):
        if h[i] != h[i + 1]:
            swapped = h[:i] + h[i + 1] + h[i] + h[i + 2 :]
            yield (
                swapped,
                "swapped neighbours",
                f"swapped neighbours: {h[i : i + 2]} -> {h[i + 1]}{h[i]}",
            )
    if len(h) >= 5:
        for i in range(1, len(h)):
            yield h[:i] + h[i + 1 :], "dropped letter", f"dropped letter: {h[i]}"
    for digits in _DIGITS:
        yield h + digits, "appended digits", f"appended digits: {digits.strip('_')}"
    for prefix in PREFIXES:
        yield prefix + h, "affix", f"prefix: {prefix}"
        yield f"{prefix}_{h}", "affix", f"prefix: {prefix}"
    for suffix in SUFFIXES:
        yield h + suffix, "affix", f"suffix: {suffix}"
        yield f"{h}_{suffix}", "affix", f"suffix: {suffix}"
    for separator, label in (("_", "underscore"), (".", "dot"), ("-", "dash")):
        if separator in h:
            yield h.replace(separator, ""), "separator", f"{label} removed"
            for other, other_label in (("_", "underscore"), (".", "dot")):
                if other != separator:
                    yield h.replace(separator, other), "separator", f"{other_label} for {label}"


def name_spellings(name: str) -> list[str]:
    """The handles a display name spells: words joined plain, with ``_`` or ``.``, swapped,
    with an initial ("alovelace", "adal"); accents and other scripts as the matcher reads them."""
    words = normalize_text(name).split()
    if not words:
        return []
    spellings = ["".join(words)]
    if len(words) > 1:
        spellings += [
            "_".join(words),
            ".".join(words),
            "".join(reversed(words)),
            words[0][0] + "".join(words[1:]),
            words[0] + words[-1][0],
        ]
    return list(dict.fromkeys(s for s in spellings if len(s) >= 3))


def _valid(handle: str) -> bool:
    return 2 <= len(handle) <= 64 and set(handle.casefold()) <= _HANDLE_CHARS


def _ranked(found: Iterable[Variant]) -> list[Variant]:
    order = {kind: number for number, kind in enumerate(KINDS)}
    return sorted(found, key=lambda v: (order[v.kind], -v.similarity))


def handle_variants(identity: Identity, *, limit: int | None = None) -> list[Variant]:
    """The handles a clone maker would try for ``identity``, most likely first, at most
    ``limit``; never one of the person's own handles or accounts, each handle once (case aside)."""
    own = {h.strip().lstrip("@").casefold() for h in identity.handles}
    own |= {account.handle.split("@", 1)[0].casefold() for account in identity.own_accounts}
    seen = set(own)
    bases = [h.strip().lstrip("@").split("@", 1)[0] for h in identity.handles]
    bases = list(dict.fromkeys(b for b in bases if b))
    result: list[Variant] = []

    def add(handle: str, kind: str, edit: str, base: str, into: list[Variant]) -> None:
        key = handle.casefold()
        if key in seen or not _valid(handle):
            return
        seen.add(key)
        similarity = compare_handles(base, handle).similarity
        into.append(Variant(handle, kind, edit, base, similarity))

    direct: list[Variant] = []
    for base in bases:
        for handle, kind, edit in _edits(base):
            add(handle, kind, edit, base, direct)
    result += _ranked(direct)
    spellings = [s for s in name_spellings(identity.name) if s.casefold() not in own]
    for spelling in spellings:
        add(spelling, "name spelling", "handle spells the name", spelling, result)
        seen.discard(spelling.casefold())
    seen |= {s.casefold() for s in spellings}
    of_names: list[Variant] = []
    for spelling in spellings[:2]:  # the joined words, plain and with "_"
        for handle, kind, edit in _edits(spelling):
            add(handle, kind, f"{edit} (of the name spelled {spelling})", spelling, of_names)
    result += _ranked(of_names)
    return result if limit is None else result[:limit]


def search_queries(identity: Identity) -> list[str]:
    """What to type into a platform's search for ``identity``: the display name, its
    accent-free and transliterated form, and each registered handle."""
    queries = [identity.name.strip(), normalize_text(identity.name)]
    queries += [h.strip().lstrip("@").split("@", 1)[0] for h in identity.handles]
    unique: dict[str, str] = {}
    for query in queries:
        if query and query.casefold() not in unique:
            unique[query.casefold()] = query
    return list(unique.values())
