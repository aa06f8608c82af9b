"""``Store``: a clonecheck database, assembled from one row class per kind of row.

Each row class (``IdentityRows``, ``PhotoRows``, ``ProfileRows``, ``ScanRows``) is a mixin over
the shared ``Connection`` (the ``db`` attribute, ``transaction()``, the schema), so callers keep
one object and call ``store.identity(...)``, ``store.save_photo(...)`` and ``store.scans()``
directly. Mixins rather than table objects the store composes: composition would need a
forwarding method on ``Store`` for every query, or every caller rewritten to
``store.photos.save(...)``; mixins keep each kind of row in its own module and add nothing
between the caller and the SQL. Cases and users are module functions over a ``Store``
(``store/cases.py``, ``store/users.py``) and create their own tables on first use.
"""

from __future__ import annotations

from clonecheck.store.identities import IdentityRows
from clonecheck.store.photos import PhotoRows
from clonecheck.store.profiles import ProfileRows
from clonecheck.store.scans import ScanRows


class Store(IdentityRows, PhotoRows, ProfileRows, ScanRows):
    """A clonecheck database. Open with ``Store.open(path)``; close with ``close()`` or ``with``."""
