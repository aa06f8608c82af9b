"""``users``: the team members who may sign in to the web app (``clonecheck serve``), and their
roles. Passwords are asked twice without echo, or read from standard input for scripts
(``--password-stdin``); only their argon2 hash is stored."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from clonecheck.cli.common import err_console, open_service
from clonecheck.errors import InputError
from clonecheck.report.table import make_console

if TYPE_CHECKING:
    from clonecheck.service import Service
    from clonecheck.service.users import UserService

app = typer.Typer(
    help=(
        "Team members of the web app (clonecheck serve): add, list, change role or password, "
        "disable, remove. Roles: viewer (reads), agent (handles cases), admin (also sees users)."
    ),
    no_args_is_help=False,
)

Username = Annotated[str, typer.Argument(help="The team member's username, e.g. ana.")]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input (for scripts).",
    ),
]
ROLE_HELP = "viewer (reads), agent (handles cases) or admin (also sees the team members)."


def _users(service: Service) -> UserService:
    """The team use cases over ``service``, imported when a command runs, not for ``--help``."""
    from clonecheck.service.users import UserService

    return UserService(service)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InputError("--password-stdin: standard input is empty; send the password")
        return line.removesuffix("\n").removesuffix("\r")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@app.callback(invoke_without_command=True)
def users(ctx: typer.Context) -> None:
    """List the team members (default), or add, change and remove them."""
    if ctx.invoked_subcommand is None:
        list_(ctx)


@app.command("add")
def add(
    ctx: typer.Context,
    username: Username,
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)] = "viewer",
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a team member with a role; the password is asked twice, or read with --password-stdin."""
    with open_service(ctx) as service:
        users = _users(service)
        if users.find(username) is not None:
            raise InputError(f"user {username!r} already exists; see `clonecheck users list`")
        user = users.add(username, _password(password_stdin), role)
    err_console().print(f"Added {user.username} as {user.role.value}.", markup=False)


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List the team members with their roles."""
    with open_service(ctx) as service:
        found = _users(service).list_users()
    if not found:
        err_console().print(
            "No team members yet: add one with `clonecheck users add NAME --role admin`.",
            markup=False,
        )
        return
    table = Table("user", "role", "status", "added (UTC)")
    for user in found:
        table.add_row(
            user.username,
            user.role.value,
            "disabled" if user.disabled else "active",
            user.created_at.removesuffix("+00:00"),
        )
    make_console(sys.stdout).print(table)


@app.command("role")
def role(
    ctx: typer.Context,
    username: Username,
    new_role: Annotated[str, typer.Argument(metavar="ROLE", help=ROLE_HELP)],
) -> None:
    """Change a team member's role; it applies from their next request."""
    with open_service(ctx) as service:
        user = _users(service).set_role(username, new_role)
    err_console().print(f"{user.username} is now {user.role.value}.", markup=False)


@app.command("passwd")
def passwd(ctx: typer.Context, username: Username, password_stdin: PasswordStdin = False) -> None:
    """Set a new password for a team member; their other sessions end."""
    with open_service(ctx) as service:
        users = _users(service)
        users.get(username)
        user = users.set_password(username, _password(password_stdin))
    err_console().print(f"Password of {user.username} changed.", markup=False)


@app.command("disable")
def disable(ctx: typer.Context, username: Username) -> None:
    """Disable a team member: they cannot sign in, and their sessions end."""
    with open_service(ctx) as service:
        user = _users(service).set_disabled(username, True)
    err_console().print(f"{user.username} is disabled.", markup=False)


@app.command("enable")
def enable(ctx: typer.Context, username: Username) -> None:
    """Enable a disabled team member again."""
    with open_service(ctx) as service:
        user = _users(service).set_disabled(username, False)
    err_console().print(f"{user.username} is enabled.", markup=False)


@app.command("remove")
def remove(ctx: typer.Context, username: Username) -> None:
    """Remove a team member; their name stays in the case histories."""
    with open_service(ctx) as service:
        user = _users(service).remove(username)
    err_console().print(f"Removed {user.username}.", markup=False)
