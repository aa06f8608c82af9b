"""The scan on a real Dask cluster (``LocalCluster``, two worker processes): the same matches as
the single-machine scan on the same data, from the store or from a Parquet dataset, even when a
worker is killed mid-scan."""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

import clonecheck.store.parquet
from clonecheck.cli import app
from clonecheck.errors import InputError
from clonecheck.models import Match, Verdict
from clonecheck.service import Service, SilentProgress
from clonecheck.service.distributed import cluster_client, scan_on_cluster
from clonecheck.service.parquet import import_to_parquet
from clonecheck.store import Store
from clonecheck.store.parquet import ParquetProfiles

if TYPE_CHECKING:
    from distributed import Client
    from tests.conftest import SharedData

pytestmark = pytest.mark.slow

PEOPLE = {
    "Tony_Blair": "Tony Blair",
    "Ariel_Sharon": "Ariel Sharon",
    "Andre_Agassi": "Andre Agassi",
}
FIRST = ["Maria", "John", "Wei", "Fatima", "Olga", "Tom", "Anna", "Luis", "Sara", "Ken", "Ada"]
LAST = ["Garcia", "Smith", "Chen", "Khan", "Ivanova", "Kowalski", "Berg", "Costa", "Lee", "Moss"]
EDITS = ["{h}_", "{h}1", "real_{h}", "{h}official", "the{h}", "{h}x", "{h}__", "{h}2024"]
#: profiles of the crawl, in blocks of this many for the distributed scans (many partitions)
BLOCK = 25


