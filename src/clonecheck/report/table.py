"""``--format table``: a table for people at a terminal (rich).

One row per match, highest score first: score (2 decimals), verdict, identity (name, then the
slug), profile (platform and @handle, the display name, the profile key that ``cases open
--from-scan`` takes, and the team's case on the pair or "no case yet") and the reasons in plain
words:
each sentence of ``Match.reasons``, followed for name and handle signals by their named edits
("look-alike: I for l"), one per line, then the notes. Above the table, a header line with the
title. Without matches the table is replaced by one line, "No suspicious profiles among N
profiles checked against M identities.".

Colour and the terminal's width are used only when ``out`` is a terminal; otherwise the output
is plain text 120 columns wide. Text from profiles is never read as rich markup.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from clonecheck.models import Match, Verdict
from clonecheck.report.interface import EDIT_KINDS, ReportContext, case_of, ordered, plural

#: width of the table when the output is not a terminal
PLAIN_WIDTH = 120

_VERDICT_STYLE = {
    Verdict.LIKELY_CLONE: "bold red",
    Verdict.POSSIBLE: "yellow",
    Verdict.NONE: "dim",
}


def _is_tty(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def make_console(out: TextIO) -> Console:
    """A console on ``out``: the terminal's width and colours on a tty, else plain 120 wide."""
    if _is_tty(out):
        try:
            width: int | None = os.get_terminal_size(out.fileno()).columns
        except (AttributeError, ValueError, OSError):
            width = None
        return Console(file=out, width=width, highlight=False, emoji=False, markup=False)
    return Console(
        file=out,
        width=PLAIN_WIDTH,
        force_terminal=False,
        force_jupyter=False,
        force_interactive=False,
        color_system=None,
        no_color=True,
        legacy_windows=False,
        highlight=False,
        emoji=False,
        markup=False,
    )


def reason_lines(match: Match) -> list[tuple[str, str]]:
    """(bullet, text) lines: the match's reasons, each followed by the named edits of its name
    or handle signal, indented."""
    edits: dict[str, tuple[str, ...]] = {}
    for signal in match.signals:
        if signal.kind in EDIT_KINDS and signal.strength > 0 and signal.evidence:
            edits.setdefault(signal.detail, signal.evidence)
    lines: list[tuple[str, str]] = []
    for reason in match.reasons:
        lines.append(("-", reason))
        lines.extend(("", f"  {edit}") for edit in edits.pop(reason, ()))
    return lines


def _reasons_cell(match: Match) -> Table:
    """The reasons as a grid, so that a wrapped sentence stays indented under its bullet."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for bullet, text in reason_lines(match):
        grid.add_row(Text(bullet), Text(text))
    return grid


class TableRenderer:
    """Renders matches as a rich table."""

    def render(self, matches: Sequence[Match], context: ReportContext, out: TextIO) -> None:
        console = make_console(out)
        if console.is_terminal:
            self._print(console, matches, context)
            return
        # Plain text: rich pads every line to the full width; drop the padding.
        with console.capture() as capture:
            self._print(console, matches, context)
        out.write("".join(f"{line.rstrip()}\n" for line in capture.get().splitlines()))

    def _print(self, console: Console, matches: Sequence[Match], context: ReportContext) -> None:
        console.print(Text(context.title, style="bold"))
        if not matches:
            console.print(
                Text(
                    f"No suspicious profiles among "
                    f"{plural(context.scanned_profiles, 'profile', 'profiles')} checked against "
                    f"{plural(context.scanned_identities, 'identity', 'identities')}."
                )
            )
            return
        table = Table(
            box=box.SIMPLE_HEAD, show_lines=True, show_edge=False, expand=True, pad_edge=False
        )
        table.add_column("Score", justify="right", no_wrap=True)
        table.add_column("Verdict", no_wrap=True)
        table.add_column("Identity", max_width=24)
        table.add_column("Profile", max_width=32)
        table.add_column("Reasons", ratio=1, min_width=30)
        for match in ordered(matches):
            profile = match.profile
            profile_lines = [f"{profile.platform} @{profile.handle}"]
            if profile.name:
                profile_lines.append(profile.name)
            # the key `cases open --from-scan` takes, and the team's case on the pair
            profile_lines.append(f"key {profile.key}")
            case = case_of(context, match)
            profile_lines.append(f"case #{case.id}: {case.state}" if case else "no case yet")
            table.add_row(
                Text(f"{match.score:.2f}"),
                Text(match.verdict.value, style=_VERDICT_STYLE[match.verdict]),
                Text(f"{match.identity.name}\n({match.identity.slug})"),
                Text("\n".join(profile_lines)),
                _reasons_cell(match),
            )
        console.print(table)
