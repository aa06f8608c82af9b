"""``--format csv``: one row per match, for spreadsheets and scripts.

UTF-8, comma-separated, fields quoted only when needed (``csv.QUOTE_MINIMAL``), rows ended by
``\\n`` (``lineterminator="\\n"``; a file written by ``--output`` keeps it exactly). A header
row, then one row per match, highest score first. The columns, always all of them, in this
order:

1. ``score``: 0..1, rounded to 4 decimals
2. ``verdict``: ``likely clone``, ``possible`` or ``none``
3. ``identity_slug``: the registered person's slug
4. ``identity_name``: the registered person's name
5. ``platform``: the suspect profile's platform
6. ``handle``: its handle, without ``@``
7. ``name``: its display name
8. ``account_id``: its account id (empty when unknown)
9. ``profile_key``: its stable key (``platform:id:ID`` or ``platform:@handle``)
10. ``link``: its own page on the platform (empty when unknown)
11. ``photo_distance``: perceptual-hash distance to the closest registered photo, bits of 64
12. ``face_distance``: face-embedding distance to the closest registered face
13. ``name_similarity``: display-name similarity, 0..100
14. ``handle_similarity``: handle similarity, 0..100
15. ``bio_similarity``: bio similarity, 0..100
16. ``edits``: the named edits ("look-alike: I for l") of the name and handle signals that
    carried evidence
17. ``reasons``: the sentences of the signals that carried evidence, strongest first, then the
    notes
18. ``notes``: why the verdict was lowered (fan account, parody ...)
19. ``deception``: the look-alike tricks in the handle or name ("handle @adaIovelace reads as
    @adalovelace: I for l"), empty when none
20. ``account``: what the account's metadata says, in words ("created 2019-03-02, six years
    after the person's own account; 12 followers, follows 1,940; 3 posts"), empty when the
    source gave none
21. ``case_id``: the number of the team's case on this pair (the newest), empty when none
22. ``case_state``: that case's state (``open``, ``confirmed clone``, ``dismissed`` ...)

The five signal columns are empty when the match has no signal of that kind (with several, the
strongest counts). Numbers are rounded to 4 decimals and written in their shortest form
(``3``, ``0.3512``, ``97.14``). ``edits``, ``reasons`` and ``notes`` join their items with
`` | ``.

Against CSV formula injection (OWASP), a text cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is written with a ``'`` in front, so that a spreadsheet shows a
display name like ``=HYPERLINK(...)`` as text instead of running it.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from typing import TextIO

from clonecheck.models import Match, Signal, SignalKind
from clonecheck.report.interface import CaseMark, ReportContext, case_of, named_edits, ordered

COLUMNS: tuple[str, ...] = (
    "score",
    "verdict",
    "identity_slug",
    "identity_name",
    "platform",
    "handle",
    "name",
    "account_id",
    "profile_key",
    "link",
    "photo_distance",
    "face_distance",
    "name_similarity",
    "handle_similarity",
    "bio_similarity",
    "edits",
    "reasons",
    "notes",
    "deception",
    "account",
    "case_id",
    "case_state",
)

#: signal kind -> the column holding its value
SIGNAL_COLUMNS: dict[SignalKind, str] = {
    SignalKind.PHOTO: "photo_distance",
    SignalKind.FACE: "face_distance",
    SignalKind.NAME: "name_similarity",
    SignalKind.HANDLE: "handle_similarity",
    SignalKind.BIO: "bio_similarity",
}

#: first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

SEPARATOR = " | "


def safe_text(value: str) -> str:
    """The cell as a spreadsheet will show it as text: a formula-like start gets a ``'``."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def number(value: float) -> str:
    """Rounded to 4 decimals, shortest form: ``3``, ``0.3512``, ``97.14``."""
    if not math.isfinite(value):
        return str(value)
    rounded = round(value, 4)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.4f}".rstrip("0")


def _strongest(signals: Sequence[Signal], kind: SignalKind) -> Signal | None:
    found = [signal for signal in signals if signal.kind is kind]
    return max(found, key=lambda signal: signal.strength) if found else None


def match_row(match: Match, case: CaseMark | None = None) -> list[str]:
    """The cells of one match, in ``COLUMNS`` order; ``case``: the team's case on the pair."""
    identity, profile = match.identity, match.profile
    text = {
        "verdict": match.verdict.value,
        "identity_slug": identity.slug,
        "identity_name": identity.name,
        "platform": profile.platform,
        "handle": profile.handle,
        "name": profile.name,
        "account_id": profile.account_id or "",
        "profile_key": profile.key,
        "link": profile.link,
        "edits": SEPARATOR.join(named_edits(match)),
        "reasons": SEPARATOR.join(match.reasons),
        "notes": SEPARATOR.join(match.notes),
        "deception": SEPARATOR.join(
            item for s in match.signals if s.kind is SignalKind.DECEPTION for item in s.evidence
        ),
        "account": next((s.detail for s in match.signals if s.kind is SignalKind.ACCOUNT), ""),
        "case_state": case.state if case else "",
    }
    cells = {key: safe_text(value) for key, value in text.items()}
    cells["score"] = number(match.score)
    cells["case_id"] = str(case.id) if case else ""
    for kind, column in SIGNAL_COLUMNS.items():
        signal = _strongest(match.signals, kind)
        cells[column] = "" if signal is None else number(signal.value)
    return [cells[column] for column in COLUMNS]


class CsvRenderer:
    """Renders matches as CSV with the fixed ``COLUMNS``."""

    def render(self, matches: Sequence[Match], context: ReportContext, out: TextIO) -> None:
        # The csv module quotes a cell holding CR or LF only when both are in the line
        # terminator; so rows are written ending in CRLF and that ending made LF.
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        for row in (list(COLUMNS), *(match_row(m, case_of(context, m)) for m in ordered(matches))):
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(row)
            out.write(buffer.getvalue()[:-2] + "\n")
