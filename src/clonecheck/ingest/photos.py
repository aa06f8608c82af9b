"""Photo bytes from local files and from the web, fetched as untrusted input.

Every photo reference in a crawled profile was written by a stranger, so a crawl must never be
turned against the network it runs in (SSRF) nor be held or flooded by a hostile server:

* **Schemes.** Local paths and ``file:`` URLs (size checked with ``stat`` before reading) and
  ``http``/``https``. Anything else (``ftp:``, ``gopher:``, ``data:``, ``javascript:`` ...) is
  refused.
* **Local files.** Only a photo the user names (``register --photo``) may be any file
  (``local_files="any"``). A crawled record is a stranger's text: with ``local_files="none"`` it
  may name only files inside ``photos_root`` (a folder the user trusts, ``--photos-dir``), judged
  after resolving ``..`` and symlinks, and with no such folder none at all. A path outside gets
  the same refusal whether or not it exists, so errors do not reveal which paths exist, and no
  error ever shows a file's (or a body's) bytes.
* **Addresses.** Every TCP connection goes through :class:`_VettingBackend`: it resolves the
  host with :func:`socket.getaddrinfo`, refuses when *any* resolved address is not public
  (loopback, RFC 1918, ULA, link-local with the 169.254.169.254 cloud metadata service, CGNAT,
  unspecified, multicast, reserved, and IPv4 addresses wrapped in IPv6 forms), and then connects
  to exactly the address it vetted. Redirects are followed here, one hop at a time, and each new
  host is vetted the same way before anything is sent to it. Literals such as ``2130706433`` or
  ``0x7f.1`` are normalised by ``getaddrinfo`` and refused as ``127.0.0.1``.
* **DNS rebinding.** Closed: the check and the connection use the same resolved address, so a
  name that answers with a public address to the check and a private one to the connection is
  not possible. TLS is unaffected: the socket goes to the vetted IP, but SNI and certificate
  verification use the URL's host name (httpcore passes it to ``start_tls``), so HTTPS still
  verifies the certificate for the name. Proxies from the environment are ignored
  (``trust_env=False``); they would otherwise connect on our behalf, unvetted.
* **Limits.** One deadline per attempt covers connecting, the headers and the whole body (a
  slow-drip server cannot hold a worker longer than ``timeout_s``); ``Content-Length`` above
  ``max_bytes`` is refused before the body is read, and a body without one is aborted as soon
  as the running count passes ``max_bytes``. The body must start with an image's magic number
  and the ``Content-Type`` must be ``image/*``, ``application/octet-stream`` or absent.
* **Politeness.** A ``User-Agent`` that names the project; ``429`` and ``5xx`` are retried with
  exponential back-off honouring ``Retry-After``; at most ``per_host`` requests per host at once.

Known gaps: name resolution itself (``getaddrinfo``) cannot be interrupted and is not covered
by the deadline; the per-host limit is keyed by the host of the *source*, not of later redirect
hops; a compressed body is counted after decompression (``Accept-Encoding: identity`` is asked
for), so one compressed chunk may briefly expand in memory before the count refuses it.
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal
from urllib.parse import urlsplit
from urllib.request import url2pathname

import httpcore
import httpx

from clonecheck import __version__
from clonecheck.config import Config
from clonecheck.errors import PhotoError

__all__ = [
    "FetchPolicy",
    "Fetched",
    "PhotoFetcher",
    "local_refusal",
    "sniff_image",
    "unsafe_address_reason",
]

DEFAULT_USER_AGENT = (
    f"clonecheck/{__version__} "
    "(+https://github.com/clonecheck/clonecheck; profile-impersonation checker)"
)
OFFLINE_REASON = "offline: not fetched before; run the import without --offline"
PRIVATE_OPTION = "--allow-private-addresses"

_MIB = 1024 * 1024
_CHUNK = 64 * 1024
_SNIFF_BYTES = 32
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,40}/[a-z0-9][a-z0-9!#$&^_.+-]{0,60}")


@dataclass(frozen=True, slots=True)
class Fetched:
    """The bytes of one photo and where they came from."""

    source: str
    data: bytes
    content_type: str | None = None
    #: the URL after redirects; ``None`` for local files
    final_url: str | None = None


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How far an untrusted photo reference may take us."""

    #: total deadline per attempt: connecting, headers and the whole body, not each read
    timeout_s: float = 15.0
    max_bytes: int = 20 * _MIB
    max_redirects: int = 5
    #: allow loopback/private/link-local addresses (intranet crawls); off for the open web
    allow_private: bool = False
    #: refuse every network fetch (the service serves cached photos before asking)
    offline: bool = False
    #: further attempts on 429 and 5xx, with exponential back-off
    retries: int = 3
    #: first back-off wait in seconds, doubled on each retry (when there is no Retry-After)
    backoff_s: float = 1.0
    #: the longest wait between attempts, Retry-After included
    max_retry_wait_s: float = 30.0
    #: concurrent requests per host
    per_host: int = 4
    #: concurrent fetches in ``fetch_many``
    workers: int = 8
    user_agent: str = DEFAULT_USER_AGENT
    #: ``"host:port"`` entries (``"[::1]:8080"`` for IPv6) exempt from the address check: a named
    #: intranet mirror, or the tests' local server. Matched against the host as written in the
    #: URL, lower-cased, with the port made explicit (80/443 when the URL has none).
    trusted_hosts: frozenset[str] = field(default_factory=frozenset)
    #: ``"any"``: local paths are the user's own choice (register/check --photo); ``"none"``:
    #: they come from a crawled record and are refused unless inside ``photos_root``
    local_files: Literal["any", "none"] = "any"
    #: the folder whose files a crawled record may name (``import --photos-dir``); relative
    #: paths resolve against it
    photos_root: Path | None = None

    @classmethod
    def from_config(
        cls,
        config: Config,
        *,
        allow_private: bool = False,
        offline: bool = False,
        local_files: Literal["any", "none"] = "any",
        photos_root: Path | None = None,
    ) -> FetchPolicy:
        return cls(
            timeout_s=config.fetch_timeout_s,
            max_bytes=config.max_photo_bytes,
            max_redirects=config.fetch_max_redirects,
            allow_private=allow_private,
            offline=offline,
            local_files=local_files,
            photos_root=photos_root,
        )


