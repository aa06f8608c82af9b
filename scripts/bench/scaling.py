"""Scan time at 1,000 / 10,000 / 100,000 profiles: the world's real profiles topped up with
synthetic ones inserted straight into a fresh store.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import log
from bench.sources import cresci_users
from clonecheck.config import Config
from clonecheck.models import Photo, PhotoFeatures, Profile
from clonecheck.service import Service
from clonecheck.store import Store


def scaling(
    world_db: Path, folder: Path, scales: Sequence[int], seed: int, config: Config
) -> list[dict[str, Any]]:
    """Scan time at each scale: the identities and the world's real profiles (up to the scale)
    copied into a fresh store with their stored features, then synthetic profiles to fill."""
    rng = random.Random(seed + 1)
    users = cresci_users()
    rows = []
    with Store.open(world_db) as source:
        identities = source.identities()
        real = list(source.profiles())
        digests = {p.photo.digest for p in real if p.photo and p.photo.digest}
        digests |= {ph.digest for i in identities for ph in i.photos if ph.digest}
        features = source.photo_features(digests)
        blobs = {d: source.photo_data(d) or b"" for d in digests}
    for scale in scales:
        path = folder / f"scale-{scale}.db"
        store = Store.open(path)
        subset = real[:scale]
        with store.transaction():
            for digest, feature in features.items():
                store.save_photo(feature, blobs[digest])
            for identity in identities:
                store.add_identity(identity)
            store.upsert_profiles(subset, source_file="benchmark-real")
            synthetic = []
            for number in range(scale - len(subset)):
                user = users[number % len(users)]
                suffix = rng.randrange(10**6)
                hashes = {
                    kind + mirror: f"{rng.getrandbits(64):016x}"
                    for kind in ("phash", "dhash", "whash")
                    for mirror in ("", "_mirror")
                }
                digest = f"{rng.getrandbits(256):064x}"
                store.save_photo(PhotoFeatures(digest, 400, 400, hashes), data=b"", thumbnail=b"")
                synthetic.append(
                    Profile(
                        platform="twitter",
                        handle=f"{user.screen_name}{suffix}",
                        name=f"{user.name} {suffix % 1000}",
                        account_id=f"synthetic{number}",
                        photo=Photo(source=f"synthetic/{digest[:16]}.jpg", digest=digest),
                    )
                )
            store.upsert_profiles(synthetic, source_file="benchmark-synthetic")
        started = time.perf_counter()
        result = Service(store, config=config, offline=True).scan(record=True)
        elapsed = time.perf_counter() - started
        rows.append(
            {
                "profiles": scale,
                "real": len(subset),
                "synthetic": scale - len(subset),
                "seconds": elapsed,
                "per_second": scale / elapsed,
                "matches": len(result.matches),
                "faces": result.faces_computed,
            }
        )
        log(f"  scan of {scale:,} profiles: {elapsed:.1f} s, {len(result.matches)} matches")
        store.close()
        path.unlink()
    return rows
