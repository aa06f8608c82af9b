"""Identities in bulk: read in a few queries, added all or none, and the change counters that
tell a process its registry copy is stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from clonecheck.errors import DuplicateError
from clonecheck.models import AccountRef, Identity, Photo, Profile
from clonecheck.store import Store


def people(count: int, start: int = 0) -> list[Identity]:
    return [
        Identity(
            slug=f"p{i}",
            name=f"Person {i}",
            handles=(f"person{i}", f"person_{i}"),
            photos=(Photo(source=f"/p/{i}.jpg", digest=f"d{i}"),) if i % 3 == 0 else (),
            own_accounts=(AccountRef("x", f"person{i}"),) if i % 2 else (),
            bio=f"bio {i}",
        )
        for i in range(start, start + count)
    ]


def test_identities_read_in_bulk_equal_one_by_one(tmp_path: Path) -> None:
    """``identities()`` (four queries) gives each identity exactly as ``identity(slug)`` does,
    handles, photos and own accounts in their order."""
    with Store.open(tmp_path / "c.db") as store:
        store.add_identities(people(30))
        store.add_identity(people(1, start=99)[0])
        listed = store.identities()
        assert [i.slug for i in listed] == sorted(f"p{i}" for i in [*range(30), 99])
        assert listed == [store.identity(i.slug) for i in listed]
        assert store.identity("p3").photos == (Photo(source="/p/3.jpg", digest="d3"),)


def test_adding_many_is_all_or_none(tmp_path: Path) -> None:
    """A batch with one handle already registered stores nobody, and says whose handle it is;
    a handle given twice in one batch is refused the same way."""
    with Store.open(tmp_path / "c.db") as store:
        store.add_identities(people(3))
        clash = [*people(5, start=10), Identity(slug="z", name="Z", handles=("person_1",))]
        with pytest.raises(DuplicateError, match="already registered to identity 'p1'"):
            store.add_identities(clash)
        twice = [Identity(slug="a", name="A", handles=("ab",)), Identity("b", "B", ("AB",))]
        with pytest.raises(DuplicateError, match="'AB' is already registered to identity 'a'"):
            store.add_identities(twice)
        assert store.identity_slugs() == ["p0", "p1", "p2"]


def test_change_counts_move_with_the_registry_and_profile_names_only(tmp_path: Path) -> None:
    """Registering or removing a person (by any connection) moves the registry counter;
    importing or renaming a profile moves the names counter; a follower count does not."""
    path = tmp_path / "c.db"
    with Store.open(path) as store, Store.open(path) as other:
        before = store.change_counts()
        other.add_identities(people(2))
        after_register = store.change_counts()
        assert after_register[0] > before[0] and after_register[1] == before[1]
        other.upsert_profiles([Profile("x", "ada", "Ada", followers=1)], "a.csv")
        imported = store.change_counts()
        assert imported[1] > after_register[1] and imported[0] == after_register[0]
        other.upsert_profiles([Profile("x", "ada", "Ada", followers=2)], "a.csv")
        assert store.change_counts() == imported
        other.upsert_profiles([Profile("x", "ada", "Ada L.", followers=2)], "a.csv")
        assert store.change_counts()[1] > imported[1]
        other.remove_identity("p0")
        assert store.change_counts()[0] > imported[0]
