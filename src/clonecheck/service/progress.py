"""How the use cases report their progress: the CLI shows it as a bar, everything else hides it."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """What the service reports while it works; the CLI shows it as a progress bar."""

    def start(self, label: str, total: int | None) -> None: ...
    def advance(self, amount: int = 1) -> None: ...
    def finish(self) -> None: ...


class SilentProgress:
    def start(self, label: str, total: int | None) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass
