"""Bluesky: profile records, automod captures, profile views; lexicons are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clonecheck.errors import FormatError
from clonecheck.ingest import RecordProblem, detect_format, read_profiles
from clonecheck.models import Profile


def split(path: Path) -> tuple[list[Profile], list[RecordProblem]]:
    items = list(read_profiles(path))
    return (
        [i for i in items if isinstance(i, Profile)],
        [i for i in items if isinstance(i, RecordProblem)],
    )


def test_capture(shared_data) -> None:
    """The atproto.com automod capture gives DID, handle, name, bio and counts."""
    path = shared_data.path("formats", "bluesky", "indigo_capture_atprotocom.json")
    assert detect_format(path).name == "bluesky"
    (profile,), problems = split(path)
    assert problems == []
    assert (profile.platform, profile.handle, profile.account_id, profile.name) == (
        "bluesky",
        "atproto.com",
        "did:plc:ewvi7nxzyoun6zhxrhs64oiz",
        "AT Protocol Developers",
    )
    assert profile.bio.startswith("Social networking technology created by Bluesky.")
    assert (profile.followers, profile.following) == (47411, 16)
    assert profile.link == "https://bsky.app/profile/atproto.com"
    assert "postRecords" not in profile.raw


def test_profile_record_fixtures(shared_data) -> None:
    """indigo's fixtures: an empty record and one with displayName, bio and an avatar blob."""
    path = shared_data.path("formats", "bluesky", "indigo_transform-profile-fixtures.json")
    assert detect_format(path).name == "bluesky"
    (empty, full), problems = split(path)
    assert problems == []
    assert (empty.handle, empty.name, empty.photo) == ("handle.example.com", "", None)
    assert full.account_id == "did:plc:u5cwb2mwiv2bfq53cjufe6yn"
    assert (full.name, full.bio) == ("Big Bubba", "Big Description 🥸 #cheese")
    assert full.photo is not None
    assert full.photo.source == (
        "https://cdn.bsky.app/img/avatar/plain/did:plc:u5cwb2mwiv2bfq53cjufe6yn/"
        "bafkreiglnysron3h2je7nf6cmvtimuaxi7xe2c7rkxitmks3mzmajnc2ou@jpeg"
    )


@pytest.mark.parametrize(
    "name",
    ["atproto_lexicons_app_bsky_actor_defs.json", "atproto_lexicons_app_bsky_actor_profile.json"],
)
def test_lexicons_hold_no_profiles(shared_data, name) -> None:
    """A Lexicon schema is recognised and refused with a clear FormatError."""
    path = shared_data.path("formats", "bluesky", name)
    with pytest.raises(FormatError, match=r"Lexicon schema .* holds no profile records"):
        list(read_profiles(path))


def test_profile_views_list_and_bare_record(tmp_path) -> None:
    """getProfiles output is read; a bare record without a handle is a record problem."""
    path = tmp_path / "profiles.json"
    view = {
        "did": "did:plc:abc",
        "handle": "alice.bsky.social",
        "displayName": "Alice",
        "description": "hi",
        "avatar": "https://cdn.bsky.app/img/avatar/plain/did:plc:abc/x@jpeg",
        "followersCount": 5,
        "followsCount": 6,
        "createdAt": "2023-04-01T00:00:00.000Z",
    }
    bare = {"did": "did:plc:zzz", "handle": "", "$type": "app.bsky.actor.profile"}
    path.write_text(json.dumps({"profiles": [view, bare]}))
    profiles, problems = split(path)
    assert [(p.handle, p.followers, p.following, p.created_at) for p in profiles] == [
        ("alice.bsky.social", 5, 6, "2023-04-01T00:00:00.000Z")
    ]
    assert profiles[0].photo is not None and profiles[0].photo.source == view["avatar"]
    assert problems[0].location == "record 2"
