"""Failed sign-ins, remembered for a while, so a password cannot be guessed at network speed.

Each argon2 check already costs tens of milliseconds; this caps the tries themselves: after
``per_account`` failures for one username, or ``per_address`` from one client address, within
``window_s`` seconds, the next try is refused without checking the password, until the oldest
failure leaves the window. A success clears its account's failures. The record lives in the
server's memory (``clonecheck serve`` is one process): a restart forgets it.

Counting per account lets anyone lock a known username out for ``window_s`` by failing on
purpose; the window is short so that costs a team member minutes, while a guesser gets
``per_account`` tries per window instead of thousands per minute.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

#: keys remembered at most; the stalest are forgotten first (bounded memory under a flood)
MAX_KEYS = 10_000


@dataclass
class LoginThrottle:
    """Failures by account and by address; ``clock`` is injectable for tests."""

    per_account: int = 5
    per_address: int = 20
    window_s: float = 15 * 60.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict, repr=False)

    def wait_s(self, username: str, address: str) -> float:
        """Seconds until this username may try again from this address; 0 when it may now."""
        now = self.clock()
        waits = [
            self._wait(key, limit, now)
            for key, limit in (
                (_account(username), self.per_account),
                (_address(address), self.per_address),
            )
        ]
        return max(waits)

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        for key in (_account(username), _address(address)):
            times = self._failures.pop(key, deque())
            times.append(now)
            self._failures[key] = times  # re-inserted: the dict stays ordered by last failure
        while len(self._failures) > MAX_KEYS:
            del self._failures[next(iter(self._failures))]

    def succeeded(self, username: str) -> None:
        self._failures.pop(_account(username), None)

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
