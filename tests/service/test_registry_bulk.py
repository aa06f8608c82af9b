"""A support team's list registered at once, and checks against a large registry that stay
warm between calls yet see every change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clonecheck.errors import InputError
from clonecheck.match.score import score_pair
from clonecheck.models import Verdict
from clonecheck.service import Service, checking, registration
from clonecheck.service.photos import PhotoAnalyser
from clonecheck.store import Store

FIRST = ["Ada", "Grace", "Alan", "Marie", "Tim", "Katherine", "Edsger", "Barbara", "Donald"]
LAST = ["Lovelace", "Hopper", "Turing", "Curie", "Berners", "Johnson", "Dijkstra", "Liskov"]


def write_people(path: Path, count: int) -> None:
    lines = ["name,handles,own,bio"]
    for i in range(count):
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
        lines.append(
            f"{first} {last} {i},{first.lower()}{last.lower()}{i} {first[0]}{last}{i},x:{first}{i},"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_list_of_people_registers_at_once_without_a_photo_fetcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2,000 people from a CSV file become 2,000 identities with their handles and own
    accounts; nobody has photos, so no photo fetcher is opened (it cost 97 % of a
    registration); ``register`` of one person without photos does not open one either."""

    def no_fetcher(*_: object, **__: object) -> None:
        raise AssertionError("a photo fetcher was opened for people without photos")

    monkeypatch.setattr(PhotoAnalyser, "fetcher", no_fetcher)
    people_file = tmp_path / "people.csv"
    write_people(people_file, 2000)
    service = Service(Store.open(tmp_path / "c.db"))
    people = registration.read_people(people_file)
    done = registration.register_many(service.photos, people)
    assert len(done) == 2000 and len(service.identities()) == 2000
    ada = service.identity("adalovelace0")
    assert ada.handles == ("adalovelace0", "ALovelace0")
    assert [str(a) for a in ada.own_accounts] == [str(done[0].own_accounts[0])]
    service.register("Grace Hopper", handles=["thegracehopper"])
    assert service.identity("thegracehopper").name == "Grace Hopper"


def test_a_people_file_in_json_lines_and_its_mistakes(tmp_path: Path) -> None:
    """JSON Lines with lists or text; a person without a name is refused with the line."""
    good = tmp_path / "people.jsonl"
    good.write_text(
        json.dumps({"name": "Ada Lovelace", "handles": ["adalovelace", "ada_l"]})
        + "\n\n"
        + json.dumps({"name": "Grace Hopper", "handles": "gracehopper", "slug": "grace"})
        + "\n",
        encoding="utf-8",
    )
    people = registration.read_people(good)
    assert [(p.name, p.handles, p.slug) for p in people] == [
        ("Ada Lovelace", ("adalovelace", "ada_l"), None),
        ("Grace Hopper", ("gracehopper",), "grace"),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,handles\nAda,ada\n,nobody\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv, line 3: no name"):
        registration.read_people(bad)


def test_a_warm_check_flags_what_scoring_everyone_flags_and_sees_new_people(
    tmp_path: Path,
) -> None:
    """With 300 people registered a check scores only the index's candidates, kept warm
    between calls; it flags exactly what scoring every identity flags, and a person
    registered meanwhile by another process's connection is seen by the next check."""
    people_file = tmp_path / "people.csv"
    write_people(people_file, 300)
    path = tmp_path / "c.db"
    service = Service(Store.open(path))
    registration.register_many(service.photos, registration.read_people(people_file))
    reported = [
        ("Ada Lovelace 0", "adalovelace0_"),
        ("Grace Hopper 1", "gracehopper1"),
        ("Someone Else", "nobody"),
    ]
    rarity = service.name_rarity()
    for name, handle in reported:
        found = service.check(name=name, handle=handle, platform="x")
        assert len(found) < 300
        profile = found[0].profile if found else None
        every = (
            [score_pair(i, [], profile, None, service.config, rarity) for i in service.identities()]
            if profile
            else []
        )
        expected = sorted(
            (m.identity.slug, m.verdict) for m in every if m.verdict is not Verdict.NONE
        )
        assert (
            sorted((m.identity.slug, m.verdict) for m in found if m.verdict is not Verdict.NONE)
            == expected
        )
        assert bool(expected) is (name != "Someone Else")
    warm = checking.registry(service.photos)
    assert checking.registry(service.photos) is warm
    with Store.open(path) as other:
        Service(other).register("Ada Lovelace", handles=["adalovelace"])
    assert checking.registry(service.photos) is not warm
    found = service.check(name="Ada Lovelace", handle="adalovelace_", platform="x")
    assert found[0].identity.slug == "adalovelace"
    assert found[0].verdict is not Verdict.NONE
