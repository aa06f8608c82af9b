"""The command line: a thin typer layer over ``clonecheck.service``.

Each command group lives in its own module and each handler is a few lines: parse options, call
one service method, render. Errors a user can cause are reported once, here at the edge, as one
line without a traceback and exit code 2.
"""

from clonecheck.cli.commands import app, main

__all__ = ["app", "main"]
