"""What every part of the labelled benchmark shares: where the data is, the profile kinds, the
world sizes and the progress log.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("CLONECHECK_SHARED_DATA") or ROOT.parent / "shared" / "data")
KINDS = ("photo+name", "face", "photo-only", "name-only")
INNOCENT_KINDS = (
    "cresci genuine",
    "cresci fake follower",
    "namesake",
    "full-name namesake",
    "look-alike",
    "own account",
)
#: share of clones on an aged account (a genuine account's metadata: bought or hijacked);
#: the rest are fresh (a bought fake follower's metadata)
AGED_CLONES = 0.25
#: the world every change to matching was checked on; the published numbers use another seed
DEV_SEED = 1


@dataclass(frozen=True)
class Size:
    identities: int
    clones_per_kind_per_person: int
    #: plain Cresci innocents; None fills the world up to the scan block size
    innocents: int | None
    namesakes_per_person: int
    pool_lfw_people: int
    scales: tuple[int, ...]


SIZES = {
    "small": Size(12, 2, 110, 1, 10, (1_000, 10_000)),
    "full": Size(40, 3, None, 2, 14, (1_000, 10_000, 100_000)),
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
