"""One benchmark run: build the world, import and scan it with the real service, time it, score
clonecheck and the baselines, draw the curve, time the scan at scale.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.baselines import baselines
from bench.common import KINDS, SIZES, log
from bench.embeddings import Embeddings
from bench.metrics import (
    LOOKALIKE_EDITS,
    evaluate,
    false_positives,
    innocent_flag_rate,
    per_kind,
    pr_curve,
    ranking,
)
from bench.plot import draw_pr
from bench.scaling import scaling
from bench.world import build_world, composition, write_csv
from clonecheck.config import DEFAULT
from clonecheck.features import imaging
from clonecheck.models import FaceStatus, SignalKind, Verdict
from clonecheck.service import Service
from clonecheck.store import Store


def peak_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def matches_of_their_target(matches: Any, by_key: dict[str, Any]) -> dict[str, Any]:
    """Row id -> the match of a clone against the person it clones (one per pair in a scan)."""
    best: dict[str, Any] = {}
    for match in matches:
        row = by_key[match.profile.key]
        if row.target == match.identity.slug:
            best[row.id] = match
    return best


def face_clones_below_likely(
    world: Any, matches: Any, by_key: dict[str, Any], store: Store
) -> list[str]:
    """Why each face-kind clone stays below likely: no face found or too small in its photo,
    or the face distance to the registered face, with the score it got."""
    best = matches_of_their_target(matches, by_key)
    lines = []
    for row in world.rows:
        if row.category != "face":
            continue
        match = best.get(row.id)
        if match is not None and match.verdict is Verdict.LIKELY_CLONE:
            continue
        digest = match.profile.photo.digest if match and match.profile.photo else None
        if digest is None:
            profile = next(store.profiles([f"twitter:id:{row.id}"]), None)
            digest = profile.photo.digest if profile and profile.photo else None
        features = store.photo_features([digest]).get(digest) if digest else None
        face = (
            next((s for s in match.signals if s.kind is SignalKind.FACE), None) if match else None
        )
        if features is None:
            why = "photo not analysed"
        elif features.face_status is not FaceStatus.FOUND:
            why = f"{features.face_status.value} in the clone's photo ({features.width} px)"
        elif face is None:
            why = "no face to compare"
        else:
            why = f"face distance {face.value:.2f}"
        score = f"{match.score:.2f} {match.verdict.value}" if match else "not a candidate"
        lines.append(f"`{row.handle}` ({row.note}): {why}; score {score}")
    return lines


def lookalike_clones_below_likely(matches: Any, by_key: dict[str, Any], world: Any) -> list[str]:
    """Each clone whose handle edit is a look-alike character but that stays below likely: its
    handle and name against the person's, its account, and the signals it got."""
    best = matches_of_their_target(matches, by_key)
    people = {person.slug: person for person in world.people}
    lines = []
    for row in world.rows:
        if not (row.is_clone and row.note.endswith(tuple(f"handle {e}" for e in LOOKALIKE_EDITS))):
            continue
        match = best.get(row.id)
        if match is not None and match.verdict is Verdict.LIKELY_CLONE:
            continue
        person = people[row.target]
        signals = ", ".join(f"{s.kind} {s.strength:.2f}" for s in match.signals) if match else ""
        score = f"{match.score:.2f} {match.verdict.value}" if match else "not a candidate"
        lines.append(
            f"`{row.handle}` / {row.name!r} ({row.category}, {row.account or 'n/a'} account) "
            f"for @{person.handle} / {person.name!r}: {signals}; score {score}"
        )
    return lines


