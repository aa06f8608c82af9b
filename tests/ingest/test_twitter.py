"""Twitter readers: API v1.1, API v2, the data archive and TwiBot-20, on the real samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clonecheck.errors import FormatError
from clonecheck.ingest import RecordProblem, detect_format, read_profiles
from clonecheck.models import Profile


def split(path: Path, **kwargs: object) -> tuple[list[Profile], list[RecordProblem]]:
    profiles: list[Profile] = []
    problems: list[RecordProblem] = []
    for item in read_profiles(path, **kwargs):  # type: ignore[arg-type]
        if isinstance(item, RecordProblem):
            problems.append(item)
        else:
            profiles.append(item)
    return profiles, problems


V1 = ("formats", "twitter_api_v1_1", "tweepy_cassettes")
V2_TWEEPY = ("formats", "twitter_api_v2", "tweepy_cassettes")
V2_POSTMAN = ("formats", "twitter_api_v2", "postman_user_lookup")


@pytest.mark.parametrize(
    ("name", "count", "handle", "account_id", "followers"),
    [
        ("testgetuser__0.json", 1, "Twitter", "783214", 59112688),
        ("testgetuser__1.json", 1, "Twitter", "783214", 59112521),
        ("testlookupusers__0.json", 2, "TwitterEng", "6844292", 1302441),
        ("testlookupusers__1.json", 2, "TwitterAPI", "6253282", 6116812),
        ("testme__0.json", 1, "TweepyDev", "1072250532645998596", 1),
        ("testme__1.json", 1, "TweepyDev", "1072250532645998596", 1),
        ("testsearchusers__0.json", 20, "Twitter", "783214", 56335783),
    ],
)
def test_v1_cassettes(shared_data, name, count, handle, account_id, followers) -> None:
    """Every v1.1 response body recorded by tweepy imports with handle, id and counts."""
    path = shared_data.path(*V1, name)
    assert detect_format(path).name == "twitter-v1.1"
    profiles, problems = split(path)
    assert problems == []
    assert len(profiles) == count
    first = profiles[0]
    assert (first.platform, first.handle, first.account_id, first.followers) == (
        "twitter",
        handle,
        account_id,
        followers,
    )
    assert first.link == f"https://x.com/{handle}"


def test_v1_user_fields(shared_data) -> None:
    """users/show: name, bio, expanded website, ISO date and the 400x400 avatar are read."""
    (user,), _ = split(shared_data.path(*V1, "testgetuser__0.json"))
    assert user.name == "Twitter"
    assert user.bio == "What's happening?!"
    assert user.location == "everywhere"
    assert user.url == "https://about.twitter.com/"
    assert user.created_at == "2007-02-20T14:35:54+00:00"
    assert user.following == 0
    assert user.photo is not None
    assert user.photo.source == (
        "https://pbs.twimg.com/profile_images/1354479643882004483/Btnfm47p_400x400.jpg"
    )
    assert user.raw["profile_image_url_https"].endswith("Btnfm47p_normal.jpg")


def test_v1_default_avatar_is_not_rewritten(shared_data) -> None:
    """A default avatar (no profile_images path) keeps its URL."""
    (user,), _ = split(shared_data.path(*V1, "testme__0.json"))
    assert user.photo is not None
    assert user.photo.source.endswith("default_profile_normal.png")


def test_v1_users_wrapper_and_bad_record(tmp_path, shared_data) -> None:
    """{"users": [...]} is read; a user without screen_name is a problem, the rest imports."""
    users = json.loads(shared_data.path(*V1, "testlookupusers__0.json").read_text())
    path = tmp_path / "wrapped.json"
    path.write_text(json.dumps({"users": [users[0], {"id": 1}, users[1]]}))
    profiles, problems = split(path)
    assert [p.handle for p in profiles] == [users[0]["screen_name"], users[1]["screen_name"]]
    assert problems == [RecordProblem(str(path), "record 2", "no screen_name")]


@pytest.mark.parametrize(
    ("parts", "count", "first_handle"),
    [
        ((*V2_TWEEPY, "test_client_get_me__0.json"), 1, "TweepyDev"),
        ((*V2_TWEEPY, "test_client_get_user__0.json"), 1, "Twitter"),
        ((*V2_TWEEPY, "test_client_get_users__0.json"), 2, "Twitter"),
        ((*V2_TWEEPY, "test_client_get_users_followers__0.json"), 100, "Zamari97491661"),
        ((*V2_TWEEPY, "test_client_get_users_following__0.json"), 35, "TwitterAsians"),
        ((*V2_TWEEPY, "test_client_get_liking_users__0.json"), 43, "DanLimmert"),
        ((*V2_POSTMAN, "User_by_ID_200_Success_Default_Payload.json"), 1, "TwitterDev"),
        ((*V2_POSTMAN, "User_by_Username_200_Success_Default_Payload.json"), 1, "TwitterDev"),
        ((*V2_POSTMAN, "User_by_ID_User_by_ID.json"), 1, "Clou18829992"),
        ((*V2_POSTMAN, "Users_by_ID_200_Success_Default_Payload.json"), 55, "Twitter"),
        ((*V2_POSTMAN, "Users_by_ID_200_Success_Request_User_Fields.json"), 55, "Twitter"),
        (
            (
                *V2_POSTMAN,
                "Users_by_ID_200_Success_Request_User_and_Expanded_Pinned_Tweet_Fields.json",
            ),
            55,
            "Twitter",
        ),
        ((*V2_POSTMAN, "Users_by_Username_200_Success_Default_Payload.json"), 55, "Twitter"),
        ((*V2_POSTMAN, "Users_by_Username_200_Success_Request_User_Fields.json"), 5, "Twitter"),
        (
            (
                *V2_POSTMAN,
                "Users_by_Username_200_Success_Request_Fields_for_Users_and_Expanded_Pinned_Tweet.json",
            ),
            5,
            "Twitter",
        ),
        (
            (
                *V2_POSTMAN,
                "User_by_ID_200_Success_Request_Fields_for_User_and_Expanded_Pinned_Tweet.json",
            ),
            1,
            "TwitterDev",
        ),
        (
            (
                *V2_POSTMAN,
                "User_by_Username_200_Success_Request_Fields_for_User_and_Expanded_Pinned_Tweet.json",
            ),
            1,
            "TwitterDev",
        ),
    ],
)
def test_v2_users(shared_data, parts, count, first_handle) -> None:
    """Every v2 user response imports all its users, with no problems."""
    path = shared_data.path(*parts)
    assert detect_format(path).name == "twitter-v2"
    profiles, problems = split(path)
    assert problems == []
    assert len(profiles) == count
    assert profiles[0].handle == first_handle
    assert all(p.platform == "twitter" and p.account_id for p in profiles)


def test_v2_user_fields(shared_data) -> None:
    """v2 user.fields: description, location, expanded url, created_at and 400x400 avatar."""
    path = shared_data.path(
        *V2_POSTMAN, "User_by_ID_200_Success_Request_Fields_for_User_and_Expanded_Pinned_Tweet.json"
    )
    (user,), _ = split(path)
    assert (user.handle, user.name, user.account_id) == ("TwitterDev", "Twitter Dev", "2244994945")
    assert user.bio.startswith("The voice of Twitter's #DevRel team")
    assert user.location == "127.0.0.1"
    assert user.url == "https://developer.twitter.com/en/community"
    assert user.created_at == "2013-12-14T04:35:55.000Z"
    assert user.photo is not None
    assert user.photo.source == (
        "https://pbs.twimg.com/profile_images/1267175364003901441/tBZNFAgA_400x400.jpg"
    )


@pytest.mark.parametrize(
    ("name", "count", "problems"),
    [
        ("User_by_ID_200_Success_User_Not_Found.json", 0, 1),
        ("User_by_Username_200_Success_User_Not_Found.json", 0, 1),
        ("Users_by_ID_200_Success_Multiple_Users_1_Not_Found.json", 2, 1),
        ("Users_by_Username_200_Success_Some_Users_Not_Found.json", 8, 3),
        ("Users_by_ID_400_Bad_Request_Too_Many_Users.json", 0, 1),
        ("Users_by_Username_400_Bad_Request_Too_Many_Users.json", 0, 1),
    ],
)
def test_v2_errors_are_problems(shared_data, name, count, problems) -> None:
    """v2 errors about users or the request become RecordProblems beside the users found."""
    path = shared_data.path(*V2_POSTMAN, name)
    assert detect_format(path).name == "twitter-v2"
    found, reported = split(path)
    assert len(found) == count
    assert len(reported) == problems
    assert all(p.location.startswith("errors[") and "API error" in p.reason for p in reported)


def test_v2_not_found_reason(shared_data) -> None:
    """The not-found problem carries the API's detail."""
    path = shared_data.path(*V2_POSTMAN, "User_by_ID_200_Success_User_Not_Found.json")
    _, (problem,) = split(path)
    assert "Could not find user with id: [2244994946]" in problem.reason


