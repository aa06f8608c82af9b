"""The web app of a support team (``clonecheck serve``): the queue of open cases, a case page
with both photos side by side and buttons for every state change, a search box that runs
``check``, and the identity pages, behind sign-in with roles.

It sits beside the CLI, above the service layer, and calls only ``clonecheck.service`` (and
the ``report`` renderers for photos and evidence packs): it never speaks SQL. Server-rendered
templates, no JavaScript.
"""

from __future__ import annotations

from clonecheck.web.app import create_app

__all__ = ["create_app"]
