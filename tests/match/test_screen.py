"""The scan's screen: a candidate pair it drops must score ``none`` in full, whatever the pair.

``PairScreen`` lets a scan skip full scoring for most candidate pairs. If it ever dropped a pair
that full scoring reports, a clone would go unreported without a trace, so these tests score
every pair in full beside the screen, on real names, bios and account metadata, with clone
edits, namesakes, copied photos and faces, and under other settings than the defaults.
"""

from __future__ import annotations

import csv
import random
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pytest

from clonecheck.config import DEFAULT, Config
from clonecheck.match.candidates import CandidateIndex
from clonecheck.match.rarity import NameRarity
from clonecheck.match.score import score_pair
from clonecheck.match.screen import PairScreen, ProfileReadings
from clonecheck.models import AccountRef, Identity, Photo, PhotoFeatures, Profile, Verdict

if TYPE_CHECKING:
    from tests.conftest import SharedData
    from tests.match.conftest import CloneVariants, MakePhoto


class World(NamedTuple):
    identities: list[Identity]
    #: the registered photos' features by digest
    photos: dict[str, PhotoFeatures]
    crawl: list[Profile]
    #: profile key -> its photo's features as a scan sees them
    seen: dict[str, PhotoFeatures]


def _rows(shared_data: SharedData, name: str) -> list[dict[str, str]]:
    path = shared_data.path("profiles", "cresci2015", "data", name)
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        return list(csv.DictReader(handle))


def _count(text: str) -> int | None:
    return int(text) if text.isdigit() else None


@pytest.fixture(scope="module")
def world(shared_data: SharedData, clone_variants: CloneVariants, make_photo: MakePhoto) -> World:
    """120 real genuine accounts registered (bio, own account, a photo for every third), and
    a crawl of their clones, namesakes and real strangers, with real account metadata; half
    the clones of a person with a photo carry it, a few bits and a little face distance off."""
    rng = random.Random(3)
    genuine = [r for r in _rows(shared_data, "users.csv") if len(r["name"].split()) >= 2]
    fakes = _rows(shared_data, "fusers.csv")
    people = rng.sample(genuine, 120)
    photos: dict[str, PhotoFeatures] = {}
    identities = []
    for n, row in enumerate(people):
        registered: tuple[Photo, ...] = ()
        if n % 3 == 0:
            features = make_photo(f"{n:064x}", rng.getrandbits(64), face=(n / 200,) * 128)
            photos[features.digest] = features
            registered = (Photo(f"p{n}.jpg", features.digest),)
        identities.append(
            Identity(
                slug=f"p{n}",
                name=row["name"],
                handles=(row["screen_name"],),
                photos=registered,
                own_accounts=(AccountRef("twitter", row["screen_name"]),),
                bio=row["description"] or "",
            )
        )
    crawl: list[Profile] = []
    for identity in identities:
        handle, first = identity.handles[0], identity.name.split()[0]
        variants = clone_variants(handle, identity.name, rng) if len(handle) > 3 else []
        variants += [
            Profile(
                "twitter",
                f"{first}{rng.randrange(1000)}",
                name=f"{first} {rng.choice(people)['name'].split()[-1]}",
            ),
            Profile(
                "twitter",
                f"{handle}_{rng.randrange(100)}",
                name=" ".join(reversed(identity.name.split())),
            ),
            Profile(
                "twitter",
                f"x{rng.randrange(10**6)}",
                name=f"{first} {identity.name.split()[-1][0]}.",
            ),
            Profile("twitter", f"fan{handle}", name=f"{identity.name} fan page", bio=identity.bio),
            # the name shortened, made official, or not copied beside a look-alike handle
            Profile(
                "twitter",
                handle[:2] + handle[1:],  # a doubled letter
                name=f"{first} {identity.name.split()[-1][0]}.",
            ),
            Profile("twitter", f"{handle}_", name=f"Official {identity.name}"),
            Profile(
                "twitter",
                handle.replace("a", "а").replace("e", "е").replace("o", "0"),
                name=rng.choice(genuine)["name"],
            ),
            Profile("twitter", handle, name=identity.name),  # the person's own account
        ]
        for variant in variants:
            fake = rng.choice(fakes)
            with_metadata = rng.random() < 0.6
            copied = identity.photos and rng.random() < 0.5
            crawl.append(
                replace(
                    variant,
                    bio=variant.bio
                    or (identity.bio if rng.random() < 0.2 else fake["description"] or ""),
                    followers=_count(fake["followers_count"]) if with_metadata else None,
                    following=_count(fake["friends_count"]) if with_metadata else None,
                    posts=_count(fake["statuses_count"]) if with_metadata else None,
                    created_at=fake["created_at"] if with_metadata else "",
                    photo=Photo("x.jpg", identity.photos[0].digest) if copied else None,
                )
            )
    seen: dict[str, PhotoFeatures] = {}
    for profile in crawl:
        if profile.photo is not None and profile.photo.digest in photos:
            registered = photos[profile.photo.digest]
            flipped = rng.getrandbits(64) & rng.getrandbits(64) & rng.getrandbits(64)
            face = registered.faces[0].encoding[0] + rng.choice([0.0, 0.03, 0.05, 0.2])
            seen[profile.key] = make_photo(
                "f" * 64, registered.hash_int("phash") ^ flipped, face=(face,) * 128
            )
    for row in rng.sample(genuine, 400) + rng.sample(fakes, 400):
        crawl.append(
            Profile("twitter", row["screen_name"], name=row["name"], bio=row["description"] or "")
        )
    return World(identities, photos, crawl, seen)


