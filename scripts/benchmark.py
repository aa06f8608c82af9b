"""Measure detection: a labelled clone benchmark with precision, recall and speed.

Builds a labelled world in a temporary folder and runs the real service on it: a real SQLite
store, registered identities (LFW people, one reference photo each), real photos written as
files and a CSV of profiles imported with ``Service.import_file``, then one ``scan()``. The
profiles are clones of the registered people, made four ways (``photo+name``, ``face``,
``photo-only``, ``name-only``), and innocent profiles: real Cresci 2015 Twitter accounts
(genuine and fake followers) with photos of people who are not registered or default avatars,
real namesakes, the closest-faced unregistered look-alike of every registered person, and each
person's own account. Thresholds are never fitted here: the script evaluates the defaults.

Three simple baselines are computed on the same files: pHash alone (≤ 10 of 64 bits),
face_recognition ``compare_faces`` at its default tolerance 0.6 alone, and rapidfuzz
``fuzz.ratio`` of lower-cased display names ≥ 90 alone. The same own-account rule applies to
every method (a person's own account is never flagged).

Speed is measured in the same run (import, scan, end to end, peak memory), and the scan is
timed again on 1,000 / 10,000 / 100,000 profiles where the extra profiles are synthetic (real
Cresci names with random suffixes and random 64-bit hashes inserted directly into the store).

    uv run python scripts/benchmark.py --seed 1 --size small             # about a minute
    uv run python scripts/benchmark.py --seed 2 --out docs/benchmarks.md   # full, ~15 minutes

Seed 1 (``DEV_SEED``) is the development world that matching changes were checked on; the
published numbers come from seed 2, which nothing was fitted on.

Data: ``../shared/data/faces`` and ``../shared/data/profiles/cresci2015`` (never copied into the
project; the world lives in a temporary folder).

This file is the command line only; the benchmark is the ``bench`` package beside it (the world
in ``bench/world.py``, the run in ``bench/runner.py``, the report in ``bench/tables.py``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import DEV_SEED, ROOT, SIZES
from bench.runner import run
from bench.tables import report

__all__ = ["DEV_SEED", "SIZES", "main", "report", "run"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--out", type=Path, help="write the report into this Markdown file")
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "benchmark_pr.png")
    parser.add_argument(
        "--no-scaling", action="store_true", help="skip the 1k/10k/100k scan timings"
    )
    args = parser.parse_args(argv)
    command = f"uv run python scripts/benchmark.py --seed {args.seed} --size {args.size}"
    if args.out:
        command += f" --out {args.out}"
    print(f"seed {args.seed}, size {args.size}")
    started = time.perf_counter()
    result = run(args.seed, args.size, plot=args.plot, with_scaling=not args.no_scaling)
    link = os.path.relpath(args.plot, args.out.parent) if args.out else str(args.plot)
    section = report(result, command, link)
    print(section)
    print(f"total {time.perf_counter() - started:.0f} s")
    if args.out:
        from docs_section import write_section  # beside this script: run as a script only

        write_section(args.out, "benchmark", section.rstrip("\n"))
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
