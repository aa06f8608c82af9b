"""``register`` and ``identities list|show|edit|remove``: the people clonecheck protects."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from clonecheck.cli.common import ActorOption, actor_name, err_console, open_service, working
from clonecheck.errors import InputError
from clonecheck.models import Identity
from clonecheck.report.table import make_console

app = typer.Typer(help="List, show, edit and remove registered identities.", no_args_is_help=False)


def register(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            help='The person\'s display name, e.g. "Ada Lovelace" (or --from-file).',
            show_default=False,
        ),
    ] = None,
    handle: Annotated[
        list[str] | None, typer.Option("--handle", help="A handle the person uses (repeatable).")
    ] = None,
    photo: Annotated[
        list[str] | None,
        typer.Option("--photo", help="A photo of the person: path or URL (repeatable)."),
    ] = None,
    own: Annotated[
        list[str] | None,
        typer.Option(
            "--own",
            metavar="PLATFORM:HANDLE",
            help="An account that really is theirs and is never reported (repeatable).",
        ),
    ] = None,
    bio: Annotated[str, typer.Option("--bio", help="Their usual bio, to spot copied bios.")] = "",
    slug: Annotated[
        str | None, typer.Option("--slug", help="Key for the identity (default: first handle).")
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from-file",
            metavar="FILE",
            help="Register everyone a CSV file (columns name, handles, photos, own, bio, "
            "slug) or JSON Lines file (.jsonl) lists, all or none, instead of one person.",
        ),
    ] = None,
) -> None:
    """Register a person: name, handles, photos and the accounts that are really theirs; or
    everyone a file lists (--from-file)."""
    if from_file is not None:
        if name is not None:
            raise InputError(
                f"give a name or --from-file, not both: {name!r} would be registered besides "
                f"the people of {from_file}"
            )
        one = [o for o, v in (("--handle", handle), ("--photo", photo), ("--own", own),
                              ("--bio", bio), ("--slug", slug)) if v]  # fmt: skip
        if one:
            from clonecheck.service.registration import COLUMNS

            raise InputError(
                f"with --from-file each person's details are the file's columns "
                f"({', '.join(COLUMNS)}): leave out {', '.join(one)}"
            )
        _register_file(ctx, from_file)
        return
    if name is None:
        raise InputError(
            'a name is required: clonecheck register "Full Name" --handle ... (or '
            "--from-file people.csv for a list of people)"
        )
    with (
        open_service(ctx) as service,
        working(f"Registering {name}: reading {len(photo or [])} photo(s), finding the face"),
    ):
        identity = service.register(
            name, handles=handle or [], photos=photo or [], own=own or [], bio=bio, slug=slug
        )
    err_console().print(
        f"Registered {identity.name} as {identity.slug!r}: {len(identity.handles)} handle(s), "
        f"{len(identity.photos)} photo(s), {len(identity.own_accounts)} own account(s)."
    )


def _register_file(ctx: typer.Context, path: Path) -> None:
    """``register --from-file``: everyone in the file, all or none, with a progress bar while
    the photos are read and their faces found."""
    with open_service(ctx) as service:
        people = service.register_file(path)
    err_console().print(
        f"Registered {len(people):,} {'person' if len(people) == 1 else 'people'} from {path}: "
        f"{sum(len(p.handles) for p in people):,} handle(s), "
        f"{sum(len(p.photos) for p in people):,} photo(s), "
        f"{sum(len(p.own_accounts) for p in people):,} own account(s)."
    )


@app.callback(invoke_without_command=True)
def identities(ctx: typer.Context) -> None:
    """List registered identities (default), or show, edit or remove one."""
    if ctx.invoked_subcommand is None:
        list_(ctx)


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List registered identities."""
    with open_service(ctx) as service:
        people = service.identities()
    if not people:
        err_console().print("No identities registered yet: use `clonecheck register`.")
        return
    table = Table("slug", "name", "handles", "photos", "own accounts")
    for person in people:
        table.add_row(
            person.slug,
            person.name,
            ", ".join(f"@{h}" for h in person.handles),
            str(len(person.photos)),
            ", ".join(str(a) for a in person.own_accounts),
        )
    make_console(sys.stdout).print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="Identity key or one of its handles.")],
) -> None:
    """Show one identity with its handles, photos and own accounts."""
    with open_service(ctx) as service:
        person = service.identity(slug)
        history = service.identity_history(person.slug)
    _print_identity(person)
    console = make_console(sys.stdout)
    console.soft_wrap = True
    for change in history:
        console.print(
            f"changed {change.at.removesuffix('+00:00')} by {change.actor}: {change.change}"
        )


