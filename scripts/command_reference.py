"""The README's command reference, made from the CLI itself, so it cannot drift from --help.

    uv run python scripts/command_reference.py          # rewrite the README section
    uv run python scripts/command_reference.py --check  # exit 1 when the README differs

One entry per command: its synopsis (arguments and every option with its value, as --help
shows them) and the first line of its help. tests/test_docs.py compares the section with
``reference()``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import typer

from clonecheck.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- commands:start -->", "<!-- commands:end -->"


#: typer's own options, not clonecheck's
_SKIP = {"--help", "--install-completion", "--show-completion"}


def _synopsis(command: Any) -> str:
    words: list[str] = []
    for param in command.params:
        if getattr(param, "hidden", False) or _SKIP & set(getattr(param, "opts", ())):
            continue
        if param.param_type_name == "argument":
            words.extend(param.get_usage_pieces(None))
            continue
        names = "/".join(param.opts)
        flag = getattr(param, "is_flag", False) or getattr(param, "count", False)
        shown = names if flag else f"{names} {param.metavar}"
        words.append(f"[{shown}]")
    return " ".join(words)


def reference() -> str:
    """The Markdown of the reference: a bullet per command, in the order --help lists them."""
    root = typer.main.get_command(app)
    lines: list[str] = []

    def summary(command: Any) -> str:
        return " ".join((command.help or "").strip().split("\n\n")[0].split())

    def walk(command: Any, path: list[str]) -> None:
        subs = getattr(command, "commands", {})
        if path and not subs:
            usage = " ".join(["clonecheck", *path, _synopsis(command)]).rstrip()
            lines.append(f"- `{usage}`: {summary(command)}")
        elif path:
            lines.append(f"- `clonecheck {' '.join(path)} COMMAND`: {summary(command)}")
        for name, sub in subs.items():
            walk(sub, [*path, name])

    lines.append(f"- `clonecheck {_synopsis(root)} COMMAND`: the options every command takes")
    walk(root, [])
    return "\n".join(lines)


def section(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    if args.check:
        sys.exit(0 if section(text) == reference() else 1)
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{reference()}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