# --- image checks -----------------------------------------------------------------------------

_HEIF_BRANDS = frozenset(
    {b"avif", b"avis", b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
)


def sniff_image(head: bytes) -> str | None:
    """The image format named by the magic number at the start of ``head``, or ``None``."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"BM") and len(head) >= 14:
        return "bmp"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"\x00\x00\x01\x00") and len(head) >= 6 and head[4:6] != b"\x00\x00":
        return "ico"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "avif" if head[8:12] in {b"avif", b"avis"} else "heif"
    return None


def _check_magic(source: str, head: bytes) -> None:
    # never the bytes themselves: they may be a private file's content or a stranger's text
    if sniff_image(head) is None:
        raise PhotoError(source, f"not an image ({'unrecognised format' if head else 'empty'})")


def local_refusal(root: Path | None) -> str:
    """Why a crawled record's local path is not read; the same whether or not it exists."""
    if root is None:
        return (
            "local file refused: an imported record may name local photos only inside a "
            "folder you trust (import --photos-dir DIR)"
        )
    return f"local file refused: outside the trusted photos folder {root}"


def _size_text(limit: int) -> str:
    if limit >= _MIB:
        return f"{limit / _MIB:g} MB"
    if limit >= 1024:
        return f"{limit / 1024:g} KB"
    return f"{limit} bytes"


def _too_large(limit: int) -> str:
    return f"larger than {_size_text(limit)}"


# --- addresses --------------------------------------------------------------------------------

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address that packets to ``ip`` really reach (mapped, 6to4, NAT64, compatible)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _NAT64) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _address_kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "shared (CGNAT)"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "site-local"
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "non-public"
    return None


