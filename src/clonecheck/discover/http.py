"""The one polite HTTP client of the platform adapters: JSON over GET, as a good citizen.

* **Same safe transport as photo fetching.** Connections go through the ingest photo fetcher's
  vetting backend and pinned transport (``clonecheck.ingest.photos``): every resolved address
  is checked (no loopback, private or metadata addresses unless allowed or trusted), the socket
  goes to exactly the vetted address, proxies from the environment are ignored, and one deadline
  per attempt covers connecting, the headers and the whole body (a slow host cannot hold us).
* **Rate limits.** Each request names a :class:`RateLimit` (a host, or one endpoint's quota);
  ``pyrate-limiter``'s sliding-window log blocks until the request fits, so no window of
  ``per_s`` seconds holds more than ``requests`` requests. The server sees a request some time
  after its slot was taken, and a loaded machine stretches that time unevenly, so a request
  also waits until ``per_s`` has passed since the *answer* to the request ``requests`` places
  before it came back (the server saw that one before answering it): then no window of the
  server's holds more either. Chosen over
  ``limits`` (which only answers yes or no, leaving the waiting loop to us) and over a
  hand-written bucket: it is maintained, typed, thread-safe, and a sliding window matches how
  the platforms publish their limits (3,000 requests per 5 minutes, not 10 a second).
* **Back-off.** ``tenacity`` retries 429, 5xx, timeouts and cut-off bodies with exponential
  back-off, honouring ``Retry-After`` and the rate-limit headers (``ratelimit-*`` of Bluesky,
  ``x-ratelimit-*`` of Mastodon, ``x-rate-limit-*`` of X). A bucket whose quota a response
  says is used up waits for its reset before the next request. A wait longer than
  ``max_wait_s`` is not slept through: it is a :class:`PlatformError` saying when to resume.
* **Caps.** Bodies over ``max_bytes`` are refused (declared or counted); redirects are not
  followed (an API base URL that redirects is a configuration error, reported with its target).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from clonecheck.discover.interface import PlatformError
from clonecheck.ingest.safenet import (
    DEFAULT_USER_AGENT,
    Deadline,
    FetchProblemError,
    PinnedTransport,
    VettingBackend,
    retry_after,
)

if TYPE_CHECKING:  # both cost a good share of a second to import: loaded on first request
    import tenacity
    from pyrate_limiter import Limiter

_MIB = 1024 * 1024
_CHUNK = 64 * 1024
_REMAINING = ("ratelimit-remaining", "x-ratelimit-remaining", "x-rate-limit-remaining")
_RESET = ("ratelimit-reset", "x-ratelimit-reset", "x-rate-limit-reset")
#: a reset value above this is a Unix time, below it a number of seconds (IETF draft form)
_EPOCH_FLOOR = 1_000_000_000


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``requests`` requests in any ``per_s`` seconds to the bucket ``name``."""

    name: str
    requests: int
    per_s: float

    def __post_init__(self) -> None:
        if self.requests < 1 or self.per_s <= 0:
            raise ValueError(f"rate limit {self.name}: {self.requests}/{self.per_s}s is not a rate")

    @property
    def per_second(self) -> float:
        return self.requests / self.per_s


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """Limits of one client."""

    #: total deadline per attempt: connecting, headers and the whole body
    timeout_s: float = 20.0
    max_bytes: int = 8 * _MIB
    #: further attempts after a 429, a 5xx, a timeout or a cut-off body
    retries: int = 4
    #: first back-off wait without Retry-After, doubled on each retry
    backoff_s: float = 1.0
    #: the longest a server may make us wait (Retry-After, rate-limit reset) before we give up
    max_wait_s: float = 120.0
    user_agent: str = DEFAULT_USER_AGENT
    #: allow loopback/private addresses (a self-hosted instance on the intranet)
    allow_private: bool = False
    #: ``host:port`` entries exempt from the address check (see ``FetchPolicy.trusted_hosts``)
    trusted_hosts: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class JsonResponse:
    """A decoded JSON answer and the headers that came with it (``Link`` for paging)."""

    url: str
    data: Any
    headers: Mapping[str, str]


