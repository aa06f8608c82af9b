"""PhotoFetcher against a real HTTP server on 127.0.0.1 started by these tests: no mocks.

Every test but the address-refusal ones runs with ``allow_private=True`` (the server is on
loopback); the refusal tests use ``allow_private=False`` and check the server saw nothing.
"""

from __future__ import annotations

import contextlib
import email.utils
import io
import shutil
import ssl
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from clonecheck.config import Config
from clonecheck.errors import PhotoError
from clonecheck.ingest.photos import (
    DEFAULT_USER_AGENT,
    OFFLINE_REASON,
    Fetched,
    FetchPolicy,
    PhotoFetcher,
    sniff_image,
    unsafe_address_reason,
)
from clonecheck.ingest.safenet import retry_after


def _jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 40, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


@dataclass
class ServerState:
    jpeg: bytes
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: (path with query, headers) of every request seen
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    active: int = 0
    max_active: int = 0

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for seen, _ in self.seen if seen == path)

    def headers_of(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [headers for seen, headers in self.seen if seen == path]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: ServerState  # set on the subclass made by the fixture

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str | None = "image/jpeg") -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        state = self.state
        with state.lock:
            state.seen.append((self.path, dict(self.headers.items())))
        path = urlsplit(self.path).path
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route(state, path)

    def _route(self, state: ServerState, path: str) -> None:
        if path == "/photo.jpg":
            self._send(200, state.jpeg)
        elif path == "/photo-slow":
            with state.lock:
                state.active += 1
                state.max_active = max(state.max_active, state.active)
            time.sleep(0.3)
            with state.lock:
                state.active -= 1
            self._send(200, state.jpeg)
        elif path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", "60")
            self.end_headers()
            for _ in range(60):
                self.wfile.write(b"\xff")
                self.wfile.flush()
                time.sleep(1)
        elif path == "/redirect-private":
            self._redirect("http://10.255.255.1/x.jpg")
        elif path == "/redirect-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/redirect-ftp":
            self._redirect("ftp://example.com/x.jpg")
        elif path.startswith("/redirect-chain/"):
            left = int(path.rsplit("/", 1)[1])
            self._redirect(f"/redirect-chain/{left - 1}" if left > 0 else "/photo.jpg")
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", "2147483648")
            self.end_headers()
            self._stream_zeros(state.jpeg[:4], chunked=False)
        elif path == "/huge-chunked":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._stream_zeros(state.jpeg[:4], chunked=True)
        elif path == "/html":
            self._send(200, b"<!doctype html><html><body>hi</body></html>", "text/html")
        elif path == "/odd-type":
            self._send(200, b"secret", "text/html <b>root:x:0:0</b>")
        elif path == "/fake-image":
            self._send(200, b"<!doctype html><html><body>not a photo</body></html>")
        elif path == "/no-type":
            self._send(200, state.jpeg, None)
        elif path == "/429":
            if state.count(self.path) == 1:
                self.send_response(429)
                query = urlsplit(self.path).query
                wait = query.split("ra=", 1)[1].split("&", 1)[0] if "ra=" in query else "1"
                self.send_header("Retry-After", wait)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._send(200, state.jpeg)
        elif path == "/500-always":
            self._send(500, b"oops", "text/plain")
        else:
            self._send(404, b"not found", "text/plain")

    def _stream_zeros(self, head: bytes, *, chunked: bool) -> None:
        """Up to 2 GiB (or 10 s) of zeros after ``head``, until the client hangs up."""
        block = b"\x00" * 65536
        started = time.monotonic()
        first = True
        sent = 0
        while sent < 2**31 and time.monotonic() - started < 10:
            body = head + block[len(head) :] if first else block
            first = False
            if chunked:
                self.wfile.write(f"{len(body):x}\r\n".encode() + body + b"\r\n")
            else:
                self.wfile.write(body)
            sent += len(body)
        self.close_connection = True


