"""Changing a registered identity in place: its name, bio, handles, photos and own accounts.

The identity keeps its row and its slug, so its cases, its scans' matches and its decisions
stay attached; each change is logged in ``identity_changes`` (who, when, what), which
``identities show`` prints. The table is created on first use, like the case tables were.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clonecheck.errors import NotFoundError
from clonecheck.models import AccountRef, Photo, normalize_handle
from clonecheck.store._rows import timestamp
from clonecheck.store.db import Store


@dataclass(frozen=True, slots=True)
class IdentityChange:
    """One logged change of an identity."""

    at: str
    actor: str
    change: str


@dataclass(frozen=True, slots=True)
class RowChanges:
    """The rows to change, already checked by the caller (``service.identities``)."""

    name: str | None = None
    bio: str | None = None
    add_handles: Sequence[str] = ()
    remove_handles: Sequence[str] = ()
    add_photos: Sequence[Photo] = ()
    remove_photos: Sequence[str] = ()  # digests
    add_own: Sequence[AccountRef] = ()
    remove_own: Sequence[AccountRef] = ()


def _ensure_table(store: Store) -> None:
    store.db.execute(
        "create table if not exists identity_changes (id integer primary key, "
        "identity_slug text not null, at text not null, actor text not null, "
        "change text not null)"
    )
    store.db.execute(
        "create index if not exists identity_changes_slug on identity_changes (identity_slug)"
    )


def _identity_id(store: Store, slug: str) -> int:
    row = store.db.execute("select id from identities where slug = ?", [slug]).fetchone()
    if row is None:
        raise NotFoundError(f"no identity {slug!r}; see `clonecheck identities list`")
    return int(row[0])


def apply_changes(
    store: Store, slug: str, rows: RowChanges, *, actor: str, log: Sequence[str]
) -> None:
    """Apply ``rows`` to the identity ``slug`` and log each line of ``log``, in one
    transaction. Photos no identity or profile uses any more lose their features and bytes."""
    with store.transaction():
        _ensure_table(store)
        identity_id = _identity_id(store, slug)
        db = store.db
        if rows.name is not None or rows.bio is not None:
            update = {"name": rows.name, "bio": rows.bio}
            db.table("identities").update(
                identity_id, {k: v for k, v in update.items() if v is not None}
            )
        for handle in rows.remove_handles:
            db.execute(
                "delete from identity_handles where identity_id = ? and handle_key = ?",
                [identity_id, normalize_handle(handle)],
            )
        db.table("identity_handles").insert_all(
            {"handle_key": normalize_handle(h), "identity_id": identity_id, "handle": h}
            for h in rows.add_handles
        )
        for digest in rows.remove_photos:
            db.execute(
                "delete from identity_photos where identity_id = ? and digest = ?",
                [identity_id, digest],
            )
        last = db.execute(
            "select coalesce(max(position), -1) from identity_photos where identity_id = ?",
            [identity_id],
        ).fetchone()[0]
        db.table("identity_photos").insert_all(
            (
                {
                    "identity_id": identity_id,
                    "digest": photo.digest,
                    "source": photo.source,
                    "position": int(last) + 1 + n,
                }
                for n, photo in enumerate(rows.add_photos)
                if photo.digest
            ),
            ignore=True,
        )
        for own in rows.remove_own:
            db.execute(
                "delete from own_accounts where identity_id = ? and account_key = ?",
                [identity_id, own.key],
            )
        db.table("own_accounts").insert_all(
            {
                "identity_id": identity_id,
                "account_key": own.key,
                "platform": own.platform,
                "handle": own.handle,
            }
            for own in rows.add_own
        )
        for digest in rows.remove_photos:
            _forget_unused_photo(store, digest)
        at = timestamp()
        db.table("identity_changes").insert_all(
            {"identity_slug": slug, "at": at, "actor": actor, "change": line} for line in log
        )


def _forget_unused_photo(store: Store, digest: str) -> None:
    """Delete a photo's features and bytes when no identity, profile or case uses it (a case's
    stored match names the registered photos it was judged on: that evidence is kept)."""
    tables = set(store.db.table_names())
    uses = [
        "select 1 from identity_photos where digest = :d",
        "select 1 from profiles where photo_digest = :d",
    ]
    if "cases" in tables:
        uses.append("select 1 from cases where instr(match_json, :d) > 0")
    used = store.db.execute(" union all ".join(uses) + " limit 1", {"d": digest}).fetchone()
    if used is not None:
        return
    for table in ("photos", "photo_data", "photo_crops", "photo_sources"):
        if table in tables:
            store.db.execute(f"delete from {table} where digest = ?", [digest])


def changes(store: Store, slug: str) -> list[IdentityChange]:
    """The logged changes of an identity, oldest first."""
    if "identity_changes" not in store.db.table_names():
        return []
    return [
        IdentityChange(at=str(at), actor=str(actor), change=str(change))
        for at, actor, change in store.db.execute(
            "select at, actor, change from identity_changes where identity_slug = ? order by id",
            [slug],
        )
    ]


def forget(store: Store, slug: str) -> None:
    """Delete an identity's change log (its old names and handles), when it is removed."""
    if "identity_changes" in store.db.table_names():
        with store.transaction():
            store.db.execute("delete from identity_changes where identity_slug = ?", [slug])
