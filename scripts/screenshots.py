"""Take the README's screenshots of the web app: ``docs/screenshots/queue.png`` and
``docs/screenshots/case.png``.

Builds a demo store in a temporary folder (Eileen Collins registered, the demo crawl imported
and scanned, a case opened for every match, a few decided), starts ``clonecheck serve`` on a
free port of 127.0.0.1, signs in as an agent in Debian's Chromium driven by Playwright, and
saves the two pages. Needs ``chromium`` on PATH (``apt-get install chromium``).

    uv run python scripts/screenshots.py
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from clonecheck.models import CaseState, DismissReason
from clonecheck.service import Service
from clonecheck.service.cases import CaseService
from clonecheck.service.users import UserService
from clonecheck.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_images"
OUT = ROOT / "docs" / "screenshots"
PASSWORD = "screenshot-password"
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


def build_demo(path: Path) -> int:
    """The demo store; returns the number of the case the case page shows."""
    with Store.open(path) as store:
        service = Service(store)
        service.register(
            "Eileen Collins",
            handles=["eileencollins"],
            photos=[str(SAMPLES / "eileen_collins.jpg")],
            own=["twitter:eileencollins"],
            bio="Retired NASA astronaut. First woman to pilot and command a Space Shuttle.",
        )
        service.import_file(SAMPLES / "demo_profiles.csv", photos_dir=SAMPLES)
        users = UserService(service)
        users.add("ana", PASSWORD, "agent")
        users.add("bo", PASSWORD, "agent")
        users.add("ada", PASSWORD, "admin")
        cases = CaseService(service)
        opened = {
            match.profile.handle: cases.open_from_scan(match, actor="bo").id
            for match in service.scan().matches
        }
        shown = opened["eiIeencollins"]
        cases.assign(shown, "ana", actor="bo")
        cases.note(shown, "reported by her office by e-mail, ticket HD-2291", actor="ana")
        real = opened["real_eileencollins"]
        confirmed = "Cyrillic E in her name, real_ prefix"
        cases.transition(real, CaseState.CONFIRMED, actor="ana", reason=confirmed)
        cases.transition(real, CaseState.REPORTED, actor="ana", reason="platform ticket X-123")
        cases.dismiss(
            opened["eileencollins_fan"], DismissReason.FAN_PARODY, actor="bo", note="fan page"
        )
    return shown


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("no chromium on PATH: apt-get install chromium")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "clonecheck.db"
        case_id = build_demo(db)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "clonecheck", "--db", str(db), "serve", "--port", str(port)],
            env={**os.environ},
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        sys.exit("clonecheck serve did not start")
                    time.sleep(0.1)
            base = f"http://127.0.0.1:{port}"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"{base}/login")
                page.get_by_label("Username").fill("ana")
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(f"{base}/")
                page.screenshot(path=OUT / "queue.png", full_page=True)
                page.goto(f"{base}/cases/{case_id}")
                page.screenshot(path=OUT / "case.png", full_page=True)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    for name in ("queue.png", "case.png"):
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
