"""The polite API client against a real HTTP server on 127.0.0.1 playing every bad host."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from clonecheck.discover.http import ApiClient, HttpPolicy, RateLimit, _reset_wait
from clonecheck.discover.interface import PlatformError

FAST = RateLimit("test", 1000, 1.0)


def policy(server: HTTPServer, **changes: object) -> HttpPolicy:
    values: dict[str, object] = {
        "trusted_hosts": frozenset({f"127.0.0.1:{server.port}", f"localhost:{server.port}"}),
        "backoff_s": 0.05,
    }
    values.update(changes)
    return HttpPolicy(**values)  # type: ignore[arg-type]


class Clock:
    """Records when the server saw each request."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.lock = threading.Lock()

    def handler(self, *responses: Response) -> object:
        def answer(request: Request) -> Response:
            with self.lock:
                self.times.append(time.monotonic())
                index = min(len(self.times), len(responses)) - 1
            return responses[index]

        return answer


def seen(server: HTTPServer, path: str) -> int:
    """Requests the server answered on ``path`` (a slow answer of another test may be logged)."""
    return sum(1 for request, _ in server.log if request.path == path)


def ok(body: object = None) -> Response:
    return Response(
        json.dumps(body if body is not None else {"ok": True}), content_type="application/json"
    )


def test_requests_name_clonecheck_and_ask_for_json(httpserver: HTTPServer) -> None:
    """Every request carries a User-Agent naming clonecheck and asks for JSON."""
    httpserver.expect_request("/x").respond_with_json({"a": 1})
    with ApiClient(policy(httpserver)) as client:
        response = client.get_json(httpserver.url_for("/x"), rate=FAST, params={"q": "ada"})
    assert response is not None and response.data == {"a": 1}
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"].startswith("clonecheck/")
    assert request.headers["Accept"] == "application/json"
    assert request.args["q"] == "ada"


def test_the_observed_rate_never_exceeds_the_limit(httpserver: HTTPServer) -> None:
    """No window of per_s seconds holds more requests than the limit allows, as the server saw."""
    clock = Clock()
    httpserver.expect_request("/r").respond_with_handler(clock.handler(ok()))
    rate = RateLimit("r", 4, 0.4)
    with ApiClient(policy(httpserver)) as client:
        for _ in range(13):
            client.get_json(httpserver.url_for("/r"), rate=rate)
    times = clock.times
    assert len(times) == 13
    for i, start in enumerate(times):
        in_window = [t for t in times[i:] if t - start < rate.per_s]
        assert len(in_window) <= rate.requests
    assert times[-1] - times[0] >= 3 * rate.per_s * 0.95


def test_a_request_held_up_on_its_way_does_not_crowd_the_servers_window(
    httpserver: HTTPServer,
) -> None:
    """The first request reaches the server's clock 0.3 s late (a loaded machine): the third
    still waits a full window after the first was answered, so the server never sees three
    requests in half a second at 2 per 0.5 s."""
    seen_at: list[float] = []

    def late_first(request: Request) -> Response:
        if not seen_at:
            time.sleep(0.3)
        seen_at.append(time.monotonic())
        return ok()

    httpserver.expect_request("/late").respond_with_handler(late_first)
    rate = RateLimit("late", 2, 0.5)
    with ApiClient(policy(httpserver)) as client:
        for _ in range(5):
            client.get_json(httpserver.url_for("/late"), rate=rate)
    for i, start in enumerate(seen_at):
        assert len([t for t in seen_at[i:] if t - start < rate.per_s]) <= rate.requests


def test_429_waits_for_retry_after_then_succeeds(httpserver: HTTPServer) -> None:
    """A 429 with Retry-After: 1 is retried no sooner than a second later."""
    clock = Clock()
    limited = Response("slow down", status=429, headers={"Retry-After": "1"})
    httpserver.expect_request("/l").respond_with_handler(clock.handler(limited, ok({"n": 2})))
    with ApiClient(policy(httpserver)) as client:
        response = client.get_json(httpserver.url_for("/l"), rate=FAST)
    assert response is not None and response.data == {"n": 2}
    assert len(clock.times) == 2
    assert clock.times[1] - clock.times[0] >= 0.95