def unsafe_address_reason(address: str) -> str | None:
    """Why a crawl must not connect to ``address`` (an IP literal), or ``None`` when public.

    An IPv6 address that carries an IPv4 one (IPv4-mapped ``::ffff:a.b.c.d``, 6to4, NAT64
    ``64:ff9b::/96``, IPv4-compatible) is judged by the IPv4 address, where its packets go:
    ``::ffff:127.0.0.1`` is loopback, and NAT64 addresses of public hosts (all a DNS64 resolver
    returns on an IPv6-only network) stay allowed.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    note = ""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            note = f"IPv4 {inner} inside IPv6; "
            ip = inner
        elif ip.teredo is not None:
            client = ip.teredo[1]
            if _address_kind(client) is not None:
                note = f"Teredo for IPv4 {client}; "
                ip = client
    kind = _address_kind(ip)
    if kind is None:
        return None
    article = "an" if kind[0] in "aeiou" else "a"
    return (
        f"refused: {address} is {article} {kind} address ({note}use {PRIVATE_OPTION} for intranets)"
    )


class _FetchProblemError(Exception):
    """Raised inside the transport (refused address, unknown host); becomes a PhotoError."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- transport: vet, pin, and enforce the deadline ---------------------------------------------


class _Deadline(threading.local):
    at: float | None = None


