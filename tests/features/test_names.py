"""Names and handles: every edit clone makers use is undone, named, and namesakes stay apart.

Real handles and names come from the Cresci 2015 genuine accounts in ../shared/data; each test
applies one kind of edit to them and checks the similarity and the named edit.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from clonecheck.config import DEFAULT
from clonecheck.features import deception, names

if TYPE_CHECKING:
    from tests.conftest import SharedData


@pytest.fixture(scope="module")
def accounts(shared_data: SharedData) -> list[tuple[str, str]]:
    """(screen_name, name) of real accounts with a letters-only handle of 8+ characters."""
    path = shared_data.path("profiles", "cresci2015", "data", "users.csv")
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        rows = [(r["screen_name"], r["name"]) for r in csv.DictReader(handle)]
    return [(h, n) for h, n in rows if h.isalpha() and h.isascii() and len(h) >= 8]


def doubled(h: str) -> str:
    return h[:4] + h[4] + h[4:]


def dropped(h: str) -> str:
    return h[:4] + h[5:]


def swapped(h: str) -> str:
    i = len(h) // 2
    return h[:i] + h[i + 1] + h[i] + h[i + 2 :]


HANDLE_EDITS: dict[str, tuple[Callable[[str], str], str]] = {
    "doubled letter": (doubled, "doubled letter"),
    "dropped letter": (dropped, "dropped letter"),
    "appended digits": (lambda h: h + "1987", "appended digits: 1987"),
    "prepended digits": (lambda h: "7" + h, "prepended digits: 7"),
    "underscore": (lambda h: h + "_", "underscore added"),
    "dot": (lambda h: h[:4] + "." + h[4:], "dot added"),
    "prefix real": (lambda h: "real" + h, "prefix: real"),
    "prefix the": (lambda h: "the_" + h, "prefix: the"),
    "prefix its": (lambda h: "its" + h, "prefix: its"),
    "prefix iam": (lambda h: "iam" + h, "prefix: iam"),
    "dash": (lambda h: h[:4] + "-" + h[4:], "dash added"),
    "suffix official": (lambda h: h + "official", "suffix: official"),
    "suffix tv": (lambda h: h + "_tv", "suffix: tv"),
    "suffix fan": (lambda h: h + "fan", "suffix: fan"),
    "suffix backup": (lambda h: h + "backup", "suffix: backup"),
    "suffix 2": (lambda h: h + "2", "appended digits: 2"),
    "swap": (swapped, "swapped neighbours"),
    "fullwidth": (lambda h: "".join(chr(ord(c) + 0xFEE0) for c in h), "look-alike: fullwidth"),
    "mathematical bold": (
        lambda h: "".join(chr(0x1D41A + ord(c) - 97) for c in h.lower()),
        "look-alike: mathematical",
    ),
    "zero-width joiner": (lambda h: h[:3] + "\u200d" + h[3:], "invisible characters removed"),
}

#: one letter replaced by a look-alike: (letter, replacement, the edit named)
LOOKALIKE_LETTERS: list[tuple[str, str, str]] = [
    ("l", "I", "look-alike: I for l"),
    ("o", "0", "look-alike: 0 for o"),
    ("a", "а", "look-alike: Cyrillic а for a"),
    ("e", "е", "look-alike: Cyrillic е for e"),
    ("o", "о", "look-alike: Cyrillic о for o"),
    ("p", "р", "look-alike: Cyrillic р for p"),
    ("c", "с", "look-alike: Cyrillic с for c"),
    ("o", "ο", "look-alike: Greek ο for o"),
]


@pytest.mark.parametrize("edit", sorted(HANDLE_EDITS))
def test_each_handle_edit_scores_high_and_is_named(
    accounts: list[tuple[str, str]], edit: str
) -> None:
    """On 50 real handles, the edited copy reaches handle_strong and the edit is named."""
    make, expected = HANDLE_EDITS[edit]
    for handle, _ in random.Random(edit).sample(accounts, 50):
        if make(handle) == handle:
            continue  # swapping two equal letters changes nothing
        found = names.compare_handles(handle, make(handle))
        assert found.similarity >= DEFAULT.handle_strong, (handle, make(handle), found)
        assert any(e.startswith(expected) for e in found.edits), (handle, found)
        assert names.handle_keys(handle) & names.handle_keys(make(handle))


@pytest.mark.parametrize(("letter", "replacement", "expected"), LOOKALIKE_LETTERS)
def test_one_look_alike_letter_keeps_the_skeleton(
    accounts: list[tuple[str, str]], letter: str, replacement: str, expected: str
) -> None:
    """On real handles, one letter replaced by a look-alike (ASCII, Cyrillic, Greek) gives
    the same skeleton, at least 95, the letter named, and a shared index key."""
    chosen = [h for h, _ in accounts if 0 < h.find(letter) < len(h) - 1 and h.islower()]
    for handle in random.Random(letter + replacement).sample(chosen, 30):
        clone = handle.replace(letter, replacement, 1)
        found = names.compare_handles(handle, clone)
        assert names.skeleton_handle(clone) == names.skeleton_handle(handle)
        assert found.similarity >= 95, (handle, clone, found)
        assert expected in found.edits, (handle, clone, found)
        assert found.detail.startswith("look-alike handle"), found
        assert names.handle_keys(handle) & names.handle_keys(clone)


@pytest.mark.parametrize(
    ("registered", "candidate", "edit"),
    [
        ("eileencollins", "eiIeencollins", "look-alike: I for l"),
        ("adalovelace", "ada1ovelace", "look-alike: 1 for l"),
        ("bookworm", "b00kworm", "look-alike: 0 for o"),
        ("jessicajones", "j3ssicajones", "look-alike: 3 for e"),
        ("susanmiller", "5usanmiller", "look-alike: 5 for s"),
        ("jimmyfallon", "jirnmyfallon", "look-alike: rn for m"),
        ("andrewyang", "andrevvyang", "look-alike: vv for w"),
        ("adalovelace", "аdalovelace", "look-alike: Cyrillic а for a"),
        ("johnsmith", "jоhnsmith", "look-alike: Cyrillic о for o"),
        ("johnsmith", "jοhnsmith", "look-alike: Greek ο for o"),
        ("johnsmith", "ｊｏｈｎｓｍｉｔｈ", "look-alike: fullwidth"),
        ("johnsmith", "𝐣𝐨𝐡𝐧𝐬𝐦𝐢𝐭𝐡", "look-alike: mathematical"),
        ("johnsmith", "john\u200dsmith", "invisible characters removed"),
        ("johnsmith", "johnsmith\ufe0f", "invisible characters removed"),
    ],
)
def test_look_alike_characters_are_undone_and_named(
    registered: str, candidate: str, edit: str
) -> None:
    """Look-alike letters of other scripts, fullwidth/mathematical forms and invisible
    characters give the same skeleton, full similarity, and the named edit."""
    found = names.compare_handles(registered, candidate)
    assert found.similarity >= 95
    assert names.handle_keys(registered) & names.handle_keys(candidate)
    assert any(e.startswith(edit) for e in found.edits), found


@pytest.mark.parametrize(
    ("registered", "candidate", "at_least", "edit"),
    [
        ("Ada Lovelace", "Ada Lovelace 🌸", 100, "decorations removed"),
        ("Ada Lovelace", "Lovelace Ada", 100, "token order differs"),
        ("Ada Lovelace", "Ada L.", 85, "partial name: initial L."),
        ("Ada Lovelace", "Аda Lovelace", 100, "look-alike: Cyrillic А for A"),
        ("Ada Lovelace", "Ada Lovela\u0301ce", 100, "accents removed"),
        ("José Álvarez", "Jose Alvarez", 100, ""),
        ("Ada Lovelace", "Ada\u200b Lovelace", 100, "invisible characters removed"),
        ("Eileen Collins", "EiIeen Collins", 95, "look-alike: I for l"),
        ("Eileen Collins", "Eileen Colins", 95, "dropped letter: l"),
        ("Andrey Ivanov", "Андрей Иванов", 90, "transliterated from Cyrillic"),
        ("Francesca De Chiara", "Francesca C.", 90, "partial name: initial C."),
        ("Eileen Collins", "Ｅｉｌｅｅｎ Ｃｏｌｌｉｎｓ", 100, "look-alike: fullwidth"),
    ],
)
def test_display_name_edits(registered: str, candidate: str, at_least: float, edit: str) -> None:
    """Decorations, order, initials, look-alikes, accents and scripts do not hide a name."""
    found = names.compare_names(registered, candidate)
    assert found.similarity >= at_least, found
    assert not edit or any(e.startswith(edit) for e in found.edits), found
    assert names.name_keys(registered) & names.name_keys(candidate)


@pytest.fixture(scope="module")
def full_names(shared_data: SharedData) -> list[str]:
    """Real display names of two or more words, letters only (Cresci 2015 genuine accounts)."""
    path = shared_data.path("profiles", "cresci2015", "data", "users.csv")
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        found = [r["name"].strip() for r in csv.DictReader(handle)]
    return [
        n for n in found if len(n.split()) == 2 and n.replace(" ", "").isalpha() and n.isascii()
    ]


def _first(letter: str, replacement: str) -> Callable[[str], str]:
    return lambda n: n.replace(letter, replacement, 1)


NAME_EDITS: dict[str, tuple[Callable[[str], str], float, str]] = {
    "emoji": (lambda n: f"{n} 🚀", 100, "decorations removed: 🚀"),
    "token order": (lambda n: " ".join(reversed(n.split())), 100, "token order differs"),
    "initial": (lambda n: f"{n.split()[0]} {n.split()[1][0]}.", 90, "partial name: initial"),
    "Cyrillic е": (_first("e", "е"), 100, "look-alike: Cyrillic е for e"),
    "Cyrillic а": (_first("a", "а"), 100, "look-alike: Cyrillic а for a"),
    "Greek ο": (_first("o", "ο"), 100, "look-alike: Greek ο for o"),
    "decomposed accent": (_first("e", "e\u0301"), 100, "accents removed"),
    "zero-width joiner": (lambda n: n[:2] + "\u200d" + n[2:], 100, "invisible characters"),
    "mathematical bold": (
        lambda n: "".join(chr(0x1D41A + ord(c) - 97) if c.islower() else c for c in n),
        100,
        "look-alike: mathematical",
    ),
    "fullwidth": (
        lambda n: "".join(chr(ord(c) + 0xFEE0) if c != " " else c for c in n),
        100,
        "look-alike: fullwidth",
    ),
    "I for l": (_first("l", "I"), 95, "look-alike: I for l"),
}


@pytest.mark.parametrize("edit", sorted(NAME_EDITS))
def test_each_display_name_edit_on_real_names(full_names: list[str], edit: str) -> None:
    """On 40 real two-word names, each clone edit keeps the score, is named, and shares a key."""
    make, at_least, expected = NAME_EDITS[edit]
    for name in random.Random(edit).sample(full_names, 40):
        clone = make(name)
        if clone == name:
            continue  # the name lacks the letter the edit replaces
        found = names.compare_names(name, clone)
        assert found.similarity >= at_least, (name, clone, found)
        assert any(e.startswith(expected) for e in found.edits), (name, clone, found)
        assert names.name_keys(name) & names.name_keys(clone), (name, clone)


def test_different_real_names_share_no_skeleton_key(full_names: list[str]) -> None:
    """Over 500 pairs of different real names, under 1 % share an ``h:`` key or reach 80."""
    rng = random.Random(11)
    pairs = [rng.sample(full_names, 2) for _ in range(500)]
    pairs = [(a, b) for a, b in pairs if names.normalize_text(a) != names.normalize_text(b)]
    shared = [
        (a, b)
        for a, b in pairs
        if {k for k in names.name_keys(a) & names.name_keys(b) if k.startswith("h:")}
    ]
    close = [(a, b) for a, b in pairs if names.compare_names(a, b).similarity >= 80]
    assert len(shared) < len(pairs) // 100, shared
    assert len(close) < len(pairs) // 100, close


def test_a_first_name_alone_is_not_the_name() -> None:
    """ "Ada" shares one token with "Ada Lovelace" and stays below the weak threshold."""
    assert names.compare_names("Ada Lovelace", "Ada").similarity < DEFAULT.name_weak


@pytest.mark.parametrize(
    ("registered", "candidate"),
    [("Ada Lovelace", "Ada A."), ("Mary Lou Moriarty", "Mary M."), ("Ada Lovelace", "A. B.")],
)
def test_an_initial_must_stand_for_a_word_left_over(registered: str, candidate: str) -> None:
    """An initial counts only for a registered word not already matched, and no other word
    may be missing: "Ada A." is not "Ada Lovelace", "Mary M." not "Mary Lou Moriarty"."""
    found = names.compare_names(registered, candidate)
    assert not any(e.startswith("partial name") for e in found.edits), found
    assert found.similarity < 90


@pytest.mark.parametrize(
    ("registered", "candidate", "detail"),
    [
        ("Ada Lovelace", "Ada Lovelace", "same name"),
        ("Eileen Collins", "Eileen Collins 🚀", "same name after removing decorations"),
        ("Ada Lovelace", "Аda Lovelace", "same name with look-alike letters"),
        ("Andrey Ivanov", "Андрей Иванов", "same name in another script"),
        ("Ada Lovelace", "Ada L.", "partial name (initial L.)"),
        ("Ada Lovelace", "Grace Hopper", "different name"),
    ],
)
def test_name_details_say_what_was_seen(registered: str, candidate: str, detail: str) -> None:
    """The detail phrase names the trick a person would want to know about."""
    assert names.compare_names(registered, candidate).detail == detail


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Андрей Иванов", "andrey ivanov"),
        ("Jоhn Ѕmith", "john smith"),
        ("Ａｄａ  Ｌｏｖｅｌａｃｅ ✨", "ada lovelace"),
        ("José\u200b Álvarez", "jose alvarez"),
        ("𝐀𝐝𝐚 Lovelace", "ada lovelace"),
    ],
)
def test_normalize_text(text: str, expected: str) -> None:
    """Look-alikes inside Latin text become Latin; a name wholly in another script is
    transliterated; compatibility forms, invisibles, accents and decorations go."""
    assert names.normalize_text(text) == expected


@pytest.mark.parametrize(
    ("handle", "skeleton"),
    [
        ("EiIeen_Collins", "eilencolins"),
        ("@j0hn5mith_1987", "johnsmith"),
        ("$usan", "susan"),
        ("jirnmy", "jimy"),
        ("andrevvyang", "andrewyang"),
        ("TheRealAda", "therealada"),
    ],
)
def test_skeleton_handle(handle: str, skeleton: str) -> None:
    """Leet and look-alike letters read as the letter, separators and outer digits go,
    doubled letters collapse; affixes stay (whether "the" is an affix depends on the pair)."""
    assert names.skeleton_handle(handle) == skeleton


def test_affixes_come_off_the_candidate_only() -> None:
    """ "theodore" is a clone of "odore" (prefix added), but "odore" is not one of "theodore"."""
    assert names.compare_handles("odore", "theodore").similarity == 100
    assert names.compare_handles("theodore", "odore").similarity < DEFAULT.handle_weak


@pytest.mark.parametrize(
    ("handle", "name", "at_least"),
    [
        ("adalovelace", "Ada Lovelace", 100),
        ("lovelace_ada", "Ada Lovelace", 100),
        ("alovelace", "Ada Lovelace", 100),
        ("eileen_collins_", "Eileen Collins", 100),
        ("RealAdaLovelace_tv", "Ada Lovelace", 100),
        ("IvanIvanov", "Ivan Ivanov", 100),
        ("adal", "Ada Lovelace", 100),
    ],
)
def test_a_handle_that_spells_the_name(handle: str, name: str, at_least: float) -> None:
    """A handle made of the display name (in either order, or with an initial) is recognised."""
    found = names.compare_handle_to_name(handle, name)
    assert found.similarity >= at_least
    assert any(e.startswith("handle spells the name") for e in found.edits), found
    assert names.handle_keys(handle) & names.name_keys(name)


def test_different_real_people_rarely_look_alike(accounts: list[tuple[str, str]]) -> None:
    """Over 2,000 pairs of different real accounts, under 1 % reach handle_weak, and under
    1 % share a skeleton key of their handles."""
    rng = random.Random(5)
    pairs = [rng.sample(accounts, 2) for _ in range(2000)]
    close = [
        (a[0], b[0])
        for a, b in pairs
        if names.compare_handles(a[0], b[0]).similarity > DEFAULT.handle_weak
    ]
    assert len(close) < 20, close
    shared = [
        (a[0], b[0])
        for a, b in pairs
        if a[0].lower() != b[0].lower()
        and any(k.startswith("h:") for k in names.handle_keys(a[0]) & names.handle_keys(b[0]))
    ]
    assert len(shared) < 20, shared
    names_close = [
        (a[1], b[1])
        for a, b in pairs
        if names.compare_names(a[1], b[1]).similarity >= DEFAULT.name_strong
    ]
    assert len(names_close) < 5, names_close


@pytest.mark.parametrize(
    ("name", "bio", "expected"),
    [
        ("Ada Lovelace Fan Account", "", "fan account"),
        ("Ada Lovelace", "Parody. Not the real Ada.", "parody"),
        ("Ada", "Not affiliated with Ada Lovelace", "not affiliated"),
        ("Ada Lovelace", "Mathematician. Fanatic about engines.", None),
        ("Ada Lovelace", "", None),
        ("Ada Lovelace (раrody)", "", "parody"),
        ("Ada Lovelace", "UNOFFICIAL account, news about Ada", "unofficial"),
        ("Ada Lovelace", "Contributed to engines", None),
        ("Ada Lovelace", "Fan-page of the countess", "fan page"),
    ],
)
def test_fan_and_parody_disclaimers(name: str, bio: str, expected: str | None) -> None:
    """Accounts that say they are not the person are recognised; 'fanatic' is not 'fan'."""
    assert names.fan_or_parody(name, bio) == expected


def test_bios_are_compared_only_when_long_enough() -> None:
    """Short bios say nothing; a copied bio scores 100 after decorations are removed."""
    bio = "Mathematician and writer, known for the Analytical Engine."
    assert names.compare_bios("Hi", "Hi", min_chars=20) is None
    copied = names.compare_bios(bio, bio + " ✨", min_chars=20)
    assert copied is not None
    assert copied.similarity == 100
    assert copied.detail == "copied bio"
    other = names.compare_bios(bio, "Baker in Cork. Sourdough every single day.", min_chars=20)
    assert other is not None
    assert other.similarity < DEFAULT.bio_weak


# --- deception: look-alike substitutions, and how deliberate a handle edit is ---------------


@pytest.mark.parametrize(
    ("registered", "candidate", "trick"),
    [
        ("adalovelace", "adaIovelace", "I for l"),
        ("adalovelace", "ada1ovelace", "1 for l"),
        ("adalovelace", "adal0velace", "0 for o"),
        ("adalovelace", "аdalovelace", "Cyrillic а for a"),
        ("adalovelace", "adalovelacе", "Cyrillic е for e"),
        ("marymoore", "rnarymoore", "rn for m"),
        ("annsmith", "aηnsmith", "Greek η for n"),
        ("adalovelace", "ada\u200dlovelace", "invisible characters"),
        # stored case-folded: the clone wrote adaIovelace, the platform keeps adaiovelace
        ("adalovelace", "adaiovelace", "i for l"),
        ("emilyjones", "em1lyjones", "1 for i"),
        ("hkarzai", "hkarza1", "1 for i"),
    ],
)
def test_lookalike_handles_are_named_as_tricks(registered: str, candidate: str, trick: str) -> None:
    """A handle that reads as the registered one but is not carries its trick by name."""
    tricks = deception.lookalike_tricks(registered, candidate, handle=True)
    assert any(trick in t for t in tricks), tricks


@pytest.mark.parametrize(
    "candidate",
    [
        "adalovelace",
        "AdaLovelace",
        "@adalovelace",
        "adalovelace84",
        "ada_lovelace",
        "lovelaceada",
        "adalovelace_nyc",
        "adalovelacce",
        "adalovelacemd",
    ],
)
def test_namesake_and_typo_handles_are_not_lookalike_tricks(candidate: str) -> None:
    """Case, digits, separators, re-ordering, suffixes and typos are not look-alike tricks."""
    assert deception.lookalike_tricks("adalovelace", candidate, handle=True) == ()


@pytest.mark.parametrize(
    ("candidate", "trick"),
    [
        ("Adа Lovelace", "Cyrillic а for a"),
        ("Ada Lονelace", "Greek"),
        ("Ada Love\u200blace", "invisible characters"),
    ],
)
def test_lookalike_names_are_named_as_tricks(candidate: str, trick: str) -> None:
    """A display name with another script's letters or invisible characters is a trick."""
    tricks = deception.lookalike_tricks("Ada Lovelace", candidate, handle=False)
    assert any(trick in t for t in tricks), tricks


