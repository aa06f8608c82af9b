"""Option and argument values without pydantic, where the standard library does the same.

Typer (0.28 on) converts every value of a command with a pydantic ``TypeAdapter``: the first
option of any command (``--help``'s own, unset, included) imports pydantic: 0.1 s of CPU with
bytecode caches, 0.3 s without, as much as typer itself or more (issue 17: the case commands an
agent runs all day start in under 0.5 s; docs/benchmarks.md, "Start-up"). Most of
our values need nothing of it: a word stays a word, ``12`` becomes 12, a path a ``Path``, ``pdf``
a member of an enum. ``plain_values`` gives each parameter of those kinds a conversion that
does exactly that, and hands everything else to typer's own conversion, which loads pydantic as
before: a value it does not recognise (``1_000``, ``3.0`` for an integer), a value whose
conversion fails (so an error is typer's, word for word), and every other kind of parameter (a
list, a range, a file, a custom parser). What a command accepts, what it makes of it and what
it says about a bad value stay typer's; tests/cli/test_values.py checks the two agree.

Typer has no public hook for this: each parameter builds its conversion lazily into
``_runtime_param`` (``typer.core._TyperParameter.get_runtime_param``), and this module fills that
slot first, as ``helptext.py`` sets the metavars. A typer that changes those names fails the
tests here and in tests/cli/test_startup.py rather than silently loading pydantic again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

from typer._click import Context
from typer._click.exceptions import UsageError
from typer._coercion import RuntimeParam, build_runtime_param
from typer._param_types import coerce_cli_choice, coerce_cli_path
from typer.core import TyperArgument, TyperOption

#: what pydantic reads as an integer or a number the way ``int()`` and ``float()`` do; a longer
#: or unusual spelling (``1_000``, ``1e3``, ``3.0`` for an integer, Unicode digits) goes to typer
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_DECIMAL = re.compile(r"[+-]?[0-9]{1,15}(?:\.[0-9]{1,15})?")

#: a conversion: the value for the command, or an exception (then typer's conversion decides)
Convert = Callable[[Any, Any, Context | None], Any]


class _NotPlainError(Exception):
    """The value is not one this module converts; typer's conversion takes it."""


def plain_values(command: Any) -> None:
    """Give every plain option and argument of ``command`` and its sub-commands the
    conversion of ``PlainValue`` when the command parses; the others keep typer's."""
    for sub in getattr(command, "commands", {}).values():
        plain_values(sub)
    if hasattr(command, "get_params"):
        # at parse time rather than now: ``--help`` and the completion options are added to a
        # command's parameters later, and their value (None unless given) is converted too
        setattr(command, "get_params", _installing(command.get_params))  # noqa: B010


def _installing(get_params: Callable[[Context], list[Any]]) -> Callable[[Context], list[Any]]:
    def installed(ctx: Context) -> list[Any]:
        params = get_params(ctx)
        for param in params:
            if isinstance(param, TyperArgument | TyperOption) and param._runtime_param is None:
                convert = _conversion(param)
                if convert is not None:
                    param._runtime_param = PlainValue(convert)  # type: ignore[assignment]
        return params

    return installed


class PlainValue:
    """A parameter's conversion (typer's ``RuntimeParam.coerce`` contract) that tries
    ``convert`` and hands what it cannot convert to typer's own conversion."""

    def __init__(self, convert: Convert) -> None:
        self._convert = convert
        self._typer: RuntimeParam | None = None

    def coerce(self, value: Any, param: Any, ctx: Context) -> Any:
        if value is None:  # as typer: a missing value is None, and required says so later
            return None
        try:
            return self._convert(value, param, ctx)
        except (_NotPlainError, ValueError, TypeError, UsageError):
            pass
        if self._typer is None:
            self._typer = build_runtime_param(param.type_descriptor)
        return self._typer.coerce(value, param=param, ctx=ctx)


def _conversion(param: Any) -> Convert | None:
    """The conversion of ``param``'s kind, or None where typer's own must run."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or param.multiple or param.nargs != 1:
        return None
    info = descriptor.parameter_info
    if info.parser is not None or descriptor.is_file:
        return None
    annotation = descriptor.annotation
    if annotation is bool:
        return _flag
    if annotation is str:
        return _text
    if annotation is int and not descriptor.is_ranged:
        return _integer
    if annotation is float and not descriptor.is_ranged:
        return _decimal
    if descriptor.choices is not None and not (descriptor.is_list or descriptor.is_tuple):
        return _choice(tuple(descriptor.choices), bool(info.case_sensitive))
    if isinstance(annotation, type) and issubclass(annotation, Path) and info.path_type is None:
        return _path(annotation, info)
    return None


def _flag(value: Any, param: Any, ctx: Context | None) -> bool:
    if type(value) is bool:
        return value
    raise _NotPlainError


def _text(value: Any, param: Any, ctx: Context | None) -> str:
    if isinstance(value, str):
        return value
    raise _NotPlainError


def _integer(value: Any, param: Any, ctx: Context | None) -> int:
    if type(value) is int:
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    raise _NotPlainError


def _decimal(value: Any, param: Any, ctx: Context | None) -> float:
    if type(value) is float:
        return value
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return float(value)
    raise _NotPlainError


def _choice(choices: tuple[Any, ...], case_sensitive: bool) -> Convert:
    def convert(value: Any, param: Any, ctx: Context | None) -> Any:
        if not isinstance(value, str | Enum):
            raise _NotPlainError
        return coerce_cli_choice(value, choices=choices, case_sensitive=case_sensitive, ctx=ctx)

    return convert


def _path(path_type: type[Path], info: Any) -> Convert:
    def convert(value: Any, param: Any, ctx: Context | None) -> Any:
        if isinstance(value, str) and value:
            value = path_type(value)
        if not isinstance(value, path_type):
            raise _NotPlainError
        # typer's own checks (exists, file or folder, readable...): a failure is a UsageError,
        # and typer's conversion then says it in its own words, of the value as given
        return coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)

    return convert
