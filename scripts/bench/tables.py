"""The Markdown section of docs/benchmarks.md that a run's result becomes."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from typing import Any

from bench.baselines import FACE_TOLERANCE, NAME_RATIO_MIN, PHASH_MAX
from bench.common import AGED_CLONES, DEV_SEED, KINDS
from clonecheck.config import DEFAULT


def workers_text() -> str:
    """How many processes the scan's face stage may use, as the report says it."""
    return f"up to {DEFAULT.workers or os.cpu_count() or 1} worker processes"


def pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def per_kind_section(result: dict[str, Any]) -> list[str]:
    """Per kind of profile: likely and possible recall of clones (name-only split by fresh and
    aged account), false alarms on innocents; the ranked report's top-k precision; and why
    face clones stay below likely."""
    out = ["", "### Per kind of profile", ""]
    out.append(
        f"Every profile carries a real Cresci 2015 account's metadata (creation date, "
        f"followers, following, posts, default avatar): clones a bought fake follower's "
        f"({100 - AGED_CLONES * 100:.0f} %, *fresh*) or a genuine account's "
        f"({AGED_CLONES * 100:.0f} %, *aged*: bought or hijacked accounts), everyone else their "
        "own or a genuine account's. Clones count when flagged against their person; innocent "
        "profiles when flagged against anyone."
    )
    out.append("")
    out.append("| kind | n | likely | likely or possible |")
    out.append("|---|---|---|---|")
    for row in result["per_kind"]:
        n = row["n"]
        if not n:
            continue
        label = f"clone: {row['kind']}" if row["clone"] else f"innocent: {row['kind']}"
        cells = [
            f"{row[key]} ({pct(row[key] / n)})" if row["clone"] else f"{row[key]}"
            for key in ("likely", "either")
        ]
        out.append(f"| {label} | {n} | {cells[0]} | {cells[1]} |")
    ranked = result["ranking"]
    out.append("")
    tops = ", ".join(f"top {k}: {pct(v)}" for k, v in ranked["top"].items())
    out.append(
        f"Ranked report (every match, highest score first), precision of the top k: {tops} "
        f"(k = {ranked['clones']} is the number of clones)."
    )
    if ranked["possible_auc"] is not None:
        out.append(
            f"Among the `possible` matches ({ranked['possible_clones']} clones, "
            f"{ranked['possible_innocents']} innocent), a clone outranks an innocent profile "
            f"with probability {ranked['possible_auc']:.2f}."
        )
    if result["face_misses"]:
        out.append("")
        out.append("Face clones below likely, and why:")
        out.append("")
        out += [f"- {line}" for line in result["face_misses"]]
    if result.get("lookalike_misses"):
        out.append("")
        out.append("Look-alike handle clones below likely, and why:")
        out.append("")
        out += [f"- {line}" for line in result["lookalike_misses"]]
    return out


