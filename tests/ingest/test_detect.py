"""Format detection, read_profiles errors, re-reading stability and parse_mapping."""

from __future__ import annotations

import pytest

from clonecheck.errors import FormatError, InputError
from clonecheck.ingest import FORMATS, detect_format, parse_mapping, read_profiles

SAMPLES = [
    (
        ("formats", "twitter_api_v1_1", "tweepy_cassettes", "testsearchusers__0.json"),
        "twitter-v1.1",
    ),
    (
        ("formats", "twitter_api_v2", "tweepy_cassettes", "test_client_get_users__0.json"),
        "twitter-v2",
    ),
    (("formats", "twitter_archive"), "twitter-archive"),
    (("formats", "twitter_archive", "data", "profile.js"), "twitter-archive"),
    (
        ("formats", "activitypub", "actors_fedidevs", "lemmy_lemmy_support_lemmy_ml.json"),
        "activitypub",
    ),
    (("formats", "mastodon_api", "Account_example_2.json"), "mastodon"),
    (("formats", "bluesky", "indigo_capture_atprotocom.json"), "bluesky"),
    (("formats", "bluesky", "atproto_lexicons_app_bsky_actor_defs.json"), "bluesky"),
    (("formats", "instagram_export"), "instagram"),
    (("profiles", "cresci2015", "data", "users.csv"), "csv"),
    (("profiles", "twibot20_sample", "TwiBot-20_sample.json"), "twibot20"),
]


@pytest.mark.parametrize(("parts", "expected"), SAMPLES)
def test_detection_picks_the_right_reader(shared_data, parts, expected) -> None:
    """Auto-detection by content picks the reader each real sample needs."""
    assert detect_format(shared_data.path(*parts)).name == expected


@pytest.mark.parametrize(
    "parts",
    [p for p, name in SAMPLES if "lexicons" not in p[-1]],
)
def test_rereading_gives_equal_profiles(shared_data, parts) -> None:
    """Reading a sample twice gives equal profiles in the same order."""
    path = shared_data.path(*parts)
    assert list(read_profiles(path)) == list(read_profiles(path))


def test_format_names_are_unique() -> None:
    """Every reader has its own --format name and a description."""
    names = [reader.name for reader in FORMATS]
    assert len(names) == len(set(names))
    assert all(reader.description for reader in FORMATS)


def test_explicit_format(shared_data) -> None:
    """--format skips detection and uses the named reader."""
    path = shared_data.path("formats", "mastodon_api", "Account_example_0.json")
    (profile,) = list(read_profiles(path, source_format="mastodon"))
    assert profile.handle == "noiob@awoo.space"


def test_missing_file(tmp_path) -> None:
    """A missing file is an InputError naming it."""
    missing = tmp_path / "nope.csv"
    with pytest.raises(InputError, match=r"nope\.csv"):
        read_profiles(missing)


def test_unknown_format_lists_known(tmp_path) -> None:
    """An unknown --format is a FormatError listing the known names."""
    path = tmp_path / "a.csv"
    path.write_text("handle\na\n")
    with pytest.raises(FormatError, match=r"twitter-v2.*csv"):
        read_profiles(path, source_format="myspace")


def test_unknown_json_is_not_guessed(tmp_path) -> None:
    """JSON of no known shape is a FormatError that says so and lists the --from names."""
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(FormatError, match=r"cannot tell the format of .*hello.*--from one of"):
        read_profiles(path)


def test_unknown_folder(tmp_path) -> None:
    """A folder that is no known export is a FormatError."""
    with pytest.raises(FormatError, match="cannot tell the format"):
        read_profiles(tmp_path)


def test_invalid_json_gives_position(tmp_path) -> None:
    """A file that is not valid JSON is a FormatError with the file, line and column."""
    path = tmp_path / "bad.json"
    path.write_text('{\n  "screen_name": "a",\n  oops\n}')
    with pytest.raises(FormatError, match=r"bad\.json is not valid JSON: .* line 3 column 3"):
        read_profiles(path)
    with pytest.raises(FormatError, match="line 3 column 3"):
        list(read_profiles(path, source_format="twitter-v1.1"))


def test_empty_file(tmp_path) -> None:
    """An empty file cannot be told apart and says it is empty."""
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(FormatError, match="empty"):
        read_profiles(path)


def test_parse_mapping() -> None:
    """--map text becomes field -> column; id is an alias of account_id."""
    assert parse_mapping("name=full_name, handle=username,photo=avatar_url,id=uid") == {
        "name": "full_name",
        "handle": "username",
        "photo": "avatar_url",
        "account_id": "uid",
    }


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("nickname=x", "nickname"),
        ("handle", "handle"),
        ("handle=", "handle="),
        ("handle=a,handle=b", "mapped twice"),
        ("", "empty"),
    ],
)
def test_parse_mapping_errors(text, bad) -> None:
    """A bad --map part is an InputError naming it and the allowed fields."""
    with pytest.raises(InputError) as caught:
        parse_mapping(text)
    assert bad in str(caught.value)
    if bad != "mapped twice":
        assert "allowed fields: platform, handle" in str(caught.value)
