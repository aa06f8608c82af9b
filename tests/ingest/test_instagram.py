"""Instagram export: personal_information.json and the export folder."""

from __future__ import annotations

import json

import pytest

from clonecheck.ingest import RecordProblem, detect_format, read_profiles
from clonecheck.models import Profile


@pytest.mark.parametrize(
    "parts", [("instagram_export",), ("instagram_export", "personal_information.json")]
)
def test_sample(shared_data, parts) -> None:
    """The sample export (file or folder) gives the demo_user profile."""
    path = shared_data.path("formats", *parts)
    assert detect_format(path).name == "instagram"
    (profile,) = list(read_profiles(path))
    assert isinstance(profile, Profile)
    assert (profile.platform, profile.handle, profile.name, profile.photo) == (
        "instagram",
        "demo_user",
        "",
        None,
    )
    assert profile.link == "https://www.instagram.com/demo_user/"


def test_full_export_with_photo_and_mojibake(tmp_path) -> None:
    """Name, bio, website are read, Meta's mojibake repaired, the photo resolved in the export."""
    root = tmp_path / "export"
    (root / "media" / "profile").mkdir(parents=True)
    (root / "media" / "profile" / "me.jpg").write_bytes(b"\xff\xd8")
    info = root / "personal_information" / "personal_information"
    info.mkdir(parents=True)
    mojibake = "Andr\u00c3\u00a9"
    document = {
        "profile_user": [
            {
                "media_map_data": {"Profile Photo": {"uri": "media/profile/me.jpg"}},
                "string_map_data": {
                    "Name": {"value": mojibake},
                    "Username": {"value": "andre"},
                    "Bio": {"value": "Photos"},
                    "Website": {"value": "https://example.org"},
                },
            },
            {"string_map_data": {}},
        ]
    }
    (info / "personal_information.json").write_text(json.dumps(document))
    items = list(read_profiles(root))
    profile, problem = items
    assert isinstance(profile, Profile) and isinstance(problem, RecordProblem)
    assert (profile.handle, profile.name, profile.bio, profile.url) == (
        "andre",
        "André",
        "Photos",
        "https://example.org",
    )
    assert profile.photo is not None
    assert profile.photo.source == str((root / "media" / "profile" / "me.jpg").resolve())
    assert problem.location == "profile_user record 2"
