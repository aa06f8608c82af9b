"""A case's evidence pack in the format asked for, as the bytes of one file: what the CLI
writes and the web app downloads, so both give the same file."""

from __future__ import annotations

import enum
import io
from collections.abc import Mapping
from datetime import datetime

from clonecheck.models import Case


class PackFormat(enum.StrEnum):
    """The formats of an evidence pack, with the file's media type."""

    HTML = "html"
    PDF = "pdf"

    @property
    def media_type(self) -> str:
        return "application/pdf" if self is PackFormat.PDF else "text/html; charset=utf-8"


def render_evidence(
    case: Case,
    photos: Mapping[str, bytes],
    pack_format: PackFormat,
    *,
    generated_at: datetime,
    tool_version: str,
    internal: bool = False,
) -> bytes:
    """The evidence pack as a file's bytes; ``photos`` maps photo digests to JPEG thumbnails.
    By default it is the pack for the platform (the evidence and the decision); ``internal``
    adds the assignee and the history with its names and notes."""
    if pack_format is PackFormat.PDF:
        # here, not at start-up: fpdf2 and fontTools cost seconds of CPU on every command
        from clonecheck.report.casepdf import render_case_pdf

        binary = io.BytesIO()
        render_case_pdf(
            case,
            photos,
            binary,
            generated_at=generated_at,
            tool_version=tool_version,
            internal=internal,
        )
        return binary.getvalue()
    from clonecheck.report.casepack import render_case_pack  # jinja2, only when a pack is made

    text = io.StringIO(newline="")
    render_case_pack(
        case,
        photos,
        text,
        generated_at=generated_at,
        tool_version=tool_version,
        internal=internal,
    )
    return text.getvalue().encode("utf-8")
