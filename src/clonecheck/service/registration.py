"""Registering the people to protect: their name, handles, own accounts and face photos; one
at a time, or a support team's whole list at once (``register_file``: ``read_people`` then
``register_many``)."""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

from clonecheck.config import Config
from clonecheck.errors import DuplicateError, InputError, PhotoError
from clonecheck.features import faces as face_features
from clonecheck.features import imaging
from clonecheck.models import FaceStatus, Identity, Photo, PhotoFeatures, normalize_handle
from clonecheck.service.helpers import make_slug, parse_account
from clonecheck.service.photos import MIN_POOL_JOBS, PhotoAnalyser
from clonecheck.service.progress import Progress, SilentProgress

#: the columns (CSV) or keys (JSON Lines) of a file of people; ``handle`` and ``photo`` are
#: read as ``handles`` and ``photos``
COLUMNS = ("name", "handles", "photos", "own", "bio", "slug")
ALIASES = {"handle": "handles", "photo": "photos"}
#: a URL scheme at the start of a photo (``C:`` is a drive letter, not a scheme)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:")


@dataclass(frozen=True, slots=True)
class Person:
    """One person to register, as a file of people lists them."""

    name: str
    handles: tuple[str, ...] = ()
    photos: tuple[str, ...] = ()
    own: tuple[str, ...] = ()
    bio: str = ""
    slug: str | None = None
    #: where a file lists the person (``people.csv, line 4``), named by its errors
    where: str = ""


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


def register_file(photos: PhotoAnalyser, progress: Progress, path: Path) -> list[Identity]:
    """Register everyone a CSV or JSON Lines file lists (``read_people``), all or none
    (``register_many``); an error names the file and the line."""
    return register_many(photos, read_people(path), progress=progress)