def test_a_retry_after_longer_than_allowed_is_an_error_that_says_when(
    httpserver: HTTPServer,
) -> None:
    """A server asking for an hour's pause is not slept through: the error says to come back."""
    httpserver.expect_request("/h").respond_with_response(
        Response("", status=429, headers={"Retry-After": "3600"})
    )
    with (
        ApiClient(policy(httpserver, max_wait_s=30)) as client,
        pytest.raises(PlatformError) as error,
    ):
        client.get_json(httpserver.url_for("/h"), rate=FAST)
    assert "wait 3600 s" in str(error.value) and "run again after" in str(error.value)
    assert seen(httpserver, "/h") == 1


def test_a_500_storm_gives_up_after_the_retries_with_a_clear_message(
    httpserver: HTTPServer,
) -> None:
    """Always 500: retries then a PlatformError naming the status and the attempts."""
    httpserver.expect_request("/s").respond_with_response(Response("boom", status=500))
    with ApiClient(policy(httpserver, retries=3)) as client, pytest.raises(PlatformError) as error:
        client.get_json(httpserver.url_for("/s"), rate=FAST)
    assert "HTTP 500" in str(error.value) and "gave up after 4 attempts" in str(error.value)
    assert seen(httpserver, "/s") == 4


def test_a_passing_5xx_is_retried_with_back_off(httpserver: HTTPServer) -> None:
    """Two 503s then an answer: the answer comes back, after growing pauses."""
    clock = Clock()
    failing = Response("", status=503)
    httpserver.expect_request("/b").respond_with_handler(clock.handler(failing, failing, ok()))
    with ApiClient(policy(httpserver, backoff_s=0.2)) as client:
        assert client.get_json(httpserver.url_for("/b"), rate=FAST) is not None
    gaps = [b - a for a, b in zip(clock.times, clock.times[1:], strict=False)]
    assert gaps[0] >= 0.19 and gaps[1] >= 0.39


@pytest.mark.parametrize(
    "header",
    ["ratelimit-reset", "x-rate-limit-reset"],
)
def test_a_used_up_quota_waits_for_its_reset(httpserver: HTTPServer, header: str) -> None:
    """remaining 0 with a reset time: the next request of that bucket waits for the reset."""
    clock = Clock()
    reset = str(int(time.time()) + 3)  # a whole second: at least 2 s from now
    spent = Response(
        json.dumps({"n": 1}),
        content_type="application/json",
        headers={header.replace("reset", "remaining"): "0", header: reset},
    )
    httpserver.expect_request("/q").respond_with_handler(clock.handler(spent, ok()))
    with ApiClient(policy(httpserver)) as client:
        client.get_json(httpserver.url_for("/q"), rate=FAST)
        client.get_json(httpserver.url_for("/q"), rate=FAST)
    assert clock.times[1] - clock.times[0] >= 1.5


def test_reset_values_in_every_platform_form() -> None:
    """Unix time (Bluesky, X), delta seconds (IETF draft), ISO 8601 (Mastodon)."""
    now = 1_750_000_000.0
    iso = (datetime.fromtimestamp(now, UTC) + timedelta(seconds=90)).isoformat()
    assert _reset_wait(str(int(now) + 60), now) == pytest.approx(60)
    assert _reset_wait("30", now) == 30
    assert _reset_wait(iso, now) == pytest.approx(90)
    assert _reset_wait("soon", now) is None


def test_a_slow_host_times_out_within_the_deadline(httpserver: HTTPServer) -> None:
    """A host that answers after 1.5 s with a 0.4 s deadline: a timeout message, quickly."""

    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return ok()

    httpserver.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    with (
        ApiClient(policy(httpserver, timeout_s=0.4, retries=0)) as client,
        pytest.raises(PlatformError) as error,
    ):
        client.get_json(httpserver.url_for("/slow"), rate=FAST)
    assert "no complete answer within 0.4 s" in str(error.value)
    assert time.monotonic() - started < 1.4


