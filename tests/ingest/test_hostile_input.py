"""Hostile or broken import files: each bad input is one error naming it (never a traceback),
and a bad record is a RecordProblem while the rest of the file still imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clonecheck.errors import FormatError
from clonecheck.ingest import read_profiles
from clonecheck.ingest.interface import RecordProblem
from clonecheck.models import Profile


def split(path: Path, **kwargs: object) -> tuple[list[Profile], list[RecordProblem]]:
    items = list(read_profiles(path, **kwargs))  # type: ignore[arg-type]
    return (
        [i for i in items if isinstance(i, Profile)],
        [i for i in items if isinstance(i, RecordProblem)],
    )


def _line(handle: str, **fields: object) -> str:
    return json.dumps({"platform": "x", "handle": handle, **fields})


@pytest.mark.parametrize("depth", [150, 100_000], ids=["past-our-limit", "past-the-parser"])
def test_deeply_nested_json_document_is_a_format_error(tmp_path: Path, depth: int) -> None:
    """A JSON document nested deeper than any profile (or than the parser's stack) is one
    FormatError naming the file."""
    path = tmp_path / "deep.json"
    path.write_text("[" * depth + "]" * depth, encoding="utf-8")
    with pytest.raises(FormatError, match=f"{path} cannot be read as JSON: nested too deeply"):
        list(read_profiles(path))
    with pytest.raises(FormatError, match="nested too deeply"):
        list(read_profiles(path, source_format="twitter-v1.1"))


def test_deeply_nested_json_line_is_one_problem(tmp_path: Path) -> None:
    """In JSON Lines, a line nested too deeply is a problem for that line only."""
    path = tmp_path / "deep.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    shallow_enough = json.dumps({"platform": "x", "handle": "b", "extra": [[[[1]]]]})
    path.write_text(f"{_line('a')}\n{deep}\n{shallow_enough}\n", encoding="utf-8")
    profiles, problems = split(path)
    assert [p.handle for p in profiles] == ["a", "b"]
    assert problems == [RecordProblem(str(path), "line 2", "invalid JSON: nested too deeply")]


def test_deep_line_in_json_file_without_jsonl_suffix(tmp_path: Path) -> None:
    """JSON Lines in a .json file whose second line is nested too deeply still import the
    other lines."""
    path = tmp_path / "lines.json"
    path.write_text(f"{_line('a')}\n{'[' * 5000}{']' * 5000}\n{_line('c')}\n", encoding="utf-8")
    profiles, problems = split(path)
    assert [p.handle for p in profiles] == ["a", "c"]
    assert [p.location for p in problems] == ["line 2"]


def test_huge_number_in_json_lines_is_one_problem(tmp_path: Path) -> None:
    """A 100,000-digit number (beyond Python's int conversion limit) costs only its line."""
    path = tmp_path / "big.jsonl"
    path.write_text(
        '{"platform": "x", "handle": "a", "followers": ' + "9" * 100_000 + "}\n" + _line("b"),
        encoding="utf-8",
    )
    profiles, problems = split(path)
    assert [p.handle for p in profiles] == ["b"]
    assert problems == [
        RecordProblem(str(path), "line 1", "invalid JSON: a number with too many digits")
    ]


def test_huge_number_in_json_document_is_a_format_error(tmp_path: Path) -> None:
    """A 100,000-digit number in a JSON document is a FormatError naming the file."""
    path = tmp_path / "big.json"
    path.write_text('[{"screen_name": "a", "id": ' + "9" * 100_000 + "}]", encoding="utf-8")
    with pytest.raises(FormatError, match=f"{path} cannot be read as JSON: a number with too"):
        list(read_profiles(path, source_format="twitter-v1.1"))


def test_huge_count_in_csv_is_one_problem(tmp_path: Path) -> None:
    """A 100,000-digit follower count in a CSV refuses that row, naming the column."""
    path = tmp_path / "big.csv"
    path.write_text(f"platform,handle,followers\nx,a,{'9' * 100_000}\nx,b,7\n", encoding="utf-8")
    profiles, problems = split(path)
    assert [(p.handle, p.followers) for p in profiles] == [("b", 7)]
    assert problems == [
        RecordProblem(
            str(path), "line 2", "followers '99999999999999999999...' is too large to be a count"
        )
    ]


@pytest.mark.parametrize(
    ("literal", "reason"),
    [
        ("NaN", "followers 'nan' is not a whole number"),
        ("Infinity", "followers 'inf' is not a whole number"),
        ("-1e400", "followers '-inf' is not a whole number"),
        ("-3", "followers '-3' is negative"),
        ("2.5", "followers '2.5' is not a whole number"),
        ("1e30", "followers '1e+30' is too large to be a count"),
        ('"-12"', "followers '-12' is negative"),
    ],
)
def test_impossible_counts_refuse_the_record(tmp_path: Path, literal: str, reason: str) -> None:
    """NaN, infinities, negative, fractional and overflowing counts make the record a problem
    naming the field; the other records import."""
    path = tmp_path / "counts.jsonl"
    bad = '{"platform": "x", "handle": "a", "followers": ' + literal + "}"
    path.write_text(f"{bad}\n{_line('b', followers=12.0)}\n", encoding="utf-8")
    profiles, problems = split(path)
    assert [(p.handle, p.followers) for p in profiles] == [("b", 12)]
    assert problems == [RecordProblem(str(path), "line 1", reason)]


def test_impossible_count_in_api_formats(tmp_path: Path) -> None:
    """Twitter v1.1 and Mastodon records with impossible counts are problems too."""
    v1 = tmp_path / "users.json"
    v1.write_text(
        '[{"screen_name": "a", "id_str": "1", "followers_count": NaN},'
        ' {"screen_name": "b", "id_str": "2", "followers_count": 5}]',
        encoding="utf-8",
    )
    profiles, problems = split(v1, source_format="twitter-v1.1")
    assert [p.handle for p in profiles] == ["b"]
    assert problems == [
        RecordProblem(str(v1), "record 1", "followers_count 'nan' is not a whole number")
    ]
    mastodon = tmp_path / "accounts.json"
    mastodon.write_text(
        json.dumps(
            [
                {"id": "1", "username": "a", "acct": "a@ex.social", "following_count": -1},
                {"id": "2", "username": "b", "acct": "b@ex.social", "following_count": 1},
            ]
        ),
        encoding="utf-8",
    )
    profiles, problems = split(mastodon, source_format="mastodon")
    assert [p.handle for p in profiles] == ["b@ex.social"]
    assert [p.reason for p in problems] == ["following_count '-1' is negative"]


def test_unclosed_quote_at_the_end_refuses_one_row(tmp_path: Path) -> None:
    """A quote never closed would swallow every later row into one bio; that row is a problem
    naming its line and the rows after it import."""
    path = tmp_path / "quote.csv"
    path.write_text('platform,handle,bio\nx,a,"oops\nx,b,fine\nx,c,fine\n', encoding="utf-8")
    profiles, problems = split(path)
    assert [(p.handle, p.bio) for p in profiles] == [("b", "fine"), ("c", "fine")]
    assert len(problems) == 1 and problems[0].location == "line 2"
    assert problems[0].reason.startswith("unclosed quote")


def test_stray_quote_swallowing_rows_mid_file(tmp_path: Path) -> None:
    """A stray quote closed by one rows later (which takes in whole rows) refuses that row;
    an honest two-line bio still imports."""
    path = tmp_path / "stray.csv"
    path.write_text(
        'platform,handle,bio\nx,a,"oops\nx,b,fine\nx,c,"fine"\nx,d,ok\nx,e,"two\nlines"\n',
        encoding="utf-8",
    )
    profiles, problems = split(path)
    assert [(p.handle, p.bio) for p in profiles] == [
        ("b", "fine"),
        ("c", "fine"),
        ("d", "ok"),
        ("e", "two\nlines"),
    ]
    assert [p.location for p in problems] == ["line 2"]
    assert "unclosed quote?" in problems[0].reason


def test_very_long_quoted_field_is_refused(tmp_path: Path) -> None:
    """A quoted field running over more lines than any bio (60 here) is refused as a row run
    together, even when the lines do not look like rows."""
    path = tmp_path / "long.csv"
    long_bio = "\n".join(["word"] * 60)
    path.write_text(f'platform,handle,bio\nx,a,"{long_bio}"\nx,b,ok\n', encoding="utf-8")
    profiles, problems = split(path)
    assert problems[0].location == "line 2" and "over 60 lines" in problems[0].reason
    assert profiles[-1].handle == "b"
