"""``clonecheck users`` and ``clonecheck serve`` as an admin meets them: team members added,
listed, changed and removed on a real SQLite file, passwords asked twice or read from standard
input and stored only as argon2 hashes, one-line errors, and a server that will not start
without anyone able to sign in."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clonecheck.cli import app
from clonecheck.service import Service
from clonecheck.service.users import UserService
from clonecheck.store import Store
from clonecheck.store.team import secrets_path

PASSWORD = "correct horse battery"


def run(db: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", str(db), *args], input=stdin)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "clonecheck.db"


def authenticate(db: Path, username: str, password: str) -> bool:
    with Store.open(db) as store:
        return UserService(Service(store)).authenticate(username, password) is not None


def test_add_list_role_passwd_remove(db: Path) -> None:
    """The whole life of a team member, each step visible in `users list`."""
    code, _, err = run(
        db, "users", "add", "ana", "--role", "agent", "--password-stdin", stdin=PASSWORD
    )
    assert code == 0, err
    assert "Added ana as agent." in err
    code, out, _ = run(db, "users", "list")
    assert code == 0
    assert "ana" in out
    assert "agent" in out
    assert authenticate(db, "ana", PASSWORD)

    code, _, err = run(db, "users", "role", "ana", "admin")
    assert code == 0, err
    assert "admin" in run(db, "users")[1]

    code, _, err = run(db, "users", "passwd", "ana", "--password-stdin", stdin="a new password\n")
    assert code == 0, err
    assert not authenticate(db, "ana", PASSWORD)
    assert authenticate(db, "ana", "a new password")

    assert run(db, "users", "disable", "ana")[0] == 0
    assert not authenticate(db, "ana", "a new password")
    assert "disabled" in run(db, "users", "list")[1]
    assert run(db, "users", "enable", "ana")[0] == 0
    assert authenticate(db, "ana", "a new password")

    code, _, err = run(db, "users", "remove", "ana")
    assert code == 0, err
    assert "No team members yet" in run(db, "users", "list")[2]


def test_password_is_asked_twice_without_echo(db: Path) -> None:
    """Without --password-stdin the password is prompted for, twice, and not echoed."""
    code, out, err = run(db, "users", "add", "bo", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0, err
    assert PASSWORD not in out
    assert "Repeat for confirmation" in out
    assert "Added bo as viewer." in err
    assert authenticate(db, "bo", PASSWORD)


def test_only_an_argon2_hash_is_stored(db: Path) -> None:
    """The users table (in the secrets file beside the data file) holds an argon2id hash; the
    password is in neither file."""
    run(db, "users", "add", "ana", "--password-stdin", stdin=PASSWORD)
    with sqlite3.connect(secrets_path(db)) as conn:
        (stored,) = conn.execute("select password_hash from users").fetchone()
    assert stored.startswith("$argon2id$")
    assert PASSWORD.encode() not in db.read_bytes()
    assert PASSWORD.encode() not in secrets_path(db).read_bytes()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["add", "ana", "--role", "boss", "--password-stdin"], PASSWORD, "unknown role 'boss'"),
        (["add", "Ana Smith", "--password-stdin"], PASSWORD, "username 'Ana Smith' is not usable"),
        (["add", "ana", "--password-stdin"], "short", "too short"),
        (["add", "ana", "--password-stdin"], "", "standard input is empty"),
        (["role", "nobody", "agent"], None, "no user 'nobody'"),
        (["passwd", "nobody", "--password-stdin"], PASSWORD, "no user 'nobody'"),
        (["remove", "nobody"], None, "no user 'nobody'"),
    ],
)
def test_mistakes_are_one_line_errors(
    db: Path, args: list[str], stdin: str | None, message: str
) -> None:
    """A mistake gets one line naming it, exit code 2, and changes nothing."""
    code, _, err = run(db, "users", *args, stdin=stdin)
    assert code == 2
    assert err.startswith("Error: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "No team members yet" in run(db, "users", "list")[2]


def test_adding_a_taken_name_is_refused(db: Path) -> None:
    """A second `users add` with a taken name is refused before asking a password."""
    run(db, "users", "add", "ana", "--password-stdin", stdin=PASSWORD)
    code, _, err = run(db, "users", "add", "ana", "--role", "admin")
    assert code == 2
    assert "already exists" in err
    assert "viewer" in run(db, "users", "list")[1]


def test_serve_refuses_to_start_without_team_members(db: Path) -> None:
    """`clonecheck serve` with nobody able to sign in says how to add someone, in one line."""
    code, _, err = run(db, "serve")
    assert code == 2
    assert "clonecheck users add NAME --role admin" in err
    assert len(err.strip().splitlines()) == 1


def test_serve_refuses_a_trusted_proxy_that_is_no_address(db: Path) -> None:
    """`clonecheck serve --trusted-proxy` with something that is not an address or network is
    a one-line error naming it, before anything listens."""
    assert run(db, "users", "add", "ana", "--password-stdin", stdin=PASSWORD)[0] == 0
    code, _, err = run(db, "serve", "--trusted-proxy", "127.0.0.1", "--trusted-proxy", "proxy")
    assert code == 2
    assert "trusted proxy 'proxy' is not an IP address or network" in err
    assert len(err.strip().splitlines()) == 1