def register_many(
    photos: PhotoAnalyser,
    people: Iterable[Person],
    *,
    photo_names: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> list[Identity]:
    """Register many people at once, all or none: every one is checked first (a name, unique
    slugs and handles, within the list and against those registered), then their photos are
    read (the photo fetcher is opened only when someone has photos) and must each show a face
    (the face model runs in worker processes when there are enough photos), and only then are
    all stored, in one short transaction. An error names the person's ``where``; ``progress``
    shows the photos read and analysed."""
    shown = progress or SilentProgress()
    wanted = list(people)
    prepared = [_prepare(person) for person in wanted]
    _refuse_duplicates(photos, wanted, prepared)
    fetched = _fetch_photos(photos, shown, wanted)
    analysed, new = _analyse_photos(photos, shown, fetched)
    identities: list[Identity] = []
    for person, identity, mine in zip(wanted, prepared, fetched, strict=True):
        registered: list[Photo] = []
        for source, _ in mine:
            features = analysed[source]
            if isinstance(features, str):
                raise _at(person, PhotoError(source, features))
            if features.face_status is not FaceStatus.FOUND:
                raise _at(
                    person,
                    PhotoError(
                        source,
                        f"{features.face_status.value}: a registered photo must show the "
                        "person's face clearly; choose another photo",
                    ),
                )
            named = (photo_names or {}).get(source, source)
            registered.append(Photo(source=named, digest=features.digest))
        identities.append(replace(identity, photos=tuple(registered)))
    store = photos.store
    with store.transaction():
        for features, data in new:
            store.save_photo(features, data)
            store.save_crops(features.digest, features.crops)
        # a photo already stored as some profile's photo has no crop hashes yet
        photos.ensure_crops([p.digest for i in identities for p in i.photos if p.digest])
        store.add_identities(identities)
    return identities


def _at(person: Person, error: InputError | DuplicateError) -> InputError | DuplicateError:
    """``error`` as the file's line says it: ``people.csv, line 4: ...`` (unchanged for a
    person registered on their own)."""
    if not person.where:
        return error
    if isinstance(error, PhotoError):  # its own message already names the photo
        return InputError(f"{person.where}: {error}")
    return type(error)(f"{person.where}: {error}")


def _refuse_duplicates(
    photos: PhotoAnalyser, people: Sequence[Person], prepared: Sequence[Identity]
) -> None:
    """A slug or handle given twice in the list, or already registered, is refused before any
    photo is read, naming the person's line (``store.add_identities`` checks again, inside
    its transaction)."""
    store = photos.store
    registered = set(store.identity_slugs())
    slugs: dict[str, Person] = {}
    handles: dict[str, Person] = {}
    for person, identity in zip(people, prepared, strict=True):
        if identity.slug in registered:
            raise _at(
                person,
                DuplicateError(
                    f"identity {identity.slug!r} is already registered; remove it first "
                    f"with `clonecheck identities remove {identity.slug}`"
                    + (", leave this person out, or give them another slug" if person.where else "")
                ),
            )
        for handle in identity.handles:
            key = normalize_handle(handle)
            earlier = handles.get(key)
            if earlier is not None:
                raise _at(
                    person,
                    DuplicateError(
                        f"handle {handle!r} is given twice, also on {_line(earlier)}; each "
                        "handle can belong to one identity"
                    ),
                )
            owner = store.handle_owner(handle)
            if owner is not None:
                raise _at(
                    person,
                    DuplicateError(
                        f"handle {handle!r} is already registered to identity {owner!r}; "
                        "each handle can belong to one identity"
                    ),
                )
            handles[key] = person
        earlier = slugs.get(identity.slug)
        if earlier is not None:
            made = "" if person.slug else " (made from the first handle, or the name)"
            raise _at(
                person,
                DuplicateError(
                    f"identity {identity.slug!r}{made} is given twice, also on "
                    f"{_line(earlier)}; give each person a slug of their own"
                ),
            )
        slugs[identity.slug] = person


def _line(person: Person) -> str:
    """``line 4`` of the ``where`` ``people.csv, line 4``."""
    return person.where.rsplit(", ", 1)[-1] if person.where else "an earlier person"


def _fetch_photos(
    photos: PhotoAnalyser, progress: Progress, people: Sequence[Person]
) -> list[list[tuple[str, bytes]]]:
    """Every person's photos as (source, bytes), fetched concurrently, each source once; the
    first unreadable one in the list's order is the error."""
    sources = list(dict.fromkeys(source for person in people for source in person.photos))
    if not sources:
        return [[] for _ in people]
    progress.start("Reading photos", len(sources))
    got: dict[str, bytes | PhotoError] = {}
    try:
        with photos.fetcher() as fetcher:
            for source, outcome in fetcher.fetch_many(sources):
                got[source] = outcome if isinstance(outcome, PhotoError) else outcome.data
                progress.advance()
    finally:
        progress.finish()
    fetched: list[list[tuple[str, bytes]]] = []
    for person in people:
        mine: list[tuple[str, bytes]] = []
        for source in person.photos:
            data = got[source]
            if isinstance(data, PhotoError):
                raise _at(person, data)
            mine.append((source, data))
        fetched.append(mine)
    return fetched


def _analyse_photos(
    photos: PhotoAnalyser, progress: Progress, fetched: Sequence[Sequence[tuple[str, bytes]]]
) -> tuple[dict[str, PhotoFeatures | str], list[tuple[PhotoFeatures, bytes]]]:
    """Every fetched photo's features by source, with its faces and crop hashes, or why it
    cannot be read: each content once, one already through the face model from the store,
    the others in worker processes when there are enough. Writes nothing (no write lock is
    held while the face model runs); also returns the new photos with their bytes, to store."""
    blobs = {source: data for mine in fetched for source, data in mine}
    digests = {source: imaging.content_digest(data) for source, data in blobs.items()}
    known = photos.store.photo_features(set(digests.values()))
    todo: dict[str, str] = {}  # digest -> one source with those bytes
    for source, digest in digests.items():
        stored = known.get(digest)
        if stored is None or stored.face_status is FaceStatus.NOT_COMPUTED:
            todo.setdefault(digest, source)
    found: dict[str, PhotoFeatures | str] = {d: f for d, f in known.items() if d not in todo}
    if todo:
        progress.start("Finding the face in each photo", len(todo))
        sources = list(todo.values())
        args = ([blobs[s] for s in sources], sources, [photos.config] * len(sources))
        try:
            with photos.pool() if len(todo) >= MIN_POOL_JOBS else nullcontext() as pool:
                results = (
                    map(_analyse_photo, *args)
                    if pool is None
                    else pool.map(_analyse_photo, *args, chunksize=2)
                )
                for digest, result in zip(todo, results, strict=True):
                    found[digest] = result
                    progress.advance()
        finally:
            progress.finish()
    new = [
        (features, blobs[source])
        for digest, source in todo.items()
        if not isinstance(features := found[digest], str)
    ]
    return {source: found[digest] for source, digest in digests.items()}, new


def _analyse_photo(data: bytes, source: str, config: Config) -> PhotoFeatures | str:
    """A photo to register: its hashes, faces and crop hashes, or the reason it cannot be
    read (as text: an error with its own arguments does not come back whole from a worker
    process)."""
    try:
        features, image = imaging.analyse(data, source, config)
    except PhotoError as error:
        return error.reason
    status, faces = face_features.detect_in_bytes(data, source, config)
    return replace(features, face_status=status, faces=faces, crops=imaging.crop_hashes(image))


def _prepare(person: Person) -> Identity:
    """The identity a person becomes (photos not yet read), or the input error."""
    if not person.name.strip():
        if person.where:
            raise InputError(f"{person.where}: no name; every person needs one")
        raise InputError('a name is required: clonecheck register "Full Name" ...')
    handles: dict[str, str] = {}  # one of each: @Ada and ada are the same handle
    for given in person.handles:
        if handle := given.strip().lstrip("@"):
            handles.setdefault(normalize_handle(handle), handle)
    clean_handles = tuple(handles.values())
    try:
        own = {account.key: account for account in map(parse_account, person.own)}
        slug = person.slug or make_slug(clean_handles[0] if clean_handles else person.name)
    except InputError as error:
        raise _at(person, error) from None
    return Identity(
        slug=slug,
        name=person.name.strip(),
        handles=clean_handles,
        own_accounts=tuple(own.values()),
        bio=person.bio.strip(),
    )


def read_people(path: Path) -> list[Person]:
    """The people listed in a CSV file (a header row with ``name`` and any of ``handles``,
    ``photos``, ``own``, ``bio``, ``slug``; several values in one cell separated by spaces)
    or a JSON Lines file (``.jsonl``, ``.ndjson``: one object a line, the same keys, lists or
    space-separated text). A photo's relative path is read from the file's folder.

    An unknown column or key is an error, not passed over: a misspelt ``handels`` would
    otherwise register everyone without their handles."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the people file {path}: {error}") from None
    json_lines = path.suffix.lower() in {".jsonl", ".ndjson"}
    rows = _json_rows(path, text) if json_lines else _csv_rows(path, text)
    people = []
    for line, row in rows:
        where = f"{path}, line {line}"
        name = row.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"{where}: no name; every person needs one")
        people.append(
            Person(
                name=name,
                handles=_values(where, "handles", row.get("handles")),
                photos=tuple(
                    _photo_path(path, photo)
                    for photo in _values(where, "photos", row.get("photos"))
                ),
                own=_values(where, "own", row.get("own")),
                bio=_text(where, "bio", row.get("bio")),
                slug=_text(where, "slug", row.get("slug")) or None,
                where=where,
            )
        )
    if not people:
        raise InputError(
            f"{path}: nobody is listed; "
            + ("one JSON object a line" if json_lines else "a header row, then one person a row")
            + ", each with a name"
        )
    return people


def _column(where: str, given: str, kind: str) -> str:
    """The column a CSV header cell or JSON key names, or the error that lists them."""
    column = given.strip().casefold()
    column = ALIASES.get(column, column)
    if column in COLUMNS:
        return column
    accepted = ", ".join(COLUMNS)
    close = difflib.get_close_matches(column, [*COLUMNS, *ALIASES], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise InputError(
        f"{where}: unknown {kind} {given!r}{hint}; the {kind}s are {accepted} "
        f"(handle and photo also work); rename or remove it"
    )


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, object]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header or "name" not in {c.strip().casefold() for c in header}:
        raise InputError(
            f"{path}: the first row must name the columns, with at least `name` "
            f"(the columns are {', '.join(COLUMNS)})"
        )
    columns = [_column(f"{path}, line 1", cell, "column") for cell in header]
    for twice in {c for c in columns if columns.count(c) > 1}:
        raise InputError(f"{path}, line 1: the column {twice!r} is named twice")
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # an empty row, as spreadsheets leave at the end
        if len(cells) > len(columns):
            raise InputError(
                f"{path}, line {line}: {len(cells)} cells, but the first row names "
                f"{len(columns)} columns; put a cell that holds a comma in double quotes"
            )
        yield line, dict(zip(columns, cells, strict=False))


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
        where = f"{path}, line {line}"
        yield line, {_column(where, str(key), "key"): value for key, value in row.items()}


def _values(where: str, column: str, value: object) -> tuple[str, ...]:
    """A cell or JSON value as a list of strings: a list, or text separated by spaces."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    raise InputError(f"{where}: {column} must be text or a list of text, not {value!r}")


def _text(where: str, column: str, value: object) -> str:
    """A cell or JSON value that is one text (a bio, a slug)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    raise InputError(f"{where}: {column} must be text, not {value!r}")


def _photo_path(path: Path, photo: str) -> str:
    """A photo as the file names it: a URL, or a path, relative ones read from the file's
    folder (the list and its photos travel together)."""
    if _SCHEME.match(photo) or Path(photo).is_absolute():
        return photo
    return str(path.parent / photo)
