"""Failed sign-ins, remembered for a while, so a password cannot be guessed at network speed.

Each argon2 check already costs tens of milliseconds; this caps the tries themselves: after
``per_account`` failures for one username, or ``per_address`` from one client address, within
``window_s`` seconds, the next try is refused without checking the password, until the oldest
failure leaves the window. The record lives in the server's memory (``clonecheck serve`` is one
process): a restart forgets it.

A try is counted *before* its password is checked (``reserve``), in one step with the check of
the count, and given back only when it succeeds (``succeeded``). Checking first and counting
after the slow hash would let many tries sent at once all pass the check before any was
counted.

Counting per account lets anyone lock a known username out for ``window_s`` by failing on
purpose; the window is short so that costs a team member minutes, while a guesser gets
``per_account`` tries per window instead of thousands per minute.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

#: keys remembered at most; the stalest are forgotten first (bounded memory under a flood)
MAX_KEYS = 10_000


@dataclass
class LoginThrottle:
    """Tries by account and by address; ``clock`` is injectable for tests."""

    per_account: int = 5
    per_address: int = 20
    window_s: float = 15 * 60.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reserve(self, username: str, address: str) -> float:
        """Count one try of ``username`` from ``address`` as failed until it succeeds, and
        return 0; or, when a limit is reached, count nothing and return the seconds to wait."""
        with self._lock:
            now = self.clock()
            wait = max(
                self._wait(_account(username), self.per_account, now),
                self._wait(_address(address), self.per_address, now),
            )
            if wait > 0:
                return wait
            for key in (_account(username), _address(address)):
                times = self._failures.pop(key, deque())
                times.append(now)
                self._failures[key] = times  # re-inserted: the dict stays ordered by last try
            while len(self._failures) > MAX_KEYS:
                del self._failures[next(iter(self._failures))]
            return 0.0

    def succeeded(self, username: str, address: str) -> None:
        """The reserved try was right: the account's failures are forgotten, and the address
        gets its try back."""
        with self._lock:
            self._failures.pop(_account(username), None)
            times = self._failures.get(_address(address))
            if times:
                times.pop()
                if not times:
                    del self._failures[_address(address)]

    def _wait(self, key: str, limit: int, now: float) -> float:
        times = self._failures.get(key)
        if not times:
            return 0.0
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
            return 0.0
        if len(times) < limit:
            return 0.0
        return times[-limit] + self.window_s - now


def _account(username: str) -> str:
    return "user:" + username.strip().casefold()


def _address(address: str) -> str:
    return "addr:" + address
