"""The labelled world: registered people, their clones of four kinds and the innocent profiles,
as rows with their truth, photo files and the CSV the service imports. A new kind of profile
(or of data about one) is added here and described in ``composition``.
"""

from __future__ import annotations

import csv
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from bench.common import AGED_CLONES, DATA, INNOCENT_KINDS, KINDS, SIZES, log
from bench.embeddings import Embeddings
from bench.names import PLACES, edit_handle, edit_name, make_bio, namesake_handle, plausible_handle
from bench.photos import avatar, edited_photo, jpeg, random_resize, reencoded
from bench.sources import AccountMeta, cresci_users, other_face_sets, read_labels
from clonecheck.errors import PhotoError
from clonecheck.features import faces as face_features
from clonecheck.service import SCAN_BLOCK, Service


@dataclass
class Person:
    label: str  # LFW identity, "Tony_Blair"
    name: str
    handle: str
    slug: str
    bio: str
    reference: Path
    others: list[Path]
    encoding: np.ndarray | None = None


@dataclass
class Row:
    id: str
    category: str  # clone kind, or innocent kind
    target: str | None  # slug of the cloned identity (clones only)
    handle: str
    name: str
    bio: str
    photo: str  # file name in the photo folder, or ""
    note: str = ""
    #: the real account metadata the profile carries (None: none exported)
    meta: AccountMeta | None = None
    #: clones: "fresh" (a bought fake follower's metadata) or "aged" (a genuine account's)
    account: str = ""

    @property
    def is_clone(self) -> bool:
        return self.target is not None


@dataclass
class World:
    seed: int
    size: str
    folder: Path
    people: list[Person]
    rows: list[Row] = field(default_factory=list)
    skipped_photos: list[str] = field(default_factory=list)
    photo_files: dict[str, Path] = field(default_factory=dict)
    pool: dict[str, list[Path]] = field(default_factory=dict)


def register_people(
    service: Service, lfw: dict[str, list[Path]], chosen: Sequence[str], rng: random.Random
) -> tuple[list[Person], list[str]]:
    people, skipped = [], []
    taken: set[str] = set()
    for label in chosen:
        photos = list(lfw[label])
        rng.shuffle(photos)
        name = label.replace("_", " ")
        handle = plausible_handle(label, rng, taken)
        bio = make_bio(rng, rng.choice(PLACES))
        for index, photo in enumerate(photos):
            try:
                identity = service.register(
                    name, handles=[handle], photos=[str(photo)], own=[f"twitter:{handle}"], bio=bio
                )
            except PhotoError as error:
                skipped.append(f"{photo.relative_to(DATA)}: {error.reason}")
                log(f"  skipped reference photo {photo.name}: {error.reason}")
                continue
            features = service.store.photo_features([identity.photos[0].digest])
            face = face_features.largest_face(features[identity.photos[0].digest].faces)
            people.append(
                Person(
                    label,
                    name,
                    handle,
                    identity.slug,
                    bio,
                    photo,
                    photos[:index] + photos[index + 1 :],
                    np.asarray(face.encoding) if face else None,
                )
            )
            break
        else:
            log(f"  {label}: no photo with a face, not registered")
    return people, skipped


