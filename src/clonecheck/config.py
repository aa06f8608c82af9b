"""Every threshold, weight and limit in one place, with documented defaults.

A team keeps its settings in a file (``clonecheck.toml``, or ``[tool.clonecheck]`` in
``pyproject.toml``, in the working directory or named by ``--config``: ``read_config_file``);
a run overrides them with ``--set name=value`` (see ``Config.with_overrides``). Every value is
checked against its range and the relations between settings (``Config.validate``). The README's
"How the defaults were chosen" section says on which data each default was measured; the
measurements come from ``scripts/calibrate.py``.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from clonecheck.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Config:
    # --- photo hashes: bits of 64 that differ (pHash/dHash/wHash, mirrored copies included) ---
    #: at or below: the same photo, re-encoded, resized or filtered
    hash_strong: float = 8.0
    #: above: unrelated photos (strength falls linearly between strong and weak)
    hash_weak: float = 16.0

    # --- faces: euclidean distance between 128-d dlib embeddings ---
    #: at or below: the same person with high confidence
    face_strong: float = 0.50
    #: face_recognition's own default tolerance; above it the faces say nothing
    face_weak: float = 0.60
    #: a face with nothing else in common (no photo copy, name, handle or bio) counts only at
    #: or below this: the hardest different-person pairs (look-alikes) reach face_strong
    face_alone: float = 0.45
    #: upsampling passes of the HOG detector for avatars under 200 px (they need one to find
    #: the face); larger photos start with one fewer, and a photo with no face gets one more
    face_upsample: int = 1
    #: faces smaller than this (pixels on the short side) give no trustworthy embedding
    min_face_px: int = 20
    #: run the face model on every imported photo, not only on candidates of cheaper signals
    faces_for_all: bool = False
    #: worker processes for photo analysis and the face model (0: one per CPU core)
    workers: int = 0

    # --- names, handles, bios: rapidfuzz similarity 0..100 on normalised text ---
    name_strong: float = 95.0
    name_weak: float = 80.0
    handle_strong: float = 90.0
    handle_weak: float = 80.0
    bio_strong: float = 90.0
    bio_weak: float = 60.0
    #: bios shorter than this (characters) are too generic to compare
    bio_min_chars: int = 20

    # --- fusion: noisy-OR of weight x strength per signal, then two verdict thresholds ---
    weight_photo: float = 0.90
    weight_face: float = 0.80
    weight_name: float = 0.50
    weight_handle: float = 0.50
    weight_bio: float = 0.45
    #: a look-alike substitution in a handle or name that otherwise equals the registered one
    #: (``deception.lookalike_tricks``): with the name matching, that alone reaches likely
    weight_deception: float = 0.75
    #: account evidence (``match.account``), scaled by the strongest identity signal: metadata
    #: alone never flags anyone; with a full name and handle match, a new bought-shaped account
    #: is likely
    weight_account: float = 0.60
    likely_threshold: float = 0.85
    possible_threshold: float = 0.55

    # --- how deliberate a handle edit is (deception.handle_edit_class) ---
    #: the weight kept by a handle edit real people make to their own name (digits,
    #: separators, words swapped, initials, place/profession suffixes: 34 % of genuine Cresci
    #: handles vs 0.4 % with one typo-like edit, docs/calibration.md)
    handle_natural_factor: float = 0.60

    # --- account evidence: the account-shape model's probability of a bought account ---
    #: at or below: no suspicion; at or above account_strong: full suspicion (linear between);
    #: cross-validated on Cresci 2015, 0.85 flags 98.5 % of fakes and 0.8 % of genuine accounts
    account_weak: float = 0.50
    account_strong: float = 0.85
    #: at or below this probability, with at least account_audience followers (and posts,
    #: where known), an account is established: 95.5 % of genuine accounts, 0.4 % of fakes
    account_established: float = 0.15
    account_audience: int = 100
    #: the name, handle and bio weight an established account keeps (its own audience makes it
    #: the namesake, not the copy); deception, photo and face evidence are not lowered
    account_established_factor: float = 0.60
    #: an account created this many years after the person's own earliest account ...
    account_gap_years: float = 1.0
    #: ... is at least this suspicious, whatever its shape (unless established). Weak on
    #: purpose: a copy is newer than the original, but so is a namesake's account half the
    #: time; the shape carries the weight
    account_gap_strength: float = 0.25

    # --- limits on untrusted photos ---
    max_photo_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 50_000_000
    max_dimension: int = 12_000
    thumbnail_px: int = 192
    fetch_timeout_s: float = 15.0
    fetch_max_redirects: int = 5

    # --- what the store keeps ---
    #: the match rows of this many newest scans are kept (``scan --new`` compares with them);
    #: older scans keep their summary row only
    scan_history: int = 20

    def with_overrides(self, overrides: Mapping[str, object], *, origin: str = "") -> Config:
        """A copy with ``name=value`` settings applied (strings from ``--set``, or values read
        from a config file), each converted to the field's type, the result validated.
        ``origin`` (e.g. "clonecheck.toml: ") prefixes the error messages."""
        fields = {f.name: f for f in dataclasses.fields(self)}
        changes: dict[str, object] = {}
        for name, value in overrides.items():
            key = name.strip().replace("-", "_")
            if key not in fields:
                known = ", ".join(sorted(fields))
                raise ConfigError(f"{origin}unknown setting {name!r}; known settings: {known}")
            current = getattr(self, key)
            text = value if isinstance(value, str) else _toml_text(origin, key, value)
            changes[key] = _convert(key, text, type(current), origin)
        result = dataclasses.replace(self, **changes)  # type: ignore[arg-type]
        result.validate(origin)
        return result

    def validate(self, origin: str = "") -> None:
        """Refuse values out of their range and settings that contradict each other (a likely
        threshold at or below the possible one, a strong bound weaker than its weak one)."""
        problems: list[str] = []
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, float) and not math.isfinite(value):
                problems.append(f"{field.name}={value} is not a finite number")
                continue
            bounds = _RANGES.get(field.name)
            if bounds is not None and not isinstance(value, bool):
                low, high = bounds
                if not low <= value <= high:
                    upper = "" if math.isinf(high) else f", at most {high:g}"
                    problems.append(f"{field.name}={value!r} must be at least {low:g}{upper}")
        if problems:
            raise ConfigError(origin + "; ".join(problems))
        for larger, smaller, why in _ORDER:
            big, small = getattr(self, larger), getattr(self, smaller)
            if not big > small:
                problems.append(f"{larger}={big!r} must be above {smaller}={small!r} ({why})")
        if problems:
            raise ConfigError(origin + "; ".join(problems))

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """``["a=1", "b=2"]`` -> ``{"a": "1", "b": "2"}``, refusing pairs without ``=``."""
    result: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"setting {pair!r} is not of the form name=value")
        result[name.strip()] = value.strip()
    return result


#: weights, thresholds, factors and probabilities: fractions of one
_FRACTIONS = (
    *(f"weight_{k}" for k in ("photo", "face", "name", "handle", "bio", "deception", "account")),
    "likely_threshold",
    "possible_threshold",
    "handle_natural_factor",
    "account_weak",
    "account_strong",
    "account_established",
    "account_established_factor",
    "account_gap_strength",
)
#: (lowest, highest) allowed value of each setting; fields not named here take any value of
#: their type
_INF = math.inf
_RANGES: dict[str, tuple[float, float]] = {
    "hash_strong": (0, 64),
    "hash_weak": (0, 64),
    "face_strong": (0, 2),
    "face_weak": (0, 2),
    "face_alone": (0, 2),
    "face_upsample": (0, 4),
    "min_face_px": (1, _INF),
    "workers": (0, 1024),
    **{
        f"{kind}_{bound}": (0, 100)
        for kind in ("name", "handle", "bio")
        for bound in ("strong", "weak")
    },
    "bio_min_chars": (0, _INF),
    **dict.fromkeys(_FRACTIONS, (0.0, 1.0)),
    "account_audience": (0, _INF),
    "account_gap_years": (0, 100),
    "max_photo_bytes": (1, _INF),
    "max_pixels": (1, _INF),
    "max_dimension": (1, _INF),
    "thumbnail_px": (16, 4096),
    "fetch_timeout_s": (0.1, 3600),
    "fetch_max_redirects": (0, 50),
    "scan_history": (1, 100_000),
}
#: (larger, smaller, why): settings whose order the matching relies on
_ORDER: tuple[tuple[str, str, str], ...] = (
    ("likely_threshold", "possible_threshold", "a likely clone scores above a possible one"),
    ("hash_weak", "hash_strong", "more differing bits mean a weaker photo match"),
    ("face_weak", "face_strong", "a larger face distance means a weaker face match"),
    ("name_strong", "name_weak", "a higher similarity means a stronger name match"),
    ("handle_strong", "handle_weak", "a higher similarity means a stronger handle match"),
    ("bio_strong", "bio_weak", "a higher similarity means a stronger bio match"),
    ("account_strong", "account_weak", "a higher probability means more suspicion"),
)


#: the file names searched in the working directory, in this order
CONFIG_FILE = "clonecheck.toml"
PYPROJECT = "pyproject.toml"


def find_config_file(directory: Path) -> Path | None:
    """``clonecheck.toml`` in ``directory``, else its ``pyproject.toml`` if that has a
    ``[tool.clonecheck]`` table, else None."""
    own = directory / CONFIG_FILE
    if own.is_file():
        return own
    project = directory / PYPROJECT
    if project.is_file():
        try:
            data = tomllib.loads(project.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None  # someone else's broken pyproject is not ours to refuse
        if isinstance(data.get("tool"), dict) and "clonecheck" in data["tool"]:
            return project
    return None


def read_config_file(path: Path) -> dict[str, object]:
    """The settings of a config file: the top level of a ``clonecheck.toml``, or the
    ``[tool.clonecheck]`` table of a ``pyproject.toml``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist; check --config") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config file {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    if path.name == PYPROJECT:
        tool = data.get("tool")
        section = tool.get("clonecheck") if isinstance(tool, dict) else None
        if not isinstance(section, dict):
            raise ConfigError(f"{path} has no [tool.clonecheck] table")
        data = section
    tables = [key for key, value in data.items() if isinstance(value, dict)]
    if tables:
        raise ConfigError(
            f"{path}: settings are plain name = value lines, not tables ({', '.join(tables)})"
        )
    return dict(data)


def load_config(path: Path | None, overrides: Mapping[str, str], cwd: Path) -> Config:
    """Defaults, then the config file (``path``, or the one found in ``cwd``), then the
    ``--set`` overrides; validated at each step, errors naming where the value came from."""
    config = Config()
    found = path if path is not None else find_config_file(cwd)
    if found is not None:
        config = config.with_overrides(read_config_file(found), origin=f"{found}: ")
    if overrides:
        config = config.with_overrides(overrides, origin="--set: ")
    return config


def _toml_text(origin: str, name: str, value: object) -> str:
    """A TOML value as the text ``_convert`` reads: numbers and booleans only."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    raise ConfigError(f"{origin}setting {name} = {value!r}: expected a number or true/false")


def _convert(name: str, text: str, kind: type, origin: str = "") -> object:
    try:
        if kind is bool:
            lowered = text.lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise ValueError(text)
        return kind(text)
    except ValueError:
        raise ConfigError(
            f"{origin}setting {name}={text!r}: expected a {kind.__name__} value"
        ) from None


DEFAULT = Config()