@pytest.fixture(scope="module")
def world(shared_data: SharedData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with three registered people (real LFW photos) and a crawl of 300 profiles:
    their clones by handle, name, copied photo and other photo of the same face, namesakes,
    their own accounts, and strangers with strangers' photos. Returns the crawl's folder; the
    store is ``clonecheck.db`` in it, closed, to be copied by each test."""
    folder = tmp_path_factory.mktemp("world")
    faces = shared_data.faces_by_identity("lfw_dev")
    rng = random.Random(18)
    service = Service(Store.open(folder / "clonecheck.db"))
    photos: dict[str, list[str]] = {}
    for label, name in PEOPLE.items():
        files = [Path(shutil.copy(p, folder / p.name)).name for p in faces[label][:3]]
        photos[label] = files
        handle = name.replace(" ", "").lower()
        service.register(
            name, handles=[handle], photos=[str(folder / files[0])], own=[f"x:{handle}"]
        )
    strangers = [
        Path(shutil.copy(p[0], folder / p[0].name)).name
        for p in (faces[label] for label in sorted(faces) if label not in PEOPLE)
    ][:12]
    rows: list[tuple[str, str, str, str]] = []
    for label, name in PEOPLE.items():
        handle = name.replace(" ", "").lower()
        rows.append((handle, name, photos[label][0], "own"))
        for number, edit in enumerate(EDITS):
            photo = photos[label][number % 3] if number % 2 == 0 else ""
            rows.append((edit.format(h=handle), name, photo, "clone"))
        rows.append((f"{handle[:4]}_fan", f"{name.split()[0]} fan page", photos[label][1], "fan"))
    while len(rows) < 300:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        handle = name.replace(" ", "_").lower() + str(rng.randrange(10_000))
        photo = rng.choice(strangers) if rng.random() < 0.15 else ""
        rows.append((handle, name, photo, "stranger"))
    rng.shuffle(rows)
    with (folder / "crawl.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["platform", "id", "handle", "name", "photo"])
        writer.writerows(("x", str(i), h, n, p) for i, (h, n, p, _) in enumerate(rows))
    service.import_file(folder / "crawl.csv", photos_dir=folder)
    service.store.close()
    return folder


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """Two worker processes on this machine, shared by the tests of this module."""
    with cluster_client("local:2", workers=2) as started:
        yield started


def copy_of(world: Path, tmp_path: Path) -> Service:
    """A fresh copy of the world's store: each scan starts from the same photo features."""
    target = tmp_path / "clonecheck.db"
    shutil.copy(world / "clonecheck.db", target)
    return Service(Store.open(target))


@pytest.fixture(scope="module")
def expected(world: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Match, ...]:
    """The matches of the ordinary scan, on its own copy of the store."""
    service = copy_of(world, tmp_path_factory.mktemp("single"))
    matches = service.scan().matches
    service.store.close()
    return matches


def test_the_distributed_scan_reports_exactly_the_single_machine_matches(
    world: Path, expected: tuple[Match, ...], tmp_path: Path, client: Client
) -> None:
    """12 partitions over 2 workers: the same matches, scores and signals, recorded as one
    scan with its counts, and the faces computed for candidates kept in the store."""
    assert sum(m.verdict is Verdict.LIKELY_CLONE for m in expected) >= 6
    service = copy_of(world, tmp_path)
    result = scan_on_cluster(service.photos, SilentProgress(), client, block=BLOCK)
    assert result.matches == expected
    assert result.faces_computed > 0
    recorded = service.store.scans()[-1]
    assert (recorded.id, recorded.profiles) == (result.scan_id, 300)
    assert (recorded.likely, recorded.possible) == (result.likely, result.possible)
    again = scan_on_cluster(service.photos, SilentProgress(), client, block=BLOCK)
    assert again.faces_computed == 0


def test_a_parquet_crawl_is_scanned_in_place_with_the_same_matches(
    world: Path,
    expected: tuple[Match, ...],
    tmp_path: Path,
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The crawl imported to a Parquet dataset (file:// URL, row groups of 40) instead of the
    store: the same matches, the photos in the store, and a re-import replaces its rows."""
    monkeypatch.setattr(clonecheck.store.parquet, "ROWS_PER_PART", 40)
    monkeypatch.setattr(clonecheck.store.parquet, "PARTS_PER_FILE", 3)
    store_path = tmp_path / "parquet.db"
    shutil.copy(world / "clonecheck.db", store_path)
    service = Service(Store.open(store_path))
    service.store.db.execute("delete from profiles")
    url = (tmp_path / "crawl").as_uri()
    summary = import_to_parquet(
        service.photos, SilentProgress(), world / "crawl.csv", url, photos_dir=world
    )
    assert summary.inserted == 300
    import_to_parquet(service.photos, SilentProgress(), world / "crawl.csv", url, photos_dir=world)
    parts = ParquetProfiles(url).parts()
    assert (len(parts), sum(p.rows for p in parts)) == (8, 300)
    assert service.store.count_profiles() == 0
    result = scan_on_cluster(service.photos, SilentProgress(), client, dataset=url)
    assert result.profiles == 300
    assert result.matches == expected


def test_an_empty_dataset_folder_is_an_input_error(tmp_path: Path) -> None:
    """A folder with no Parquet files says so and how to write some."""
    with pytest.raises(InputError, match="--to-parquet"):
        ParquetProfiles(str(tmp_path)).parts()


def test_the_cli_imports_to_parquet_and_scans_it_on_a_cluster(
    world: Path, expected: tuple[Match, ...], tmp_path: Path, client: Client
) -> None:
    """``import --to-parquet DIR`` then ``scan --profiles DIR --cluster ADDRESS``: the JSON
    report lists the single-machine scan's matches, and the exit code says clones were found."""
    db = tmp_path / "clonecheck.db"
    shutil.copy(world / "clonecheck.db", db)
    with Store.open(db) as store:
        store.db.execute("delete from profiles")
    dataset = tmp_path / "crawl"
    imported = CliRunner().invoke(
        app,
        [
            "--db",
            str(db),
            "import",
            str(world / "crawl.csv"),
            "--photos-dir",
            str(world),
            "--to-parquet",
            str(dataset),
        ],
    )
    assert imported.exit_code == 0, imported.output
    address = client.scheduler.address
    scanned = CliRunner().invoke(
        app,
        [
            "--db",
            str(db),
            "scan",
            "--profiles",
            str(dataset),
            "--cluster",
            address,
            "--format",
            "json",
        ],
    )
    assert scanned.exit_code == 1, scanned.output
    reported = {
        (m["identity"]["slug"], m["profile"]["key"]) for m in json.loads(scanned.stdout)["matches"]
    }
    assert reported == {(m.identity.slug, m.profile.key) for m in expected}


def scan_new_twice(db: Path, *cluster: str) -> tuple[list[set[str]], list[int]]:
    """``scan --new`` with the retention rule keeping one scan, twice, with a case opened on
    one reported profile in between: the profile keys each scan reported, and the scans whose
    match rows the store kept."""
    reported: list[set[str]] = []
    for _ in range(2):
        scanned = CliRunner().invoke(
            app,
            ["--db", str(db), "scan", *cluster, "--new", "-f", "json",
             "--set", "scan_history=1"],
        )  # fmt: skip
        assert scanned.exit_code in (0, 1), scanned.output
        reported.append({m["profile"]["key"] for m in json.loads(scanned.stdout)["matches"]})
        if len(reported) == 1:
            opened = CliRunner().invoke(
                app,
                ["--db", str(db), "cases", "open", "--from-scan", "x:@tonyblair_",
                 "-i", "tonyblair", "--as", "ana"],
            )  # fmt: skip
            assert opened.exit_code == 0, opened.output
    with Store.open(db) as store:
        kept = [r[0] for r in store.db.execute("select distinct scan_id from matches order by 1")]
    return reported, kept


def test_scan_new_on_a_cluster_keeps_and_forgets_what_the_single_machine_scan_does(
    world: Path, tmp_path: Path, client: Client
) -> None:
    """``scan --cluster ADDRESS --new`` twice equals ``scan --new`` twice: the retention rule
    (``scan_history`` 1) leaves the second scan's match rows only, so the second ``--new``
    reports again what the first did, except the profile a case was opened on meanwhile."""
    single, on_cluster = tmp_path / "single.db", tmp_path / "cluster.db"
    shutil.copy(world / "clonecheck.db", single)
    shutil.copy(world / "clonecheck.db", on_cluster)
    expected_reports, expected_kept = scan_new_twice(single)
    first, second = expected_reports
    assert second == first - {key_of(single, "tonyblair_")} and len(second) >= 6
    assert expected_kept == [2]
    reports, kept = scan_new_twice(on_cluster, "--cluster", client.scheduler.address)
    assert (reports, kept) == (expected_reports, expected_kept)


def key_of(db: Path, handle: str) -> str:
    with Store.open(db) as store:
        row = store.db.execute("select key from profiles where handle = ?", [handle]).fetchone()
    return str(row[0])


class StopMidScan(SilentProgress):
    """Ctrl-C when the first partition is done."""

    def advance(self, amount: int = 1) -> None:
        raise KeyboardInterrupt


def test_a_cluster_scan_stopped_mid_way_is_left_interrupted(
    world: Path, tmp_path: Path, client: Client
) -> None:
    """As on one machine, a scan stopped mid-way keeps its row, marked ``interrupted``."""
    service = copy_of(world, tmp_path)
    with pytest.raises(KeyboardInterrupt):
        scan_on_cluster(service.photos, StopMidScan(), client, block=BLOCK)
    assert [s.status for s in service.store.scans()] == ["interrupted"]


class KillOneWorker(SilentProgress):
    """Kills one worker process (SIGKILL, as an out-of-memory killer would) when the first
    partition is done, while the others are still running."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.killed: int | None = None

    def advance(self, amount: int = 1) -> None:
        if self.killed is None:
            pids = self.client.run(os.getpid)
            self.killed = sorted(pids.values())[0]
            os.kill(self.killed, signal.SIGKILL)


def test_a_worker_killed_mid_scan_loses_and_duplicates_no_match(
    world: Path, expected: tuple[Match, ...], tmp_path: Path, client: Client
) -> None:
    """One of the two workers dies after the first partition: Dask runs its tasks again on
    the other, and the scan reports each match once, the same as on one machine."""
    service = copy_of(world, tmp_path)
    progress = KillOneWorker(client)
    result = scan_on_cluster(service.photos, progress, client, block=BLOCK)
    assert progress.killed is not None
    assert result.matches == expected
    pairs = [(m.identity.slug, m.profile.key) for m in result.matches]
    assert len(pairs) == len(set(pairs))