class _RetryError(Exception):
    """One failed attempt that another attempt may fix; ``wait`` is what the server asked."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


def _reset_wait(value: str | None, now: float) -> float | None:
    """Seconds until a rate-limit reset given as Unix time, seconds, or ISO 8601 (Mastodon)."""
    if value is None:
        return None
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        try:
            return max(0.0, datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() - now)
        except ValueError:
            return None
    return max(0.0, number - now) if number > _EPOCH_FLOOR else max(0.0, number)


def _header(headers: httpx.Headers, names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in headers:
            return headers[name]
    return None


def _quota_wait(headers: httpx.Headers) -> float | None:
    """Seconds to wait before the next request when the response says the quota is used up."""
    remaining = _header(headers, _REMAINING)
    if remaining is None or remaining.strip() not in {"0", "0.0"}:
        return None
    return _reset_wait(_header(headers, _RESET), time.time())


class ApiClient:
    """GETs JSON from platform APIs under an :class:`HttpPolicy`; a context manager."""

    def __init__(
        self, policy: HttpPolicy | None = None, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.policy = policy or HttpPolicy()
        self._sleep = sleep
        self._deadline = Deadline()
        self._client = httpx.Client(
            transport=PinnedTransport(
                VettingBackend(
                    self._deadline,
                    allow_private=self.policy.allow_private,
                    trusted_hosts=self.policy.trusted_hosts,
                ),
                8,
            ),
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(self.policy.timeout_s),
            headers={
                "User-Agent": self.policy.user_agent,
                "Accept": "application/json",
                "Accept-Encoding": "identity",
            },
        )
        self._limiters: dict[str, Limiter] = {}
        #: bucket -> monotonic time before which its quota is used up (from response headers)
        self._paused: dict[str, float] = {}
        #: bucket -> when the answers to its last ``requests`` requests came back
        self._answered: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        #: requests sent (attempts, retries included), for progress and benchmarks
        self.requests = 0

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()
        for limiter in self._limiters.values():
            limiter.close()

    # --- public ---------------------------------------------------------------------------

    def get_json(
        self,
        url: str,
        *,
        rate: RateLimit,
        params: Mapping[str, str | int | list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        missing_ok: bool = False,
    ) -> JsonResponse | None:
        """The JSON answer of ``GET url?params``; ``None`` for a 404 when ``missing_ok``.

        Raises :class:`PlatformError` naming the URL and the reason once retries are spent,
        or at once for answers another try cannot change (4xx, too large, not JSON)."""
        try:
            request_url = httpx.URL(url, params=dict(params or {}))
        except (httpx.InvalidURL, TypeError) as exc:
            raise PlatformError(url, f"invalid URL: {exc}") from None
        shown = str(request_url)
        import tenacity

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_RetryError),
            stop=tenacity.stop_after_attempt(self.policy.retries + 1),
            wait=self._wait,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._attempt(request_url, shown, rate, headers or {}, missing_ok)
        except _RetryError as failed:
            tries = retrying.statistics.get("attempt_number", 1)
            detail = f" (gave up after {tries} attempts; try again later)" if tries > 1 else ""
            raise PlatformError(shown, f"{failed.reason}{detail}") from None
        raise AssertionError("tenacity returned without an outcome")  # pragma: no cover

    # --- internals --------------------------------------------------------------------------

    def _wait(self, state: tenacity.RetryCallState) -> float:
        failed = state.outcome.exception() if state.outcome is not None else None
        asked = failed.wait if isinstance(failed, _RetryError) else None
        if asked is not None:
            return asked
        return float(min(self.policy.backoff_s * 2 ** (state.attempt_number - 1), 60.0))

    def _limiter(self, rate: RateLimit) -> Limiter:
        from pyrate_limiter import Limiter, Rate

        with self._lock:
            limiter = self._limiters.get(rate.name)
            if limiter is None:
                limiter = Limiter(Rate(rate.requests, max(1, round(rate.per_s * 1000))))
                self._limiters[rate.name] = limiter
            return limiter

    def _wait_for_quota(self, shown: str, rate: RateLimit) -> None:
        until = self._paused.get(rate.name)
        if until is None:
            return
        left = until - time.monotonic()
        if left > self.policy.max_wait_s:
            raise PlatformError(shown, _too_long(left, self.policy.max_wait_s))
        if left > 0:
            self._sleep(left)
        self._paused.pop(rate.name, None)

    def _attempt(
        self,
        url: httpx.URL,
        shown: str,
        rate: RateLimit,
        headers: Mapping[str, str],
        missing_ok: bool,
    ) -> JsonResponse | None:
        self._wait_for_quota(shown, rate)
        self._limiter(rate).try_acquire(rate.name)
        self._wait_for_answers(rate)
        policy = self.policy
        self.requests += 1
        self._deadline.at = time.monotonic() + policy.timeout_s
        try:
            with self._client.stream("GET", url, headers=dict(headers)) as response:
                quota = _quota_wait(response.headers)
                if quota is not None:
                    self._paused[rate.name] = time.monotonic() + quota
                return self._accept(shown, response, missing_ok)
        except FetchProblemError as problem:
            raise PlatformError(shown, problem.reason) from None
        except httpx.TimeoutException:
            raise _RetryError(f"no complete answer within {policy.timeout_s:g} s") from None
        except httpx.ConnectError as exc:
            raise _RetryError(f"cannot connect: {exc}") from None
        except httpx.RemoteProtocolError as exc:
            raise _RetryError(f"the answer was cut off before its end ({exc})") from None
        except httpx.HTTPError as exc:
            raise _RetryError(f"request failed: {exc or type(exc).__name__}") from None
        finally:
            self._deadline.at = None
            self._answered_now(rate)

    def _wait_for_answers(self, rate: RateLimit) -> None:
        with self._lock:
            answered = self._answered.get(rate.name)
            oldest = answered[0] if answered and len(answered) >= rate.requests else None
        if oldest is not None:
            wait = oldest + rate.per_s - time.monotonic()
            if wait > 0:
                self._sleep(wait)

    def _answered_now(self, rate: RateLimit) -> None:
        with self._lock:
            answered = self._answered.setdefault(rate.name, deque(maxlen=rate.requests))
            answered.append(time.monotonic())

    def _accept(
        self, shown: str, response: httpx.Response, missing_ok: bool
    ) -> JsonResponse | None:
        status = response.status_code
        policy = self.policy
        if status == 429 or status >= 500:
            wait = retry_after(response.headers.get("retry-after"))
            if wait is None and status == 429:
                wait = _reset_wait(_header(response.headers, _RESET), time.time())
            if wait is not None and wait > policy.max_wait_s:
                raise PlatformError(shown, f"HTTP {status}; {_too_long(wait, policy.max_wait_s)}")
            reason = "HTTP 429 (rate limited)" if status == 429 else f"HTTP {status}"
            raise _RetryError(reason, wait)
        if 300 <= status < 400:
            target = response.headers.get("location", "?")
            raise PlatformError(
                shown, f"HTTP {status} redirect to {target}; configure that base URL instead"
            )
        if status == 404 and missing_ok:
            return None
        if status in {401, 403}:
            raise PlatformError(
                shown,
                f"HTTP {status}: the server refuses without a valid token ({_snippet(response)})",
            )
        if status >= 400:
            raise PlatformError(shown, f"HTTP {status} ({_snippet(response)})")
        body = _read_capped(shown, response, policy.max_bytes, self._deadline)
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            kind = response.headers.get("content-type", "no content type")
            raise PlatformError(
                shown, f"the answer is not JSON ({kind}; {exc}); is the base URL right?"
            ) from None
        return JsonResponse(url=shown, data=data, headers=dict(response.headers))


def _read_capped(shown: str, response: httpx.Response, limit: int, deadline: Deadline) -> bytes:
    declared = response.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > limit:
        raise PlatformError(
            shown, f"answer of {int(declared):,} bytes is over the {_size(limit)} cap"
        )
    data = bytearray()
    for chunk in response.iter_bytes(_CHUNK):
        data += chunk
        if len(data) > limit:
            raise PlatformError(shown, f"answer is over the {_size(limit)} cap; stopped reading")
        if deadline.at is not None and time.monotonic() > deadline.at:
            raise httpx.ReadTimeout("deadline passed", request=response.request)
    return bytes(data)


def _snippet(response: httpx.Response) -> str:
    """The start of an error body, read no further than needed (it may be huge)."""
    data = bytearray()
    try:
        for chunk in response.iter_bytes(1024):
            data += chunk
            if len(data) >= 1024:
                break
    except httpx.HTTPError:
        pass
    text = " ".join(bytes(data[:300]).decode("utf-8", "replace").split())
    return text[:200] or "no body"


def _size(limit: int) -> str:
    return f"{limit / _MIB:g} MB" if limit >= _MIB else f"{limit:,} bytes"


def _too_long(wait: float, allowed: float) -> str:
    resume = time.strftime("%H:%M:%S", time.localtime(time.time() + wait))
    return (
        f"the server asks to wait {wait:.0f} s (until {resume}), more than the {allowed:g} s "
        "allowed; run again after that (crawls resume where they stopped)"
    )
