"""The evidence pack of one impersonation case as a PDF, for the platforms whose impersonation
form takes an attachment and not a web page. It says what the HTML pack says
(``clonecheck.report.casepack``): the case, the registered identity and the reported profile
side by side with both photos, every signal with its sentence and evidence, the notes, and the
decision; with ``internal``, the assignee and the full history too.

The PDF is made by fpdf2 (pure Python, no browser). Its text is set in Noto Sans, the font file
that the ``fontpkg-noto-sans`` package ships (embedded, subset), so Latin, Greek and Cyrillic
look-alikes print as themselves. Nothing is ever dropped in silence: a character the font has no
glyph for (an emoji, a fullwidth letter) and an invisible one (a zero-width space, a direction
override) print as ``[U+XXXX]``, and every name, handle and link that has a non-ASCII character
is followed by what each such character is, e.g. ``(Е = U+0415 CYRILLIC CAPITAL LETTER IE)``:
a reviewer at the platform can see *and* name the letter that makes the look-alike. Where the
font cannot be found, the PDF is still written, in a core font, with more placeholders.

The output is deterministic: the same case, photos and ``generated_at`` give the same bytes.

Over the project's 400-line guide on purpose: most of it is layout (positions, fonts, the
code-point notes) that only makes sense read in page order.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from fpdf import FPDF
from fpdf.enums import Align, TextEmphasis, TextMode, XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image, UnidentifiedImageError

from clonecheck.models import Case, Match
from clonecheck.report.casepack import decision
from clonecheck.report.html import _number, match_view, safe_href
from clonecheck.report.interface import utc_timestamp

#: the package that ships the font, and the font file's name in it
FONT_PACKAGE = "fontpkg_noto_sans"
FONT_FILE = "NotoSans[wdth,wght].ttf"
_FAMILY = "NotoSans"
_CORE_FAMILY = "helvetica"

#: categories of characters that print nothing visible (controls, format characters such as
#: zero-width spaces and direction overrides, private use, unassigned, surrogates)
_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cn", "Cs"})

_MARGIN = 15.0
_PHOTO_BOX = 45.0
_GREY = (90, 90, 90)
_HEADING_FILL = (235, 235, 235)


def font_path() -> Path | None:
    """The Noto Sans file shipped by ``fontpkg-noto-sans``, or None when it is not installed."""
    try:
        folder = resources.files(FONT_PACKAGE) / "files"
    except ModuleNotFoundError:
        return None
    wanted = folder / FONT_FILE
    if wanted.is_file():
        return Path(str(wanted))
    # another release of the package may name its upright file differently
    others = sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.name.startswith("NotoSans")
        and entry.name.endswith(".ttf")
        and "Italic" not in entry.name
    )
    return Path(str(folder / others[0])) if others else None


@cache
def _font_code_points(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # fpdf2's own dependency

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


#: what the PDF core fonts can print (fpdf2 encodes them as Latin-1)
_LATIN1 = frozenset(range(0x20, 0x7F)) | frozenset(range(0xA0, 0x100))


def printable(text: str, glyphs: Collection[int]) -> str:
    """``text`` as the PDF prints it: a character without a glyph in ``glyphs``, or one that
    prints nothing visible, becomes ``[U+XXXX]``; line breaks stay (``\\r\\n`` as ``\\n``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for char in text:
        if char == "\n":
            out.append(char)
        elif unicodedata.category(char) in _INVISIBLE or ord(char) not in glyphs:
            out.append(f"[U+{ord(char):04X}]")
        else:
            out.append(char)
    return "".join(out)


def code_points(text: str, glyphs: Collection[int]) -> str:
    """What each non-ASCII (or invisible) character of ``text`` is, once each, in order:
    ``Е = U+0415 CYRILLIC CAPITAL LETTER IE; ...``; empty when ``text`` is printable ASCII.

    A character the PDF can show is shown before its code point; one it cannot (see
    ``printable``) and a combining mark are named by code point only."""
    parts: list[str] = []
    for char in dict.fromkeys(text):
        if 0x20 <= ord(char) < 0x7F:
            continue
        name = unicodedata.name(char, "")
        described = f"U+{ord(char):04X} {name}".rstrip()
        category = unicodedata.category(char)
        shown = (
            category not in _INVISIBLE
            and not category.startswith("M")
            and not category.startswith("Z")
            and ord(char) in glyphs
        )
        parts.append(f"{char} = {described}" if shown else described)
    return "; ".join(parts)


class _CasePdf(FPDF):
    """A4 portrait with a running footer: the case number, the page and the page count."""

    def __init__(self, case_id: int, tool_version: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.case_id = case_id
        self.tool_version = tool_version
        self.text_family = _CORE_FAMILY
        self.glyphs: Collection[int] = _LATIN1

    def set_font(
        self, family: str | None = None, style: str | TextEmphasis = "", size: float = 0
    ) -> None:
        """As FPDF's, with bold drawn filled and stroked: one weight serves both styles."""
        super().set_font(family, style, size)
        bold = "B" in self.font_style and self.font_family == _FAMILY.lower()
        self.text_mode = TextMode.FILL_STROKE if bold else TextMode.FILL

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.text_family, size=8)
        self.set_text_color(*_GREY)
        self.cell(
            0,
            5,
            f"clonecheck {self.tool_version} - case #{self.case_id} - page {self.page_no()}"
            f"/{{nb}} - scores and verdicts are evidence for a person to review, not proof.",
            align=Align.C,
        )
        self.set_text_color(0, 0, 0)

    # Helpers that always print through ``printable``.

    def text_of(self, text: str) -> str:
        return printable(text, self.glyphs)

    def annotated(self, text: str) -> str:
        """``text`` printable, with what its non-ASCII characters are on a line below."""
        note = code_points(text, self.glyphs)
        shown = self.text_of(text)
        return f"{shown}\n({self.text_of(note)})" if note else shown

    def heading(self, text: str, size: float = 13) -> None:
        self.ln(3)
        self.set_font(self.text_family, "B", size)
        self.multi_cell(
            0, size * 0.5, self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align=Align.L
        )
        self.set_font(self.text_family, size=10)
        self.ln(1)

    def paragraph(self, text: str, *, size: float = 10, grey: bool = False) -> None:
        self.set_font(self.text_family, size=size)
        if grey:
            self.set_text_color(*_GREY)
        self.multi_cell(
            0, size * 0.5, self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align=Align.L
        )
        self.set_text_color(0, 0, 0)


def _setup_font(pdf: _CasePdf) -> None:
    path = font_path()
    if path is None:
        return
    # the package ships a variable font; instancing its bold weight with fontTools takes
    # about 5 s (measured), so the default (regular) instance serves both styles and bold
    # text is drawn filled and stroked (``_CasePdf.bold``)
    pdf.add_font(_FAMILY, fname=path)
    pdf.add_font(_FAMILY, "B", fname=path)
    pdf.text_family = _FAMILY
    pdf.glyphs = _font_code_points(path)


def render_case_pdf(
    case: Case,
    photos: Mapping[str, bytes],
    out: BinaryIO,
    *,
    generated_at: datetime,
    tool_version: str,
    internal: bool = False,
) -> None:
    """Write the case's evidence pack as a PDF; ``photos`` maps photo digests to JPEG
    thumbnails (as for ``render_case_pack``); ``internal`` adds the assignee and history."""
    title = f"clonecheck case #{case.id}"
    pdf = _CasePdf(case.id, tool_version)
    moment = generated_at if generated_at.tzinfo else generated_at.replace(tzinfo=UTC)
    pdf.set_creation_date(moment.astimezone(UTC))
    pdf.set_title(title)
    pdf.set_subject("Evidence pack of an impersonation case")
    pdf.set_creator(f"clonecheck {tool_version}")
    pdf.set_lang("en")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(auto=True, margin=18)
    _setup_font(pdf)
    pdf.add_page()

    pdf.set_font(pdf.text_family, "B", 18)
    pdf.multi_cell(
        0, 9, pdf.text_of(f"{title}: {case.state.value}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.paragraph(
        f"Evidence pack generated {utc_timestamp(generated_at)} by clonecheck {tool_version}.",
        grey=True,
    )

    pdf.heading("Case")
    _pairs(
        pdf,
        [
            ("Case", f"#{case.id}"),
            ("State", case.state.value),
            ("Decision", decision(case)),
            *([("Assignee", pdf.annotated(case.assignee or "unassigned"))] if internal else []),
            ("Opened (UTC)", case.opened_at),
            ("Identity", pdf.text_of(case.identity_slug or "-")),
            ("Profile key", pdf.annotated(case.profile_key)),
            ("Verdict when opened", f"{case.verdict.value}, score {case.score:.2f}"),
            ("Evidence digest", f"sha256 {case.evidence_digest}"),
        ],
    )

    if case.match is not None:
        _match(pdf, case.match, photos)

    if internal:
        _history(pdf, case)
    out.write(bytes(pdf.output()))


def _history(pdf: _CasePdf, case: Case) -> None:
    pdf.heading("History")
    history = [
        (
            event.at,
            event.actor,
            event.from_state.value if event.from_state else "-",
            event.to_state.value,
            event.reason,
            event.note,
        )
        for event in case.events
    ]
    _table(
        pdf,
        ("When (UTC)", "Who", "From", "To", "Reason", "Note"),
        [tuple(pdf.text_of(text) for text in row) for row in history],
        (34, 22, 24, 24, 36, 40),
    )


def _pairs(pdf: _CasePdf, rows: Sequence[tuple[str, str]]) -> None:
    """A two-column table of labels and values (values already through ``printable``)."""
    pdf.set_font(pdf.text_family, size=10)
    with pdf.table(
        col_widths=(45, 135),
        first_row_as_headings=False,
        text_align=Align.L,
        line_height=5,
        padding=1,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label, style=FontFace(emphasis="BOLD"))
            row.cell(value)


def _table(
    pdf: _CasePdf,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    links: Mapping[tuple[int, int], str] | None = None,
) -> None:
    pdf.set_font(pdf.text_family, size=9)
    with pdf.table(
        col_widths=tuple(widths),
        text_align=Align.L,
        line_height=4.5,
        padding=1.2,
        headings_style=FontFace(emphasis="BOLD", fill_color=_HEADING_FILL),
    ) as table:
        heading_row = table.row()
        for text in headings:
            heading_row.cell(text)
        for index, values in enumerate(rows):
            row = table.row()
            for column, text in enumerate(values):
                row.cell(text, link=(links or {}).get((index, column)))
    pdf.set_font(pdf.text_family, size=10)


def _photo(pdf: _CasePdf, x: float, y: float, image: bytes | None, missing: str) -> None:
    """One photo fitted into a square box at (x, y), or a grey box saying why there is none."""
    if image is not None and not missing:
        try:
            with Image.open(io.BytesIO(image)) as opened:
                opened.load()
                picture = opened.convert("RGB") if opened.mode not in {"RGB", "L"} else None
            # JPEG bytes are embedded as they are; anything else as the decoded picture
            source: io.BytesIO | Image.Image = picture or io.BytesIO(image)
            pdf.image(source, x=x, y=y, w=_PHOTO_BOX, h=_PHOTO_BOX, keep_aspect_ratio=True)
            pdf.set_draw_color(180, 180, 180)
            pdf.rect(x, y, _PHOTO_BOX, _PHOTO_BOX)
            pdf.set_draw_color(0, 0, 0)
            return
        except (OSError, UnidentifiedImageError, ValueError):
            missing = "thumbnail not available"
    pdf.set_fill_color(217, 217, 217)
    pdf.rect(x, y, _PHOTO_BOX, _PHOTO_BOX, style="DF")
    pdf.set_xy(x + 3, y + _PHOTO_BOX / 2 - 6)
    pdf.set_font(pdf.text_family, size=9)
    pdf.multi_cell(
        _PHOTO_BOX - 6, 4.5, pdf.text_of(f"no photo\n({missing})"), align=Align.C, border=0
    )


def _match(pdf: _CasePdf, match: Match, photos: Mapping[str, bytes]) -> None:
    view = match_view(1, match, photos)
    identity, profile = match.identity, match.profile

    pdf.heading(
        f"{profile.platform} @{profile.handle}"
        + (f" - {profile.name}" if profile.name else "")
        + f" [{match.verdict.value}, score {match.score:.2f}]"
    )
    pdf.paragraph(f"Suspected to impersonate {identity.name} ({identity.slug}).")

    # photos side by side, above the columns of the comparison table
    label_w, side_w = 30.0, 75.0
    lefts = (_MARGIN + label_w, _MARGIN + label_w + side_w)
    needed = _PHOTO_BOX + 14
    if pdf.will_page_break(needed):
        pdf.add_page()
    top = pdf.get_y() + 2
    digests = (match.identity_photo, profile.photo.digest if profile.photo else None)
    for left, digest, side in zip(lefts, digests, view.photos, strict=True):
        image = photos.get(digest) if digest else None
        x = left + (side_w - _PHOTO_BOX) / 2
        _photo(pdf, x, top, image, side.missing)
        pdf.set_xy(left, top + _PHOTO_BOX + 1)
        pdf.set_font(pdf.text_family, size=8.5)
        pdf.set_text_color(*_GREY)
        pdf.multi_cell(side_w, 4, pdf.text_of(side.caption), align=Align.C)
        pdf.set_text_color(0, 0, 0)
    pdf.set_xy(_MARGIN, top + needed - 2)

    own = ", ".join(str(account) for account in identity.own_accounts)
    rows: list[tuple[str, str, str]] = [
        ("Name", pdf.annotated(identity.name), pdf.annotated(profile.name or "-")),
        (
            "Handle",
            pdf.annotated(", ".join(f"@{h}" for h in identity.handles) or "-"),
            pdf.annotated(f"@{profile.handle}"),
        ),
        (
            "Platform",
            pdf.text_of(f"own accounts: {own}" if own else "-"),
            pdf.text_of(profile.platform),
        ),
        (
            "Id",
            pdf.text_of(f"registered as {identity.slug}"),
            pdf.annotated(
                (f"account {profile.account_id}, " if profile.account_id else "")
                + f"key {profile.key}"
            ),
        ),
    ]
    links: dict[tuple[int, int], str] = {}
    for label, url in (("Link", profile.link), ("Website", profile.url)):
        if url:
            href = safe_href(url)
            if href:
                links[(len(rows), 2)] = href
            note = "" if href else "\n(not an http(s) link: shown as text)"
            rows.append((label, "-", pdf.annotated(url) + note))
    rows.append(("Bio", pdf.text_of(identity.bio or "-"), pdf.text_of(profile.bio or "-")))
    _table(
        pdf,
        ("", "Registered identity", "Reported profile"),
        rows,
        (label_w, side_w, side_w),
        links=links,
    )

    pdf.heading("Signals")
    signal_rows = []
    for signal in match.signals:
        explanation = "\n".join((signal.detail, *(f"- {item}" for item in signal.evidence)))
        signal_rows.append(
            (
                signal.kind.value,
                _number(signal.value),
                _number(signal.strength),
                pdf.text_of(explanation),
            )
        )
    _table(
        pdf,
        ("Kind", "Value", "Strength", "Explanation and evidence"),
        signal_rows,
        (20, 18, 20, 122),
    )

    if match.notes:
        pdf.heading("Notes")
        for note in match.notes:
            pdf.paragraph(f"- {note}")
