"""A scan reads every profile's sketch and only some profiles in full: the sketch must read
each of its fields exactly as the full profile does, or the screen would bound a pair on
other values than the scoring sees."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from clonecheck.ingest import read_profiles
from clonecheck.models import Photo, Profile, ProfileSketch
from clonecheck.store import Store

if TYPE_CHECKING:
    from tests.conftest import SharedData


def test_every_sketch_reads_its_fields_as_the_full_profile(
    tmp_path: Path, shared_data: SharedData
) -> None:
    users = json.loads(
        shared_data.path("profiles", "twibot20_sample", "TwiBot-20_sample.json").read_text()
    )
    twibot = tmp_path / "users.json"  # v1.1 user objects: verified badges, counts as strings
    twibot.write_text(json.dumps([u["profile"] for u in users]), encoding="utf-8")
    crawl = [
        *read_profiles(shared_data.path("profiles", "cresci2015", "data", "users.csv")),
        *read_profiles(twibot),
        Profile("x", "bare"),
        Profile("x", "@flags", name="Ada", verified=False, followers=0, following=3, posts=None),
        Profile("x", "photo", photo=Photo(source="https://e.org/a.jpg")),
    ]
    profiles = [p for p in crawl if isinstance(p, Profile)]  # readers also yield problems
    with Store.open(tmp_path / "c.db") as store:
        store.upsert_profiles(profiles, "test")
        # a store written by another tool may hold NULL where clonecheck writes ""
        store.db.execute("update profiles set name = null, bio = null where handle = 'bare'")
        sketches = [s for page in store.scan_pages(500) for s in page]
        full = {p.key: p for p in store.profiles()}
    assert len(sketches) == len(full) > 100
    for sketch in sketches:
        profile = full[sketch.key]
        digest = profile.photo.digest if profile.photo is not None else None
        expected = ProfileSketch(
            profile.key,
            profile.handle,
            profile.name,
            digest or None,
            profile.bio,
            profile.created_at,
            profile.followers,
            profile.following,
            profile.posts,
            profile.verified,
        )
        assert sketch == expected
        assert type(sketch.verified) is type(profile.verified)
