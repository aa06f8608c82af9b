"""The scan over worker processes finds exactly what one process finds."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import clonecheck.service.scanning
from clonecheck.models import Profile
from clonecheck.service import Service, registration
from clonecheck.store import Store

FIRST = ["Ada", "Grace", "Alan", "Marie", "Tim", "Katherine", "Edsger", "Barbara", "Donald"]
LAST = ["Lovelace", "Hopper", "Turing", "Curie", "Berners", "Johnson", "Dijkstra", "Liskov"]


def test_a_parallel_scan_reports_the_serial_scans_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """72 people, 3,000 profiles (a third of them clones by handle edit or copied name),
    scanned in blocks of 250 by two worker processes and by one: the same matches, scores,
    verdicts and signals, and both scans recorded with the same counts."""
    monkeypatch.setattr(clonecheck.service.scanning, "SCAN_BLOCK", 250)
    rng = random.Random(7)
    service = Service(Store.open(tmp_path / "c.db"))
    people = [
        registration.Person(f"{first} {last}", handles=(f"{first}{last}".lower(),))
        for first in FIRST
        for last in LAST
    ]
    registration.register_many(service.photos, people)
    profiles = []
    for i in range(3000):
        person = rng.choice(people)
        handle = person.handles[0]
        if i % 3 == 0:
            handle = rng.choice([handle + "_", "real" + handle, handle[:-1], handle + "1"])
            name = person.name
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            handle = f"{name.split()[0].lower()}{i}"
        profiles.append(Profile("x", handle, name))
    with service.store.transaction():
        service.store.upsert_profiles(profiles, "crawl")
    serial = clonecheck.service.scanning.scan(service.photos, service.progress, workers=1)
    parallel = clonecheck.service.scanning.scan(service.photos, service.progress, workers=2)
    assert len(serial.matches) > 500
    assert parallel.matches == serial.matches
    first, second = service.store.scans()
    assert (first.likely, first.possible) == (second.likely, second.possible)
    assert first.likely + first.possible == len(serial.matches)
    assert first.status == second.status == "finished"
