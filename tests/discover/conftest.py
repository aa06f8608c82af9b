"""The platform server fixture: Bluesky, Mastodon and X APIs on a real local HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from platform_server import PlatformServer
from pytest_httpserver import HTTPServer


@pytest.fixture
def platforms(httpserver: HTTPServer, shared_data) -> Iterator[PlatformServer]:  # type: ignore[no-untyped-def]
    """An empty world on the three APIs; the test adds its accounts."""
    yield PlatformServer(httpserver, shared_data.path("formats"))
