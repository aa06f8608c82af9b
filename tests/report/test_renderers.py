"""The four report formats: golden files, schemas, and the safety of what they show.

Golden files: ``golden/report.{txt,json,csv,html}`` hold the expected output for the sample
matches of ``conftest.py``. After an intended change of a format, rewrite them with

    CLONECHECK_UPDATE_GOLDEN=1 uv run pytest tests/report

and review the diff (``git diff tests/report/golden``) before committing it.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import os
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image

from clonecheck.models import Match, Profile, Verdict
from clonecheck.report.csvfmt import COLUMNS, CsvRenderer
from clonecheck.report.formats import OutputFormat
from clonecheck.report.html import HtmlRenderer, safe_href
from clonecheck.report.interface import ReportContext
from clonecheck.report.jsonfmt import SCHEMA, JsonRenderer
from clonecheck.report.table import TableRenderer

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CLONECHECK_UPDATE_GOLDEN") == "1"
EXTENSIONS = {
    OutputFormat.TABLE: "txt",
    OutputFormat.JSON: "json",
    OutputFormat.CSV: "csv",
    OutputFormat.HTML: "html",
}


def render(fmt: OutputFormat, matches: list[Match], context: ReportContext) -> str:
    out = io.StringIO(newline="")
    fmt.to_renderer().render(matches, context, out)
    return out.getvalue()


def with_profile(match: Match, **changes: object) -> Match:
    return replace(match, profile=replace(match.profile, **changes))  # type: ignore[arg-type]


# The API


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_has_a_renderer(fmt: OutputFormat) -> None:
    """`OutputFormat(x).to_renderer()` gives a renderer for every format name."""
    renderer = OutputFormat(fmt.value).to_renderer()
    assert callable(renderer.render)


def test_renderer_classes() -> None:
    """Each format name maps to its own renderer class."""
    assert isinstance(OutputFormat("table").to_renderer(), TableRenderer)
    assert isinstance(OutputFormat("json").to_renderer(), JsonRenderer)
    assert isinstance(OutputFormat("csv").to_renderer(), CsvRenderer)
    assert isinstance(OutputFormat("html").to_renderer(), HtmlRenderer)


def test_context_defaults() -> None:
    """A context needs only title, time and version; photos default to none."""
    context = ReportContext(title="t", generated_at=datetime(2025, 1, 1), tool_version="1")
    assert dict(context.photos) == {}
    assert (context.scanned_profiles, context.scanned_identities) == (0, 0)


def test_sample_thumbnails_are_real_jpegs(context: ReportContext) -> None:
    """The test thumbnails decode as JPEG, so the HTML embeds real images."""
    for data in context.photos.values():
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"


# Golden files and determinism


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_golden(fmt: OutputFormat, matches: list[Match], context: ReportContext) -> None:
    """Each format renders the sample matches exactly as its golden file."""
    text = render(fmt, matches, context)
    path = GOLDEN / f"report.{EXTENSIONS[fmt]}"
    if UPDATE:
        path.write_bytes(text.encode("utf-8"))
        return
    assert path.exists(), f"{path} missing: run with CLONECHECK_UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_deterministic(fmt: OutputFormat, matches: list[Match], context: ReportContext) -> None:
    """The same input renders to the same text, whatever order equal inputs arrive in."""
    first = render(fmt, matches, context)
    assert render(fmt, list(reversed(matches)), context) == first
    assert render(fmt, matches, context) == first


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_empty_report(fmt: OutputFormat, context: ReportContext) -> None:
    """Every format renders a report without matches."""
    assert render(fmt, [], context)


# Table


def test_table_no_matches_line(context: ReportContext) -> None:
    """Without matches the table says so in one line, after the title."""
    text = render(OutputFormat.TABLE, [], context)
    assert text.splitlines() == [
        context.title,
        "No suspicious profiles among 1,234 profiles checked against 2 identities.",
    ]


def test_table_rows(matches: list[Match], context: ReportContext) -> None:
    """The table shows score, verdict, identity, profile, reasons and named edits, in plain text."""
    text = render(OutputFormat.TABLE, matches, context)
    assert text.splitlines()[0] == context.title
    assert "\x1b" not in text
    for expected in (
        "0.97",
        "likely clone",
        "possible",
        "(eileen-collins)",
        "x @EiIeenCollins",
        "- same photo, mirrored",
        "look-alike: I for l",
        "- says it is a fan account",
    ):
        assert expected in text
    # the edits follow their own reason
    handle_reason = text.index("- handle @EiIeenCollins")
    assert handle_reason < text.index("look-alike: I for l") < text.index("- bio:")
    assert max(len(line) for line in text.splitlines()) <= 120


def test_table_sorted_by_score(matches: list[Match], context: ReportContext) -> None:
    """Rows go by score, highest first; equal scores keep their given order."""
    low, high = matches[2], matches[0]
    tie = with_profile(replace(low, score=high.score), handle="tie_second")
    text = render(OutputFormat.TABLE, [low, high, tie], context)
    positions = [text.index(s) for s in ("@EiIeenCollins", "@tie_second", "0.21")]
    assert positions == sorted(positions)


def test_table_ignores_markup(matches: list[Match], context: ReportContext) -> None:
    """rich markup in a display name is printed as written, not interpreted."""
    match = with_profile(matches[0], name="[red]NASA[/] :rocket:")
    text = render(OutputFormat.TABLE, [match], context)
    assert "[red]NASA[/] :rocket:" in text


def test_table_on_a_terminal(
    matches: list[Match], context: ReportContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal the table is coloured and as wide as the terminal."""
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.delenv("NO_COLOR", raising=False)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    TableRenderer().render(matches, context, out)
    assert "\x1b[" in out.getvalue()
    assert "look-alike: I for l" in out.getvalue()
    assert max(len(line) for line in out.getvalue().splitlines()) > 120