def test_v2_includes_users_and_public_metrics(tmp_path) -> None:
    """Users in includes.users are read (tweets in data skipped), once each, with metrics."""
    path = tmp_path / "search.json"
    user = {
        "id": "7",
        "username": "seven",
        "name": "Seven",
        "public_metrics": {"followers_count": 10, "following_count": 2},
    }
    path.write_text(
        json.dumps(
            {
                "data": [{"id": "1", "text": "hi", "author_id": "7"}],
                "includes": {"users": [user, user, {"id": "8"}]},
            }
        )
    )
    profiles, problems = split(path)
    assert [(p.handle, p.followers, p.following) for p in profiles] == [("seven", 10, 2)]
    assert problems == [RecordProblem(str(path), "includes.users[2]", "no username")]


@pytest.mark.parametrize("parts", [("twitter_archive",), ("twitter_archive", "data", "account.js")])
def test_archive(shared_data, parts) -> None:
    """The archive (root folder or account.js) merges account.js with profile.js; the avatar
    is the archive's own copy (the folder imported, or the --photos-dir, is trusted)."""
    path = shared_data.path("formats", *parts)
    assert detect_format(path).name == "twitter-archive"
    trusted = shared_data.path("formats", "twitter_archive") if path.is_file() else None
    (user,), problems = split(path, photos_dir=trusted)
    assert problems == []
    assert (user.platform, user.handle, user.name, user.account_id) == (
        "twitter",
        "andreruffert",
        "André Ruffert",
        "112769581",
    )
    assert user.bio.startswith("👨\u200d💻 Self-taught Software Engineer")
    assert (user.url, user.location) == ("https://andreruffert.com", "Berlin, Germany")
    assert user.created_at == "2010-02-09T17:10:05.000Z"
    assert user.photo is not None
    media = shared_data.path("formats", "twitter_archive", "data", "profile_media")
    assert user.photo.source == str((media / "112769581-ens-GMMR.jpg").resolve())


