"""Fuzzed import files: whatever a stranger writes, read_profiles yields Profiles and
RecordProblems or raises a ClonecheckError, never any other exception (a traceback)."""

from __future__ import annotations

import csv
import io
import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clonecheck.errors import ClonecheckError
from clonecheck.ingest import FORMATS, read_profiles
from clonecheck.ingest.interface import RecordProblem
from clonecheck.models import Profile

FUZZ = settings(
    max_examples=700,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: unique file names: the JSON cache is keyed by path, mtime and size, which two examples
#: written within one clock tick could share
_NAMES = itertools.count()

#: values a hostile record puts where a profile field is expected
NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "null",
        "None",
        "/etc/passwd",
        "file:///etc/passwd",
        "../../../../etc/passwd",
        "~/x.jpg",
        "http://127.0.0.1/x.jpg",
        "https://pbs.twimg.com/profile_images/1/a_normal.jpg",
        "<p>bio<br>two</p>&amp;&#038;",
        "did:plc:abc",
        "@user@example.social",
        "NaN",
        "-1e400",
        "1,234",
        "9" * 5000,
        "Tue Feb 20 14:35:54 +0000 2007",
        "\x00",
        '"',
        "a\nb,c",
        "Ã©",
        "{'url': 'x'}",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    NASTY_TEXT,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=4),
    ),
    max_leaves=12,
)


def _fields(*names: str) -> st.SearchStrategy[dict[str, Any]]:
    """Records with some of ``names`` as keys (hostile values) plus a stray key or two."""
    return st.fixed_dictionaries(
        {}, optional={name: st.one_of(SCALARS, JSON_VALUES) for name in names}
    ).flatmap(
        lambda record: st.dictionaries(st.text(max_size=8), SCALARS, max_size=2).map(
            lambda extra: {**extra, **record}
        )
    )


V1_USER = _fields(
    "screen_name",
    "id_str",
    "id",
    "name",
    "description",
    "location",
    "url",
    "created_at",
    "followers_count",
    "friends_count",
    "profile_image_url_https",
    "entities",
)
V2_USER = _fields(
    "username", "id", "name", "description", "profile_image_url", "public_metrics", "text"
)
BLUESKY = _fields(
    "did", "handle", "displayName", "description", "avatar", "followersCount", "followsCount"
).map(lambda r: {"$type": "app.bsky.actor.defs#profileViewDetailed", **r})
ACTOR = _fields("id", "preferredUsername", "name", "summary", "icon", "url", "published").map(
    lambda r: {"type": "Person", "@context": "https://www.w3.org/ns/activitystreams", **r}
)
MASTODON = _fields(
    "id", "username", "acct", "display_name", "note", "avatar", "followers_count", "url"
)
FLAT = _fields("platform", "handle", "name", "id", "bio", "photo", "followers", "following")

DOCUMENTS = st.one_of(
    st.lists(V1_USER, max_size=4),
    V1_USER,
    st.fixed_dictionaries(
        {"data": st.one_of(V2_USER, st.lists(V2_USER, max_size=3))},
        optional={
            "includes": st.fixed_dictionaries({"users": st.lists(V2_USER, max_size=3)}),
            "errors": st.lists(JSON_VALUES, max_size=2),
        },
    ),
    st.lists(BLUESKY, max_size=3),
    st.fixed_dictionaries({"profiles": st.lists(BLUESKY, max_size=3)}),
    ACTOR,
    st.lists(ACTOR, max_size=3),
    st.lists(MASTODON, max_size=3),
    st.lists(
        st.fixed_dictionaries({"ID": SCALARS, "profile": V1_USER}, optional={"tweet": SCALARS}),
        max_size=3,
    ),
    st.fixed_dictionaries({"profile_user": st.lists(JSON_VALUES, max_size=2)}),
    st.lists(FLAT, max_size=4),
    JSON_VALUES,
)

EDITS = st.lists(
    st.tuples(
        st.floats(0, 1),
        st.sampled_from(["delete", "insert", "truncate", "duplicate"]),
        st.text(min_size=1, max_size=6),
    ),
    max_size=4,
)


def _mutate(content: str, edits: list[tuple[float, str, str]]) -> str:
    """``content`` with deletions, insertions, truncation and duplicated stretches."""
    for where, how, chunk in edits:
        at = int(where * len(content))
        if how == "delete":
            content = content[:at] + content[at + len(chunk) :]
        elif how == "insert":
            content = content[:at] + chunk + content[at:]
        elif how == "truncate":
            content = content[:at]
        else:
            content = content[:at] + content[at : at + 40] * 2 + content[at + 40 :]
    return content


def _dumps(value: Any) -> str:
    return json.dumps(value, allow_nan=True, ensure_ascii=False)


