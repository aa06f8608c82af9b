"""Photos in the store: features, faces, crop hashes, original bytes, thumbnails, and the cache
of photo sources already fetched.

Rows are keyed by the sha256 of the image bytes, so a photo shared by many clones is decoded and
analysed once. The bytes sit in ``photo_data``, apart from the features, so that reading
features never drags the blobs along.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from clonecheck.models import Face, FaceStatus, PhotoFeatures
from clonecheck.store._rows import in_chunks, timestamp
from clonecheck.store.connection import Connection


class PhotoRows(Connection):
    """The ``photos``, ``photo_crops``, ``photo_data`` and ``photo_sources`` rows."""

    def save_photo(
        self, features: PhotoFeatures, data: bytes, thumbnail: bytes | None = None
    ) -> None:
        """Store a photo's features and original bytes (once per digest); thumbnails are
        usually made later, for the few photos a report shows (``save_thumbnail``)."""
        self.db.table("photos").upsert(
            {
                "digest": features.digest,
                "width": features.width,
                "height": features.height,
                "hashes": json.dumps(dict(features.hashes), sort_keys=True),
                "face_status": str(features.face_status),
                "faces": _faces_json(features.faces),
                "thumbnail": thumbnail,
                "analysed_at": timestamp(),
            },
            pk="digest",
        )
        self.db.table("photo_data").upsert({"digest": features.digest, "data": data}, pk="digest")

    def save_faces(self, digest: str, status: FaceStatus, faces: Sequence[Face]) -> None:
        self.db.table("photos").update(
            digest, {"face_status": str(status), "faces": _faces_json(faces)}
        )

    def has_photo(self, digest: str) -> bool:
        return (
            self.db.execute("select 1 from photos where digest = ?", [digest]).fetchone()
            is not None
        )

    def photo_features(self, digests: Iterable[str] | None = None) -> dict[str, PhotoFeatures]:
        """Features by digest: of the given digests, or of every stored photo."""
        columns = "digest, width, height, hashes, face_status, faces"
        if digests is None:
            cursor = self.db.execute(f"select {columns} from photos")
            return {row[0]: _features_from_row(row) for row in cursor}
        result: dict[str, PhotoFeatures] = {}
        for chunk, marks in in_chunks(digests):
            cursor = self.db.execute(
                f"select {columns} from photos where digest in ({marks})", chunk
            )
            result.update({row[0]: _features_from_row(row) for row in cursor})
        return result

    def save_crops(self, digest: str, crops: Mapping[str, Mapping[str, str]]) -> None:
        payload = {label: dict(hashes) for label, hashes in crops.items()}
        self.db.table("photo_crops").upsert(
            {"digest": digest, "crops": json.dumps(payload, sort_keys=True)}, pk="digest"
        )

    def photo_crops(self, digests: Iterable[str]) -> dict[str, dict[str, dict[str, str]]]:
        """Crop hashes by digest, of those given digests that have them."""
        result: dict[str, dict[str, dict[str, str]]] = {}
        for chunk, marks in in_chunks(digests):
            cursor = self.db.execute(
                f"select digest, crops from photo_crops where digest in ({marks})", chunk
            )
            result.update({row[0]: json.loads(row[1]) for row in cursor})
        return result

    def photo_data(self, digest: str) -> bytes | None:
        row = self.db.execute("select data from photo_data where digest = ?", [digest]).fetchone()
        return None if row is None else bytes(row[0])

    def save_photos(self, photos: Sequence[tuple[PhotoFeatures, bytes]]) -> None:
        """``save_photo`` for a block of new photos, in two statements (an import's hot path)."""
        now = timestamp()
        self.db.conn.executemany(
            "insert or replace into photos (digest, width, height, hashes, face_status, faces, "
            "thumbnail, analysed_at) values (?, ?, ?, ?, ?, ?, null, ?)",
            [
                (
                    f.digest,
                    f.width,
                    f.height,
                    json.dumps(dict(f.hashes), sort_keys=True),
                    str(f.face_status),
                    _faces_json(f.faces),
                    now,
                )
                for f, _ in photos
            ],
        )
        self.db.conn.executemany(
            "insert or replace into photo_data (digest, data) values (?, ?)",
            [(f.digest, data) for f, data in photos],
        )

    def record_sources(self, outcomes: Sequence[tuple[str, str | None, str | None]]) -> None:
        """``record_source`` for a block of (source, digest, error)."""
        now = timestamp()
        self.db.conn.executemany(
            "insert or replace into photo_sources (source, digest, error, fetched_at) "
            "values (?, ?, ?, ?)",
            [(source, digest, error, now) for source, digest, error in outcomes],
        )

    def save_thumbnail(self, digest: str, thumbnail: bytes) -> None:
        self.db.table("photos").update(digest, {"thumbnail": thumbnail})

    def thumbnails(self, digests: Iterable[str]) -> dict[str, bytes]:
        """Stored thumbnails by digest (plain SQL: an evidence pack needs no sqlite-utils)."""
        result: dict[str, bytes] = {}
        for digest in dict.fromkeys(digests):
            row = self.conn.execute(
                "select thumbnail from photos where digest = ?", [digest]
            ).fetchone()
            if row is not None and row[0] is not None:
                result[digest] = bytes(row[0])
        return result

    def cached_source(self, source: str) -> tuple[str | None, str | None] | None:
        """(digest, error) of a photo source already fetched, or None if never tried."""
        row = self.db.execute(
            "select digest, error from photo_sources where source = ?", [source]
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def record_source(self, source: str, digest: str | None, error: str | None) -> None:
        self.db.table("photo_sources").upsert(
            {"source": source, "digest": digest, "error": error, "fetched_at": timestamp()},
            pk="source",
        )


# --- row <-> model ---------------------------------------------------------------------------


def _faces_json(faces: Sequence[Face]) -> str:
    return json.dumps(
        [
            {
                "box": [f.top, f.right, f.bottom, f.left],
                "encoding": [round(x, 7) for x in f.encoding],
            }
            for f in faces
        ]
    )


def _face_from_json(face: dict[str, Any]) -> Face:
    top, right, bottom, left = (int(v) for v in face["box"])
    return Face(top, right, bottom, left, tuple(float(v) for v in face["encoding"]))


def _features_from_row(row: Sequence[Any]) -> PhotoFeatures:
    digest, width, height, hashes, face_status, faces = row
    return PhotoFeatures(
        digest=str(digest),
        width=int(width),
        height=int(height),
        hashes=json.loads(hashes),
        face_status=FaceStatus(face_status),
        faces=tuple(_face_from_json(face) for face in json.loads(faces or "[]")),
    )