# JSON


def test_json_schema(matches: list[Match], context: ReportContext) -> None:
    """The JSON report parses and has exactly the documented keys, in order."""
    text = render(OutputFormat.JSON, matches, context)
    assert text.endswith("}\n")
    report = json.loads(text)
    assert list(report) == [
        "schema",
        "title",
        "generated_at",
        "tool_version",
        "scanned",
        "matches",
    ]
    assert report["schema"] == SCHEMA == "clonecheck.report/1"
    assert report["generated_at"] == "2025-03-01T12:30:05Z"
    assert report["scanned"] == {"profiles": 1234, "identities": 2}
    first = report["matches"][0]
    assert list(first) == [
        "score",
        "verdict",
        "identity",
        "profile",
        "identity_photo",
        "signals",
        "reasons",
        "notes",
        "case",
    ]
    assert first["case"] is None  # no case on this pair: see tests/cli/test_scan_to_case.py
    assert list(first["identity"]) == ["slug", "name", "handles"]
    assert list(first["profile"]) == [
        "key",
        "platform",
        "handle",
        "name",
        "account_id",
        "link",
        "url",
        "bio",
        "photo",
        "created_at",
        "followers",
        "following",
        "posts",
        "verified",
        "default_photo",
    ]
    assert list(first["profile"]["photo"]) == ["source", "digest", "error"]
    assert list(first["signals"][0]) == ["kind", "value", "strength", "detail", "evidence"]
    assert first["score"] == 0.9731
    assert first["verdict"] == "likely clone"
    assert first["profile"]["key"] == "x:id:1456789012345678901"
    assert "look-alike: I for l" in first["signals"][1]["evidence"]
    assert [m["verdict"] for m in report["matches"]] == ["likely clone", "possible", "none"]
    assert report["matches"][2]["profile"]["photo"]["error"] == "HTTP 404"
    assert report["matches"][2]["identity_photo"] is None
    assert report["matches"][2]["notes"] == report["matches"][2]["reasons"][-1:]


def test_json_null_photo_and_unicode(matches: list[Match], context: ReportContext) -> None:
    """A profile without photo has `"photo": null`; non-ASCII text is written as is."""
    match = with_profile(matches[0], photo=None, name="Эйлин Коллинз")
    text = render(OutputFormat.JSON, [match], context)
    assert "Эйлин Коллинз" in text
    assert json.loads(text)["matches"][0]["profile"]["photo"] is None