def build_world(
    seed: int, size_name: str, folder: Path, service: Service, embeddings: Embeddings
) -> World:
    size = SIZES[size_name]
    rng = random.Random(seed)
    lfw = read_labels("lfw_dev")
    names = sorted(lfw)
    rng.shuffle(names)
    registered, held_out = names[: size.identities], names[size.identities :]
    log(f"registering {len(registered)} people ...")
    people, skipped = register_people(service, lfw, registered, rng)
    world = World(seed, size_name, folder, people, skipped_photos=skipped)
    photo_dir = folder / "photos"
    photo_dir.mkdir()

    # unregistered people: held-out LFW people and the other face sets, two photos each
    pool: dict[str, list[Path]] = {}
    for label in held_out[: size.pool_lfw_people]:
        pool[f"lfw_dev/{label}"] = sorted(lfw[label])[:2]
    for label, paths in other_face_sets(lfw).items():
        pool[label] = sorted(paths)[:2]
    world.pool = pool
    pool_photos = [p for ps in pool.values() for p in ps]
    log(f"face embeddings of {len(pool_photos)} photos of {len(pool)} unregistered people ...")
    embeddings.compute([p.read_bytes() for p in pool_photos])
    users = cresci_users()
    rng.shuffle(users)
    user_iter = iter(users)
    counter = iter(range(1, 10**9))
    # account metadata comes from a stream of its own, so the rest of the world is the same
    # world as before metadata was added
    meta_rng = random.Random(f"{seed}-account-metadata")
    metas = [u.meta for u in users if u.meta is not None]
    meta_rng.shuffle(metas)
    genuine_meta: Iterator[AccountMeta] = itertools.cycle([m for m in metas if m.genuine])
    fake_meta: Iterator[AccountMeta] = itertools.cycle([m for m in metas if not m.genuine])

    def clone_meta() -> tuple[AccountMeta, str]:
        if meta_rng.random() < AGED_CLONES:
            return next(genuine_meta), "aged"
        return next(fake_meta), "fresh"

    def add(
        category: str,
        target: str | None,
        handle: str,
        name: str,
        bio: str,
        photo: bytes | None,
        note: str = "",
        meta: AccountMeta | None = None,
    ) -> None:
        number = next(counter)
        file = ""
        if photo is not None:
            file = f"p{number:06d}.jpg"
            (photo_dir / file).write_bytes(photo)
            world.photo_files[file] = photo_dir / file
        account = ""
        if target is not None:
            meta, account = clone_meta()
        world.rows.append(
            Row(
                f"bench{number:06d}",
                category,
                target,
                handle,
                name,
                bio,
                file,
                note,
                meta,
                account,
            )
        )

    def other_photo() -> tuple[bytes, str]:
        if rng.random() < 0.4:
            return avatar(rng), "generated avatar"
        who = rng.choice(sorted(pool))
        return reencoded(rng.choice(pool[who]), rng), f"photo of {who}"

    per = size.clones_per_kind_per_person
    for person in people:
        for _ in range(per):
            data, how = edited_photo(person.reference, rng)
            handle, edit = edit_handle(person.handle, rng)
            bio = person.bio if rng.random() < 0.5 else ""
            add(
                "photo+name",
                person.slug,
                handle,
                edit_name(person.name, rng, light=False),
                bio,
                data,
                f"{how}; handle {edit}",
            )
        for index in range(per):
            if not person.others:
                break
            other = person.others[index % len(person.others)]
            image = Image.open(other).convert("RGB")
            if rng.random() < 0.5:
                image = random_resize(image, rng)
            handle, edit = edit_handle(person.handle, rng)
            bio = person.bio if rng.random() < 0.5 else ""
            add(
                "face",
                person.slug,
                handle,
                edit_name(person.name, rng, light=True),
                bio,
                jpeg(image, rng.randint(60, 90)),
                f"{other.name}; handle {edit}",
            )
        for _ in range(per):
            data, how = edited_photo(person.reference, rng)
            user = next(user_iter)
            add("photo-only", person.slug, user.screen_name, user.name, user.description, data, how)
        for _ in range(per):
            handle, edit = edit_handle(person.handle, rng)
            data, how = other_photo()
            bio = person.bio if rng.random() < 0.5 else ""
            add(
                "name-only",
                person.slug,
                handle,
                edit_name(person.name, rng, light=True),
                bio,
                data,
                f"{how}; handle {edit}",
            )

    # innocents: own accounts, look-alikes, namesakes, then plain real profiles
    for person in people:
        add(
            "own account",
            None,
            person.handle,
            person.name,
            person.bio,
            person.reference.read_bytes(),
            meta=next(genuine_meta),
        )
    for person in people:
        best: tuple[float, Path, str] | None = None
        for who, paths in pool.items():
            for path in paths:
                encodings = embeddings.of(path.read_bytes())
                if person.encoding is None or not encodings:
                    continue
                distance = min(float(np.linalg.norm(e - person.encoding)) for e in encodings)
                if best is None or distance < best[0]:
                    best = (distance, path, who)
        if best is None:
            continue
        user = next(user_iter)
        add(
            "look-alike",
            None,
            user.screen_name,
            user.name,
            user.description,
            best[1].read_bytes(),
            f"{best[2]} (face distance {best[0]:.2f} to {person.label})",
            user.meta,
        )
    for person in people:
        first, last = person.name.split()[0], person.name.split()[-1]
        for _ in range(size.namesakes_per_person):
            user = next(user_iter)
            tokens = user.name.split()
            if len(tokens) < 2:
                tokens = [tokens[0], tokens[0]]
            if rng.random() < 0.5:
                tokens[0] = first
            else:
                tokens[-1] = last
            data, how = other_photo()
            add(
                "namesake",
                None,
                user.screen_name,
                " ".join(tokens),
                user.description,
                data,
                f"shares a name with {person.name}; {how}",
                next(genuine_meta),
            )
    # full-name namesakes: the registered person's very name, with a handle real namesakes
    # use, on a genuine account (drawn from the metadata stream: the world above is unchanged)
    for person in people:
        for _ in range(size.namesakes_per_person):
            handle, how_handle = namesake_handle(person.name, person.handle, meta_rng)
            if meta_rng.random() < 0.4:
                data, how = avatar(meta_rng), "generated avatar"
            else:
                who = meta_rng.choice(sorted(pool))
                data, how = reencoded(meta_rng.choice(pool[who]), meta_rng), f"photo of {who}"
            add(
                "full-name namesake",
                None,
                handle,
                person.name,
                "",
                data,
                f"handle {how_handle}; {how}",
                next(genuine_meta),
            )
    plain = size.innocents
    if plain is None:
        plain = SCAN_BLOCK - len(world.rows) - 10
    for _ in range(plain):
        user = next(user_iter)
        data, how = other_photo() if rng.random() < 0.9 else (None, "no photo")
        kind = "cresci genuine" if user.genuine else "cresci fake follower"
        add(kind, None, user.screen_name, user.name, user.description, data, how, user.meta)
    return world