def _clamp(deadline: _Deadline, timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left of this thread's deadline; raise when none is."""
    if deadline.at is None:
        return timeout
    left = deadline.at - time.monotonic()
    if left <= 0:
        raise expired("deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A stream whose every read and write ends by the calling thread's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(self._deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(self._deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        # server_hostname is the URL's host name, so the certificate is checked for the name
        # even though the socket was opened to the vetted IP address.
        inner = self._inner.start_tls(
            ssl_context, server_hostname, _clamp(self._deadline, timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _host_key(host: str, port: int) -> str:
    host = host.lower().strip("[]")
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class _VettingBackend(httpcore.NetworkBackend):
    """Resolves, vets every address, and connects to a vetted address, never to the name."""

    def __init__(self, policy: FetchPolicy, deadline: _Deadline) -> None:
        self._policy = policy
        self._deadline = deadline
        self._inner = httpcore.SyncBackend()
        self._trusted = frozenset(_normalise_trusted(entry) for entry in policy.trusted_hosts)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = _resolve(host, port)
        if not self._policy.allow_private and _host_key(host, port) not in self._trusted:
            for address in addresses:
                reason = unsafe_address_reason(address)
                if reason is not None:
                    raise _FetchProblemError(reason)
        last: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    timeout=_clamp(self._deadline, timeout, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        assert last is not None  # _resolve never returns an empty list
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise _FetchProblemError("unix sockets are not used for photos")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _normalise_trusted(entry: str) -> str:
    host, sep, port = entry.strip().rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"trusted host {entry!r} is not of the form host:port")
    return _host_key(host, int(port))


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise _FetchProblemError(f"cannot resolve host {host}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise _FetchProblemError(f"cannot resolve host {host}")
    return addresses


_CORE_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _httpx_errors(request: httpx.Request) -> Iterator[None]:
    """httpcore's exceptions as the matching httpx ones (what httpx's own transport does)."""
    try:
        yield
    except Exception as exc:
        for core, mapped in _CORE_ERRORS:
            if isinstance(exc, core):
                raise mapped(str(exc), request=request) from exc
        raise


class _BodyStream(httpx.SyncByteStream):
    def __init__(self, inner: Iterable[bytes], request: httpx.Request) -> None:
        self._inner = inner
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors(self._request):
            yield from self._inner

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


class _PinnedTransport(httpx.BaseTransport):
    """httpx's transport over an httpcore pool whose connections come from the vetting backend.

    Built from public httpx/httpcore API only (``httpx.HTTPTransport`` does not accept a
    network backend).
    """

    def __init__(self, backend: httpcore.NetworkBackend, max_connections: int) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            network_backend=backend,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors(request):
            response = self._pool.handle_request(core_request)
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_BodyStream(response.stream, request),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


# --- the fetcher ------------------------------------------------------------------------------


class _RetryableError(Exception):
    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(status)
        self.status = status
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class PhotoFetcher:
    """Reads photo sources under a :class:`FetchPolicy`; a context manager owning one client."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self._deadline = _Deadline()
        backend = _VettingBackend(policy, self._deadline)
        self._client = httpx.Client(
            transport=_PinnedTransport(backend, max(policy.workers, policy.per_host, 1) * 2),
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(policy.timeout_s),
            headers={
                "User-Agent": policy.user_agent,
                "Accept": "image/*",
                "Accept-Encoding": "identity",
            },
        )
        self._host_slots: dict[str, threading.BoundedSemaphore] = {}
        self._slots_lock = threading.Lock()
        root = policy.photos_root
        self._root = Path(root).expanduser().resolve() if root is not None else None

    def __enter__(self) -> PhotoFetcher:
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

    # --- public ---------------------------------------------------------------------------

    def fetch(self, source: str) -> Fetched:
        """The bytes of one photo; raises :class:`PhotoError` naming ``source`` and the reason."""
        scheme = _scheme(source)
        if scheme is None:
            return self._read_file(source, Path(source))
        if scheme == "file":
            return self._read_file(source, _file_url_path(source))
        if scheme in {"http", "https"}:
            if self.policy.offline:
                raise PhotoError(source, OFFLINE_REASON)
            return self._fetch_http(source)
        raise PhotoError(source, f"unsupported scheme {scheme}: (only files, http and https)")

    def permits(self, source: str) -> bool:
        """False for a local file this policy would refuse to read: a copy of it cached by an
        earlier, more trusting import must not be served in its place."""
        scheme = _scheme(source)
        try:
            if scheme is None:
                self._allowed_path(source, Path(source))
            elif scheme == "file":
                self._allowed_path(source, _file_url_path(source))
        except PhotoError:
            return False
        return True

    def fetch_many(self, sources: Iterable[str]) -> Iterator[tuple[str, Fetched | PhotoError]]:
        """Fetch concurrently; yield ``(source, Fetched | PhotoError)`` as each completes."""
        executor = ThreadPoolExecutor(
            max_workers=max(1, self.policy.workers), thread_name_prefix="photo-fetch"
        )
        try:
            futures: dict[Future[Fetched], str] = {
                executor.submit(self.fetch, source): source for source in sources
            }
            for future in as_completed(futures):
                source = futures[future]
                try:
                    yield source, future.result()
                except PhotoError as error:
                    yield source, error
        finally:
            executor.shutdown(wait=True, cancel_futures=True)

    # --- files ----------------------------------------------------------------------------

    def _allowed_path(self, source: str, path: Path) -> Path:
        """``path`` when the policy lets a reference read it: inside the trusted folder once
        ``..`` and symlinks are resolved (then the resolved path, so a link cannot be swapped
        between check and read), or anywhere for the user's own photos."""
        root = self._root
        if root is None:
            if self.policy.local_files == "none":
                raise PhotoError(source, local_refusal(None))
            return path
        try:
            resolved = (root / path).resolve()  # an absolute path replaces root
        except (OSError, RuntimeError, ValueError):  # symlink loop, NUL byte
            raise PhotoError(source, local_refusal(root)) from None
        if not resolved.is_relative_to(root):
            raise PhotoError(source, local_refusal(root))
        return resolved

    def _read_file(self, source: str, path: Path) -> Fetched:
        path = self._allowed_path(source, path)
        try:
            info = path.stat()
        except FileNotFoundError:
            raise PhotoError(source, "file not found") from None
        except OSError as exc:
            raise PhotoError(source, f"cannot read file: {exc.strerror or exc}") from None
        except ValueError:  # a NUL byte in the path
            raise PhotoError(source, "not a valid file path") from None
        if path.is_dir():
            raise PhotoError(source, "is a directory, not a photo file")
        if not path.is_file():
            raise PhotoError(source, "not a regular file")
        limit = self.policy.max_bytes
        if info.st_size > limit:
            raise PhotoError(source, _too_large(limit))
        try:
            with path.open("rb") as handle:
                data = handle.read(limit + 1)  # the file may have grown since stat
        except OSError as exc:
            raise PhotoError(source, f"cannot read file: {exc.strerror or exc}") from None
        if len(data) > limit:
            raise PhotoError(source, _too_large(limit))
        _check_magic(source, data[:_SNIFF_BYTES])
        return Fetched(source=source, data=data)

    # --- http -----------------------------------------------------------------------------

    def _slot(self, url: httpx.URL) -> threading.BoundedSemaphore:
        key = _host_key(url.host, url.port or (443 if url.scheme == "https" else 80))
        with self._slots_lock:
            slot = self._host_slots.get(key)
            if slot is None:
                slot = threading.BoundedSemaphore(max(1, self.policy.per_host))
                self._host_slots[key] = slot
            return slot

    def _fetch_http(self, source: str) -> Fetched:
        try:
            url = httpx.URL(source)
        except httpx.InvalidURL as exc:
            raise PhotoError(source, f"invalid URL: {exc}") from None
        if not url.host:
            raise PhotoError(source, "invalid URL: no host")
        policy = self.policy
        with self._slot(url):
            attempt = 0
            while True:
                try:
                    return self._attempt(source, url)
                except _RetryableError as retry:
                    if attempt >= policy.retries:
                        tries = attempt + 1
                        detail = f" (gave up after {tries} attempts)" if tries > 1 else ""
                        raise PhotoError(source, f"HTTP {retry.status}{detail}") from None
                    wait = retry.retry_after
                    if wait is None:
                        wait = policy.backoff_s * 2**attempt
                    time.sleep(max(0.0, min(wait, policy.max_retry_wait_s)))
                    attempt += 1

    def _attempt(self, source: str, url: httpx.URL) -> Fetched:
        """One attempt, redirects included, within one deadline."""
        policy = self.policy
        self._deadline.at = time.monotonic() + policy.timeout_s
        try:
            for _hop in range(policy.max_redirects + 1):
                with self._client.stream("GET", url) as response:
                    if response.status_code in _REDIRECTS and "location" in response.headers:
                        url = _redirect_target(source, response)
                        continue
                    return self._accept(source, response)
            raise PhotoError(source, f"too many redirects (more than {policy.max_redirects})")
        except _FetchProblemError as problem:
            raise PhotoError(source, problem.reason) from None
        except httpx.TimeoutException:
            raise PhotoError(source, f"timed out after {policy.timeout_s:g} s") from None
        except httpx.ConnectError as exc:
            raise PhotoError(source, f"cannot connect: {exc}") from None
        except httpx.HTTPError as exc:
            raise PhotoError(source, f"download failed: {exc or type(exc).__name__}") from None
        finally:
            self._deadline.at = None

    def _accept(self, source: str, response: httpx.Response) -> Fetched:
        status = response.status_code
        if status == 429 or status >= 500:
            raise _RetryableError(status, _retry_after(response.headers.get("retry-after")))
        if not 200 <= status < 300:
            raise PhotoError(source, f"HTTP {status}")
        content_type = response.headers.get("content-type")
        media = content_type.split(";", 1)[0].strip().lower() if content_type else ""
        if media and not (media.startswith("image/") or media == "application/octet-stream"):
            # the header is the server's text: named only when it is a plain media type
            shown = media if _MEDIA_TYPE.fullmatch(media) else "not a media type"
            raise PhotoError(source, f"not an image: content type {shown}")
        limit = self.policy.max_bytes
        declared = response.headers.get("content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            raise PhotoError(source, _too_large(limit))
        data = bytearray()
        sniffed = False
        for chunk in response.iter_bytes(_CHUNK):
            data += chunk
            if len(data) > limit:
                raise PhotoError(source, _too_large(limit))
            if not sniffed and len(data) >= _SNIFF_BYTES:
                _check_magic(source, bytes(data[:_SNIFF_BYTES]))
                sniffed = True
            if self._deadline.at is not None and time.monotonic() > self._deadline.at:
                raise httpx.ReadTimeout("deadline passed", request=response.request)
        if not sniffed:
            _check_magic(source, bytes(data[:_SNIFF_BYTES]))
        return Fetched(
            source=source,
            data=bytes(data),
            content_type=content_type,
            final_url=str(response.url),
        )


def _redirect_target(source: str, response: httpx.Response) -> httpx.URL:
    try:
        target = response.url.join(response.headers["location"])
    except httpx.InvalidURL as exc:
        raise PhotoError(source, f"redirect to an invalid URL: {exc}") from None
    if target.scheme not in {"http", "https"}:
        raise PhotoError(source, f"redirect to unsupported scheme {target.scheme}:")
    return target


def _scheme(source: str) -> str | None:
    """The URL scheme of ``source`` lower-cased; None for a path (``C:`` is a drive letter)."""
    match = _SCHEME.match(source)
    return match.group(1).lower() if match and len(match.group(1)) > 1 else None


def _file_url_path(source: str) -> Path:
    parts = urlsplit(source)
    if parts.netloc not in {"", "localhost"}:
        raise PhotoError(source, f"unsupported scheme file: with a remote host {parts.netloc}")
    return Path(url2pathname(parts.path))
