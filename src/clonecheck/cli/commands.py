"""The ``clonecheck`` command: every command group registered on one typer app, and the
edge where a user's error becomes one line and exit code 2."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from clonecheck.cli import (
    cases,
    common,
    data,
    demo,
    discover,
    helptext,
    identities,
    serve,
    users,
    values,
)
from clonecheck.errors import ClonecheckError


class _Commands(TyperGroup):
    """The top-level group: errors a user can cause become one line and exit code 2, here,
    once, whether the app runs from the console script or from typer's test runner. Its
    commands get plain metavars (``helptext``) and convert plain values without pydantic
    (``values``: start-up time)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        helptext.plain_help(self)
        values.plain_values(self)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ClonecheckError as error:
            common.err_console().print(f"Error: {error}", markup=False, highlight=False)
            raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    name="clonecheck",
    cls=_Commands,
    help=(
        "Find accounts that impersonate registered people: photo hashes, face embeddings, "
        "and name/handle look-alikes.\n\nExit codes: 0 nothing suspicious, 1 likely clones "
        "found, 2 usage or input error."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.callback()(common.global_options)
app.command("demo")(demo.demo)
app.command("register")(identities.register)
app.add_typer(identities.app, name="identities")
app.command("import")(data.import_)
app.command("scan")(data.scan)
app.command("check")(data.check)
app.command("discover")(discover.discover)
app.command("variants")(discover.variants)
app.command("find")(discover.find)
app.add_typer(discover.crawl_app, name="crawl")
app.command("watch")(discover.watch)
app.add_typer(cases.app, name="cases")
app.add_typer(users.app, name="users")
app.command("serve")(serve.serve)


def main() -> None:
    """Entry point of the ``clonecheck`` console script."""
    app()
