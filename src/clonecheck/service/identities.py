"""People change: another photo, a new handle, an account that is theirs. ``edit_identity``
changes a registered identity in place, so its cases, scan matches and decisions stay with it
(removing and registering again would lose them), and logs each change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clonecheck.errors import DuplicateError, InputError, PhotoError
from clonecheck.models import AccountRef, FaceStatus, Identity, Photo, normalize_handle
from clonecheck.service.helpers import parse_account
from clonecheck.service.photos import PhotoAnalyser
from clonecheck.store import identity_edits
from clonecheck.store.identity_edits import IdentityChange, RowChanges


@dataclass(frozen=True, slots=True)
class IdentityEdit:
    """What to change; each list may be empty. Photos are removed by source or digest."""

    name: str | None = None
    bio: str | None = None
    add_handles: Sequence[str] = ()
    remove_handles: Sequence[str] = ()
    add_photos: Sequence[str] = ()
    remove_photos: Sequence[str] = ()
    add_own: Sequence[str] = ()
    remove_own: Sequence[str] = ()
    #: what to record as an added photo's source instead of where it is read from (the web
    #: app's uploads: a temporary path, kept as who uploaded which file)
    photo_names: Mapping[str, str] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return (
            self.name is None
            and self.bio is None
            and not any(
                (
                    self.add_handles,
                    self.remove_handles,
                    self.add_photos,
                    self.remove_photos,
                    self.add_own,
                    self.remove_own,
                )
            )
        )


def _clean_handle(text: str) -> str:
    handle = text.strip().lstrip("@")
    if not handle:
        raise InputError(f"handle {text!r} is empty; give it without spaces, e.g. adalovelace")
    return handle


def _photo_to_remove(person: Identity, wanted: str) -> Photo:
    """The registered photo named by its source, its digest or a digest prefix (8+ chars)."""
    text = wanted.strip()
    found = [
        p
        for p in person.photos
        if text == p.source or (len(text) >= 8 and (p.digest or "").startswith(text.lower()))
    ]
    if len(found) != 1:
        known = "; ".join(f"{p.source} ({(p.digest or '')[:12]})" for p in person.photos) or "none"
        what = "matches several photos" if found else "is not a photo"
        raise InputError(
            f"{wanted!r} {what} of identity {person.slug!r}; its photos: {known} "
            "(name one by its source or its sha256 digest)"
        )
    return found[0]


def edit_identity(
    photos: PhotoAnalyser, slug: str, edit: IdentityEdit, *, actor: str
) -> tuple[Identity, list[str]]:
    """Apply ``edit`` to the identity ``slug`` (or one of its handles): the identity after,
    and one line per change, as logged. Every new photo must show a face, as at registration;
    nothing changes unless all of the edit can be made."""
    if edit.is_empty():
        raise InputError(
            "nothing to change: give --name, --bio, --add-handle, --remove-handle, "
            "--add-photo, --remove-photo, --add-own or --remove-own"
        )
    store = photos.store
    person = store.identity(slug)
    log: list[str] = []

    name = None
    if edit.name is not None:
        if not edit.name.strip():
            raise InputError("--name cannot be empty")
        if edit.name.strip() != person.name:
            name = edit.name.strip()
            log.append(f"name: {person.name!r} -> {name!r}")
    bio = None
    if edit.bio is not None and edit.bio.strip() != person.bio:
        bio = edit.bio.strip()
        log.append("bio changed")

    have = {normalize_handle(h): h for h in person.handles}
    removed_handles = []
    for text in edit.remove_handles:
        key = normalize_handle(_clean_handle(text))
        if key not in have:
            raise InputError(
                f"@{_clean_handle(text)} is not a handle of identity {person.slug!r}; its "
                f"handles: {', '.join('@' + h for h in person.handles) or 'none'}"
            )
        removed_handles.append(have.pop(key))
        log.append(f"handle removed: @{removed_handles[-1]}")
    added_handles = []
    for text in edit.add_handles:
        handle = _clean_handle(text)
        key = normalize_handle(handle)
        if key in have:
            continue
        owner = store.handle_owner(handle)
        if owner is not None and owner != person.slug:
            raise DuplicateError(
                f"handle {handle!r} is already registered to identity {owner!r}; "
                "each handle can belong to one identity"
            )
        have[key] = handle
        added_handles.append(handle)
        log.append(f"handle added: @{handle}")

    removed_photos = []
    for wanted in edit.remove_photos:
        photo = _photo_to_remove(person, wanted)
        if photo.digest and photo.digest not in removed_photos:
            removed_photos.append(photo.digest)
            log.append(f"photo removed: {photo.source} (sha256 {photo.digest})")

    mine = {a.key: a for a in person.own_accounts}
    removed_own: list[AccountRef] = []
    for text in edit.remove_own:
        account = parse_account(text)
        if account.key not in mine:
            raise InputError(
                f"{account} is not an own account of identity {person.slug!r}; its own "
                f"accounts: {', '.join(map(str, person.own_accounts)) or 'none'}"
            )
        removed_own.append(mine.pop(account.key))
        log.append(f"own account removed: {account}")
    added_own: list[AccountRef] = []
    for text in edit.add_own:
        account = parse_account(text)
        if account.key not in mine:
            mine[account.key] = account
            added_own.append(account)
            log.append(f"own account added: {account}")

    fetched: list[tuple[str, bytes]] = []
    if edit.add_photos:
        with photos.fetcher() as fetcher:
            fetched = [(source, fetcher.fetch(source).data) for source in edit.add_photos]
    added_photos: list[Photo] = []
    with store.transaction():
        kept = {p.digest for p in person.photos if p.digest not in removed_photos}
        for source, data in fetched:
            features = photos.analyse_and_save(source, data, registered=True)
            if features.face_status is not FaceStatus.FOUND:
                raise PhotoError(
                    source,
                    f"{features.face_status.value}: a registered photo must show the "
                    "person's face clearly; choose another photo",
                )
            if features.digest in kept:
                continue
            kept.add(features.digest)
            named = edit.photo_names.get(source, source)
            added_photos.append(Photo(source=named, digest=features.digest))
            log.append(f"photo added: {named} (sha256 {features.digest})")
        photos.ensure_crops([p.digest for p in added_photos if p.digest])
        identity_edits.apply_changes(
            store,
            person.slug,
            RowChanges(
                name=name,
                bio=bio,
                add_handles=added_handles,
                remove_handles=removed_handles,
                add_photos=added_photos,
                remove_photos=removed_photos,
                add_own=added_own,
                remove_own=removed_own,
            ),
            actor=actor,
            log=log,
        )
    return store.identity(person.slug), log


def identity_history(photos: PhotoAnalyser, slug: str) -> list[IdentityChange]:
    """The logged changes of an identity, oldest first."""
    person = photos.store.identity(slug)
    return identity_edits.changes(photos.store, person.slug)