def report(result: dict[str, Any], command: str, plot_link: str | None) -> str:
    out = ["## Detection: labelled clone benchmark", ""]
    today = datetime.now(UTC).date().isoformat()
    out.append(
        f"`{command}` — seed {result['seed']}, size `{result['size']}`, run {today} on "
        f"{os.cpu_count()} CPU cores ({platform.machine()}, Python "
        f"{platform.python_version()}), default thresholds."
    )
    out.append("")
    if result["seed"] == DEV_SEED:
        out.append(
            f"**Seed {DEV_SEED} is the development world**: matching changes were checked "
            "against its false positives, so its numbers flatter the defaults. Publish another."
        )
    else:
        out.append(
            f"Seed {DEV_SEED} is the development world: the matching rules were changed while "
            f"looking at its false positives (the cross-checks in the README). This world, "
            f"seed {result['seed']}, was not used for that: nothing was fitted on it."
        )
    out.append("")
    out.append(
        f"The world: {result['identities']} registered LFW people (one reference photo each, "
        f"display name from the LFW label, a plausible handle, a templated bio, their own "
        f"account registered), {result['profiles']:,} profiles imported from one CSV with "
        f"photos as files, into a real SQLite store, then one `scan()`. Unregistered faces: "
        f"{result['pool_people']} people (held-out LFW people and the other face sets in "
        f"`shared/data/faces`). Reference photos skipped for having no face: "
        f"{len(result['skipped_photos'])}."
    )
    out.append("")
    out.append("| profiles | count | how they are made |")
    out.append("|---|---|---|")
    for kind, count, how in result["composition"]:
        label = f"clone: {kind}" if kind in KINDS else f"innocent: {kind}"
        out.append(f"| {label} | {count:,} | {how} |")
    out.append("")
    out.append(
        "A clone is a true positive when it is flagged against the person it clones; any other "
        "flag (a clone flagged against someone else, any flag on an innocent profile) is a "
        "false positive. Per kind: that kind's clones against all innocent profiles; overall: "
        "all clones against all innocent profiles."
    )
    out.append("")
    out.append("### clonecheck")
    out.append("")
    out.append(
        "| clones | n | likely: precision | recall | F1 | likely or possible: precision "
        "| recall | F1 |"
    )
    out.append("|---|---|---|---|---|---|---|---|")
    for kind in (*KINDS, "overall"):
        a, b = result["likely"][kind], result["either"][kind]
        out.append(
            f"| {kind} | {a.positives} | {pct(a.precision)} | {pct(a.recall)} | {a.f1:.3f} | "
            f"{pct(b.precision)} | {pct(b.recall)} | {b.f1:.3f} |"
        )
    out.append("")
    flagged_l, total = result["innocent_likely"]
    flagged_e, _ = result["innocent_either"]
    out.append(
        f"Innocent profiles flagged: {flagged_l} of {total:,} as likely "
        f"({flagged_l / total * 10_000:.0f} per 10,000), {flagged_e} as likely or possible "
        f"({flagged_e / total * 10_000:.0f} per 10,000). Own accounts flagged: "
        f"**{result['own_flagged']} of {result['own_total']}**."
    )
    out += per_kind_section(result)
    if result["false_positive_examples"]:
        out.append("")
        out.append("False positives (every flag that is not a clone against its person):")
        out.append("")
        for line in result["false_positive_examples"][:25]:
            out.append(f"- {line}")
        if len(result["false_positive_examples"]) > 25:
            out.append(f"- … and {len(result['false_positive_examples']) - 25} more")
    if "baselines" in result:
        out.append("")
        out.append("### Baselines on the same world (F1)")
        out.append("")
        out.append(
            f"pHash alone: `imagehash.phash` of the profile photo vs each registered photo, "
            f"≤ {PHASH_MAX} of 64 bits, mirror not considered. Face alone: "
            f"`face_recognition.compare_faces` at tolerance {FACE_TOLERANCE} against each "
            f"registered face (embeddings of every profile photo computed with the library's "
            f"detector). Name alone: `rapidfuzz.fuzz.ratio` of lower-cased display names ≥ "
            f"{NAME_RATIO_MIN:g}. Own accounts are excluded for every method."
        )
        out.append("")
        out.append(
            "| clones | clonecheck likely or possible | clonecheck likely | pHash ≤ 10 "
            "| face ≤ 0.6 | name ratio ≥ 90 |"
        )
        out.append("|---|---|---|---|---|---|")
        base = result["baselines"]
        for kind in (*KINDS, "overall"):
            cells = [result["either"][kind].f1, result["likely"][kind].f1]
            cells += [base[b][kind].f1 for b in ("phash", "face", "name")]
            best = max(cells)
            text = [f"**{c:.3f}**" if c == best else f"{c:.3f}" for c in cells]
            out.append(f"| {kind} | " + " | ".join(text) + " |")
        row = [
            "innocent flagged per 10,000",
            f"{flagged_e / total * 10_000:.0f}",
            f"{flagged_l / total * 10_000:.0f}",
        ]
        for b in ("phash", "face", "name"):
            count, n = result["baseline_innocent"][b]
            row.append(f"{count / n * 10_000:.0f}")
        out.append("| " + " | ".join(row) + " |")
        out.append("")
        out.append("Bold: best in the row (ties all bold).")
    if plot_link:
        out.append("")
        out.append(
            f"![precision-recall curve of the clonecheck score]({plot_link}) — the threshold "
            "varied over every scored (profile, identity) pair; a profile never scored counts "
            "as 0; circles mark the default thresholds."
        )
    out.append("")
    out.append("### Speed (same run)")
    out.append("")
    n = result["profiles"]
    own, _ = result["memory_mib"]
    out.append("| stage | profiles | seconds | profiles/s |")
    out.append("|---|---|---|---|")
    out.append(
        f"| import (read CSV, read + sha256 + decode + 6 hashes of each photo, store) | {n:,} "
        f"| {result['import_s']:.1f} | {n / result['import_s']:,.0f} |"
    )
    out.append(
        f"| scan (candidates, faces of {result['faces_computed']} candidate photos on demand, "
        f"scoring) | {n:,} | {result['scan_s']:.1f} | {n / result['scan_s']:,.0f} |"
    )
    stage = result.get("stage_s") or {}
    faces = result["faces_computed"]
    for label, key in (
        (
            "scan stage: candidates (name keys, hash and face indexes, reading profiles)",
            "candidates",
        ),
        (f"scan stage: face model on {faces:,} candidate photos, {workers_text()}", "faces"),
        ("scan stage: scoring (photo, face, name, handle, bio signals; fusion)", "scoring"),
    ):
        if key in stage:
            seconds = stage[key]
            rate = f"{n / seconds:,.0f}" if seconds else "-"
            out.append(f"| {label} | {n:,} | {seconds:.1f} | {rate} |")
    total_s = result["import_s"] + result["scan_s"]
    out.append(f"| end to end (import + scan) | {n:,} | {total_s:.1f} | {n / total_s:,.0f} |")
    out.append("")
    if "hash_s" in result:
        photos, seconds = result["hash_photos"], result["hash_s"]
        faces_rate = faces / stage["faces"] if stage.get("faces") else 0.0
        out.append(
            f"Per photo: decode + 6 hashes of the world's {photos:,} distinct photos, one "
            f"process, bytes in memory: {photos / seconds:,.0f} photos/s; the face model in the "
            f"scan: {faces_rate:,.1f} photos/s. Names are matched inside the candidate and "
            "scoring stages (`scripts/bench_names.py` times them alone, at up to 1,000,000 "
            "profiles)."
        )
        out.append("")
    out.append(
        f"Peak memory (ru_maxrss) after the scan: {own:,.0f} MiB in the main process (the "
        "face workers are separate processes, not counted)."
    )
    if result.get("scaling"):
        out.append("")
        out.append(
            "Scan time at scale. **The extra profiles are synthetic**: real Cresci names and "
            "handles with random suffixes, photos with random 64-bit hashes, inserted directly "
            "into the store, so only `scan()` is timed. The real profiles are the world's, "
            "copied with their stored features (faces already computed by the run above)."
        )
        out.append("")
        out.append("| profiles | real | synthetic | scan seconds | profiles/s | matches |")
        out.append("|---|---|---|---|---|---|")
        for row in result["scaling"]:
            out.append(
                f"| {row['profiles']:,} | {row['real']:,} | {row['synthetic']:,} "
                f"| {row['seconds']:.1f} | {row['per_second']:,.0f} | {row['matches']:,} |"
            )
        short = [
            r for r in result["scaling"] if r["real"] == n and r["matches"] < result["matches"]
        ]
        if short:
            out.append("")
            out.append(
                f"Every store above that holds all {n:,} real profiles should find at least the "
                f"run's {result['matches']} matches; at "
                + ", ".join(f"{r['profiles']:,} profiles it found {r['matches']:,}" for r in short)
                + ". A scan that loses matches at scale is a bug: investigate before publishing."
            )
        end_own, _ = result["memory_mib_end"]
        out.append("")
        out.append(f"Peak memory at the end of the run: {end_own:,.0f} MiB (main process).")
    out.append("")
    return "\n".join(out)
