"""Name rarity: common names weigh less, measured on the crawl itself, immune to clone batches."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

import pytest

from clonecheck.match.rarity import MIN_FACTOR, MIN_POPULATION, NameRarity

if TYPE_CHECKING:
    from tests.conftest import SharedData


@pytest.fixture(scope="module")
def real_names(shared_data: SharedData) -> list[str]:
    """Display names of 2,800 real Twitter accounts (Cresci 2015 genuine and fake followers)."""
    found = []
    for name in ("users.csv", "fusers.csv"):
        path = shared_data.path("profiles", "cresci2015", "data", name)
        with path.open(newline="", encoding="utf-8", errors="replace") as handle:
            found += [row["name"] for row in csv.DictReader(handle)]
    return found


def test_a_rare_name_keeps_full_weight(real_names: list[str]) -> None:
    """Nobody in a real crawl is called anything like Ada Lovelace: weight 1."""
    rarity = NameRarity.from_names(real_names)
    assert rarity.total >= MIN_POPULATION
    assert rarity.factor("Ada Lovelace") == 1.0


def test_a_name_search_makes_its_name_common(real_names: list[str]) -> None:
    """A crawl of a name search (many different Johns, many different Smiths) weakens John Smith."""
    firsts = ["John", "Johnny", "Jon", "Anna", "Mark", "Sara", "Luke", "Nina", "Omar", "Ivy"]
    lasts = ["Smith", "Smithson", "Brown", "Lee", "Khan", "Diaz", "Moss", "Reid", "Hart", "Cole"]
    search = [f"{first} {last} {n}" for first in firsts for last in lasts for n in range(3)]
    search += [f"John {last}" for last in real_names[:300]]
    search += [f"{first} Smith" for first in real_names[300:600]]
    rarity = NameRarity.from_names(real_names + search)
    assert rarity.namesakes("John Smith") > 5
    assert MIN_FACTOR <= rarity.factor("John Smith") < 0.7
    assert rarity.factor("Ada Lovelace") == 1.0


def test_a_batch_of_clones_does_not_make_the_stolen_name_common(real_names: list[str]) -> None:
    """Five hundred accounts all named Eileen Collins are one distinct name: still rare."""
    rarity = NameRarity.from_names(real_names + ["Eileen Collins"] * 500 + ["EILEEN  collins"])
    assert rarity.factor("Eileen Collins") == 1.0


def test_small_crawls_give_every_name_full_weight() -> None:
    """Below the minimum population token counts are noise: no weighting at all."""
    rarity = NameRarity.from_names(["John Smith", "John Brown", "Anna Smith"] * 10)
    assert rarity.total < MIN_POPULATION
    assert rarity.factor("John Smith") == 1.0
