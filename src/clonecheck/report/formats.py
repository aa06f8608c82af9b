"""The report formats of ``--format`` and the renderer behind each name.

The registry lives here, not in ``interface.py``: every renderer imports ``interface`` for
``ReportContext`` and the shared helpers, so a registry there would import its own importers
back. Nothing under ``report`` imports this module; the CLI does.
"""

from __future__ import annotations

import enum
from typing import assert_never

from clonecheck.report.csvfmt import CsvRenderer
from clonecheck.report.html import HtmlRenderer
from clonecheck.report.interface import Renderer
from clonecheck.report.jsonfmt import JsonRenderer
from clonecheck.report.table import TableRenderer


class OutputFormat(enum.StrEnum):
    """The report formats of ``--format``."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    HTML = "html"

    def to_renderer(self) -> Renderer:
        """A new renderer for this format."""
        match self:
            case OutputFormat.TABLE:
                return TableRenderer()
            case OutputFormat.JSON:
                return JsonRenderer()
            case OutputFormat.CSV:
                return CsvRenderer()
            case OutputFormat.HTML:
                return HtmlRenderer()
            case _:  # pragma: no cover - exhaustive
                assert_never(self)
