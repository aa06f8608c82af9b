"""Options and helpers shared by every command: the database, settings, progress, output."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from clonecheck.config import Config, load_config, parse_overrides

if TYPE_CHECKING:  # imported when a command runs: `--help` needs neither the store nor numpy
    from rich.progress import Progress

    from clonecheck.service import Service

DB_ENV = "CLONECHECK_DB"
CONFIG_ENV = "CLONECHECK_CONFIG"
DEFAULT_DB = "clonecheck.db"


@dataclass
class Settings:
    db: Path
    config_file: Path | None = None

    def config(self, overrides: list[str] | None = None) -> Config:
        """The settings of this run: defaults, the config file, then ``--set``."""
        return load_config(self.config_file, parse_overrides(overrides or []), Path.cwd())


def _print_version(value: bool) -> None:
    if value:
        from clonecheck import __version__

        print(f"clonecheck {__version__}")
        raise typer.Exit()


def global_options(
    ctx: typer.Context,
    db: Annotated[
        Path,
        typer.Option(
            "--db",
            envvar=DB_ENV,
            help=f"SQLite database to use (env {DB_ENV}).",
            show_default=True,
        ),
    ] = Path(DEFAULT_DB),
    config_file: Annotated[
        Path | None,
        typer.Option(
            "--config",
            envvar=CONFIG_ENV,
            metavar="FILE",
            help="Settings file (default: clonecheck.toml, or [tool.clonecheck] in "
            f"pyproject.toml, in the working directory; env {CONFIG_ENV}).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_print_version,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Find accounts that impersonate registered people."""
    ctx.obj = Settings(db=db, config_file=config_file)


def err_console() -> Console:
    """The console for messages on stderr. Names, handles and messages come from users and
    strangers: ``[official]`` or ``:id:`` in them is text, never rich markup or an emoji."""
    return Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)


@contextmanager
def working(message: str, console: Console | None = None) -> Iterator[None]:
    """A spinner with ``message`` on stderr while a slow step runs (fetching photos, the face
    model, writing a PDF), when stderr is a terminal; nothing when piped."""
    shown = console or err_console()
    if not shown.is_terminal:
        yield
        return
    with shown.status(Text(message), spinner="dots"):
        yield


class BarProgress:
    """A rich progress bar on stderr when it is a terminal; silent when piped. Made when a
    long step starts: every command gets one, and most never show it."""

    def __init__(self) -> None:
        self._bar: Progress | None = None
        self._task: object | None = None

    def start(self, label: str, total: int | None) -> None:
        if self._bar is None:
            self._bar = _progress_bar()
        self._bar.start()
        self._task = self._bar.add_task(label, total=total)

    def advance(self, amount: int = 1) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, amount)  # type: ignore[arg-type]

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.stop()
        self._task = None


def _progress_bar() -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = err_console()
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def actor_name(actor: str | None) -> str:
    """Who acts, for a log: ``--as``, else the OS user."""
    if actor is not None:
        return actor
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "unknown"


ActorOption = Annotated[
    str | None,
    typer.Option("--as", metavar="NAME", help="Who acts, for the log (default: the OS user)."),
]

#: the reported account's fields, the same for ``check`` and ``cases open``
ReportedName = Annotated[str, typer.Option("--name", help="The reported account's display name.")]
ReportedHandle = Annotated[str, typer.Option("--handle", help="The reported account's handle.")]
ReportedPhoto = Annotated[
    str | None, typer.Option("--photo", help="The reported account's photo: path or URL.")
]
ReportedBio = Annotated[str, typer.Option("--bio", help="The reported account's bio.")]
ReportedPlatform = Annotated[
    str, typer.Option("--platform", help="Platform of the reported account.")
]

SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="NAME=VALUE",
        help="Override a threshold or weight for this run (repeatable); see README.",
    ),
]


@contextmanager
def open_service(
    ctx: typer.Context,
    overrides: list[str] | None = None,
    *,
    allow_private: bool = False,
    offline: bool = False,
) -> Iterator[Service]:
    """The service over the database named by --db, closed when the command ends."""
    from clonecheck.service import Service
    from clonecheck.store import Store

    settings: Settings = ctx.obj
    config = settings.config(overrides)
    with Store.open(settings.db) as store:
        yield Service(
            store,
            config=config,
            progress=BarProgress(),
            allow_private=allow_private,
            offline=offline,
        )


def is_terminal() -> bool:
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
