"""Every real export and crawl sample imports through the service, and re-importing changes
nothing (the acceptance test of the import formats, on ../shared/data as it is)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from clonecheck.service import Service
from clonecheck.store import Store

if TYPE_CHECKING:
    from tests.conftest import SharedData

SAMPLES = [
    ("formats", "twitter_api_v1_1", "tweepy_cassettes", "testlookupusers__0.json"),
    ("formats", "twitter_api_v2", "tweepy_cassettes"),
    ("formats", "twitter_archive"),
    ("formats", "activitypub", "actors_fedidevs"),
    ("formats", "mastodon_api", "Account_example_0.json"),
    ("formats", "bluesky", "indigo_capture_atprotocom.json"),
    ("formats", "instagram_export"),
    ("profiles", "cresci2015", "data", "users.csv"),
    ("profiles", "cresci2015", "data", "fusers.csv"),
    ("profiles", "twibot20_sample", "TwiBot-20_sample.json"),
]


def files(shared_data: SharedData, parts: tuple[str, ...]) -> list[Path]:
    path = shared_data.path(*parts)
    if path.is_dir() and not (path / "data").is_dir() and "instagram" not in path.name:
        return sorted(p for p in path.iterdir() if p.suffix == ".json")
    return [path]


@pytest.mark.parametrize("parts", SAMPLES, ids=lambda p: "/".join(p[1:]))
def test_sample_imports_and_reimport_changes_nothing(
    shared_data: SharedData, tmp_path: Path, parts: tuple[str, ...]
) -> None:
    """Profiles are imported (none lost to errors), and a second import updates nothing."""
    with Store.open(tmp_path / "clonecheck.db") as store:
        service = Service(store, offline=True)
        for path in files(shared_data, parts):
            first = service.import_file(path)
            assert first.inserted + first.updated + first.unchanged > 0, path
            again = service.import_file(path)
            assert (again.inserted, again.updated) == (0, 0), path
            assert again.unchanged == first.inserted + first.updated + first.unchanged
        assert store.count_profiles() > 0
