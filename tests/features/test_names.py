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
from clonecheck.features import names

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
}


@pytest.mark.parametrize("edit", sorted(HANDLE_EDITS))
def test_each_handle_edit_scores_high_and_is_named(
    accounts: list[tuple[str, str]], edit: str
) -> None:
    """On 50 real handles, the edited copy reaches handle_strong and the edit is named."""
    make, expected = HANDLE_EDITS[edit]
    for handle, _ in random.Random(edit).sample(accounts, 50):
        found = names.compare_handles(handle, make(handle))
        assert found.similarity >= DEFAULT.handle_strong, (handle, make(handle), found)
        assert any(e.startswith(expected) for e in found.edits), (handle, found)
        assert names.handle_keys(handle) & names.handle_keys(make(handle))


def test_swapped_neighbours_are_named(accounts: list[tuple[str, str]]) -> None:
    """Two neighbouring letters swapped: at least 90 and named as a swap."""
    for handle, _ in random.Random(3).sample(accounts, 50):
        if handle[len(handle) // 2] == handle[len(handle) // 2 + 1]:
            continue
        found = names.compare_handles(handle, swapped(handle))
        assert found.similarity >= 80, found
        assert any(e.startswith("swapped neighbours") for e in found.edits), (handle, found)


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
    ],
)
def test_display_name_edits(registered: str, candidate: str, at_least: float, edit: str) -> None:
    """Decorations, order, initials, look-alikes, accents and scripts do not hide a name."""
    found = names.compare_names(registered, candidate)
    assert found.similarity >= at_least, found
    assert not edit or any(e.startswith(edit) for e in found.edits), found
    assert names.name_keys(registered) & names.name_keys(candidate)


def test_a_first_name_alone_is_not_the_name() -> None:
    """ "Ada" shares one token with "Ada Lovelace" and stays below the weak threshold."""
    assert names.compare_names("Ada Lovelace", "Ada").similarity < DEFAULT.name_weak


@pytest.mark.parametrize(
    ("handle", "name", "at_least"),
    [
        ("adalovelace", "Ada Lovelace", 100),
        ("lovelace_ada", "Ada Lovelace", 100),
        ("alovelace", "Ada Lovelace", 100),
        ("eileen_collins_", "Eileen Collins", 100),
    ],
)
def test_a_handle_that_spells_the_name(handle: str, name: str, at_least: float) -> None:
    """A handle made of the display name (in either order, or with an initial) is recognised."""
    assert names.compare_handle_to_name(handle, name).similarity >= at_least
    assert names.handle_keys(handle) & names.name_keys(name)


def test_different_real_people_rarely_look_alike(accounts: list[tuple[str, str]]) -> None:
    """Over 2,000 pairs of different real accounts, under 1 % reach handle_weak."""
    rng = random.Random(5)
    pairs = [rng.sample(accounts, 2) for _ in range(2000)]
    close = [
        (a[0], b[0])
        for a, b in pairs
        if names.compare_handles(a[0], b[0]).similarity > DEFAULT.handle_weak
    ]
    assert len(close) < 20, close
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