@pytest.mark.parametrize(
    "config",
    [
        DEFAULT,
        Config(possible_threshold=0.3, likely_threshold=0.6, weight_account=1.0),
        Config(weight_name=0.8, weight_handle=0.8, name_weak=60, handle_weak=60),
        # every bio compared, empty ones included: two empty bios read as a copied one
        Config(bio_min_chars=0),
    ],
    ids=["defaults", "low thresholds", "heavy names", "every bio"],
)
def test_a_dropped_pair_scores_none_in_full(world: World, config: Config) -> None:
    identities, photos, crawl = world.identities, world.photos, world.crawl
    rarity = NameRarity.from_names([p.name for p in crawl] * 2 + [f"{i} x{i}" for i in range(1000)])
    index = CandidateIndex(identities, photos, config)
    screen = PairScreen(identities, config, rarity)
    dropped = first_dropped = reported = none = 0
    unsound = []
    candidates: dict[str, set[int]] = {}
    for profile in crawl:
        profile_photo = world.seen.get(profile.key)
        positions = index.by_name(profile.handle, profile.name)
        if profile_photo is not None:
            positions |= index.by_photo([profile_photo])[0] | index.by_face([profile_photo])[0]
        candidates[profile.key] = positions
    every = [ProfileReadings.of(profile, config) for profile in crawl]
    # the first stage: a whole block's pairs bounded at once
    worth = screen.pairs_worth_scoring(
        crawl, candidates, every, [p.key in world.seen for p in crawl]
    )
    for profile, readings, first_stage in zip(crawl, every, worth, strict=True):
        profile_photo = world.seen.get(profile.key)
        for position in candidates[profile.key]:
            identity = identities[position]
            registered = [photos[p.digest] for p in identity.photos if p.digest in photos]
            match = score_pair(identity, registered, profile, profile_photo, config, rarity)
            kept = position in first_stage and screen.may_match(
                position, identity, registered, profile, profile_photo, readings
            )
            if match.verdict is Verdict.NONE:
                none += 1
                dropped += not kept
                first_dropped += position not in first_stage
            else:
                reported += 1
                if not kept:
                    unsound.append((identity.handles, profile.handle, profile.name, match.score))
    assert unsound == []
    assert reported > 150
    # the screen is worth having: most pairs that score none are never scored in full
    assert dropped > 0.5 * none
    if config is DEFAULT:
        # its first stage takes a share of them without a Python call per pair (most pairs
        # here have a photo on both sides or a look-alike skeleton: those go to the second)
        assert first_dropped > 0.05 * none


def test_bios_count_exactly_where_full_scoring_compares_them() -> None:
    """With ``bio_min_chars=0`` every bio is compared, two empty ones included (they read as a
    copy): the screen must count that bio signal too, not take an empty bio for none."""
    config = Config(bio_min_chars=0)
    ada = Identity("ada", "Ada Lovelace", ("adalovelace",))
    profile = Profile("twitter", "adalovelace_", name="Someone Else")
    assert score_pair(ada, [], profile, None, config).verdict is not Verdict.NONE
    screen = PairScreen([ada], config, None)
    readings = ProfileReadings.of(profile, config)
    (first_stage,) = screen.pairs_worth_scoring([profile], {profile.key: {0}}, [readings], [False])
    assert first_stage == [0]
    assert screen.may_match(0, ada, [], profile, None, readings)


