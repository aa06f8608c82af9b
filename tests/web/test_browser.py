"""The web app in a real browser: ``clonecheck serve`` runs as its own process on 127.0.0.1, and
Debian's Chromium, driven by Playwright, walks a case from a report to "reported to platform"
the way an agent would: sign in, search with a photo, open a case, confirm it, report it; and
walks the inbox from a scan result to a reported case: dismiss one result, open a case on
another, find it in the queue, confirm it, report it.

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


def test_agent_walks_the_inbox_from_a_scan_result_to_a_reported_case(
    server: str, browser: Browser
) -> None:
    """Sign in as an agent; the inbox lists the scan's results that have no case; dismiss the
    fan account as a parody, open a case on the look-alike, find it in the queue with its
    search, confirm it and mark it reported to the platform: its history shows each step
    with the agent's name, from "opened from a scan"."""
    page = browser.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server}/login")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(TEAM["ana"][1])
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Inbox").click()
    expect(page).to_have_url(f"{server}/inbox")
    rows = page.locator("#inbox tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first.get_by_role("img")).to_have_count(2)

    fan = page.get_by_role("form", name="Dismiss @eileencollins_fan")
    fan.get_by_label("Not a clone because").select_option("fan/parody")
    fan.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_role("status")).to_have_text("Dismissed @eileencollins_fan (case #2).")
    expect(rows).to_have_count(3)

    clone = page.get_by_role("form", name="Open a case on @eileen_collins_")
    clone.get_by_role("button", name="Open case").click()
    expect(page.get_by_role("status")).to_have_text("Opened case #3 on @eileen_collins_.")
    expect(rows).to_have_count(2)
    expect(page.get_by_role("form", name="Open a case on @eileen_collins_")).to_have_count(0)

    page.get_by_role("link", name="Queue").click()
    page.get_by_label("Search").fill("eileen_collins_")
    page.get_by_role("button", name="Filter").click()
    cases = page.locator("#cases tbody tr")
    expect(cases).to_have_count(1)
    cases.first.get_by_role("link", name="#3").click()
    expect(page.locator("#case-state")).to_have_text("open")

    page.get_by_label("Confirm clone: reason").fill("cropped copy of her photo")
    page.get_by_role("button", name="Confirm clone").click()
    expect(page.locator("#case-state")).to_have_text("confirmed clone")
    page.get_by_label("Mark reported to platform: reason").fill("ticket X-456")
    page.get_by_role("button", name="Mark reported to platform").click()
    expect(page.locator("#case-state")).to_have_text("reported to platform")

    history = page.locator("#history tbody tr")
    expect(history).to_have_count(3)
    for index, (before, after, reason) in enumerate(
        [
            ("—", "open", "opened from a scan"),
            ("open", "confirmed clone", "cropped copy of her photo"),
            ("confirmed clone", "reported to platform", "ticket X-456"),
        ]
    ):
        cells = history.nth(index).locator("td")
        expect(cells.nth(1)).to_have_text("ana")
        expect(cells.nth(2)).to_have_text(before)
        expect(cells.nth(3)).to_have_text(after)
        expect(cells.nth(4)).to_have_text(reason)

    page.get_by_role("link", name="Inbox").click()
    expect(rows).to_have_count(2)
    page.close()
