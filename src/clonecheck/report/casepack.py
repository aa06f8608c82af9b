"""The evidence pack of one impersonation case: one self-contained HTML page to attach to a
platform's impersonation form or keep with the case.

It reuses the HTML report's machinery (``clonecheck.report.html``): the same escaping, the same
``data:`` URI thumbnails, the same match view, and no script, font, stylesheet or image from
anywhere. On top of the match it shows the case (number, state, assignee, when it was opened,
the evidence digest) and its full history: who changed what, when, and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TextIO

from clonecheck.models import Case
from clonecheck.report.html import _environment, _view
from clonecheck.report.interface import utc_timestamp


def render_case_pack(
    case: Case,
    photos: Mapping[str, bytes],
    out: TextIO,
    *,
    generated_at: datetime,
    tool_version: str,
) -> None:
    """Write the case's evidence pack; ``photos`` maps photo digests to JPEG thumbnails."""
    template = _environment().get_template("case.html.j2")
    out.write(
        template.render(
            title=f"clonecheck case #{case.id}",
            generated_at=utc_timestamp(generated_at),
            tool_version=tool_version,
            case=case,
            m=_view(1, case.match, photos) if case.match is not None else None,
        )
    )
