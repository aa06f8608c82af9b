"""The report formats of ``--format`` and the renderer behind each name.

The registry lives here, not in ``interface.py``: every renderer imports ``interface`` for
``ReportContext`` and the shared helpers, so a registry there would import its own importers
back. Nothing under ``report`` imports this module; the CLI does.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, assert_never

if TYPE_CHECKING:
    from clonecheck.report.interface import Renderer


class OutputFormat(enum.StrEnum):
    """The report formats of ``--format``."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    HTML = "html"

    def to_renderer(self) -> Renderer:
        """A new renderer for this format; each is imported only when chosen (the HTML one
        loads jinja2), so a command line that merely names ``--format`` starts fast."""
        match self:
            case OutputFormat.TABLE:
                from clonecheck.report.table import TableRenderer

                return TableRenderer()
            case OutputFormat.JSON:
                from clonecheck.report.jsonfmt import JsonRenderer

                return JsonRenderer()
            case OutputFormat.CSV:
                from clonecheck.report.csvfmt import CsvRenderer

                return CsvRenderer()
            case OutputFormat.HTML:
                from clonecheck.report.html import HtmlRenderer

                return HtmlRenderer()
            case _:  # pragma: no cover - exhaustive
                assert_never(self)
