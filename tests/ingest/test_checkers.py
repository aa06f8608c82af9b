"""Sherlock and Maigret reports: the accounts they found import as candidate profiles.

The files are written here in the exact shapes the tools write: Sherlock's CSV header and row
order (``sherlock_project/sherlock.py``), its ``<username>.txt``; Maigret's CSV, ``-J simple``
and ``-J ndjson`` reports (``maigret/report.py``: ``generate_csv_report``,
``generate_json_report``, ``MaigretCheckResult.json``), with the site and status values of the
tools' own tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clonecheck.ingest import RecordProblem, detect_format, read_profiles
from clonecheck.models import Profile

SHERLOCK_CSV = """username,name,url_main,url_user,exists,http_status,response_time_s\r
eiieencollins,GitHub,https://www.github.com/,https://www.github.com/eiieencollins,Claimed,200,0.41\r
eiieencollins,Twitter,https://x.com/,https://x.com/eiieencollins,Claimed,200,0.52\r
eiieencollins,Reddit,https://www.reddit.com/,https://www.reddit.com/user/eiieencollins,Available,404,0.3\r
eiieencollins,mastodon.social,https://mastodon.social/,https://mastodon.social/@eiieencollins,Claimed,200,\r
"""

SHERLOCK_TXT = """https://www.github.com/eiieencollins
https://x.com/eiieencollins
https://bsky.app/profile/eiieencollins.bsky.social
Total Websites Username Detected On : 3
"""

MAIGRET_CSV = """username,name,url_main,url_user,exists,http_status,error_reason\r
test,GitHub,https://www.github.com/,https://www.github.com/test,Claimed,200,\r
test,Instagram,https://www.instagram.com/,https://www.instagram.com/test,Unknown,0,Request timeout\r
"""


def maigret_site(site: str, url: str, status: str, ids: dict[str, object]) -> dict[str, object]:
    """One site result as ``generate_json_report`` writes it."""
    return {
        "username": "eiieencollins",
        "parsing_enabled": True,
        "url_main": url.rsplit("/", 1)[0] + "/",
        "url_user": url,
        "status": {
            "username": "eiieencollins",
            "site_name": site,
            "url": url,
            "status": status,
            "ids": ids,
            "tags": ["us"],
            "keywords": [],
            "keyword_match_status": "No Keywords",
        },
        "http_status": 200,
        "is_similar": False,
        "rank": 78,
        "site": {"urlMain": url.rsplit("/", 1)[0] + "/", "tags": ["us"]},
    }


RESULTS = {
    "Twitter": maigret_site(
        "Twitter",
        "https://x.com/eiieencollins",
        "Claimed",
        {
            "fullname": "Eileen Collins",
            "bio": "Retired NASA astronaut.",
            "image": "https://pbs.twimg.com/profile_images/1/a_normal.jpg",
            "created_at": "2019-05-01T10:00:00",
            "follower_count": "1200",
        },
    ),
    "GitHub": maigret_site("GitHub", "https://www.github.com/eiieencollins", "Claimed", {}),
    "VK": maigret_site("VK", "https://vk.com/eiieencollins", "Available", {}),
}


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def profiles(path: Path) -> list[Profile]:
    return [p for p in read_profiles(path) if isinstance(p, Profile)]


def test_sherlock_csv_claimed_rows_become_profiles(tmp_path: Path) -> None:
    """Claimed rows only; Twitter -> twitter, a Mastodon server -> fediverse user@host."""
    path = write(tmp_path, "eiieencollins.csv", SHERLOCK_CSV)
    assert detect_format(path).name == "sherlock"
    found = profiles(path)
    assert [(p.platform, p.handle) for p in found] == [
        ("github", "eiieencollins"),
        ("twitter", "eiieencollins"),
        ("fediverse", "eiieencollins@mastodon.social"),
    ]
    assert found[1].link == "https://x.com/eiieencollins"
    assert found[1].key == "twitter:@eiieencollins"


def test_sherlock_text_report(tmp_path: Path) -> None:
    """The URL list with its total line; Bluesky handles are taken from the profile URL."""
    path = write(tmp_path, "eiieencollins.txt", SHERLOCK_TXT)
    assert detect_format(path).name == "sherlock"
    assert [(p.platform, p.handle) for p in profiles(path)] == [
        ("github.com", "eiieencollins"),
        ("twitter", "eiieencollins"),
        ("bluesky", "eiieencollins.bsky.social"),
    ]


def test_maigret_csv(tmp_path: Path) -> None:
    """Maigret's CSV (error_reason column): claimed rows only."""
    path = write(tmp_path, "report_test.csv", MAIGRET_CSV)
    assert detect_format(path).name == "maigret"
    assert [(p.platform, p.handle) for p in profiles(path)] == [("github", "test")]


