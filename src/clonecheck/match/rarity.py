"""How common a display name is in the crawl at hand, so that namesakes weigh less.

Two different people who share a name are the main source of false alarms on name evidence.
Whether a name is common depends on the population: "Maria Garcia" is rare in a crawl of
Finnish accounts and everywhere in the results of a name search. So rarity is measured on the
imported profiles themselves, not taken from a hand-made list: the number of distinct names
expected to combine the name's tokens by chance, ``D × Π df(token)/D``, where ``D`` is the number
of distinct names in the crawl and ``df`` the number of distinct names holding the token.

Counting distinct names, not profiles, is deliberate: clone makers create accounts in batches
under one stolen name, and a batch of a hundred "Ada Lovelace" clones must not make the name look
common. A common first or last name shows up instead as a token shared by many *different*
names. Below ``MIN_POPULATION`` distinct names the frequencies are noise and every name keeps
full weight.
With at most one expected namesake a name keeps full weight; above, the name evidence is scaled
by ``1 / (1 + log10(namesakes))``, never below ``MIN_FACTOR``, and the report says so.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from clonecheck.features.names import normalize_text, normalize_text_once

#: a name shared by the whole crawl still keeps this share of its weight
MIN_FACTOR = 0.5
#: populations smaller than this give no usable token frequencies
MIN_POPULATION = 1000


def name_tokens(name: str) -> tuple[str, ...]:
    """Distinct normalised tokens of a display name, in order (single letters dropped)."""
    return _tokens(normalize_text(name))


def _tokens(normalized: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in normalized.split() if len(t) > 1))


@dataclass(frozen=True)
class NameRarity:
    """Token frequencies over the distinct names of a population of profiles."""

    total: int = 0
    token_counts: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_names(cls, names: Iterable[str]) -> NameRarity:
        distinct = {
            " ".join(sorted(found))
            for found in (_tokens(normalize_text_once(name)) for name in names)
            if found
        }
        tokens: Counter[str] = Counter()
        for name in distinct:
            tokens.update(name.split())
        return cls(len(distinct), tokens)

    def namesakes(self, name: str) -> float:
        """Expected number of distinct names made of this name's tokens by chance."""
        found = name_tokens(name)
        if not found or self.total < MIN_POPULATION:
            return 0.0
        expected = float(self.total)
        for token in found:
            expected *= self.token_counts.get(token, 0) / self.total
        return expected

    def factor(self, name: str) -> float:
        """Weight left to a name match: 1 for a rare name, less for a common one."""
        namesakes = self.namesakes(name)
        if namesakes <= 1.0:
            return 1.0
        return max(MIN_FACTOR, 1.0 / (1.0 + math.log10(namesakes)))
