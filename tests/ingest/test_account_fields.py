"""The account fields the account evidence needs (posts, verified badge, default avatar) are
kept from real exports, and unknown stays unknown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from clonecheck.ingest import read_profiles
from clonecheck.ingest._common import flag
from clonecheck.models import Profile

if TYPE_CHECKING:
    from tests.conftest import SharedData


def profiles(path: Path) -> list[Profile]:
    return [p for p in read_profiles(path) if isinstance(p, Profile)]


def test_cresci_csv_keeps_posts_and_counts(shared_data: SharedData) -> None:
    """The Cresci 2015 users.csv (Twitter v1.1 columns): statuses_count becomes posts."""
    found = profiles(shared_data.path("profiles", "cresci2015", "data", "users.csv"))
    first = next(p for p in found if p.handle == "braddd")
    assert (first.followers, first.following, first.posts) == (5470, 2385, 20370)
    assert first.verified is None  # the column is empty: unknown, not False


def test_twitter_v1_user_objects_keep_verified_and_default_avatar(
    shared_data: SharedData, tmp_path: Path
) -> None:
    """TwiBot-20's v1.1 user objects (values as strings with a trailing blank): posts,
    verified and default profile image are read."""
    users = json.loads(
        shared_data.path("profiles", "twibot20_sample", "TwiBot-20_sample.json").read_text()
    )
    path = tmp_path / "users.json"
    path.write_text(json.dumps([u["profile"] for u in users[:5]]), encoding="utf-8")
    found = profiles(path)
    shaq = next(p for p in found if p.handle == "SHAQ")
    assert (shaq.posts, shaq.verified, shaq.default_photo) == (9798, True, False)
    assert all(p.posts is not None and p.verified is not None for p in found)


def test_csv_columns_for_account_fields(tmp_path: Path) -> None:
    """A plain CSV with posts, verified and default_photo columns; blanks are unknown."""
    path = tmp_path / "crawl.csv"
    path.write_text(
        "platform,handle,name,followers,following,posts,verified,default_photo\n"
        "x,ada,Ada,12,1940,3,false,true\n"
        "x,bob,Bob,,,,,\n",
        encoding="utf-8",
    )
    ada, bob = profiles(path)
    assert (ada.posts, ada.verified, ada.default_photo) == (3, False, True)
    assert (bob.posts, bob.verified, bob.default_photo) == (None, None, None)


def test_flags_read_as_sources_write_them() -> None:
    """JSON booleans, true/false, 1/0 and padded strings; anything else is unknown."""
    assert [flag(v) for v in (True, "True ", "1", 0, "false", None, "", "maybe")] == [
        True,
        True,
        True,
        False,
        False,
        None,
        None,
        None,
    ]