@pytest.mark.parametrize("kind", ["simple", "ndjson"])
def test_maigret_json_reports_fill_what_maigret_parsed(tmp_path: Path, kind: str) -> None:
    """Simple and ndjson reports; the parsed ids give name, bio, photo, date and counts."""
    if kind == "simple":
        content = json.dumps(RESULTS)
    else:
        content = "".join(json.dumps({**r, "sitename": s}) + "\n" for s, r in RESULTS.items())
    path = write(tmp_path, f"report_eiieencollins_{kind}.json", content)
    assert detect_format(path).name == "maigret"
    found = profiles(path)
    assert [(p.platform, p.handle) for p in found] == [
        ("twitter", "eiieencollins"),
        ("github", "eiieencollins"),
    ]
    twitter = found[0]
    assert twitter.name == "Eileen Collins" and twitter.bio == "Retired NASA astronaut."
    assert twitter.followers == 1200 and twitter.created_at == "2019-05-01T10:00:00"
    assert twitter.photo is not None
    assert twitter.photo.source == "https://pbs.twimg.com/profile_images/1/a_400x400.jpg"


def test_a_bad_maigret_record_is_a_problem_and_the_rest_imports(tmp_path: Path) -> None:
    """A negative follower count or a broken line costs only that record."""
    bad = maigret_site("Twitter", "https://x.com/b", "Claimed", {"follower_count": "-4"})
    lines = [
        json.dumps({**bad, "sitename": "Twitter"}),
        "{not json",
        json.dumps({**RESULTS["GitHub"], "sitename": "GitHub"}),
    ]
    path = write(tmp_path, "report.ndjson", "\n".join(lines) + "\n")
    results = list(read_profiles(path, source_format="maigret"))
    problems = [r for r in results if isinstance(r, RecordProblem)]
    assert [p.location for p in problems] == ["line 1", "line 2"]
    assert "negative" in problems[0].reason
    assert [r.handle for r in results if isinstance(r, Profile)] == ["eiieencollins"]


def test_a_maigret_site_that_is_not_a_result_says_so(tmp_path: Path) -> None:
    """A site whose value is text, not a result object, is a problem that says why (the fuzz
    test found an empty reason here), and the other sites still import."""
    report = {"profile_image_url_https": "", "GitHub": RESULTS["GitHub"]}
    path = write(tmp_path, "report.json", json.dumps(report))
    results = list(read_profiles(path, source_format="maigret"))
    problems = [r for r in results if isinstance(r, RecordProblem)]
    assert [(p.location, p.reason) for p in problems] == [
        ("site profile_image_url_https", "not a Maigret site result")
    ]
    assert [r.handle for r in results if isinstance(r, Profile)] == ["eiieencollins"]


def test_a_plain_csv_is_still_the_generic_reader(tmp_path: Path) -> None:
    """A CSV with other columns is not taken for a checker report."""
    path = write(tmp_path, "plain.csv", "platform,handle,name\ntwitter,ada,Ada\n")
    assert detect_format(path).name == "csv"
