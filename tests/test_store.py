"""The SQLite store: schema, uniqueness, upserts, transactions and removal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from clonecheck.errors import DuplicateError, NotFoundError, StoreError
from clonecheck.models import AccountRef, Face, FaceStatus, Identity, Photo, PhotoFeatures, Profile
from clonecheck.store import SCHEMA_VERSION, Store

HASHES = dict.fromkeys(("phash", "dhash", "whash"), "0f0f0f0f0f0f0f0f")


def features(digest: str) -> PhotoFeatures:
    return PhotoFeatures(digest=digest, width=10, height=10, hashes=HASHES)


def ada(**changes: object) -> Identity:
    base = {
        "slug": "adalovelace",
        "name": "Ada Lovelace",
        "handles": ("adalovelace", "countess_ada"),
        "photos": (Photo("me.jpg", "d1"),),
        "own_accounts": (AccountRef("twitter", "adalovelace"),),
        "bio": "Mathematician",
    }
    base.update(changes)
    return Identity(**base)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "test.db")
    yield opened
    opened.close()


def test_new_database_uses_wal_and_current_schema(tmp_path: Path) -> None:
    """A new store file is created in WAL mode with the current schema version."""
    with Store.open(tmp_path / "new.db") as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert {"identities", "profiles", "photos", "scans", "matches"} <= set(
            store.db.table_names()
        )


def test_identity_round_trips(store: Store) -> None:
    """An identity comes back with its handles, photos and own accounts in order."""
    store.save_photo(features("d1"), b"bytes", b"thumb")
    store.add_identity(ada())
    assert store.identity("adalovelace") == ada()
    assert store.identity("@Countess_Ada").slug == "adalovelace"


def test_a_handle_registered_twice_is_refused(store: Store) -> None:
    """A handle can belong to one identity only; the second registration stores nothing."""
    store.add_identity(ada(photos=()))
    with pytest.raises(DuplicateError, match="already registered to identity 'adalovelace'"):
        store.add_identity(ada(slug="other", handles=("@AdaLovelace",), photos=()))
    assert store.identity_slugs() == ["adalovelace"]


def test_unknown_identity_names_the_known_ones(store: Store) -> None:
    """Asking for an unknown identity says which ones exist."""
    store.add_identity(ada(photos=()))
    with pytest.raises(NotFoundError, match="registered identities: adalovelace"):
        store.identity("grace")


def test_remove_identity_deletes_its_photo_features_but_not_shared_ones(store: Store) -> None:
    """Removing a person deletes their photos' features and bytes unless a profile uses them."""
    store.save_photo(features("d1"), b"mine", b"t")
    store.save_photo(features("d2"), b"shared", b"t")
    store.add_identity(ada(photos=(Photo("a.jpg", "d1"), Photo("b.jpg", "d2"))))
    store.upsert_profiles([Profile("twitter", "clone", photo=Photo("b.jpg", "d2"))], "crawl.csv")
    store.remove_identity("adalovelace")
    assert store.photo_features(["d1", "d2"]).keys() == {"d2"}
    assert store.photo_data("d1") is None
    assert store.identities() == []


def test_reimport_updates_instead_of_duplicating(store: Store) -> None:
    """Profiles are keyed by platform + id (or handle): re-importing updates rows in place."""
    first = [Profile("twitter", "ada1ovelace", "Ada", account_id="42"), Profile("x", "b")]
    assert store.upsert_profiles(first, "a.csv").inserted == 2
    again = [
        Profile("twitter", "ada_lovelace", "Ada", account_id="42"),
        Profile("X", "@b"),
    ]
    counts = store.upsert_profiles(again, "a.csv")
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 1)
    assert store.count_profiles() == 2
    assert {p.handle for p in store.profiles()} == {"ada_lovelace", "b"}


def test_failed_transaction_leaves_nothing_half_written(store: Store) -> None:
    """An error inside a transaction rolls back every row written in it."""
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert_profiles([Profile("twitter", "a"), Profile("twitter", "b")], "f")
        raise RuntimeError("interrupted")
    assert store.count_profiles() == 0


def test_faces_are_stored_with_their_status(store: Store) -> None:
    """Face boxes, embeddings and the reason for no face survive a round trip."""
    store.save_photo(features("d1"), b"x", b"t")
    face = Face(1, 20, 30, 2, tuple(float(i) / 128 for i in range(128)))
    store.save_faces("d1", FaceStatus.FOUND, [face])
    loaded = store.photo_features(["d1"])["d1"]
    assert loaded.face_status is FaceStatus.FOUND
    assert loaded.faces[0].top == 1
    assert loaded.faces[0].encoding == pytest.approx(face.encoding)
    store.save_faces("d1", FaceStatus.TOO_SMALL, [])
    assert store.photo_features(["d1"])["d1"].face_status is FaceStatus.TOO_SMALL


def test_not_a_clonecheck_database_is_refused(tmp_path: Path) -> None:
    """A SQLite file of another program is refused instead of being written into."""
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table customers (id integer)")
    with pytest.raises(StoreError, match="not a clonecheck database"):
        Store.open(other)


def test_a_corrupt_file_is_refused(tmp_path: Path) -> None:
    """A file that is not SQLite at all gives a clear error naming it."""
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"junk\.db"):
        Store.open(junk)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    """A database written by a newer clonecheck is not silently downgraded."""
    path = tmp_path / "future.db"
    Store.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="upgrade clonecheck"):
        Store.open(path)


def test_a_schema_1_file_is_upgraded_in_place_and_keeps_its_rows(tmp_path: Path) -> None:
    """Schema 2 added the crops of registered photos; a file from before opens, gains the
    table, and loses nothing."""
    path = tmp_path / "old.db"
    with Store.open(path) as store:
        store.add_identity(Identity(slug="ada", name="Ada Lovelace", handles=("adalovelace",)))
    with sqlite3.connect(path) as conn:
        conn.execute("drop table photo_crops")
        conn.execute("PRAGMA user_version = 1")
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert "photo_crops" in store.db.table_names()
        assert store.identity("ada").handles == ("adalovelace",)


def test_a_schema_2_file_gains_the_account_columns_and_keeps_its_profiles(tmp_path: Path) -> None:
    """Schema 3 added posts, verified and default photo to profiles: a file from before opens,
    gains the columns (unknown for its rows), and stores them for new imports."""
    path = tmp_path / "old.db"
    with Store.open(path) as store:
        store.upsert_profiles([Profile("twitter", "ada", "Ada", followers=3)], "old.csv")
    with sqlite3.connect(path) as conn:
        for column in ("posts", "verified", "default_photo"):
            conn.execute(f"alter table profiles drop column {column}")
        conn.execute("PRAGMA user_version = 2")
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
        (old,) = store.profiles()
        assert (old.followers, old.posts, old.verified, old.default_photo) == (3, None, None, None)
        new = Profile("twitter", "bob", "Bob", posts=7, verified=False, default_photo=True)
        store.upsert_profiles([new], "new.csv")
        stored = next(p for p in store.profiles() if p.handle == "bob")
        assert (stored.posts, stored.verified, stored.default_photo) == (7, False, True)
