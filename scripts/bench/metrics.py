"""Scoring a method's flags against the world's truth: precision, recall and F1 per clone kind,
innocent profiles flagged, the precision-recall curve, and the false positives by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


#: the handle edits (scripts/bench/names.py) that are look-alike characters, not typos
LOOKALIKE_EDITS = ("l/I/1", "o/0", "Cyrillic/Greek look-alike")


def _label(row: Row) -> str:
    if row.category == "name-only":
        return f"name-only ({row.account})"
    return row.category


def per_kind(world: World, matches: Iterable[Any], by_key: dict[str, Row]) -> list[dict[str, Any]]:
    """Per profile kind (name-only split by fresh and aged account): how many, how many flagged
    likely and likely-or-possible. A clone counts only when flagged against its person; an
    innocent profile counts when flagged against anyone."""
    likely: dict[str, bool] = {}
    either: dict[str, bool] = {}
    for match in matches:
        row = by_key[match.profile.key]
        if row.is_clone and row.target != match.identity.slug:
            continue
        either[row.id] = True
        if match.verdict.value == "likely clone":
            likely[row.id] = True
    labels = [*KINDS, "name-only (fresh)", "name-only (aged)"]
    labels += list(dict.fromkeys(r.category for r in world.rows if not r.is_clone))
    groups = [
        (label, [r for r in world.rows if label in (r.category, _label(r))]) for label in labels
    ]
    # the look-alike handle edits across every clone kind: issue 16 wants each of them likely
    for edit in LOOKALIKE_EDITS:
        rows = [r for r in world.rows if r.is_clone and r.note.endswith(f"handle {edit}")]
        groups.append((f"any kind, handle {edit}", rows))
    return [
        {
            "kind": label,
            "clone": bool(rows) and rows[0].is_clone,
            "n": len(rows),
            "likely": sum(1 for r in rows if likely.get(r.id)),
            "either": sum(1 for r in rows if either.get(r.id)),
        }
        for label, rows in groups
    ]


def ranking(world: World, matches: Sequence[Any], by_key: dict[str, Row]) -> dict[str, Any]:
    """Precision of the top k of the ranked report (every match, highest score first), and
    among the ``possible`` matches the chance that a clone outranks an innocent profile."""
    ranked = sorted(matches, key=lambda m: -m.score)
    hits = [by_key[m.profile.key].target == m.identity.slug for m in ranked]
    clones = sum(1 for r in world.rows if r.is_clone)
    top = {}
    for k in (25, 50, 100, 200, clones):
        if k <= len(hits):
            top[k] = sum(hits[:k]) / k
    possible = [
        (m.score, hit) for m, hit in zip(ranked, hits, strict=True) if m.verdict.value == "possible"
    ]
    good = [s for s, hit in possible if hit]
    bad = [s for s, hit in possible if not hit]
    ordered = sum((g > b) + 0.5 * (g == b) for g in good for b in bad)
    return {
        "top": top,
        "clones": clones,
        "possible_clones": len(good),
        "possible_innocents": len(bad),
        "possible_auc": ordered / (len(good) * len(bad)) if good and bad else None,
    }