def write_csv(world: World) -> Path:
    path = world.folder / "crawl.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "platform",
                "id",
                "screen_name",
                "name",
                "description",
                "photo",
                "created_at",
                "followers_count",
                "friends_count",
                "statuses_count",
                "default_profile_image",
            ]
        )
        for row in world.rows:
            photo = f"photos/{row.photo}" if row.photo else ""
            meta = row.meta
            counts = (
                [
                    meta.created_at,
                    meta.followers,
                    meta.following,
                    meta.posts,
                    "true" if meta.default_photo else "false",
                ]
                if meta is not None
                else ["", "", "", "", ""]
            )
            writer.writerow(["twitter", row.id, row.handle, row.name, row.bio, photo, *counts])
    return path


def composition(world: World) -> list[tuple[str, int, str]]:
    described = {
        "photo+name": "reference photo copied with 1-2 edits (JPEG q60-85, resize 48-400 px, "
        "crop 5-15 %, mirror, border, colour filter, text overlay); name copied (30 % with an "
        "emoji); handle edited; bio copied half the time",
        "face": "a different photo of the same person (half resized); name copied or lightly "
        "edited; handle edited; bio copied half the time",
        "photo-only": "reference photo copied with 1-2 edits; a real Cresci user's name, handle "
        "and bio",
        "name-only": "name copied or lightly edited, handle edited, bio copied half the time; "
        "photo of an unregistered person (60 %) or a generated avatar (40 %)",
        "own account": "the person's real handle, name, bio and reference photo; a genuine "
        "account's metadata",
        "look-alike": "the unregistered person whose face is closest to the registered one "
        "(face distance), with a real Cresci user's name, handle and bio",
        "namesake": "a real Cresci user with their first or last name replaced by the "
        "registered person's; unregistered person's photo or an avatar; a genuine account's "
        "metadata",
        "full-name namesake": "the registered person's full name with a handle real namesakes "
        "use (words re-ordered, an initial, a place or profession suffix, digits, a "
        "separator), no bio; unregistered person's photo or an avatar; a genuine account's "
        "metadata",
        "cresci genuine": "real genuine account (users.csv): name, handle, bio; unregistered "
        "person's photo (54 %), generated avatar (36 %) or none (10 %)",
        "cresci fake follower": "real fake-follower account (fusers.csv), photos as above",
    }
    counts: dict[str, int] = {}
    for row in world.rows:
        counts[row.category] = counts.get(row.category, 0) + 1
    return [(k, counts.get(k, 0), described[k]) for k in (*KINDS, *INNOCENT_KINDS)]