def test_archive_file_without_trusted_folder_keeps_reference(shared_data) -> None:
    """account.js imported alone, with no --photos-dir, does not look for local copies: the
    avatar reference is kept as written (and refused when fetched)."""
    path = shared_data.path("formats", "twitter_archive", "data", "account.js")
    (user,), _ = split(path)
    assert user.photo is not None and user.photo.source == "./data/profile_media/ens-GMMR.jpg"


def test_archive_invalid_json_names_position(tmp_path) -> None:
    """A broken account.js is a FormatError with the file, line and column."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "account.js").write_text('window.YTD.account.part0 = [\n  {"account" : {,}}\n]')
    with pytest.raises(FormatError, match=r"account\.js.*line 2 column"):
        list(read_profiles(tmp_path))


def test_twibot(shared_data) -> None:
    """TwiBot-20: 100 records with trailing blanks stripped and "None" read as empty."""
    path = shared_data.path("profiles", "twibot20_sample", "TwiBot-20_sample.json")
    assert detect_format(path).name == "twibot20"
    profiles, problems = split(path)
    assert problems == []
    assert len(profiles) == 100
    shaq = profiles[0]
    assert (shaq.handle, shaq.name, shaq.account_id) == ("SHAQ", "SHAQ", "17461978")
    assert shaq.bio == "VERY QUOTATIOUS, I PERFORM RANDOM ACTS OF SHAQNESS"
    assert (shaq.location, shaq.url) == ("Orlando, FL", "http://www.ShaqFuRadio.com")
    assert (shaq.followers, shaq.following) == (15349596, 692)
    assert shaq.photo is not None
    assert shaq.photo.source == "https://pbs.twimg.com/profile_images/1673907275/image_400x400.jpg"
    assert "tweet" not in shaq.raw
    assert sum(1 for p in profiles if p.url == "") >= 33


def test_mapping_is_refused_for_fixed_formats(shared_data) -> None:
    """--map on a format with fixed fields is an error, not silently ignored."""
    path = shared_data.path(*V1, "testme__0.json")
    with pytest.raises(FormatError, match="--map"):
        list(read_profiles(path, mapping={"name": "x"}))
