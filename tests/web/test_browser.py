"""The web app in a real browser: ``clonecheck serve`` runs as its own process on 127.0.0.1, and
Debian's Chromium, driven by Playwright, walks a case from a report to "reported to platform"
the way an agent would: sign in, search with a photo, open a case, confirm it, report it.

Playwright never downloads a browser here: it drives the system's ``chromium`` (``.ci/run``
installs it), and the test skips, saying so, where there is none.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright
from web_helpers import SAMPLES, TEAM

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium binary on PATH (Debian: apt-get install chromium; .ci/run does)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(db: Path) -> Iterator[str]:
    """`clonecheck serve` on a free port of 127.0.0.1, stopped after the test."""
    port = free_port()
    env = {**os.environ, "CLONECHECK_DB": str(db)}
    process = subprocess.Popen(
        [sys.executable, "-m", "clonecheck", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"clonecheck serve exited with {process.returncode}:\n{output}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("clonecheck serve did not start listening within 30 s")
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_agent_walks_a_report_to_reported_to_platform(server: str, browser: Browser) -> None:
    """Sign in as an agent; search with a name, a look-alike handle and the suspect's photo;
    open a case from the likely clone; confirm it and mark it reported to the platform, each
    with a reason; the history on the page shows every change with the agent's name."""
    page = browser.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{server}/")
    expect(page).to_have_url(f"{server}/login?next=%2F")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(TEAM["ana"][1])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as ana (agent)")).to_be_visible()

    page.get_by_role("link", name="Check an account").click()
    page.get_by_label("Display name").fill("Eileen Collins")
    page.get_by_label("Handle").fill("eiIeen.collins")
    page.get_by_label("Profile photo").set_input_files(str(SAMPLES / "clone_mirrored_small.jpg"))
    page.get_by_role("button", name="Check", exact=True).click()
    result = page.locator("section.result").first
    expect(result.locator(".badge")).to_have_text("likely clone")
    expect(result.get_by_role("img")).to_have_count(2)

    result.get_by_role("button", name="Open a case against Eileen Collins").click()
    expect(page.get_by_role("status")).to_have_text("Opened case #2.")
    expect(page.locator("#case-state")).to_have_text("open")
    expect(page.get_by_role("img", name="Registered photo of Eileen Collins")).to_be_visible()

    page.get_by_label("Confirm clone: reason").fill("mirrored copy of her photo")
    page.get_by_role("button", name="Confirm clone").click()
    expect(page.locator("#case-state")).to_have_text("confirmed clone")

    page.get_by_label("Mark reported to platform: reason").fill("ticket X-123")
    page.get_by_role("button", name="Mark reported to platform").click()
    expect(page.locator("#case-state")).to_have_text("reported to platform")

    rows = page.locator("#history tbody tr")
    expect(rows).to_have_count(3)
    expected = [
        ("ana", "—", "open", "opened from a report"),
        ("ana", "open", "confirmed clone", "mirrored copy of her photo"),
        ("ana", "confirmed clone", "reported to platform", "ticket X-123"),
    ]
    for index, (who, before, after, reason) in enumerate(expected):
        cells = rows.nth(index).locator("td")
        expect(cells.nth(1)).to_have_text(who)
        expect(cells.nth(2)).to_have_text(before)
        expect(cells.nth(3)).to_have_text(after)
        expect(cells.nth(4)).to_have_text(reason)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{server}/login")
    page.close()
