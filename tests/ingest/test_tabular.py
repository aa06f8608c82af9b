"""CSV and JSON Lines import: aliases, --map, platform rules, photo paths, row problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clonecheck.errors import FormatError
from clonecheck.ingest import RecordProblem, read_profiles
from clonecheck.models import Profile

REPO = Path(__file__).resolve().parents[2]


def split(path: Path, **kwargs: object) -> tuple[list[Profile], list[RecordProblem]]:
    profiles: list[Profile] = []
    problems: list[RecordProblem] = []
    for item in read_profiles(path, **kwargs):  # type: ignore[arg-type]
        if isinstance(item, RecordProblem):
            problems.append(item)
        else:
            profiles.append(item)
    return profiles, problems


def test_cresci_users_import_every_row(shared_data) -> None:
    """Cresci 2015 users.csv: all 1,481 rows import as twitter profiles with v1.1 fields."""
    profiles, problems = split(shared_data.path("profiles", "cresci2015", "data", "users.csv"))
    assert len(profiles) == 1481
    assert problems == []
    first = profiles[0]
    assert (first.platform, first.handle, first.name, first.account_id) == (
        "twitter",
        "braddd",
        "Davide Dellacasa",
        "3610511",
    )
    assert first.bio.startswith("Founder of http://www.screenweek.it")
    assert first.location == "Roma"
    assert first.url == "http://braddd.tumblr.com"
    assert first.created_at == "2007-04-06T10:58:22+00:00"
    assert (first.followers, first.following) == (5470, 2385)
    assert first.link == "https://x.com/braddd"
    assert first.photo is not None
    assert first.photo.source == (
        "https://si0.twimg.com/profile_images/1575057050/Stay_hungry._Stay_foolish_Avatar_400x400.png"
    )
    assert first.raw["profile_image_url_https"].endswith("_normal.png")
    assert all(p.platform == "twitter" and p.handle for p in profiles)


def test_cresci_fake_followers_import_every_row(shared_data) -> None:
    """Cresci 2015 fusers.csv: all 1,337 fake-follower rows import."""
    profiles, problems = split(shared_data.path("profiles", "cresci2015", "data", "fusers.csv"))
    assert len(profiles) == 1337
    assert problems == []
    first = profiles[0]
    assert (first.handle, first.account_id, first.followers, first.following) == (
        "pirfectmoses",
        "370098498",
        4,
        588,
    )


def test_demo_csv_photos_resolve_from_any_cwd(tmp_path, monkeypatch) -> None:
    """The demo CSV's photo file names become absolute paths in the trusted folder (the demo
    trusts sample_images/), whatever the cwd."""
    monkeypatch.chdir(tmp_path)
    csv_path = REPO / "sample_images" / "demo_profiles.csv"
    profiles, problems = split(csv_path, photos_dir=REPO / "sample_images")
    assert problems == []
    assert len(profiles) >= 10
    first = profiles[0]
    assert (first.platform, first.account_id, first.handle, first.name) == (
        "twitter",
        "1001",
        "eileencollins",
        "Eileen Collins",
    )
    assert first.photo is not None
    assert first.photo.source == str(REPO / "sample_images" / "eileen_collins.jpg")
    assert all(p.photo is not None and Path(p.photo.source).is_absolute() for p in profiles)


def test_semicolon_csv_with_bom_and_aliases(tmp_path) -> None:
    """A UTF-8-BOM, semicolon-separated CSV is read with case-insensitive column aliases."""
    path = tmp_path / "p.csv"
    path.write_bytes(
        "Username;Display_Name;Followers_Count;Avatar\nalice;Alice A;1,234;http://x/a.png\n".encode(
            "utf-8-sig"
        )
    )
    profiles, _ = split(path, platform="instagram")
    assert profiles[0].handle == "alice"
    assert profiles[0].name == "Alice A"
    assert profiles[0].followers == 1234
    assert profiles[0].photo is not None and profiles[0].photo.source == "http://x/a.png"
    assert profiles[0].platform == "instagram"


def test_tab_separated(tmp_path) -> None:
    """Tab is detected as the delimiter."""
    path = tmp_path / "p.tsv"
    path.write_text("platform\thandle\tname\nmastodon\tbob\tBob B\n", encoding="utf-8")
    profiles, _ = split(path)
    assert (profiles[0].platform, profiles[0].handle, profiles[0].name) == (
        "mastodon",
        "bob",
        "Bob B",
    )


def test_row_without_handle_is_a_problem_and_rest_imports(tmp_path) -> None:
    """A row without a handle gives RecordProblem("line N") and the other rows still import."""
    path = tmp_path / "p.csv"
    path.write_text(
        'platform,handle,bio\ntwitter,a,"two\nlines"\ntwitter,,no handle\ntwitter,c,x\n',
        encoding="utf-8",
    )
    profiles, problems = split(path)
    assert [p.handle for p in profiles] == ["a", "c"]
    assert profiles[0].bio == "two\nlines"
    assert problems == [RecordProblem(str(path), "line 4", "no handle")]


def test_bad_count_is_dropped_not_a_problem(tmp_path) -> None:
    """A count that is not a whole number becomes None and the row still imports."""
    path = tmp_path / "p.csv"
    path.write_text("platform,handle,followers\ntwitter,a,lots\n", encoding="utf-8")
    profiles, problems = split(path)
    assert profiles[0].followers is None
    assert problems == []


def test_relative_and_empty_photo(tmp_path) -> None:
    """Relative photo paths resolve in the trusted folder (not beside the file), file: URLs
    are kept, empty gives no photo; without a trusted folder paths are kept as written."""
    path = tmp_path / "sub" / "p.csv"
    path.parent.mkdir()
    path.write_text(
        "platform,handle,photo\nx,a,pics/a.jpg\nx,b,file:///tmp/b.jpg\nx,c,\n", encoding="utf-8"
    )
    profiles, _ = split(path, photos_dir=tmp_path)
    sources = [p.photo.source if p.photo else None for p in profiles]
    assert sources == [str((tmp_path / "pics" / "a.jpg").resolve()), "file:///tmp/b.jpg", None]
    profiles, _ = split(path)
    assert profiles[0].photo is not None and profiles[0].photo.source == "pics/a.jpg"


def test_no_handle_column_names_map_fix(tmp_path) -> None:
    """A CSV without a handle column is a FormatError naming the file, its columns and --map."""
    path = tmp_path / "p.csv"
    path.write_text("platform,login,full_name\ntwitter,a,A\n", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        list(read_profiles(path))
    message = str(caught.value)
    assert str(path) in message and "login" in message and "--map" in message


def test_mapping_overrides_aliases(tmp_path) -> None:
    """--map sets the columns, overriding the aliases (name here comes from nick, not name)."""
    path = tmp_path / "p.csv"
    path.write_text("platform,login,name,nick,avatar_url\ntwitter,a,Ignored,Al,pic.png\n")
    mapping = {"handle": "login", "name": "NICK", "photo": "avatar_url"}
    profiles, _ = split(path, mapping=mapping, photos_dir=tmp_path)
    assert (profiles[0].handle, profiles[0].name) == ("a", "Al")
    assert profiles[0].photo is not None
    assert profiles[0].photo.source == str((tmp_path / "pic.png").resolve())


def test_mapping_to_missing_column(tmp_path) -> None:
    """A --map column the file does not have is a FormatError naming it."""
    path = tmp_path / "p.csv"
    path.write_text("platform,handle\ntwitter,a\n", encoding="utf-8")
    with pytest.raises(FormatError, match="nope"):
        list(read_profiles(path, mapping={"name": "nope"}))


def test_unknown_platform_asks_for_platform(tmp_path) -> None:
    """Without a platform column, --platform or Twitter-shaped columns, the error asks for it."""
    path = tmp_path / "p.csv"
    path.write_text("handle,name\na,A\n", encoding="utf-8")
    with pytest.raises(FormatError, match="--platform"):
        list(read_profiles(path))
    profiles, _ = split(path, platform="tiktok")
    assert profiles[0].platform == "tiktok"


def test_platform_column_wins_over_argument(tmp_path) -> None:
    """A platform cell wins; --platform fills only empty platform cells."""
    path = tmp_path / "p.csv"
    path.write_text("platform,handle\nmastodon,a\n,b\n", encoding="utf-8")
    profiles, _ = split(path, platform="twitter")
    assert [p.platform for p in profiles] == ["mastodon", "twitter"]


def test_jsonl_with_malformed_line(tmp_path) -> None:
    """JSON Lines: a malformed line and a non-object are problems with line numbers."""
    path = tmp_path / "p.jsonl"
    lines = [
        json.dumps({"platform": "twitter", "username": "a", "followers_count": 3}),
        "{broken",
        "[1, 2]",
        json.dumps({"platform": "twitter", "acct": "b", "display_name": "B"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    profiles, problems = split(path)
    assert [(p.handle, p.followers) for p in profiles] == [("a", 3), ("b", None)]
    assert [(p.location, p.reason.split(":")[0]) for p in problems] == [
        ("line 2", "invalid JSON"),
        ("line 3", "not a JSON object"),
    ]


def test_jsonl_without_suffix_is_detected(tmp_path) -> None:
    """Several JSON objects one a line in a .json file are read as JSON Lines."""
    path = tmp_path / "p.json"
    path.write_text('{"platform": "x", "handle": "a"}\n{"platform": "x", "handle": "b"}\n')
    profiles, _ = split(path)
    assert [p.handle for p in profiles] == ["a", "b"]


def test_rereading_gives_equal_profiles(shared_data) -> None:
    """Reading the same file twice gives equal profiles (stable keys for re-import)."""
    path = shared_data.path("profiles", "cresci2015", "data", "fusers.csv")
    assert split(path)[0] == split(path)[0]