def test_json_time_in_utc(context: ReportContext) -> None:
    """generated_at is converted to UTC; a naive time is taken as UTC."""
    eastern = datetime(2025, 3, 1, 7, 30, 5, tzinfo=timezone(timedelta(hours=-5)))
    for moment in (eastern, datetime(2025, 3, 1, 12, 30, 5)):
        text = render(OutputFormat.JSON, [], replace(context, generated_at=moment))
        assert json.loads(text)["generated_at"] == "2025-03-01T12:30:05Z"


# CSV


def test_csv_columns(matches: list[Match], context: ReportContext) -> None:
    """The CSV parses back with DictReader into the documented columns, one row per match."""
    text = render(OutputFormat.CSV, matches, context)
    assert "\r" not in text
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    assert tuple(reader.fieldnames or ()) == COLUMNS
    assert COLUMNS[:3] == ("score", "verdict", "identity_slug")
    assert len(rows) == 3
    clone, face, fan = rows
    assert clone["score"] == "0.9731"
    assert clone["photo_distance"] == "2"
    assert clone["handle_similarity"] == "92.31"
    assert clone["face_distance"] == ""
    assert clone["edits"] == "look-alike: I for l"
    assert clone["profile_key"] == "x:id:1456789012345678901"
    assert clone["reasons"].startswith("same photo, mirrored")
    assert " | " in clone["reasons"]
    assert face["face_distance"] == "0.4123"
    assert face["edits"] == ""
    assert fan["notes"].startswith("says it is a fan account")
    assert fan["edits"] == "added: Fan Page | added: fan | added: .bsky.social"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("@SUM(1)", "'@SUM(1)"),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Eileen = Collins", "Eileen = Collins"),
    ],
)
def test_csv_formula_injection(
    matches: list[Match], context: ReportContext, name: str, shown: str
) -> None:
    """A text cell starting with = + - @ TAB or CR gets a leading quote (OWASP CSV injection)."""
    match = replace(with_profile(matches[0], name=name), notes=(name,))
    text = render(OutputFormat.CSV, [match], context)
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["name"] == shown
    assert row["notes"] == shown


def test_csv_line_breaks_in_cells(matches: list[Match], context: ReportContext) -> None:
    """A display name or note with CR/LF inside stays one quoted cell and reads back intact."""
    name = "Eileen\r\nCollins\rNASA\nretired"
    match = replace(with_profile(matches[0], name=name), notes=(name,))
    text = render(OutputFormat.CSV, [match, matches[1]], context)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 2
    assert rows[0]["name"] == name
    assert rows[0]["notes"] == name
    assert rows[1]["handle"] == "shuttle.commander"
    assert text.endswith("\n") and not text.endswith("\r\n")


# HTML


def test_html_embeds_both_photos(matches: list[Match], context: ReportContext) -> None:
    """Each match shows the registered and the suspect's photo as data: URIs, side by side."""
    html = render(OutputFormat.HTML, matches[:2], context)
    articles = html.split('<article class="match"')[1:]
    assert len(articles) == 2
    for article, match in zip(articles, matches[:2], strict=True):
        assert match.identity_photo and match.profile.photo and match.profile.photo.digest
        for digest in (match.identity_photo, match.profile.photo.digest):
            uri = "data:image/jpeg;base64," + base64.b64encode(context.photos[digest]).decode()
            assert f'src="{uri}"' in article
        assert article.count("<img ") == 2
        assert 'alt="Registered photo of Eileen Collins"' in article


def test_html_placeholder_for_missing_photo(matches: list[Match], context: ReportContext) -> None:
    """A missing photo is a grey 'no photo' box that says why (the fetch error)."""
    html = render(OutputFormat.HTML, [matches[2]], context)
    assert "<img " not in html
    assert html.count('class="nophoto"') == 2
    assert "photo unusable: HTTP 404" in html
    assert "no registered photo matched" in html
    assert html.count("says it is a fan account") == 1