def run(
    seed: int,
    size: str = "full",
    workdir: Path | None = None,
    *,
    with_scaling: bool = True,
    with_baselines: bool = True,
    plot: Path | None = None,
) -> dict[str, Any]:
    config = DEFAULT
    workers = config.workers or os.cpu_count() or 1
    embeddings = Embeddings(config, workers)
    with tempfile.TemporaryDirectory(dir=workdir) as temp:
        folder = Path(temp)
        db = folder / "clonecheck.db"
        store = Store.open(db)
        service = Service(store, config=config, offline=True)
        started = time.perf_counter()
        world = build_world(seed, size, folder, service, embeddings)
        built = time.perf_counter() - started
        crawl = write_csv(world)
        log(f"world: {len(world.people)} identities, {len(world.rows)} profiles ({built:.0f} s)")

        started = time.perf_counter()
        summary = service.import_file(crawl, photos_dir=crawl.parent)
        import_s = time.perf_counter() - started
        log(
            f"import: {import_s:.1f} s, {summary.inserted} profiles, "
            f"{len(summary.photo_errors)} photo errors"
        )
        started = time.perf_counter()
        scan = service.scan()
        scan_s = time.perf_counter() - started
        log(f"scan: {scan_s:.1f} s, {len(scan.matches)} matches, {scan.faces_computed} faces")
        memory = peak_mib()
        # the import's decode + hash stage alone, one process, on the same photos as bytes
        blobs = [path.read_bytes() for path in world.photo_files.values()]
        started = time.perf_counter()
        for data in blobs:
            imaging.analyse(data, "benchmark", config)
        hash_s = time.perf_counter() - started

        by_key = {f"twitter:id:{r.id}": r for r in world.rows}
        likely: dict[str, set[str]] = {}
        either: dict[str, set[str]] = {}
        for match in scan.matches:
            row = by_key[match.profile.key]
            either.setdefault(row.id, set()).add(match.identity.slug)
            if match.verdict is Verdict.LIKELY_CLONE:
                likely.setdefault(row.id, set()).add(match.identity.slug)
        own_flagged = sum(1 for r in world.rows if r.category == "own account" and either.get(r.id))

        # every candidate pair's score, for the curve: the same scan with no lower cut
        curve_config = replace(config, possible_threshold=0.0)
        all_pairs = Service(store, config=curve_config, offline=True).scan(record=False)
        scores = {
            (by_key[m.profile.key].id, m.identity.slug): m.score
            for m in all_pairs.matches
            if not m.identity.owns(m.profile)
        }

        face_misses = face_clones_below_likely(world, all_pairs.matches, by_key, store)
        result: dict[str, Any] = {
            "per_kind": per_kind(world, scan.matches, by_key),
            "ranking": ranking(world, scan.matches, by_key),
            "face_misses": face_misses,
            "lookalike_misses": lookalike_clones_below_likely(all_pairs.matches, by_key, world),
            "seed": seed,
            "size": size,
            "identities": len(world.people),
            "people": world.people,
            "skipped_photos": world.skipped_photos,
            "composition": composition(world),
            "likely": evaluate(world, likely),
            "either": evaluate(world, either),
            "innocent_likely": innocent_flag_rate(world, likely),
            "innocent_either": innocent_flag_rate(world, either),
            "own_flagged": own_flagged,
            "own_total": sum(1 for r in world.rows if r.category == "own account"),
            "profiles": len(world.rows),
            "import_s": import_s,
            "scan_s": scan_s,
            "stage_s": dict(scan.stage_seconds),
            "hash_photos": len(blobs),
            "hash_s": hash_s,
            "faces_computed": scan.faces_computed,
            "matches": len(scan.matches),
            "photo_errors": len(summary.photo_errors),
            "memory_mib": memory,
            "pool_people": len(world.pool),
            "false_positive_examples": false_positives(world, scan.matches, by_key),
        }
        kinds = ("overall", *KINDS)
        result["curves"] = {k: pr_curve(world, scores, k) for k in kinds}
        if with_baselines:
            log("baselines: face embeddings of every profile photo ...")
            started = time.perf_counter()
            embeddings.compute([p.read_bytes() for p in world.photo_files.values()])
            result["baseline_faces_s"] = time.perf_counter() - started
            found = baselines(world, world.people, embeddings)
            result["baselines"] = {k: evaluate(world, v) for k, v in found.items()}
            result["baseline_innocent"] = {
                k: innocent_flag_rate(world, v) for k, v in found.items()
            }
            result["baseline_own"] = {
                k: sum(1 for r in world.rows if r.category == "own account" and v.get(r.id))
                for k, v in found.items()
            }
        if plot is not None:
            overall = result["either"]["overall"], result["likely"]["overall"]
            marks = {
                "possible": (overall[0].recall, overall[0].precision),
                "likely": (overall[1].recall, overall[1].precision),
            }
            draw_pr(
                result["curves"],
                marks,
                plot,
                f"clonecheck score, precision-recall (seed {seed}, {size})",
            )
        store.close()
        if with_scaling:
            log("scaling ...")
            result["scaling"] = scaling(db, folder, SIZES[size].scales, seed, config)
        result["memory_mib_end"] = peak_mib()
    return result
