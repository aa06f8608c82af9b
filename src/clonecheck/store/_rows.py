"""Small helpers that several row modules of the store share."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any


def timestamp() -> str:
    """The current time as stored: ISO 8601 UTC to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def in_chunks(keys: Iterable[str], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """The distinct keys in chunks small enough for one ``in (...)`` list (SQLite limits the
    number of parameters of a statement), each with its ``?,?,...`` placeholders."""
    wanted = list(dict.fromkeys(keys))
    for start in range(0, len(wanted), size):
        chunk = wanted[start : start + size]
        yield chunk, ",".join("?" * len(chunk))


def dict_rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """The rows of an executed query as dicts by column name, for the row modules that
    speak plain SQL over ``Connection.conn``."""
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