@pytest.mark.parametrize(
    "candidate", ["ada lovelace", "Adá Lovelace", "Ada Lovelace ✨", "Lovelace Ada", "Ada L."]
)
def test_namesake_spellings_of_a_name_are_not_tricks(candidate: str) -> None:
    """Case, accents, emoji, word order and initials are how real people write their names."""
    assert deception.lookalike_tricks("Ada Lovelace", candidate, handle=False) == ()


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("adalovelace", deception.HandleEdit.SAME),
        ("adaIovelace", deception.HandleEdit.LOOKALIKE),
        ("adalovelacce", deception.HandleEdit.TYPO),
        ("adalovlace", deception.HandleEdit.TYPO),
        ("adaolvelace", deception.HandleEdit.TYPO),
        ("realadalovelace", deception.HandleEdit.AFFIX),
        ("adalovelace84", deception.HandleEdit.NATURAL),
        ("ada_lovelace", deception.HandleEdit.NATURAL),
        ("adalovelace_nyc", deception.HandleEdit.NATURAL),
        ("adalovelacemd", deception.HandleEdit.NATURAL),
    ],
)
def test_handle_edits_are_graded_by_how_deliberate_they_are(candidate: str, expected: str) -> None:
    """One typo-like edit of the exact handle is a copy; digits, separators and place or
    profession suffixes are what namesakes do."""
    found = names.compare_handles("adalovelace", candidate)
    assert deception.handle_edit_class(found, candidate) == expected


