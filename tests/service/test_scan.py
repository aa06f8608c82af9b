"""Scanning through the service: what a scan keeps does not depend on how it is batched."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import clonecheck.service.scanning
from clonecheck.service import Service
from clonecheck.store import Store

CLONE_HANDLES = [
    "ada1ovelace",
    "adalovelacee",
    "adalovelace_",
    "real_adalovelace",
    "adalovelace2",
    "adaIovelace",
    "ada_lovelace",
]
INNOCENTS = [
    ("grace_hopper", "Grace Hopper"),
    ("lakeviewbakery", "Lakeview Bakery"),
    ("tom_k", "Tom Kowalski"),
    ("marie_c", "Marie Curie"),
    ("alan_t", "Alan Turing"),
]


def scan_keys(tmp_path: Path, block: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(clonecheck.service.scanning, "SCAN_BLOCK", block)
    service = Service(Store.open(tmp_path / f"block{block}.db"))
    service.register("Ada Lovelace", handles=["adalovelace"])
    crawl = tmp_path / "crawl.csv"
    with crawl.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["platform", "handle", "name"])
        writer.writerows(("x", handle, "Ada Lovelace") for handle in CLONE_HANDLES)
        writer.writerows(("x", handle, name) for handle, name in INNOCENTS)
    service.import_file(crawl)
    return sorted(match.profile.handle for match in service.scan().matches)


def test_a_scan_keeps_the_matches_of_every_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve profiles in blocks of three: the clones in the first blocks are reported too."""
    in_blocks = scan_keys(tmp_path, 3, monkeypatch)
    assert in_blocks == sorted(CLONE_HANDLES)
    assert scan_keys(tmp_path, 2000, monkeypatch) == in_blocks


def test_an_account_registered_as_someones_own_is_never_reported(tmp_path: Path) -> None:
    """Two registered namesakes: each one's real account looks like a clone of the other by
    name and handle, but a declared own account is verified, so neither scan nor check
    reports it against anyone."""
    service = Service(Store.open(tmp_path / "clonecheck.db"))
    service.register("Ada Lovelace", handles=["adalovelace"], own=["x:adalovelace"])
    service.register("Ada Lovelace", handles=["adalovelace_"], own=["x:adalovelace_"])
    crawl = tmp_path / "crawl.csv"
    crawl.write_text(
        "platform,handle,name\nx,adalovelace,Ada Lovelace\nx,adalovelace_,Ada Lovelace\n"
        "x,ada1ovelace,Ada Lovelace\n",
        encoding="utf-8",
    )
    service.import_file(crawl)
    assert {m.profile.handle for m in service.scan().matches} == {"ada1ovelace"}
    checked = service.check(name="Ada Lovelace", handle="adalovelace_", platform="x")
    assert all(m.verdict.value == "none" for m in checked)
    assert any("own account" in note for m in checked for note in m.notes)