@dataclass
class Server:
    base: str
    port: int
    state: ServerState

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def unique(self, path: str) -> str:
        """``path`` with a query no other test uses, so request counts are this test's own."""
        return f"{path}?k={uuid.uuid4().hex}"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """A real threaded HTTP server on 127.0.0.1 serving the routes the tests need."""
    state = ServerState(jpeg=_jpeg_bytes())
    handler = type("BoundHandler", (Handler,), {"state": state})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    port = httpd.server_address[1]
    try:
        yield Server(base=f"http://127.0.0.1:{port}", port=port, state=state)
    finally:
        httpd.shutdown()
        httpd.server_close()


def _policy(**changes: object) -> FetchPolicy:
    values: dict[str, object] = {"allow_private": True, "timeout_s": 5.0, "backoff_s": 0.05}
    values.update(changes)
    return FetchPolicy(**values)  # type: ignore[arg-type]


def _fetch(source: str, **changes: object) -> Fetched:
    with PhotoFetcher(_policy(**changes)) as fetcher:
        return fetcher.fetch(source)


def _error(source: str, **changes: object) -> PhotoError:
    with pytest.raises(PhotoError) as caught:
        _fetch(source, **changes)
    assert caught.value.source == source
    return caught.value


# --- http: success ----------------------------------------------------------------------------


def test_fetches_a_real_jpeg(server: Server) -> None:
    """A 200 image/jpeg response comes back byte for byte, with its type and final URL."""
    result = _fetch(server.url("/photo.jpg"))
    assert result.data == server.state.jpeg
    assert result.content_type == "image/jpeg"
    assert result.final_url == server.url("/photo.jpg")


def test_missing_content_type_is_accepted(server: Server) -> None:
    """A response without Content-Type is judged by its magic number alone."""
    assert _fetch(server.url("/no-type")).data == server.state.jpeg


def test_user_agent_names_the_project(server: Server) -> None:
    """The server sees clonecheck's User-Agent and a request for images only."""
    url = server.unique("/photo.jpg")
    _fetch(server.base + url)
    (headers,) = server.state.headers_of(url)
    assert headers["User-Agent"] == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("clonecheck/")
    assert headers["Accept"] == "image/*"


def test_redirects_within_the_limit_are_followed(server: Server) -> None:
    """Exactly max_redirects hops are followed to the photo; final_url is the last hop."""
    result = _fetch(server.url("/redirect-chain/2"), max_redirects=3)
    assert result.data == server.state.jpeg
    assert result.final_url == server.url("/photo.jpg")


# --- http: refusals ---------------------------------------------------------------------------


def test_too_many_redirects_are_refused(server: Server) -> None:
    """A chain longer than max_redirects is refused, after max_redirects + 1 requests."""
    error = _error(server.url("/redirect-chain/5"), max_redirects=2)
    assert "too many redirects (more than 2)" in error.reason


def test_redirect_to_unsupported_scheme_is_refused(server: Server) -> None:
    """A redirect to ftp: is refused instead of being followed."""
    assert "unsupported scheme ftp:" in _error(server.url("/redirect-ftp")).reason


def test_slow_drip_fails_by_the_deadline(server: Server) -> None:
    """A server dripping a byte a second cannot hold us past timeout_s for the whole body."""
    started = time.monotonic()
    error = _error(server.url("/slow"), timeout_s=1.5, retries=0)
    elapsed = time.monotonic() - started
    assert "timed out after 1.5 s" in error.reason
    assert 1.2 <= elapsed < 3.0


def test_huge_content_length_is_refused_before_the_body(server: Server) -> None:
    """Content-Length: 2 GiB is refused at once, without reading the body."""
    started = time.monotonic()
    error = _error(server.url("/huge"))
    assert error.reason == "larger than 20 MB"
    assert time.monotonic() - started < 2.0


def test_huge_chunked_body_is_aborted_past_max_bytes(server: Server) -> None:
    """A chunked body without a length is aborted as soon as the count passes max_bytes."""
    started = time.monotonic()
    error = _error(server.url("/huge-chunked"), max_bytes=256 * 1024)
    assert error.reason == "larger than 256 KB"
    assert time.monotonic() - started < 2.0


