"""Help in the words of a command line, not of Python: ``--handle TEXT``, ``FILES...``,
``--format [table|json|csv|html]``, as pip-audit, ruff and gh write it, instead of typer's
``<list[str]>`` and ``{files}``."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any, get_args, get_origin

from typer.core import TyperArgument, TyperOption


def plain_help(command: Any) -> None:
    """Give every option and argument of ``command`` and its sub-commands a plain metavar
    (unless it names its own), and arguments the usage pieces ``NAME``, ``[NAME]``,
    ``NAMES...``."""
    for sub in getattr(command, "commands", {}).values():
        plain_help(sub)
    for param in getattr(command, "params", ()):
        if isinstance(param, TyperArgument):
            if param.metavar is None:
                param.metavar = (param.name or "value").upper()
            setattr(param, "display_type_rich", _no_type)  # noqa: B010 - instance override
            setattr(param, "get_usage_pieces", _usage(param))  # noqa: B010
        elif isinstance(param, TyperOption) and not (param.is_flag or param.count):
            param.metavar = param.metavar or _metavar(param)


def _no_type(ctx: Any) -> None:
    return None


def _usage(param: TyperArgument) -> Any:
    def pieces(ctx: Any) -> list[str]:
        name = str(param.metavar)
        if param.nargs != 1:
            name += "..."
        return [name if param.required else f"[{name}]"]

    return pieces


def _metavar(param: TyperOption) -> str:
    descriptor = param.type_descriptor
    if descriptor.is_choice:
        values = [str(getattr(c, "value", c)) for c in descriptor.choices or ()]
        return "[" + "|".join(values) + "]"
    annotation: Any = descriptor.annotation
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    if descriptor.is_path or annotation is Path:
        return "PATH"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "[" + "|".join(str(m.value) for m in annotation) + "]"
    if annotation is int:
        return "INTEGER"
    if annotation is float:
        return "NUMBER"
    return "TEXT"
