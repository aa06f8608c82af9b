"""The whole scan, stored profiles to stored matches, at scale; beside it the brute-force
``rapidfuzz.process.cdist`` of the same names in the same run.

Builds a store file of synthetic profiles made of the tokens of real display names (Cresci
2015, ../shared/data/profiles; combined at random, so their token frequencies are real) with a
Devumi-style clone of a registered identity planted every 1,000, registers N identities in
bulk (``registration.register_many``, timed), and runs ``scanning.scan`` with 1 and 2 worker
processes (timed, peak memory of the whole process tree sampled). Also times ``check`` of one
account, cold and warm, against the largest registry. Medians of ``--repeat`` runs; the load
average of the machine is printed beside each run (other people's work shares these cores).

    uv run python scripts/bench_scan.py                        # 100k profiles, 1k-30k ids
    uv run python scripts/bench_scan.py --profiles 1000000 --identities 10000 --repeat 1 \\
        --workers 2 --section scan-1m                          # the 1M x 10k run
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psutil
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_names import devumi, person, real_tokens
from clonecheck.config import Config
from clonecheck.models import Profile, Verdict
from clonecheck.service import checking, registration, scanning
from clonecheck.service.photos import PhotoAnalyser
from clonecheck.service.progress import SilentProgress
from clonecheck.store import Store
from clonecheck.store.profiles import _profile_record
from docs_section import write_section

ROOT = Path(__file__).resolve().parents[1]
SEED = 5


@dataclass
class World:
    people: list[registration.Person]
    #: profile key -> slug of the identity a planted clone copies
    planted: dict[str, str]


def make_people(
    count: int, rng: random.Random, firsts: list[str], lasts: list[str]
) -> list[registration.Person]:
    people: list[registration.Person] = []
    seen: set[str] = set()
    while len(people) < count:
        name, handle = person(rng, firsts, lasts)
        if handle in seen or len(handle) < 5:
            continue
        seen.add(handle)
        people.append(registration.Person(name, handles=(handle,), slug=f"i{len(people)}"))
    return people


def build_profiles(
    path: Path, size: int, people: list[registration.Person], firsts: list[str], lasts: list[str]
) -> dict[str, str]:
    """A store with ``size`` profiles (no identities); returns the planted clones."""
    rng = random.Random(SEED + size)
    planted: dict[str, str] = {}
    with Store.open(path) as store:
        table = store.db.table("profiles")
        batch: list[dict[str, object]] = []
        keys: set[str] = set()
        for n in range(size):
            if n % 1000 == 0:
                target = people[rng.randrange(len(people))]
                profile = Profile("x", devumi(target.handles[0], rng), name=target.name)
            else:
                name, handle = person(rng, firsts, lasts)
                profile = Profile("x", f"{handle}{n}", name=name)
            if profile.key in keys:
                continue
            keys.add(profile.key)
            if n % 1000 == 0:
                planted[profile.key] = str(target.slug)
            batch.append({**_profile_record(profile), "source_file": "bench"})
            if len(batch) == 50_000:
                with store.transaction():
                    table.insert_all(batch, batch_size=5000)
                batch = []
        with store.transaction():
            table.insert_all(batch, batch_size=5000)
    return planted


class PeakMemory:
    """Peak resident memory of this process and its children, sampled every 0.2 s, and the
    CPU seconds they used (children's as last seen alive: workers exit with the pool)."""

    def __init__(self) -> None:
        self.peak = 0
        self.cpu = 0.0
        self._child_cpu: dict[int, float] = {}
        self._own_cpu = time.process_time()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += proc.memory_info().rss
                    if proc.pid != me.pid:
                        times = proc.cpu_times()
                        self._child_cpu[proc.pid] = times.user + times.system
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.cpu = time.process_time() - self._own_cpu + sum(self._child_cpu.values())


def timed(work: Callable[..., object], *args: object, **kwargs: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = work(*args, **kwargs)
    return time.perf_counter() - started, result


def cdist_seconds(names: list[str], choices: list[str]) -> float:
    """All pairs of names by rapidfuzz cdist on every core, in chunks that fit in memory."""
    started = time.perf_counter()
    for start in range(0, len(names), 20_000):
        scores = process.cdist(
            names[start : start + 20_000], choices, scorer=fuzz.ratio, workers=-1, dtype=np.uint8
        )
        assert scores.shape[1] == len(choices)
    return time.perf_counter() - started


def run_size(
    base: Path,
    profiles: int,
    identities: int,
    people: list[registration.Person],
    planted: dict[str, str],
    workers: list[int],
    repeat: int,
) -> dict[str, object]:
    row: dict[str, object] = {"profiles": profiles, "identities": identities}
    chosen = people[:identities]
    slugs = {str(p.slug) for p in chosen}
    register_times = []
    for attempt in range(repeat):
        db = base.parent / f"run{identities}.db"
        shutil.copy(base, db)
        with Store.open(db) as store:
            seconds, _ = timed(
                lambda: registration.register_many(PhotoAnalyser(store, Config()), chosen)
            )
        register_times.append(seconds)
        if attempt < repeat - 1:
            db.unlink()
    row["register_s"] = statistics.median(register_times)
    for count in workers:
        times, peaks, loads, cpus = [], [], [], []
        found = flagged = 0
        for _ in range(repeat):
            with Store.open(db) as store:
                analyser = PhotoAnalyser(store, Config(workers=count))
                loads.append(os.getloadavg()[0])
                with PeakMemory() as memory:
                    seconds, result = timed(
                        scanning.scan, analyser, SilentProgress(), workers=count
                    )
            assert isinstance(result, scanning.ScanResult)
            times.append(seconds)
            peaks.append(memory.peak)
            cpus.append(memory.cpu)
            flagged = len(result.matches)
            found = sum(
                1
                for m in result.matches
                if planted.get(m.profile.key) == m.identity.slug and m.verdict is not Verdict.NONE
            )
        row[f"scan_s_{count}"] = statistics.median(times)
        row[f"peak_gib_{count}"] = max(peaks) / 2**30
        row[f"load_{count}"] = statistics.median(loads)
        row[f"cpu_s_{count}"] = statistics.median(cpus)
        row["flagged"] = flagged
        row["recall"] = found / max(1, sum(1 for s in planted.values() if s in slugs))
    with Store.open(db) as store:
        names = [str(n or "").lower() for (n,) in store.db.execute("select name from profiles")]
    choices = [p.name.lower() for p in chosen]
    walls, cpus = [], []
    for _ in range(repeat):
        cpu = time.process_time()
        walls.append(cdist_seconds(names, choices))
        cpus.append(time.process_time() - cpu)
    row["cdist_s"] = statistics.median(walls)
    row["cdist_cpu_s"] = statistics.median(cpus)
    row["db"] = db
    return row


def check_latency(db: Path) -> tuple[float, float]:
    """Seconds of the first ``check`` (builds the warm registry) and the median of 20 warm."""
    with Store.open(db) as store:
        analyser = PhotoAnalyser(store, Config())
        first, _ = timed(
            lambda: checking.check(analyser, name="Ada Lovelace", handle="ada_lovelace1")
        )
        warm = [
            timed(checking.check, analyser, name=f"Mary Smith {i}", handle=f"marysmith{i}")[0]
            for i in range(20)
        ]
    return first, statistics.median(warm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--identities", default="1000,3000,10000,30000")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--section", default="scan")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--tmp", type=Path, default=None)
    args = parser.parse_args()
    sizes = [int(x) for x in args.identities.split(",")]
    workers = [int(x) for x in args.workers.split(",")]
    firsts, lasts = real_tokens()
    people = make_people(max(sizes), random.Random(SEED), firsts, lasts)
    folder = Path(tempfile.mkdtemp(prefix="bench_scan_", dir=args.tmp))
    base = folder / "profiles.db"
    started = time.perf_counter()
    planted = build_profiles(base, args.profiles, people, firsts, lasts)
    print(f"built {args.profiles:,} profiles in {time.perf_counter() - started:.0f} s", flush=True)
    rows = []
    for size in sizes:
        row = run_size(base, args.profiles, size, people, planted, workers, args.repeat)
        print({k: v for k, v in row.items() if k != "db"}, flush=True)
        rows.append(row)
    first, warm = check_latency(Path(str(rows[-1]["db"])))
    print(f"check: first {first * 1000:.0f} ms, warm {warm * 1000:.1f} ms", flush=True)
    head = (
        "| identities | register (bulk) |"
        + "".join(
            f" scan, {w} worker{'s' if w > 1 else ''}: profiles/s wall (per CPU-s), peak "
            "memory, load |"
            for w in workers
        )
        + " cdist all pairs, same run: profiles/s wall (per CPU-s) | clonecheck / cdist, "
        "per CPU-s | planted clones found | matches |"
    )
    lines = [
        f"## Scan: stored profiles to stored matches ({args.profiles:,} profiles)",
        "",
        f"`uv run python scripts/bench_scan.py --profiles {args.profiles} --identities "
        f"{args.identities} --workers {args.workers} --repeat {args.repeat}` — synthetic profiles "
        "of real first and last names (Cresci 2015), a Devumi-style clone planted every 1,000; "
        f"seed {SEED}; medians of {args.repeat} run(s); names and handles (no photos). The scan "
        "is the real one (`scanning.scan`: reads the store a block at a time, candidates, "
        "scoring, matches written per block); the baseline is `rapidfuzz.process.cdist` "
        "(fuzz.ratio, uint8, all cores) of the same profile names against the identity names: "
        "name similarity only, nothing stored, no handles, no explanation. The machine has 2 "
        "cores shared with other engineers: the load average at the start of each run is given, "
        "and beside each wall-clock rate the rate per CPU-second of the process tree (the "
        "workers included), which the load does not inflate; the ratio compares those.",
        "",
        head,
        "|" + "---|" * (head.count("|") - 1),
    ]
    for r in rows:
        cells = [f"{r['identities']:,}", f"{r['register_s']:.1f} s"]
        for w in workers:
            seconds = float(r[f"scan_s_{w}"])  # type: ignore[arg-type]
            cpu = float(r[f"cpu_s_{w}"])  # type: ignore[arg-type]
            cells.append(
                f"{args.profiles / seconds:,.0f}/s ({seconds:.0f} s; "
                f"{args.profiles / cpu:,.0f}/CPU-s), "
                f"{float(r[f'peak_gib_{w}']):.2f} GiB, load {float(r[f'load_{w}']):.1f}"  # type: ignore[arg-type]
            )
        cdist = float(r["cdist_s"])  # type: ignore[arg-type]
        cdist_cpu = float(r["cdist_cpu_s"])  # type: ignore[arg-type]
        ours = min(float(r[f"cpu_s_{w}"]) for w in workers)  # type: ignore[arg-type]
        cells += [
            f"{args.profiles / cdist:,.0f}/s ({cdist:.0f} s; "
            f"{args.profiles / cdist_cpu:,.0f}/CPU-s)",
            f"{cdist_cpu / ours:.2f}x",
            f"{100 * float(r['recall']):.1f} %",  # type: ignore[arg-type]
            f"{r['flagged']:,}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"`check` of one account against {sizes[-1]:,} identities and {args.profiles:,} profiles: "
        f"{first * 1000:.0f} ms for the first (builds the warm registry: identities, photo "
        f"features, candidate index, name rarity), then {warm * 1000:.1f} ms (median of 20).",
        "",
    ]
    write_section(args.out, args.section, "\n".join(lines))
    print("\n".join(lines))
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
