"""The PDF evidence pack, read back with pypdf as a platform's reviewer would read it: the case,
both photos, every signal, the history, and the look-alike letters named by code point."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace

import pytest
from pypdf import PdfReader

from clonecheck.models import Case, CaseEvent, CaseState, Match, Verdict
from clonecheck.report import casepdf
from clonecheck.report.casepdf import code_points, printable, render_case_pdf
from clonecheck.report.interface import ReportContext

#: Cyrillic capital Е in the display name, Cyrillic small і in the handle
CYRILLIC_NAME = "\u0415ileen Collins"
CYRILLIC_HANDLE = "E\u0456leenCollins"


def _case(match: Match | None) -> Case:
    events = (
        CaseEvent(1, "2025-03-01T09:00:00Z", "ana", None, CaseState.OPEN, "reported by her", ""),
        CaseEvent(
            1,
            "2025-03-01T09:30:00Z",
            "ana",
            CaseState.OPEN,
            CaseState.CONFIRMED,
            "mirrored photo, look-alike handle",
            "called the owner",
        ),
    )
    return Case(
        id=1,
        identity_slug="eileen-collins",
        profile_key="x:id:1456789012345678901",
        state=CaseState.CONFIRMED,
        assignee="ana",
        opened_at="2025-03-01T09:00:00Z",
        score=0.9731,
        verdict=Verdict.LIKELY_CLONE,
        evidence_digest="ab" * 32,
        match=match,
        events=events,
    )


@pytest.fixture
def clone(matches: list[Match]) -> Match:
    """The likely clone of ``conftest.py``: her photo mirrored, a handle with I for l."""
    return matches[0]


@pytest.fixture
def look_alike(clone: Match) -> Match:
    """The same clone, with Cyrillic letters in its name and handle."""
    return replace(
        clone, profile=replace(clone.profile, name=CYRILLIC_NAME, handle=CYRILLIC_HANDLE)
    )


@pytest.fixture
def pdf(context: ReportContext) -> Callable[[Case], bytes]:
    def render(case: Case) -> bytes:
        out = io.BytesIO()
        # the internal pack: everything, history included (the default one is pinned by
        # test_evidence_audience.py)
        render_case_pdf(
            case,
            context.photos,
            out,
            generated_at=context.generated_at,
            tool_version="0.1.0",
            internal=True,
        )
        return out.getvalue()

    return render


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    # pypdf lays words out with variable spacing; compare on single spaces
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_pack_reads_back_with_case_signals_and_history(
    pdf: Callable[[Case], bytes], look_alike: Match
) -> None:
    data = pdf(_case(look_alike))
    assert data.startswith(b"%PDF-")
    text = _text(data)
    assert "clonecheck case #1: confirmed clone" in text
    assert "Suspected to impersonate Eileen Collins (eileen-collins)" in text
    for sentence in (
        "same photo, mirrored: hash distance 2 of 64",
        "look-alike: I for l",
        "bio: nearly the same text",
    ):
        assert sentence in text
    assert "mirrored photo, look-alike handle" in text and "called the owner" in text
    assert "sha256 " + "ab" * 32 in text


def test_look_alike_letters_print_as_themselves_and_by_code_point(
    pdf: Callable[[Case], bytes], look_alike: Match
) -> None:
    text = _text(pdf(_case(look_alike)))
    assert CYRILLIC_NAME in text
    assert "\u0415 = U+0415 CYRILLIC CAPITAL LETTER IE" in text
    assert "U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I" in text


def test_both_photos_are_embedded(
    pdf: Callable[[Case], bytes], clone: Match, context: ReportContext
) -> None:
    reader = PdfReader(io.BytesIO(pdf(_case(clone))))
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 2
    # the JPEG thumbnails go in as they are (DCTDecode), not re-encoded
    assert clone.identity_photo and clone.profile.photo and clone.profile.photo.digest
    thumbnails = (clone.identity_photo, clone.profile.photo.digest)
    streams = sorted(len(image.indirect_reference.get_object().get_data()) for image in images)
    assert streams == sorted(len(context.photos[digest]) for digest in thumbnails)


def test_missing_photo_says_why(pdf: Callable[[Case], bytes], clone: Match) -> None:
    text = _text(pdf(_case(replace(clone, profile=replace(clone.profile, photo=None)))))
    assert "no photo" in text


def test_case_without_a_match_still_has_its_history(pdf: Callable[[Case], bytes]) -> None:
    text = _text(pdf(_case(None)))
    assert "History" in text and "reported by her" in text


def test_same_case_same_bytes(pdf: Callable[[Case], bytes], look_alike: Match) -> None:
    case = _case(look_alike)
    assert pdf(case) == pdf(case)


def test_invisible_and_unprintable_characters_are_never_dropped_silently() -> None:
    glyphs = {ord(char) for char in "abc"}
    assert printable("a\u200bb", glyphs) == "a[U+200B]b"
    assert printable("a\U0001f338", glyphs) == "a[U+1F338]"
    assert printable("a\r\nb", glyphs) == "a\nb"
    assert code_points("a\u200bb", glyphs) == "U+200B ZERO WIDTH SPACE"
    assert code_points("abc", glyphs) == ""


def test_zero_width_space_in_a_handle_is_named(pdf: Callable[[Case], bytes], clone: Match) -> None:
    hidden = replace(clone, profile=replace(clone.profile, handle="Eileen\u200bCollins"))
    text = _text(pdf(_case(hidden)))
    assert "[U+200B]" in text and "U+200B ZERO WIDTH SPACE" in text


def test_without_the_font_package_the_pack_is_still_written(
    monkeypatch: pytest.MonkeyPatch, pdf: Callable[[Case], bytes], look_alike: Match
) -> None:
    """A core font prints Latin-1 only: the Cyrillic letters become placeholders, and are
    still named."""
    monkeypatch.setattr(casepdf, "font_path", lambda: None)
    text = _text(pdf(_case(look_alike)))
    assert "[U+0415]ileen Collins" in text
    assert "U+0415 CYRILLIC CAPITAL LETTER IE" in text


def test_pack_explains_deception_and_account_evidence(
    pdf: Callable[[Case], bytes], clone: Match
) -> None:
    """The look-alike trick and the account's facts are in the pack, in words to paste."""
    text = _text(pdf(_case(clone)))
    assert "reads as @EileenCollins: I for l" in text
    assert "six years after the person's own account" in text
    assert "follows 1,940; 3 posts" in text
