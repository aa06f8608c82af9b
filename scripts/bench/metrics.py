"""Scoring a method's flags against the world's truth: precision, recall and F1 per clone kind,
innocent profiles flagged, the precision-recall curve, and the false positives by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bench.common import KINDS
from bench.world import Row, World


@dataclass
class Quality:
    tp: int
    fp: int
    positives: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.positives if self.positives else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(world: World, flagged: dict[str, set[str]]) -> dict[str, Quality]:
    """Per clone kind (that kind's clones against every innocent profile) and overall.

    ``flagged``: profile id -> slugs it is flagged against. A clone flagged against the person
    it clones is a true positive; every other flag is a false positive."""
    innocent_fp = sum(len(flagged.get(r.id, ())) for r in world.rows if not r.is_clone)
    result = {}
    for kind in (*KINDS, "overall"):
        clones = [r for r in world.rows if r.is_clone and kind in (r.category, "overall")]
        tp = sum(1 for r in clones if r.target in flagged.get(r.id, ()))
        wrong = sum(len(flagged.get(r.id, set()) - {r.target}) for r in clones)
        result[kind] = Quality(tp, wrong + innocent_fp, len(clones))
    return result


def innocent_flag_rate(world: World, flagged: dict[str, set[str]]) -> tuple[int, int]:
    innocents = [r for r in world.rows if not r.is_clone]
    return sum(1 for r in innocents if flagged.get(r.id)), len(innocents)


def pr_curve(
    world: World, scores: dict[tuple[str, str], float], kind: str
) -> list[tuple[float, float, float]]:
    """(threshold, recall, precision) for every distinct score, highest first."""
    clones = [r for r in world.rows if r.is_clone and kind in (r.category, "overall")]
    ids = {r.id for r in clones} | {r.id for r in world.rows if not r.is_clone}
    truth = {(r.id, r.target) for r in clones}
    pairs = sorted(
        ((s, (pid, slug) in truth) for (pid, slug), s in scores.items() if pid in ids and s > 0),
        reverse=True,
    )
    points, tp, fp = [], 0, 0
    for index, (score, positive) in enumerate(pairs):
        tp += positive
        fp += not positive
        if index + 1 == len(pairs) or pairs[index + 1][0] != score:
            points.append((score, tp / len(clones), tp / (tp + fp)))
    return points


def false_positives(world: World, matches: Iterable[Any], by_key: dict[str, Row]) -> list[str]:
    lines = []
    for match in matches:
        row = by_key[match.profile.key]
        if row.target == match.identity.slug:
            continue
        lines.append(
            f"{row.category} `{row.handle}` / {row.name!r} → {match.identity.slug} "
            f"({match.verdict.value}, {match.score:.2f}; signals "
            + ", ".join(f"{x.kind.value} {x.value:.2f}" for x in match.signals if x.strength > 0)
            + f"; {row.note})"
        )
    return lines
