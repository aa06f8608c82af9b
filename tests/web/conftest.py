"""Fixtures of the web app's tests; they and their helpers live in ``web_helpers``."""

from __future__ import annotations

from web_helpers import client, db, template_db

__all__ = ["client", "db", "template_db"]
