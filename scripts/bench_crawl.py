"""Follower crawl speed at a given rate limit, against a local server in Bluesky's shapes.

A stdlib HTTP server on 127.0.0.1 answers ``app.bsky.graph.getFollowers`` (100 ``profileView``
objects a page, paged by cursor, as the AppView does) for an account with N followers; the real
``clonecheck`` crawl (``service.crawl``: polite client, adapter, ingest parser, one store
transaction per page with its cursor) reads them all into a fresh store file, without fetching
photos. The server keeps the time of every request, so the observed rate is measured where it
counts: no second may hold more requests than the limit.

    uv run python scripts/bench_crawl.py                      # 100,000 followers at 10 req/s
    uv run python scripts/bench_crawl.py --followers 20000 --rate 2
    uv run python scripts/bench_crawl.py --kills 5   # also: the CLI killed with SIGKILL 5 times

With ``--kills K`` the same 100,000-follower crawl also runs as ``clonecheck crawl followers``
in a child process killed with SIGKILL after a random number of stored pages, K times, then run
to its end: the store must hold each follower once and count each page once.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from clonecheck.discover.http import HttpPolicy
from clonecheck.discover.settings import DiscoverySettings
from clonecheck.service import Service
from clonecheck.service.crawl import crawl
from clonecheck.store import Store
from docs_section import write_section

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def serve(followers: int) -> tuple[ThreadingHTTPServer, list[float]]:
    hits: list[float] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                hits.append(time.monotonic())
            query = parse_qs(urlsplit(self.path).query)
            start = int(query.get("cursor", ["0"])[0])
            limit = int(query.get("limit", ["50"])[0])
            end = min(start + limit, followers)
            views = [
                {
                    "did": f"did:plc:bench{n:012d}",
                    "handle": f"follower{n}.bsky.social",
                    "displayName": f"Follower {n}",
                    "description": "bench account",
                    "avatar": f"https://cdn.bsky.app/img/avatar/plain/did:plc:b{n}/c{n}@jpeg",
                    "indexedAt": "2024-05-01T10:00:00.000Z",
                    "createdAt": "2023-06-01T09:30:00.000Z",
                    "labels": [],
                }
                for n in range(start, end)
            ]
            body: dict[str, object] = {
                "subject": {"did": "did:plc:star", "handle": "star.bsky.social"},
                "followers": views,
            }
            if end < followers:
                body["cursor"] = str(end)
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, hits


def busiest_second(hits: list[float]) -> int:
    """The most requests any one-second window held."""
    best = 0
    right = 0
    for left, start in enumerate(hits):
        while right < len(hits) and hits[right] - start < 1.0:
            right += 1
        best = max(best, right - left)
    return best


def run(followers: int, rate: float) -> dict[str, float]:
    server, hits = serve(followers)
    port = server.server_address[1]
    settings = DiscoverySettings(
        platforms=("bluesky",),
        bluesky_url=f"http://127.0.0.1:{port}",
        rate=rate,
        http=HttpPolicy(trusted_hosts=frozenset({f"127.0.0.1:{port}"})),
    )
    with tempfile.TemporaryDirectory() as scratch, Store.open(Path(scratch) / "b.db") as store:
        service = Service(store)
        started = time.perf_counter()
        summary = crawl(
            service.photos,
            service.progress,
            "bluesky",
            "star.bsky.social",
            settings,
            fetch_photos=False,
        )
        seconds = time.perf_counter() - started
        stored = store.count_profiles()
    server.shutdown()
    assert stored == followers and summary.finished
    return {
        "followers": followers,
        "rate": rate,
        "seconds": seconds,
        "per_second": followers / seconds,
        "requests": len(hits),
        "busiest": busiest_second(sorted(hits)),
    }


def _pages(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=10) as conn:
            row = conn.execute("select pages from crawls").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0]) if row else 0


def run_killed(followers: int, kills: int, seed: int = 11) -> dict[str, float]:
    """The CLI crawl killed with SIGKILL ``kills`` times at random pages, then finished."""
    server, hits = serve(followers)
    port = server.server_address[1]
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "k.db"
        command = [
            sys.executable, "-m", "clonecheck", "--db", str(db), "crawl", "followers",
            "bluesky:star.bsky.social", "--bluesky-url", f"http://127.0.0.1:{port}",
            "--allow-private-addresses", "--no-photos", "--no-scan",
        ]  # fmt: skip
        pages = followers // 100
        cut_at = sorted(rng.sample(range(1, pages), kills))
        started = time.perf_counter()
        for target in cut_at:
            child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while _pages(db) < target and child.poll() is None:
                time.sleep(0.01)
            child.send_signal(signal.SIGKILL)
            child.wait()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - started
        with sqlite3.connect(db) as conn:
            stored = conn.execute("select count(*), count(distinct key) from profiles").fetchone()
            counted = conn.execute("select profiles, pages, finished_at from crawls").fetchone()
    server.shutdown()
    fetched = sum(1 for _ in hits) - (kills + 1)  # minus one follower-count lookup per run
    assert "finished" in done.stderr, done.stderr
    assert stored[0] == stored[1] == followers and counted[0] == followers
    assert counted[1] == pages and counted[2] is not None
    return {
        "followers": followers,
        "kills": kills,
        "cut_at": float(len(cut_at)),
        "seconds": seconds,
        "pages_fetched": float(fetched),
        "pages": float(pages),
        "stored": float(stored[0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=100_000)
    parser.add_argument("--rate", type=float, action="append")
    parser.add_argument("--kills", type=int, default=0)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args()
    rates = args.rate or [10.0, 2.0]
    rows = []
    for rate in rates:
        size = args.followers if rate == rates[0] else max(1000, args.followers // 5)
        result = run(size, rate)
        rows.append(result)
        print(
            f"{result['followers']:,.0f} followers at {rate:g} req/s: "
            f"{result['seconds']:.1f} s, {result['per_second']:,.0f} profiles/s, "
            f"busiest second {result['busiest']:.0f} requests",
            flush=True,
        )
    killed = run_killed(args.followers, args.kills) if args.kills else None
    if killed is not None:
        print(
            f"{killed['followers']:,.0f} followers, killed {args.kills} times: "
            f"{killed['stored']:,.0f} stored once each, {killed['pages_fetched']:,.0f} page "
            f"requests for {killed['pages']:,.0f} pages, {killed['seconds']:.0f} s",
            flush=True,
        )
    if args.no_docs:
        return
    lines = [
        "## Crawl: follower lists at a rate limit",
        "",
        "`uv run python scripts/bench_crawl.py` — `clonecheck crawl followers` (service.crawl) "
        "against a local server answering `app.bsky.graph.getFollowers` in the AppView's shape "
        "(100 profiles a page, paged by cursor); each page parsed by the ingest Bluesky parser "
        "and stored with its cursor in one transaction, photos not fetched. The server times "
        "every request: the busiest second is what it saw, never over the limit. At Bluesky's "
        "published 3,000 requests per 5 minutes (10/s on average) a crawl is bound by the "
        "rate: 100 profiles a request makes the ceiling 1,000 profiles/s.",
        "",
        "| followers | rate limit | time | profiles/s | ceiling (rate x 100) | requests "
        "| busiest second |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['followers']:,.0f} | {row['rate']:g} req/s | {row['seconds']:.1f} s "
            f"| {row['per_second']:,.0f} | {row['rate'] * 100:,.0f} | {row['requests']:,.0f} "
            f"| {row['busiest']:.0f} |"
        )
    if killed is not None:
        lines += [
            "",
            f"Killed with SIGKILL: the same {killed['followers']:,.0f}-follower crawl run as "
            f"`clonecheck crawl followers` in a child process, killed {args.kills} times after "
            "a random number of stored pages, then run to its end: "
            f"{killed['stored']:,.0f} profiles stored, each once, each page counted once; "
            f"{killed['pages_fetched']:,.0f} page requests for {killed['pages']:,.0f} pages "
            "(at most the page in flight at each kill is fetched again); "
            f"{killed['seconds']:.0f} s in all, start-ups included.",
        ]
    write_section(DOCS, "crawl", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
