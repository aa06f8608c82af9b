"""`clonecheck register --from-file`: a support team's list of people, registered all or none.

Real CSV and JSON Lines files in a temporary folder, a real SQLite file, the project's sample
photos and the real face model. A mistake anywhere in the file is one line naming the file and
the line, and nothing of the file is stored.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clonecheck.cli import app
from clonecheck.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images"


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def stored(db: Path) -> tuple[list[str], int]:
    """The registered slugs, and how many photos the store holds."""
    with Store.open(db) as store:
        photos = store.db.execute("select count(*) from photos").fetchone()[0]
        return [i.slug for i in store.identities()], int(photos)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with the list's photos beside it, as a support team would send them."""
    for name in ("eileen_collins.jpg", "avatar_01.png"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    return tmp_path


def test_a_csv_file_registers_everyone_with_handles_photos_and_own_accounts(
    folder: Path,
) -> None:
    """Three people from a CSV file: a photo named relative to the file's folder, several
    handles in one cell, a bio with a comma in quotes; the summary counts them."""
    people = folder / "vip.csv"
    people.write_text(
        "name,handles,photos,own,bio,slug\n"
        'Eileen Collins,eileencollins @ecollins,eileen_collins.jpg,twitter:eileencollins,"Pilot, '
        'astronaut",\n'
        "Ada Lovelace,adalovelace,,x:ada,,ada\n"
        "Grace Hopper,,,,,\n",
        encoding="utf-8",
    )
    db = folder / "c.db"
    code, _, err = run(db, "register", "--from-file", str(people))
    assert code == 0, err
    assert f"Registered 3 people from {people}: 3 handle(s), 1 photo(s), 2 own account(s)." in err
    assert stored(db) == (["ada", "eileencollins", "grace-hopper"], 1)
    code, out, _ = run(db, "identities", "show", "ecollins")
    assert code == 0
    assert "handles: @eileencollins, @ecollins" in out
    assert "own accounts: twitter:eileencollins" in out
    assert "bio: Pilot, astronaut" in out
    assert f"photo: {folder / 'eileen_collins.jpg'}" in out


def test_a_json_lines_file_takes_lists_or_text(folder: Path) -> None:
    """One object a line, values as lists or as text separated by spaces; blank lines are
    passed over."""
    people = folder / "vip.jsonl"
    people.write_text(
        json.dumps(
            {
                "name": "Eileen Collins",
                "handles": ["eileencollins", "ecollins"],
                "photos": [str(folder / "eileen_collins.jpg")],
                "own": "twitter:eileencollins",
            }
        )
        + "\n\n"
        + json.dumps({"name": "Ada Lovelace", "handle": "adalovelace", "bio": "Analyst"})
        + "\n",
        encoding="utf-8",
    )
    db = folder / "c.db"
    code, _, err = run(db, "register", "--from-file", str(people))
    assert code == 0, err
    assert "Registered 2 people" in err
    assert stored(db) == (["adalovelace", "eileencollins"], 1)


def test_a_photo_without_a_face_on_the_last_line_stores_nobody(folder: Path) -> None:
    """The third person's photo shows no face: the error names the file, the line and the
    photo, and neither the first two people nor any photo is stored."""
    people = folder / "vip.csv"
    people.write_text(
        "name,handles,photos\n"
        "Eileen Collins,eileencollins,eileen_collins.jpg\n"
        "Ada Lovelace,adalovelace,\n"
        "Grace Hopper,gracehopper,avatar_01.png\n",
        encoding="utf-8",
    )
    db = folder / "c.db"
    code, _, err = run(db, "register", "--from-file", str(people))
    assert code == 2
    assert err.startswith(f"Error: {people}, line 4: photo {folder / 'avatar_01.png'}: no face")
    assert len(err.strip().splitlines()) == 1
    assert stored(db) == ([], 0)


#: (the file, what its error says after the file's name)
MISTAKES = [
    (
        "name,handles\nAda,ada\nAda Two,@ADA\n",
        "line 3: handle 'ADA' is given twice, also on line 2",
    ),
    (
        "name,handles\nAda,ada\nAda,\n",
        "line 3: identity 'ada' (made from the first handle, or the name) is given twice, "
        "also on line 2",
    ),
    (
        "name,handles\nAda,ada\nEileen,ecollins\n",
        "line 3: handle 'ecollins' is already registered to identity 'eileencollins'",
    ),
    (
        "name,handles\nAda,ada\nEileen Collins,,\n",
        "line 3: 3 cells, but the first row names 2 columns",
    ),
    ("name,handles\nAda,ada\n,grace\n", "line 3: no name"),
    ("name,handles,photos\nAda,ada\nGrace,grace,missing.jpg\n", "line 3: photo "),
    (
        "name,handels\nAda,ada\n",
        "line 1: unknown column 'handels' (did you mean 'handles'?); the columns are name, "
        "handles, photos, own, bio, slug",
    ),
    ("name,handles\n", "nobody is listed"),
]


@pytest.mark.parametrize(("rows", "message"), MISTAKES)
def test_a_mistake_is_one_line_naming_the_file_and_line_and_nothing_is_stored(
    folder: Path, rows: str, message: str
) -> None:
    """Duplicates within the file or against a registered person, a row with a stray comma, a
    person without a name, an unreadable photo, a misspelt column (an error, not a warning: it
    would otherwise register everyone without their handles), an empty list."""
    db = folder / "c.db"
    code, _, err = run(db, "register", "Eileen Collins", "--handle", "eileencollins",
                       "--handle", "ecollins")  # fmt: skip
    assert code == 0, err
    people = folder / "vip.csv"
    people.write_text(rows, encoding="utf-8")
    code, _, err = run(db, "register", "--from-file", str(people))
    assert code == 2
    assert err.startswith(f"Error: {people}") and message in err, err
    assert len(err.strip().splitlines()) == 1
    assert stored(db) == (["eileencollins"], 0)


def test_a_json_lines_file_with_an_unknown_key_names_it(folder: Path) -> None:
    people = folder / "vip.jsonl"
    people.write_text('{"name": "Ada", "handels": "ada"}\n', encoding="utf-8")
    code, _, err = run(folder / "c.db", "register", "--from-file", str(people))
    assert code == 2
    assert f"{people}, line 1: unknown key 'handels' (did you mean 'handles'?)" in err


def test_from_file_goes_without_a_name_or_one_person_options(folder: Path) -> None:
    """A name or --handle beside --from-file is an error that says which; so is neither."""
    people = folder / "vip.csv"
    people.write_text("name\nAda\n", encoding="utf-8")
    db = folder / "c.db"
    code, _, err = run(db, "register", "Grace Hopper", "--from-file", str(people))
    assert code == 2 and "give a name or --from-file, not both" in err
    code, _, err = run(db, "register", "--from-file", str(people), "--handle", "ada")
    assert code == 2 and "leave out --handle" in err
    code, _, err = run(db, "register")
    assert code == 2 and "a name is required" in err and "--from-file" in err
    assert stored(db) == ([], 0)
