"""Errors a user can cause. Kept at the bottom of the import graph to avoid import loops.

Every message says what was wrong and what to do; the CLI prints it as one line and exits 2.
Anything that is not a ``ClonecheckError`` is a bug and keeps its traceback.
"""

from __future__ import annotations


class ClonecheckError(Exception):
    """Base of every error caused by input, configuration or the environment."""

    exit_code = 2


class InputError(ClonecheckError):
    """A file or argument the user gave cannot be used."""


class PhotoError(InputError):
    """A photo could not be read, fetched or decoded; ``source`` names it, ``reason`` says why."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"photo {source}: {reason}")


class FormatError(InputError):
    """An import file is in no known format, or a record in it is malformed."""


class DuplicateError(ClonecheckError):
    """Something that must be unique (a registered handle, an identity) already exists."""


class NotFoundError(ClonecheckError):
    """A named identity, profile or case does not exist in the store."""


class StoreError(ClonecheckError):
    """The database cannot be opened or used (locked, newer schema, not a clonecheck store)."""


class ConfigError(ClonecheckError):
    """A setting has an unknown name or a value of the wrong kind."""
