"""The people pages: everyone registered, one person with their photos, handles, own accounts,
cases and the history of changes, and (for admins) the forms that register a person and change
one in place (``Service.edit_identity``: cases, matches and decisions stay with them)."""

from __future__ import annotations

import re
from collections import Counter

from starlette.responses import RedirectResponse, Response

from clonecheck.errors import ClonecheckError, InputError, PhotoError
from clonecheck.models import Case, Identity, Match, Profile, Verdict
from clonecheck.report.html import data_uri
from clonecheck.service import Service
from clonecheck.service.cases import CaseService
from clonecheck.service.identities import IdentityEdit
from clonecheck.service.users import Role
from clonecheck.store.identity_edits import IdentityChange
from clonecheck.web.context import Ctx
from clonecheck.web.security import action, page
from clonecheck.web.uploads import read_upload, uploaded_as

_NO_PROFILE = Profile(platform="registered", handle="(none)")


def _identity_thumbnails(service: Service, people: list[Identity]) -> dict[str, bytes]:
    """Thumbnails of registered photos. ``Service.thumbnails`` makes them from matches; a
    match whose best registered photo is each photo in turn asks for exactly those."""
    asked = [
        Match(p, _NO_PROFILE, 0.0, Verdict.NONE, (), identity_photo=photo.digest)
        for p in people
        for photo in p.photos
        if photo.digest
    ]
    return service.thumbnails(asked)


@page()
async def identities(ctx: Ctx) -> Response:
    """The people registered, with their photos and how many cases each has."""

    def load(service: Service) -> tuple[list[Identity], dict[str, bytes], Counter[str | None]]:
        people = service.identities()
        counts = Counter(c.identity_slug for c in CaseService(service).list_cases())
        return people, _identity_thumbnails(service, people), counts

    people, photos, counts = await ctx.call(load)
    return ctx.render(
        "identities.html.j2",
        title="Identities",
        people=people,
        photos=_uris(photos),
        counts=counts,
    )


@page()
async def identity(ctx: Ctx) -> Response:
    """One registered person: handles, own accounts, photos, their cases and the history of
    changes; an admin also gets the forms that change them."""
    return await identity_response(ctx, ctx.request.path_params["slug"])


def _uris(photos: dict[str, bytes]) -> dict[str, str]:
    return {digest: uri for digest, data in photos.items() if (uri := data_uri(data))}


def _list(text: str) -> list[str]:
    """Handles or accounts typed in one field: separated by commas, spaces or lines."""
    return [item for item in re.split(r"[\s,]+", text) if item]


@page(Role.ADMIN)
async def identity_new(ctx: Ctx) -> Response:
    """The form that registers a person."""
    return ctx.render("identity_new.html.j2", title="Register a person", sent=None)


@action(Role.ADMIN)
async def identity_register(ctx: Ctx) -> Response:
    """Register a person from the form: name, handles, own accounts, bio and a photo that
    shows their face (as ``clonecheck register``)."""
    try:
        photo = await read_upload(ctx)
        person = await ctx.call(
            lambda service: service.register(
                ctx.field("name"),
                handles=_list(ctx.field("handles")),
                photos=[str(photo)] if photo else [],
                own=_list(ctx.field("own")),
                bio=ctx.field("bio"),
                slug=ctx.field("slug") or None,
                photo_names=uploaded_as(ctx, photo) if photo else None,
            )
        )
    except PhotoError as failure:
        return _register_refused(ctx, f"photo: {failure.reason}")
    except ClonecheckError as failure:
        return _register_refused(ctx, str(failure))
    ctx.flash(f"Registered {person.name} ({person.slug}).")
    return RedirectResponse(f"/identities/{person.slug}", status_code=303)


def _register_refused(ctx: Ctx, error: str) -> Response:
    return ctx.render(
        "identity_new.html.j2", status=400, title="Register a person", error=error, sent=ctx.form
    )


async def identity_response(
    ctx: Ctx, slug: str, *, status: int = 200, error: str | None = None
) -> Response:
    def load(
        service: Service,
    ) -> tuple[Identity, dict[str, bytes], list[Case], list[IdentityChange]]:
        person = service.identity(slug)
        cases = [c for c in CaseService(service).list_cases() if c.identity_slug == person.slug]
        history = service.identity_history(person.slug)
        return person, _identity_thumbnails(service, [person]), cases, history

    person, photos, cases, history = await ctx.call(load)
    return ctx.render(
        "identity.html.j2",
        status=status,
        error=error,
        title=person.name,
        person=person,
        photos=_uris(photos),
        cases=cases,
        history=history,
        can_edit=ctx.user.role.allows(Role.ADMIN),
        can_discover=ctx.user.role.allows(Role.AGENT),
    )


@action(Role.ADMIN)
async def identity_edit(ctx: Ctx) -> Response:
    """Change a person in place from one of the page's forms: name and bio, a handle or an
    own account added or removed, a photo uploaded or removed. Logged with the admin's name."""
    slug: str = ctx.request.path_params["slug"]
    actor = ctx.user.username
    try:
        photo = await read_upload(ctx)
        edit = IdentityEdit(
            name=ctx.field("name") or None,
            bio=ctx.field("bio") if ctx.form is not None and "bio" in ctx.form else None,
            add_handles=_list(ctx.field("add_handle")),
            remove_handles=_list(ctx.field("remove_handle")),
            add_photos=[str(photo)] if photo else [],
            remove_photos=[ctx.field("remove_photo")] if ctx.field("remove_photo") else [],
            add_own=_list(ctx.field("add_own")),
            remove_own=_list(ctx.field("remove_own")),
            photo_names=uploaded_as(ctx, photo) if photo else {},
        )
        if edit.is_empty():
            raise InputError("nothing to change: fill in one of the fields, or choose a photo")
        person, changes = await ctx.call(
            lambda service: service.edit_identity(slug, edit, actor=actor)
        )
    except PhotoError as failure:
        return await identity_response(ctx, slug, status=400, error=f"photo: {failure.reason}")
    except ClonecheckError as failure:
        return await identity_response(ctx, slug, status=400, error=str(failure))
    ctx.flash(f"{person.name}: " + ("; ".join(changes) or "nothing changed") + ".")
    return RedirectResponse(f"/identities/{person.slug}", status_code=303)