def test_html_self_contained(matches: list[Match], context: ReportContext) -> None:
    """The page loads no asset from anywhere: no http src, no <link>, no script at all."""
    html = render(OutputFormat.HTML, matches, context)
    assert not re.search(r"""src\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert not re.search(r"<link\b", html, re.IGNORECASE)
    assert not re.search(r"<script\b", html, re.IGNORECASE)
    assert not re.search(r"url\(|@import", html, re.IGNORECASE)
    assert "@media print" in html
    assert html.startswith("<!DOCTYPE html>")


def test_html_summary(matches: list[Match], context: ReportContext) -> None:
    """The summary gives title, time, version and the count of each verdict."""
    html = render(OutputFormat.HTML, matches, context)
    assert "<h1>clonecheck scan 7 for eileen-collins</h1>" in html
    assert "Generated 2025-03-01T12:30:05Z by clonecheck 0.1.0" in html
    for css, label in (("likely", "likely clone"), ("possible", "possible"), ("none", "none")):
        assert f'<li><span class="badge {css}">{label}</span> 1</li>' in html


def test_html_signal_table(matches: list[Match], context: ReportContext) -> None:
    """Signals are a table with column headers: kind, value, strength, detail, evidence."""
    html = render(OutputFormat.HTML, [matches[0]], context)
    assert '<th scope="col">Evidence</th>' in html
    assert '<th scope="row">handle</th><td class="num">92.31</td>' in html
    assert "<li>look-alike: I for l</li>" in html


def test_html_escapes_profile_text(matches: list[Match], context: ReportContext) -> None:
    """A <script> display name or bio is escaped, never markup."""
    match = with_profile(
        matches[0],
        name="<script>alert(1)</script>",
        bio='"><img src=x onerror=alert(2)>',
        handle="x<b>",
    )
    html = render(OutputFormat.HTML, [match], context)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "<b>" not in html


def test_html_links(matches: list[Match], context: ReportContext) -> None:
    """http(s) links are <a> with rel=noopener noreferrer nofollow; javascript: is plain text."""
    match = with_profile(
        matches[0], link="https://x.com/EiIeenCollins", url="javascript:alert(document.cookie)"
    )
    html = render(OutputFormat.HTML, [match], context)
    assert '<a href="https://x.com/EiIeenCollins" rel="noopener noreferrer nofollow">' in html
    assert "javascript:alert(document.cookie)" in html
    assert 'href="javascript' not in html.lower()
    assert len(re.findall(r"<a\b", html)) == 1


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//evil.example/x",
        "https:evil",
        "x.com/EiIeenCollins",
        "https://x.com/a b",
    ],
)
def test_unsafe_links_are_not_hrefs(url: str) -> None:
    """Only absolute http(s) URLs become links; everything else stays text."""
    assert safe_href(url) is None


def test_safe_links() -> None:
    """Ordinary profile URLs are kept as they are."""
    for url in ("https://x.com/EiIeenCollins", "HTTP://example.net/a?b=1&c=2"):
        assert safe_href(url) == url


def test_html_unknown_thumbnail_is_not_embedded(
    matches: list[Match], context: ReportContext
) -> None:
    """Bytes that are no image are not embedded; the placeholder says so."""
    digest = matches[1].profile.photo.digest if matches[1].profile.photo else None
    assert digest
    photos = {**context.photos, digest: b"<svg onload=alert(1)>"}
    html = render(OutputFormat.HTML, [matches[1]], replace(context, photos=photos))
    assert html.count("<img ") == 1
    assert "thumbnail not available" in html
    assert "onload" not in html


def test_profile_without_photo_in_every_format(
    matches: list[Match], context: ReportContext
) -> None:
    """A profile with no photo at all renders in every format."""
    match = with_profile(matches[1], photo=None, name="", account_id=None)
    assert isinstance(match.profile, Profile)
    for fmt in OutputFormat:
        assert render(fmt, [match], context)
    assert "the profile has no photo" in render(OutputFormat.HTML, [match], context)
    assert Verdict.POSSIBLE.value in render(OutputFormat.TABLE, [match], context)


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_explains_deception_and_account_evidence(
    fmt: OutputFormat, matches: list[Match], context: ReportContext
) -> None:
    """The look-alike trick and the account's facts appear in every report format."""
    text = " ".join(html.unescape(render(fmt, matches, context)).split())
    assert "reads as @EileenCollins: I for l" in text
    assert "six years after the person's own account" in text