def test_the_block_bound_keeps_every_pair_the_name_bound_keeps(shared_data: SharedData) -> None:
    """The block bound computes the name's similarity its own way (the token-sorted ratio from
    one Indel distance, the skeletons' ratio first at its most, then exactly where that
    decides): on real names and their edits (neighbours swapped, spaces moved, letters
    dropped, words in another order) it keeps every pair that ``names.name_similarity_bound``,
    computed pair by pair, lets reach the threshold. Names alone decide here: no handles, no
    bios, no metadata."""
    from clonecheck.features import names

    config = Config(weight_name=0.9, name_weak=60.0, name_strong=99.0)
    rng = random.Random(7)
    real = [r["name"] for r in _rows(shared_data, "users.csv") if len(r["name"].split()) >= 2]
    registered = rng.sample(real, 60)
    identities = [Identity(f"i{n}", name) for n, name in enumerate(registered)]

    def edits(name: str) -> list[str]:
        joined = name.replace(" ", "")
        i = rng.randrange(1, len(joined) - 2)
        swapped = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        return [
            swapped,
            joined,
            joined[:i] + " " + joined[i:],
            name[:i] + name[i + 1 :],
            swapped.replace(" ", ""),
            " ".join(reversed(name.split())),
            rng.choice(real),
        ]

    crawl = [
        Profile("twitter", "", name=edited, account_id=f"{n}-{k}")
        for n, name in enumerate(registered)
        for k, edited in enumerate(edits(name))
    ]
    screen = PairScreen(identities, config, None)
    readings = [ProfileReadings.of(p, config) for p in crawl]
    everyone = set(range(len(identities)))
    kept = screen.pairs_worth_scoring(
        crawl, {p.key: everyone for p in crawl}, readings, [False] * len(crawl)
    )
    missed = []
    for profile, read, first_stage in zip(crawl, readings, kept, strict=True):
        for position, identity in enumerate(identities):
            bound = names.name_similarity_bound(names.NameForms.of(identity.name), read.name_forms)
            assert bound is not None
            strength = min(1.0, max(0.0, (bound - 60.0) / (99.0 - 60.0)))
            if 0.9 * strength >= config.possible_threshold and position not in first_stage:
                missed.append((identity.name, profile.name))
    assert missed == []


def test_the_block_handle_bound_is_never_below_the_pair_by_pair_one(
    shared_data: SharedData, clone_variants: CloneVariants
) -> None:
    """For a whole block the screen compares every registered reading of a handle (and of the
    name as handles spell it) with every reading of the candidate handle; pair by pair,
    ``may_match`` takes the strength of ``names.handle_similarity``. The first is never the
    lower, on real handles and names with clone edits, look-alike digits ("5usan") and affixes,
    against namesakes and strangers."""
    rng = random.Random(11)
    rows = [r for r in _rows(shared_data, "users.csv") if len(r["name"].split()) >= 2]
    people = rng.sample(rows, 40)
    identities = [Identity(f"i{n}", r["name"], (r["screen_name"],)) for n, r in enumerate(people)]
    crawl = [p for r in people for p in clone_variants(r["screen_name"], r["name"], rng)]
    crawl += [
        Profile("twitter", handle, name=r["name"])
        for r in people
        for handle in (
            r["screen_name"].replace("s", "5", 1).replace("o", "0", 1),
            "the_real_" + r["screen_name"],
            "".join(r["name"].split()).lower() + "tv",
            r["name"].split()[0].lower()[0] + r["name"].split()[-1].lower(),
        )
    ]
    crawl += [Profile("twitter", r["screen_name"], name=r["name"]) for r in rng.sample(rows, 40)]
    screen = PairScreen(identities, DEFAULT, None)
    every_pair = [(row, at) for row in range(len(crawl)) for at in range(len(identities))]
    bounds = screen._handle_bounds(
        crawl,
        np.array([row for row, _ in every_pair], dtype=np.int64),
        np.array([at for _, at in every_pair], dtype=np.int64),
    )
    below = [
        (identities[at].handles[0], crawl[row].handle, bound)
        for (row, at), bound in zip(every_pair, bounds.tolist(), strict=True)
        if bound + 1e-9 < screen._handle_strength(identities[at], crawl[row], screen._readings[at])  # type: ignore[arg-type]
    ]
    assert below == []
    assert sum(b > 0 for b in bounds.tolist()) >= len(crawl) // 2  # the bound does not vanish