def test_a_truncated_body_is_reported_as_cut_off(httpserver: HTTPServer) -> None:
    """A body shorter than its Content-Length: retried, then reported as cut off."""
    httpserver.expect_request("/t").respond_with_response(
        Response(
            iter([b'{"actors": [{"did": "did:plc:x"']),
            direct_passthrough=True,
            headers={"Content-Length": "4000", "Content-Type": "application/json"},
        )
    )
    with ApiClient(policy(httpserver, retries=1)) as client, pytest.raises(PlatformError) as error:
        client.get_json(httpserver.url_for("/t"), rate=FAST)
    assert "cut off" in str(error.value)
    assert seen(httpserver, "/t") == 2


@pytest.mark.parametrize("declared", [True, False])
def test_an_oversized_answer_is_refused(httpserver: HTTPServer, declared: bool) -> None:
    """Over max_bytes, declared or streamed without a length: refused, not retried."""
    body = b'{"pad": "' + b"x" * 300_000 + b'"}'
    if declared:
        response = Response(body, content_type="application/json")
    else:
        chunks = iter([body[i : i + 10_000] for i in range(0, len(body), 10_000)])
        response = Response(chunks, content_type="application/json", direct_passthrough=True)
    httpserver.expect_request("/big").respond_with_response(response)
    with (
        ApiClient(policy(httpserver, max_bytes=100_000)) as client,
        pytest.raises(PlatformError) as error,
    ):
        client.get_json(httpserver.url_for("/big"), rate=FAST)
    assert "over the 100,000 bytes cap" in str(error.value)
    assert seen(httpserver, "/big") == 1


def test_an_answer_that_is_not_json_says_so(httpserver: HTTPServer) -> None:
    """An HTML page where JSON was expected: a message asking whether the base URL is right."""
    httpserver.expect_request("/html").respond_with_data(
        "<html>hi</html>", content_type="text/html"
    )
    with ApiClient(policy(httpserver)) as client, pytest.raises(PlatformError) as error:
        client.get_json(httpserver.url_for("/html"), rate=FAST)
    assert "not JSON (text/html" in str(error.value) and "base URL" in str(error.value)


def test_status_answers(httpserver: HTTPServer) -> None:
    """404 is None when missing is fine; 401 names the token; a redirect names its target."""
    httpserver.expect_request("/gone").respond_with_json({"error": "Record not found"}, status=404)
    httpserver.expect_request("/auth").respond_with_json({"error": "no"}, status=401)
    httpserver.expect_request("/moved").respond_with_response(
        Response("", status=301, headers={"Location": "https://elsewhere.example/api"})
    )
    with ApiClient(policy(httpserver)) as client:
        assert client.get_json(httpserver.url_for("/gone"), rate=FAST, missing_ok=True) is None
        with pytest.raises(PlatformError, match="HTTP 404"):
            client.get_json(httpserver.url_for("/gone"), rate=FAST)
        with pytest.raises(PlatformError, match="valid token"):
            client.get_json(httpserver.url_for("/auth"), rate=FAST)
        with pytest.raises(PlatformError, match=r"elsewhere\.example/api; configure that base URL"):
            client.get_json(httpserver.url_for("/moved"), rate=FAST)


def test_loopback_is_refused_unless_trusted(httpserver: HTTPServer) -> None:
    """The SSRF-safe transport of photo fetching: 127.0.0.1 refused, and never contacted."""
    httpserver.expect_request("/secret").respond_with_json({"secret": 1})
    with ApiClient(HttpPolicy()) as client, pytest.raises(PlatformError) as error:
        client.get_json(httpserver.url_for("/secret"), rate=FAST)
    assert "loopback" in str(error.value)
    assert seen(httpserver, "/secret") == 0
