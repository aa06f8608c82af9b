"""Registering the people to protect: their name, handles, own accounts and face photos; one
at a time, or a support team's whole list at once (``register_many``, ``read_people``)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from clonecheck.errors import InputError, PhotoError
from clonecheck.models import FaceStatus, Identity, Photo
from clonecheck.service.helpers import make_slug, parse_account
from clonecheck.service.photos import PhotoAnalyser


@dataclass(frozen=True, slots=True)
class Person:
    """One person to register, as a file of people lists them."""

    name: str
    handles: tuple[str, ...] = ()
    photos: tuple[str, ...] = ()
    own: tuple[str, ...] = ()
    bio: str = ""
    slug: str | None = None


def register(
    photos: PhotoAnalyser,
    name: str,
    *,
    handles: Sequence[str] = (),
    sources: Sequence[str] = (),
    own: Sequence[str] = (),
    bio: str = "",
    slug: str | None = None,
    photo_names: Mapping[str, str] | None = None,
) -> Identity:
    """Register a person. Every photo (``sources``) must be readable and show a face, or
    nothing is stored. ``photo_names`` is what to record as a photo's source instead of where
    it is read from (the web app's uploads: a temporary path, kept as who uploaded which file)."""
    person = Person(name, tuple(handles), tuple(sources), tuple(own), bio, slug)
    (identity,) = register_many(photos, [person], photo_names=photo_names)
    return identity


def register_many(
    photos: PhotoAnalyser,
    people: Iterable[Person],
    *,
    photo_names: Mapping[str, str] | None = None,
) -> list[Identity]:
    """Register many people at once, all or none: every one is checked first (a name, unique
    slugs and handles, photos readable and showing a face), then all are stored in one
    transaction. The photo fetcher is opened only when someone has photos."""
    wanted = list(people)
    prepared = [_prepare(person) for person in wanted]
    fetched: list[list[tuple[str, bytes]]] = [[] for _ in wanted]
    if any(person.photos for person in wanted):
        with photos.fetcher() as fetcher:
            for position, person in enumerate(wanted):
                fetched[position] = [(s, fetcher.fetch(s).data) for s in person.photos]
    store = photos.store
    identities: list[Identity] = []
    with store.transaction():
        for identity, analysed in zip(prepared, fetched, strict=True):
            registered: list[Photo] = []
            for source, data in analysed:
                features = photos.analyse_and_save(source, data, registered=True)
                if features.face_status is not FaceStatus.FOUND:
                    raise PhotoError(
                        source,
                        f"{features.face_status.value}: a registered photo must show the "
                        "person's face clearly; choose another photo",
                    )
                named = (photo_names or {}).get(source, source)
                registered.append(Photo(source=named, digest=features.digest))
            if registered:
                # a photo already stored as some profile's photo has no crop hashes yet
                photos.ensure_crops([photo.digest for photo in registered if photo.digest])
            identities.append(
                Identity(
                    slug=identity.slug,
                    name=identity.name,
                    handles=identity.handles,
                    photos=tuple(registered),
                    own_accounts=identity.own_accounts,
                    bio=identity.bio,
                )
            )
        store.add_identities(identities)
    return identities


def _prepare(person: Person) -> Identity:
    """The identity a person becomes (photos not yet read), or the input error."""
    if not person.name.strip():
        raise InputError('a name is required: clonecheck register "Full Name" ...')
    clean_handles = tuple(dict.fromkeys(h.strip().lstrip("@") for h in person.handles if h.strip()))
    own_accounts = tuple(parse_account(text) for text in person.own)
    return Identity(
        slug=person.slug or make_slug(clean_handles[0] if clean_handles else person.name),
        name=person.name.strip(),
        handles=clean_handles,
        own_accounts=own_accounts,
        bio=person.bio.strip(),
    )


def read_people(path: Path) -> list[Person]:
    """The people listed in a CSV file (a header row with ``name`` and any of ``handles``,
    ``photos``, ``own``, ``bio``, ``slug``; several values in one cell separated by spaces)
    or a JSON Lines file (one object a line, the same keys, lists or space-separated text)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the people file {path}: {error}") from None
    rows = list(
        _json_rows(path, text)
        if path.suffix.lower() in {".jsonl", ".ndjson"}
        else _csv_rows(path, text)
    )
    people = []
    for line, row in rows:
        name = row.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"{path}, line {line}: no name; every person needs one")
        slug = row.get("slug")
        people.append(
            Person(
                name=name,
                handles=_values(row.get("handles", row.get("handle"))),
                photos=_values(row.get("photos", row.get("photo"))),
                own=_values(row.get("own")),
                bio=str(row.get("bio") or ""),
                slug=str(slug) if slug else None,
            )
        )
    return people


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, object]]]:
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or "name" not in reader.fieldnames:
        raise InputError(f"{path}: the first row must name the columns, with at least `name`")
    for line, row in enumerate(reader, start=2):
        yield line, {k: v for k, v in row.items() if k is not None}


def _json_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, object]]]:
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except (ValueError, RecursionError):
            raise InputError(f"{path}, line {line}: not a JSON object") from None
        if not isinstance(row, dict):
            raise InputError(f"{path}, line {line}: not a JSON object")
        yield line, row


def _values(value: object) -> tuple[str, ...]:
    """A cell or JSON value as a list of strings: a list, or text separated by spaces."""
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value if str(v).strip())
    return tuple(str(value).split())
