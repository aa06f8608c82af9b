"""The evidence pack of one impersonation case: one self-contained HTML page to attach to a
platform's impersonation form or keep with the case.

It reuses the HTML report's machinery (``clonecheck.report.html``): the same escaping, the same
``data:`` URI thumbnails, the same match view, and no script, font, stylesheet or image from
anywhere. On top of the match it shows the case (number, state, when it was opened, the
evidence digest) and the decision. The pack goes to a platform, so by default it holds the
evidence and the decision only; ``internal`` adds what stays with the team: the assignee and
the full history (who changed what, when and why, with their notes).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TextIO

from clonecheck.models import Case, CaseState
from clonecheck.report.html import _environment, _view
from clonecheck.report.interface import utc_timestamp


def decision(case: Case) -> str:
    """The case's decision for the platform: its state and when it was reached, no names."""
    if case.state is CaseState.OPEN:
        return "not decided yet"
    reached = next((e.at for e in reversed(case.events) if e.to_state is case.state), "")
    return f"{case.state.value} ({reached})" if reached else case.state.value


def render_case_pack(
    case: Case,
    photos: Mapping[str, bytes],
    out: TextIO,
    *,
    generated_at: datetime,
    tool_version: str,
    internal: bool = False,
) -> None:
    """Write the case's evidence pack; ``photos`` maps photo digests to JPEG thumbnails.
    ``internal`` adds the assignee and the history."""
    template = _environment().get_template("case.html.j2")
    out.write(
        template.render(
            title=f"clonecheck case #{case.id}",
            generated_at=utc_timestamp(generated_at),
            tool_version=tool_version,
            case=case,
            decision=decision(case),
            internal=internal,
            m=_view(1, case.match, photos) if case.match is not None else None,
        )
    )