def test_html_content_type_is_refused(server: Server) -> None:
    """A text/html response is refused by its content type."""
    assert _error(server.url("/html")).reason == "not an image: content type text/html"


def test_odd_content_type_is_not_echoed(server: Server) -> None:
    """A Content-Type that is not a plain media type is refused without repeating it."""
    reason = _error(server.url("/odd-type")).reason
    assert reason == "not an image: content type not a media type"


def test_image_content_type_with_html_bytes_is_refused(server: Server) -> None:
    """A body claiming image/jpeg but starting with HTML is refused by the magic number, and the
    stranger's bytes are not echoed in the error."""
    reason = _error(server.url("/fake-image")).reason
    assert reason == "not an image (unrecognised format)"


def test_not_found_is_reported_with_the_status(server: Server) -> None:
    """A 404 is an error naming the status, and is not retried."""
    url = server.unique("/404")
    assert _error(server.base + url).reason == "HTTP 404"
    assert server.state.count(url) == 1


def test_429_is_retried_afterretry_after(server: Server) -> None:
    """A 429 with Retry-After: 1 is retried after at least a second and then succeeds."""
    url = server.unique("/429")
    started = time.monotonic()
    result = _fetch(server.base + url)
    assert time.monotonic() - started >= 1.0
    assert result.data == server.state.jpeg
    assert server.state.count(url) == 2


def test_retry_after_is_capped_by_max_retry_wait(server: Server) -> None:
    """A Retry-After of an hour is waited only max_retry_wait_s."""
    url = server.unique("/429") + "&ra=3600"
    started = time.monotonic()
    assert _fetch(server.base + url, max_retry_wait_s=0.2).data == server.state.jpeg
    assert 0.2 <= time.monotonic() - started < 2.0
    assert server.state.count(url) == 2


def test_retry_after_header_forms() -> None:
    """Retry-After is read as delay-seconds or as an HTTP date; nonsense gives no delay."""
    assert retry_after("3") == 3.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    soon = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    wait = retry_after(soon)
    assert wait is not None
    assert 25 <= wait <= 30
    assert retry_after("soon") is None
    assert retry_after(None) is None


def test_500_fails_after_the_retries(server: Server) -> None:
    """A server that always answers 500 is asked retries + 1 times, then reported."""
    url = server.unique("/500-always")
    error = _error(server.base + url, retries=2, backoff_s=0.01)
    assert error.reason.startswith("HTTP 500")
    assert server.state.count(url) == 3


# --- addresses --------------------------------------------------------------------------------


def test_loopback_is_refused_without_a_request(server: Server) -> None:
    """With allow_private off, a loopback URL is refused, naming the address and the option."""
    url = server.unique("/photo.jpg")
    error = _error(server.base + url, allow_private=False)
    assert "refused: 127.0.0.1 is a loopback address" in error.reason
    assert "--allow-private-addresses" in error.reason
    assert server.state.count(url) == 0


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "127.1", "[::ffff:127.0.0.1]"])
def test_disguised_loopback_literals_are_refused(server: Server, host: str) -> None:
    """Integer, hex, short and IPv4-mapped spellings of 127.0.0.1 are refused as loopback."""
    url = server.unique("/photo.jpg")
    error = _error(f"http://{host}:{server.port}{url}", allow_private=False)
    assert error.reason.startswith("refused: ")
    assert "127.0.0.1" in error.reason
    assert "loopback" in error.reason
    assert server.state.count(url) == 0


@pytest.mark.parametrize(
    ("route", "address"),
    [("/redirect-private", "10.255.255.1"), ("/redirect-metadata", "169.254.169.254")],
)
def test_redirect_to_private_is_refused_on_the_hop(
    server: Server, route: str, address: str
) -> None:
    """A trusted first hop redirecting to a private/metadata address is refused, unconnected."""
    started = time.monotonic()
    error = _error(
        server.url(route),
        allow_private=False,
        trusted_hosts=frozenset({f"127.0.0.1:{server.port}"}),
    )
    assert error.reason.startswith(f"refused: {address} is a ")
    assert "--allow-private-addresses" in error.reason
    assert time.monotonic() - started < 1.0  # a real connect to it would hang until timeout


