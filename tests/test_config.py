"""Settings make sense and have a home: ranges and relations are checked, and a team keeps its
settings in clonecheck.toml or [tool.clonecheck] of pyproject.toml, overridden by --set."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clonecheck.cli import app
from clonecheck.config import _RANGES, Config, find_config_file, load_config
from clonecheck.errors import ConfigError


def test_the_defaults_are_valid_and_every_number_has_a_range() -> None:
    """The shipped defaults pass validation, and no numeric setting is left unchecked."""
    Config().validate()
    numeric = {
        f.name for f in dataclasses.fields(Config) if type(getattr(Config(), f.name)) is not bool
    }
    assert numeric == set(_RANGES)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"likely_threshold": "-1"}, "likely_threshold=-1.0 must be at least 0, at most 1"),
        ({"possible_threshold": "1.5"}, "possible_threshold=1.5 must be at least 0, at most 1"),
        ({"likely_threshold": "0.5"}, "likely_threshold=0.5 must be above possible_threshold"),
        ({"hash_strong": "20"}, "hash_weak=16.0 must be above hash_strong=20.0"),
        ({"name_weak": "99"}, "name_strong=95.0 must be above name_weak=99.0"),
        ({"weight_photo": "nan"}, "weight_photo=nan is not a finite number"),
        ({"max_photo_bytes": "0"}, "max_photo_bytes=0 must be at least 1"),
        ({"workers": "-2"}, "workers=-2 must be at least 0"),
    ],
)
def test_out_of_range_and_contradicting_settings_are_refused(
    overrides: dict[str, str], message: str
) -> None:
    """A value outside its range, or a likely threshold at or below the possible one, is refused."""
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Config().with_overrides(overrides)


def test_set_refuses_a_negative_threshold_with_exit_two(tmp_path: Path) -> None:
    """`--set likely_threshold=-1` is one line on stderr and exit code 2, nothing run."""
    result = CliRunner().invoke(
        app, ["--db", str(tmp_path / "c.db"), "scan", "--set", "likely_threshold=-1"]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: --set: likely_threshold=-1.0 must be at least 0, at most 1"
    )
    assert not (tmp_path / "c.db").exists()


def test_file_then_set_override_the_defaults(tmp_path: Path) -> None:
    """clonecheck.toml in the working directory applies, and --set wins over it."""
    (tmp_path / "clonecheck.toml").write_text(
        "# the team's settings\nlikely_threshold = 0.9\npossible_threshold = 0.6\n"
        "faces_for_all = true\nworkers = 2\n",
        encoding="utf-8",
    )
    config = load_config(None, {"possible_threshold": "0.5"}, tmp_path)
    assert config.likely_threshold == 0.9
    assert config.possible_threshold == 0.5
    assert config.faces_for_all is True
    assert config.workers == 2
    assert load_config(None, {}, tmp_path / "elsewhere") == Config()


def test_pyproject_tool_table_is_found_and_others_ignored(tmp_path: Path) -> None:
    """[tool.clonecheck] in pyproject.toml is a config file; a pyproject without it is not."""
    project = tmp_path / "pyproject.toml"
    project.write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert find_config_file(tmp_path) is None
    project.write_text('[project]\nname = "x"\n[tool.clonecheck]\nweight_bio = 0.3\n')
    assert find_config_file(tmp_path) == project
    assert load_config(None, {}, tmp_path).weight_bio == 0.3
    (tmp_path / "clonecheck.toml").write_text("weight_bio = 0.2\n", encoding="utf-8")
    assert load_config(None, {}, tmp_path).weight_bio == 0.2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("likely_threshold = 0.3\n", "likely_threshold=0.3 must be above possible_threshold"),
        ("likely = 0.9\n", "unknown setting 'likely'"),
        ('likely_threshold = "high"\n', "setting likely_threshold='high': expected a float"),
        ("likely_threshold = [0.9]\n", "expected a number or true/false"),
        ("[scan]\nworkers = 2\n", "settings are plain name = value lines, not tables (scan)"),
        ("likely_threshold = \n", "is not valid TOML"),
    ],
)
def test_a_bad_config_file_is_one_error_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    """Every problem in a config file is refused with the file's path in the message."""
    path = tmp_path / "team.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, {}, tmp_path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_cli_reads_the_file_found_or_named_by_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` judges with the working directory's clonecheck.toml; --config names another."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    db = str(tmp_path / "c.db")
    runner.invoke(app, ["--db", db, "register", "Ada Lovelace", "--handle", "ada_lovelace"])
    check = ["check", "--name", "Ada Lovelace", "--handle", "ada_lovelace1", "-f", "json"]
    result = runner.invoke(app, ["--db", db, *check])
    assert result.exit_code == 0
    assert result.stderr.startswith("possible of Ada Lovelace")
    (tmp_path / "clonecheck.toml").write_text(
        "likely_threshold = 0.6\npossible_threshold = 0.3\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["--db", db, *check])
    assert result.exit_code == 1
    assert result.stderr.startswith("likely clone of Ada Lovelace")
    strict = tmp_path / "strict.toml"
    strict.write_text("likely_threshold = 0.99\npossible_threshold = 0.98\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", db, "--config", str(strict), *check])
    assert result.exit_code == 0
    assert result.stderr.startswith("Not a clone of anyone registered")
    result = runner.invoke(app, ["--db", db, "--config", str(tmp_path / "no.toml"), *check])
    assert result.exit_code == 2
    assert "config file" in result.stderr and "does not exist" in result.stderr