def _outcomes(
    content: str | bytes, suffix: str, fmt: str | None, platform: str | None = None
) -> list[Profile | RecordProblem]:
    """What read_profiles makes of ``content``: its items, or [] after a ClonecheckError; any
    other exception fails the test."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{next(_NAMES)}{suffix}"
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
        else:
            path.write_bytes(content)
        try:
            items = list(read_profiles(path, source_format=fmt, platform=platform))
        except ClonecheckError as error:
            assert str(error).strip(), "an error must say something"
            return []
    for item in items:
        assert isinstance(item, Profile | RecordProblem), type(item)
        if isinstance(item, Profile):
            _check_profile(item)
        else:
            assert item.reason and item.location
    return items


def _check_profile(profile: Profile) -> None:
    """What the store and the matchers rely on, whatever the input was."""
    assert profile.handle.strip() and profile.platform.strip()
    for count in (profile.followers, profile.following):
        assert count is None or (isinstance(count, int) and 0 <= count < 2**63)
    assert profile.photo is None or profile.photo.source.strip()
    json.dumps(profile.raw, allow_nan=True)  # stored as JSON: must not recurse too deep


FORMAT_NAMES = st.one_of(st.none(), st.sampled_from([reader.name for reader in FORMATS]))


@FUZZ
@given(document=DOCUMENTS, fmt=FORMAT_NAMES)
def test_shaped_json_documents(document: Any, fmt: str | None) -> None:
    """Twitter, Bluesky, ActivityPub, Mastodon, TwiBot, Instagram and flat records with
    hostile values, detected or forced into any format."""
    _outcomes(_dumps(document), ".json", fmt)


@FUZZ
@given(document=DOCUMENTS, edits=EDITS, suffix=st.sampled_from([".json", ".jsonl", ".txt"]))
def test_mutated_json(document: Any, edits: list[tuple[float, str, str]], suffix: str) -> None:
    """Shaped JSON after random deletions, insertions, truncation and duplication."""
    _outcomes(_mutate(_dumps(document), edits), suffix, None)


@FUZZ
@given(
    lines=st.lists(st.one_of(FLAT, JSON_VALUES, V1_USER), max_size=6),
    edits=EDITS,
    fmt=st.sampled_from([None, "jsonl"]),
)
def test_json_lines(lines: list[Any], edits: list[tuple[float, str, str]], fmt: str | None) -> None:
    """JSON Lines of flat and shaped records, some lines mutated; a bad line is a problem of
    that line only, so good lines before it still come out."""
    text = "\n".join(_dumps(line) for line in lines)
    _outcomes(_mutate(text, edits), ".jsonl", fmt)


CSV_COLUMNS = st.lists(
    st.sampled_from(
        [
            "platform",
            "handle",
            "screen_name",
            "name",
            "id",
            "bio",
            "photo",
            "profile_image_url_https",
            "followers",
            "friends_count",
            "created_at",
            "location",
        ]
    )
    | st.text(max_size=8),
    min_size=1,
    max_size=7,
)
CSV_CELLS = st.one_of(st.text(max_size=20), NASTY_TEXT, st.integers().map(str))


@FUZZ
@given(
    columns=CSV_COLUMNS,
    rows=st.lists(st.lists(CSV_CELLS, max_size=8), max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    edits=EDITS,
    platform=st.sampled_from([None, "x"]),
)
def test_csv(
    columns: list[str],
    rows: list[list[str]],
    delimiter: str,
    edits: list[tuple[float, str, str]],
    platform: str | None,
) -> None:
    """CSV/TSV with alias and random columns, hostile cells, then mutated (stray quotes,
    cut rows)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(columns)
    writer.writerows(rows)
    _outcomes(_mutate(buffer.getvalue(), edits), ".csv", "csv", platform)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".json", ".jsonl", ".csv", ".js"]))
def test_random_bytes(data: bytes, suffix: str) -> None:
    """Arbitrary bytes (not UTF-8, NUL bytes, nothing at all) under any import suffix."""
    _outcomes(data, suffix, None)


@pytest.mark.parametrize(
    "content",
    [
        "[" * 50_000,
        '{"a":' * 50_000,
        "[" * 150 + "]" * 150,
        '[{"screen_name": "a", "followers_count": ' + "9" * 5000 + "}]",
        '[{"screen_name": "a", "followers_count": 1e999}]',
        '[{"screen_name": "a", "entities": "' + "[" * 5000 + '"}]',
    ],
    ids=["unclosed-arrays", "unclosed-objects", "deep", "long-int", "huge-float", "deep-literal"],
)
def test_known_hostile_documents(content: str) -> None:
    """Documents that once raised RecursionError or ValueError now end cleanly."""
    _outcomes(content, ".json", None)
    _outcomes(content, ".json", "twibot20")


def test_fuzz_profiles_are_checked() -> None:
    """The invariant checks themselves catch what they are meant to."""
    with pytest.raises(AssertionError):
        _check_profile(Profile(platform="x", handle="a", followers=-1))
    with pytest.raises(AssertionError):
        _check_profile(Profile(platform="x", handle=" "))
    with pytest.raises(AssertionError):
        _check_profile(Profile(platform="x", handle="a", followers=2**63))