def test_trusted_hosts_exempts_only_the_named_host_and_port(server: Server) -> None:
    """trusted_hosts lets 127.0.0.1:port through while localhost:port stays refused."""
    trusted = frozenset({f"127.0.0.1:{server.port}"})
    assert _fetch(server.url("/photo.jpg"), allow_private=False, trusted_hosts=trusted).data
    error = _error(
        f"http://localhost:{server.port}/photo.jpg", allow_private=False, trusted_hosts=trusted
    )
    assert error.reason.startswith("refused: ")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.5",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::7f00:1",
        "2002:7f00:1::",
        "2002:a00:1::",
        "::7f00:1",
    ],
)
def test_non_public_addresses_are_unsafe(address: str) -> None:
    """Loopback, private, ULA, link-local, CGNAT, unspecified, multicast, reserved, wrapped."""
    reason = unsafe_address_reason(address)
    assert reason is not None
    assert reason.startswith(f"refused: {address} is a")


def test_private_reason_wording() -> None:
    """The refusal says which kind of address it is and how to allow intranets."""
    assert unsafe_address_reason("10.0.0.5") == (
        "refused: 10.0.0.5 is a private address (use --allow-private-addresses for intranets)"
    )


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "64:ff9b::808:808", "::ffff:8.8.8.8"],
)
def test_public_addresses_are_safe(address: str) -> None:
    """Public addresses pass, also when wrapped in IPv6 (NAT64 on IPv6-only networks)."""
    assert unsafe_address_reason(address) is None


def test_https_verifies_the_certificate_for_the_host_name(tmp_path: Path) -> None:
    """Pinned to the vetted IP, HTTPS still sends the host name as SNI and verifies the cert."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []

    def record_sni(_sock: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
        names.append(name)

    context.sni_callback = record_sni
    state = ServerState(jpeg=_jpeg_bytes())
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (Handler,), {"state": state}))
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        source = f"https://localhost:{httpd.server_address[1]}/photo.jpg"
        error = _error(source, retries=0)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert "CERTIFICATE_VERIFY_FAILED" in error.reason
    assert names == ["localhost"]
    assert state.seen == []


# --- schemes, offline, files ------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "ftp://example.com/x.jpg",
        "gopher://example.com/x",
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
    ],
)
def test_unsupported_schemes_are_refused(source: str) -> None:
    """Only files, http and https are fetched; any other scheme is refused."""
    assert _error(source).reason.startswith("unsupported scheme")


def test_file_url_with_remote_host_is_refused() -> None:
    """file://host/... (a network share) is refused, not opened."""
    assert _error("file://fileserver/share/x.jpg").reason.startswith("unsupported scheme file:")


def test_offline_refuses_http(server: Server) -> None:
    """In offline mode nothing is fetched from the network and the server sees no request."""
    url = server.unique("/photo.jpg")
    assert _error(server.base + url, offline=True).reason == OFFLINE_REASON
    assert server.state.count(url) == 0


def test_offline_still_reads_local_files(tmp_path: Path) -> None:
    """Offline mode concerns the network only: local files are read."""
    path = tmp_path / "a.jpg"
    path.write_bytes(_jpeg_bytes())
    assert _fetch(str(path), offline=True).data == path.read_bytes()