@pytest.mark.parametrize("handle", ["lovelaceada", "alovelace", "adalovelace", "adalovelace1984"])
def test_handles_spelling_a_name_are_natural(handle: str) -> None:
    """Re-ordered words, an initial or digits after the name: a namesake's own handle."""
    found = names.compare_handle_to_name(handle, "Ada Lovelace")
    assert deception.handle_edit_class(found, handle) == deception.HandleEdit.NATURAL


def test_real_peoples_handles_rarely_look_like_typos_of_their_names(
    accounts: list[tuple[str, str]],
) -> None:
    """Among real accounts whose handle relates to their name, typo-like and look-alike edits
    are under 2 %: the measurement behind weighing them above natural edits."""
    graded = []
    for handle, name in accounts:
        words = names.normalize_text(name).split()
        if len(words) < 2:
            continue
        spelled = names.compare_handle_to_name(handle, name)
        best = (
            spelled if spelled.similarity >= 95 else names.compare_handles("".join(words), handle)
        )
        if best.similarity >= 80:
            graded.append(deception.handle_edit_class(best, handle))
    deliberate = [
        g for g in graded if g in (deception.HandleEdit.TYPO, deception.HandleEdit.LOOKALIKE)
    ]
    assert len(graded) > 100
    assert len(deliberate) / len(graded) < 0.02, deliberate
    assert graded.count(deception.HandleEdit.NATURAL) / len(graded) > 0.5


def test_the_name_bound_is_never_below_the_comparison(full_names: list[str]) -> None:
    """``name_similarity_bound`` may stand in for ``compare_names`` in a scan's screen only if
    it never says less: real names against each other and against their edited forms."""
    rng = random.Random(13)
    sample = rng.sample(full_names, 300)
    edits: list[Callable[[str], str]] = [
        lambda n: n,
        lambda n: " ".join(reversed(n.split())),
        lambda n: f"{n.split()[0]} {n.split()[-1][0]}.",
        lambda n: n.replace("l", "I").replace("o", "0"),
        lambda n: n.replace("a", "а"),
        lambda n: n[:3] + n[3] + n[3:],
        lambda n: n.upper() + " ✨",
    ]
    checked = 0
    for registered in sample:
        for candidate in [*(edit(registered) for edit in edits), *rng.sample(full_names, 20)]:
            bound = names.name_similarity_bound(
                names.NameForms.of(registered), names.NameForms.of(candidate)
            )
            if bound is None:
                continue
            checked += 1
            assert bound >= names.compare_names(registered, candidate).similarity, (
                registered,
                candidate,
            )
    assert checked > 7000