@app.command("edit")
def edit(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="Identity key or one of its handles.")],
    name: Annotated[str | None, typer.Option("--name", help="A new display name.")] = None,
    bio: Annotated[str | None, typer.Option("--bio", help="A new usual bio.")] = None,
    add_handle: Annotated[
        list[str] | None, typer.Option("--add-handle", help="A handle to add (repeatable).")
    ] = None,
    remove_handle: Annotated[
        list[str] | None,
        typer.Option("--remove-handle", help="A handle to remove (repeatable)."),
    ] = None,
    add_photo: Annotated[
        list[str] | None,
        typer.Option("--add-photo", help="A photo to add: path or URL (repeatable)."),
    ] = None,
    remove_photo: Annotated[
        list[str] | None,
        typer.Option(
            "--remove-photo",
            metavar="SOURCE|SHA256",
            help="A photo to remove, by its source or sha256 digest (repeatable).",
        ),
    ] = None,
    add_own: Annotated[
        list[str] | None,
        typer.Option(
            "--add-own", metavar="PLATFORM:HANDLE", help="An own account to add (repeatable)."
        ),
    ] = None,
    remove_own: Annotated[
        list[str] | None,
        typer.Option(
            "--remove-own",
            metavar="PLATFORM:HANDLE",
            help="An own account to remove (repeatable).",
        ),
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Change a registered identity in place: name, bio, handles, photos, own accounts; its
    cases and scan results stay with it, and each change is logged."""
    from clonecheck.service.identities import IdentityEdit

    change = IdentityEdit(
        name=name,
        bio=bio,
        add_handles=add_handle or (),
        remove_handles=remove_handle or (),
        add_photos=add_photo or (),
        remove_photos=remove_photo or (),
        add_own=add_own or (),
        remove_own=remove_own or (),
    )
    with open_service(ctx) as service, working(f"Changing {slug}"):
        person, log = service.edit_identity(slug, change, actor=actor_name(actor))
    console = err_console()
    for line in log:
        console.print(f"{person.slug}: {line}")
    if not log:
        console.print(f"{person.slug}: nothing changed (already as asked).")


@app.command("remove")
def remove(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="Identity key or one of its handles.")],
) -> None:
    """Erase a person: the identity, their scan results, their own accounts' crawled profiles
    and unused photos; their cases keep the reported account as evidence, without them."""
    with open_service(ctx) as service:
        erased = service.remove_identity(slug)
    person = erased.identity
    console = err_console()
    console.print(f"Removed {person.name} ({person.slug}):")
    for line in erased.removed:
        console.print(f"  removed {line}")
    for line in erased.kept:
        console.print(f"  kept {line}")
    if erased.wiped:
        how = "zeroed (secure_delete)" if erased.wiped == "secure_delete" else "gone (VACUUM)"
        console.print(f"  the deleted data is {how} in {service.store.path}")
    if erased.log_busy:
        console.print(
            "  another program has the database open: the old copies in its write-ahead log "
            "are overwritten once it closes"
        )


def _print_identity(person: Identity) -> None:
    console = make_console(sys.stdout)
    console.soft_wrap = True
    console.print(Text.assemble((person.name, "bold"), f" ({person.slug})"))
    console.print(f"handles: {', '.join('@' + h for h in person.handles) or '-'}", markup=False)
    console.print(f"own accounts: {', '.join(map(str, person.own_accounts)) or '-'}", markup=False)
    if person.bio:
        console.print(f"bio: {person.bio}", markup=False)
    for photo in person.photos:
        console.print(f"photo: {photo.source} (sha256 {photo.digest})", markup=False)