def test_local_path_absolute_and_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A local path is read, absolute or relative to the working directory."""
    path = tmp_path / "photo.jpg"
    path.write_bytes(_jpeg_bytes())
    assert _fetch(str(path)).data == path.read_bytes()
    monkeypatch.chdir(tmp_path)
    result = _fetch("photo.jpg")
    assert result.data == path.read_bytes()
    assert result.final_url is None


def test_file_url_is_read(tmp_path: Path) -> None:
    """A file: URL (percent-encoded) names a local file."""
    path = tmp_path / "my photo.jpg"
    path.write_bytes(_jpeg_bytes())
    assert _fetch(path.as_uri()).data == path.read_bytes()


def test_missing_file(tmp_path: Path) -> None:
    """A path that does not exist is reported as file not found."""
    assert _error(str(tmp_path / "nope.jpg")).reason == "file not found"


def test_directory_is_refused(tmp_path: Path) -> None:
    """A directory is not a photo."""
    assert "directory" in _error(str(tmp_path)).reason


def test_device_file_is_refused() -> None:
    """A device such as /dev/zero is refused, never read."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    assert _error("/dev/zero").reason == "not a regular file"


def test_local_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    """A local file larger than max_bytes is refused by its size before being read."""
    path = tmp_path / "big.jpg"
    path.write_bytes(_jpeg_bytes() + b"\x00" * 5000)
    assert _error(str(path), max_bytes=4096).reason == "larger than 4 KB"


def test_local_non_image_is_refused(tmp_path: Path) -> None:
    """A local text file is refused by its magic number."""
    path = tmp_path / "notes.jpg"
    path.write_text("hello, not a photo")
    assert _error(str(path)).reason == "not an image (unrecognised format)"


def test_sniff_recognises_the_formats() -> None:
    """Magic numbers of JPEG, PNG, GIF, WebP, BMP, TIFF, ICO, AVIF and HEIC are recognised."""
    formats = {}
    for name in ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "ICO"):
        buffer = io.BytesIO()
        Image.new("RGB", (16, 16)).save(buffer, format=name)
        formats[name.lower()] = sniff_image(buffer.getvalue()[:32])
    assert formats == {k: k for k in formats}
    assert sniff_image(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00") == "avif"
    assert sniff_image(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00") == "heif"
    assert sniff_image(b"<html>") is None
    assert sniff_image(b"") is None


# --- many -------------------------------------------------------------------------------------


def test_fetch_many_mixed_sources_never_raises(server: Server, tmp_path: Path) -> None:
    """fetch_many yields exactly one result per source, errors as values, never raising."""
    good = tmp_path / "good.jpg"
    good.write_bytes(_jpeg_bytes())
    sources = [
        str(good),
        str(tmp_path / "missing.jpg"),
        server.url("/photo.jpg"),
        server.url("/404"),
        server.url("/html"),
        "ftp://example.com/x.jpg",
    ]
    with PhotoFetcher(_policy()) as fetcher:
        results = list(fetcher.fetch_many(sources))
    assert sorted(source for source, _ in results) == sorted(sources)
    by_source = dict(results)
    assert isinstance(by_source[str(good)], Fetched)
    assert isinstance(by_source[server.url("/photo.jpg")], Fetched)
    for source in sources[1:2] + sources[3:]:
        outcome = by_source[source]
        assert isinstance(outcome, PhotoError)
        assert outcome.source == source


def test_per_host_concurrency_is_bounded(server: Server) -> None:
    """No more than per_host requests reach one host at once, though workers would allow more."""
    with server.state.lock:
        server.state.max_active = 0
    sources = [server.base + server.unique("/photo-slow") for _ in range(8)]
    started = time.monotonic()
    with PhotoFetcher(_policy(per_host=2, workers=8)) as fetcher:
        results = list(fetcher.fetch_many(sources))
    elapsed = time.monotonic() - started
    assert all(isinstance(result, Fetched) for _, result in results)
    assert server.state.max_active == 2
    assert elapsed >= 4 * 0.3 - 0.05


def test_policy_from_config() -> None:
    """from_config takes the size cap, deadline and redirect limit from Config."""
    config = Config(max_photo_bytes=1234, fetch_timeout_s=2.5, fetch_max_redirects=1)
    policy = FetchPolicy.from_config(config, allow_private=True, offline=True)
    assert (policy.max_bytes, policy.timeout_s, policy.max_redirects) == (1234, 2.5, 1)
    assert policy.allow_private and policy.offline
    assert not FetchPolicy.from_config(config).allow_private
