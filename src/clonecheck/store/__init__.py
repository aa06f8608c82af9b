"""The only package that speaks SQL: schema, migrations and queries over SQLite (sqlite-utils).

One file holds everything: identities with their handles, photos and own accounts
(``identities.py``); imported profiles (``profiles.py``); photo features keyed by the sha256 of
the image bytes with the original bytes, crop hashes, thumbnails and the fetch cache by source
(``photos.py``); scan results (``scans.py``); cases and users (``cases.py``, ``users.py``).
``connection.py`` opens the file (WAL mode) and holds the schema, its migrations and
``transaction()``: every multi-row change runs inside one, so an interrupted import or scan loses
nothing committed before it and leaves nothing half-written. ``Store`` (``db.py``) is the one
object callers use; this module only hands the names on.
"""

from __future__ import annotations

from clonecheck.store.connection import SCHEMA_VERSION
from clonecheck.store.db import Store
from clonecheck.store.profiles import UpsertCounts
from clonecheck.store.scans import ScanRecord

__all__ = ["SCHEMA_VERSION", "ScanRecord", "Store", "UpsertCounts"]
