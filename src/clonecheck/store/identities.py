"""Registered identities in the store: the identity with its handles, photos and own accounts.

A handle belongs to one identity at most (``identity_handles`` is keyed by the normalised
handle), so ``identity()`` also finds an identity by any of its handles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clonecheck.errors import DuplicateError, NotFoundError
from clonecheck.models import AccountRef, Identity, Photo, normalize_handle
from clonecheck.store._rows import timestamp
from clonecheck.store.connection import Connection
from clonecheck.store.erasure import Erasure, erase


class IdentityRows(Connection):
    """The ``identities``, ``identity_handles``, ``identity_photos`` and ``own_accounts`` rows."""

    def add_identity(self, identity: Identity) -> None:
        """Insert a new identity; refuses a slug or a handle that is already registered."""
        self.add_identities([identity])

    def add_identities(self, identities: Sequence[Identity]) -> None:
        """Insert new identities, all or none, in one transaction and a few statements (a
        support team's list of 10,000 people takes a second); refuses a slug or a handle
        that is already registered, or given twice."""
        with self.transaction():
            slugs = {str(r[0]) for r in self.db.execute("select slug from identities")}
            owners = dict(
                self.db.execute(
                    "select h.handle_key, i.slug from identity_handles h "
                    "join identities i on i.id = h.identity_id"
                ).fetchall()
            )
            for identity in identities:
                if identity.slug in slugs:
                    raise DuplicateError(
                        f"identity {identity.slug!r} is already registered; "
                        f"remove it first with `clonecheck identities remove {identity.slug}`"
                    )
                slugs.add(identity.slug)
                for handle in identity.handles:
                    owner = owners.get(normalize_handle(handle))
                    if owner is not None:
                        raise DuplicateError(
                            f"handle {handle!r} is already registered to identity {owner!r}; "
                            "each handle can belong to one identity"
                        )
                for handle in identity.handles:
                    owners[normalize_handle(handle)] = identity.slug
            first = int(
                self.db.execute("select coalesce(max(id), 0) + 1 from identities").fetchone()[0]
            )
            ids = range(first, first + len(identities))
            now = timestamp()
            self.db.table("identities").insert_all(
                {"id": i, "slug": x.slug, "name": x.name, "bio": x.bio, "created_at": now}
                for i, x in zip(ids, identities, strict=True)
            )
            self.db.table("identity_handles").insert_all(
                {"handle_key": normalize_handle(h), "identity_id": i, "handle": h}
                for i, x in zip(ids, identities, strict=True)
                for h in x.handles
            )
            self.db.table("identity_photos").insert_all(
                (
                    {
                        "identity_id": i,
                        "digest": photo.digest,
                        "source": photo.source,
                        "position": n,
                    }
                    for i, x in zip(ids, identities, strict=True)
                    for n, photo in enumerate(x.photos)
                    if photo.digest
                ),
                ignore=True,
            )
            self.db.table("own_accounts").insert_all(
                {
                    "identity_id": i,
                    "account_key": own.key,
                    "platform": own.platform,
                    "handle": own.handle,
                }
                for i, x in zip(ids, identities, strict=True)
                for own in x.own_accounts
            )

    def handle_owner(self, handle: str) -> str | None:
        row = self.db.execute(
            "select i.slug from identity_handles h join identities i on i.id = h.identity_id "
            "where h.handle_key = ?",
            [normalize_handle(handle)],
        ).fetchone()
        return None if row is None else str(row[0])

    def _identity_row(self, slug: str) -> dict[str, Any] | None:
        rows = list(self.db.table("identities").rows_where("slug = ?", [slug]))
        return rows[0] if rows else None

    def identity(self, slug: str) -> Identity:
        row = self._identity_row(slug)
        if row is None:
            row = self._identity_by_handle(slug)
        if row is None:
            known = ", ".join(self.identity_slugs()) or "none registered yet"
            raise NotFoundError(f"no identity {slug!r}; registered identities: {known}")
        return self._load_identity(row)

    def _identity_by_handle(self, handle: str) -> dict[str, Any] | None:
        rows = self.db.execute(
            "select i.* from identities i join identity_handles h on h.identity_id = i.id "
            "where h.handle_key = ?",
            [normalize_handle(handle)],
        ).fetchall()
        if not rows:
            return None
        columns = ["id", "slug", "name", "bio", "created_at"]
        return dict(zip(columns, rows[0], strict=True))

    def identity_slugs(self) -> list[str]:
        return [str(r["slug"]) for r in self.db.table("identities").rows_where(order_by="slug")]

    def identities(self) -> list[Identity]:
        """Every registered identity, by slug: four queries however many there are (not
        three per identity), so a check or a scan over 10,000 people starts at once."""
        rows = list(self.db.table("identities").rows_where(order_by="slug"))
        handles: dict[int, list[str]] = {}
        for identity_id, handle in self.db.execute(
            "select identity_id, handle from identity_handles order by rowid"
        ):
            handles.setdefault(identity_id, []).append(str(handle))
        photos: dict[int, list[Photo]] = {}
        for identity_id, source, digest in self.db.execute(
            "select identity_id, source, digest from identity_photos order by identity_id, position"
        ):
            photos.setdefault(identity_id, []).append(Photo(source=str(source), digest=str(digest)))
        own: dict[int, list[AccountRef]] = {}
        for identity_id, platform, handle in self.db.execute(
            "select identity_id, platform, handle from own_accounts order by rowid"
        ):
            own.setdefault(identity_id, []).append(AccountRef(str(platform), str(handle)))
        return [
            Identity(
                slug=str(row["slug"]),
                name=str(row["name"]),
                handles=tuple(handles.get(row["id"], ())),
                photos=tuple(photos.get(row["id"], ())),
                own_accounts=tuple(own.get(row["id"], ())),
                bio=str(row["bio"] or ""),
            )
            for row in rows
        ]

    def _load_identity(self, row: dict[str, Any]) -> Identity:
        identity_id = row["id"]
        handles = tuple(
            str(r["handle"])
            for r in self.db.table("identity_handles").rows_where(
                "identity_id = ?", [identity_id], order_by="rowid"
            )
        )
        photos = tuple(
            Photo(source=str(r["source"]), digest=str(r["digest"]))
            for r in self.db.table("identity_photos").rows_where(
                "identity_id = ?", [identity_id], order_by="position"
            )
        )
        own = tuple(
            AccountRef(str(r["platform"]), str(r["handle"]))
            for r in self.db.table("own_accounts").rows_where(
                "identity_id = ?", [identity_id], order_by="rowid"
            )
        )
        return Identity(
            slug=str(row["slug"]),
            name=str(row["name"]),
            handles=handles,
            photos=photos,
            own_accounts=own,
            bio=str(row["bio"] or ""),
        )

    def remove_identity(self, slug: str) -> Identity:
        """Erase an identity completely (``erase_identity``); returns what it was."""
        return self.erase_identity(slug).identity

    def erase_identity(self, slug: str) -> Erasure:
        """Delete a person and every row holding their data, keep a case's evidence with the
        person cut out of it, and overwrite the deleted bytes (``store/erasure.py``)."""
        return erase(self, self.identity(slug))
