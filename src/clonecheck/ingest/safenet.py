"""The network under a crawl's feet: which addresses a stranger's URL may reach, and an httpx
transport that connects only to the address it vetted, within one deadline.

Shared by the photo fetcher (``ingest/photos.py``, whose docstring states the rules) and the
platform clients (``discover/http.py``), so both refuse the same private networks the same
way. The rules are in :func:`unsafe_address_reason` and :class:`VettingBackend`.
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpcore
import httpx

from clonecheck import __version__

DEFAULT_USER_AGENT = (
    f"clonecheck/{__version__} "
    "(+https://github.com/clonecheck/clonecheck; profile-impersonation checker)"
)
PRIVATE_OPTION = "--allow-private-addresses"


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


class FetchProblemError(Exception):
    """Raised inside the transport (refused address, unknown host); becomes a PhotoError."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- transport: vet, pin, and enforce the deadline ---------------------------------------------


class Deadline(threading.local):
    at: float | None = None


def _clamp(deadline: Deadline, timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left of this thread's deadline; raise when none is."""
    if deadline.at is None:
        return timeout
    left = deadline.at - time.monotonic()
    if left <= 0:
        raise expired("deadline passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A stream whose every read and write ends by the calling thread's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
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
        return DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def host_key(host: str, port: int) -> str:
    host = host.lower().strip("[]")
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class VettingBackend(httpcore.NetworkBackend):
    """Resolves, vets every address, and connects to a vetted address, never to the name."""

    def __init__(
        self, deadline: Deadline, *, allow_private: bool, trusted_hosts: Iterable[str] = ()
    ) -> None:
        self._allow_private = allow_private
        self._deadline = deadline
        self._inner = httpcore.SyncBackend()
        self._trusted = frozenset(_normalise_trusted(entry) for entry in trusted_hosts)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = _resolve(host, port)
        if not self._allow_private and host_key(host, port) not in self._trusted:
            for address in addresses:
                reason = unsafe_address_reason(address)
                if reason is not None:
                    raise FetchProblemError(reason)
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
            return DeadlineStream(stream, self._deadline)
        assert last is not None  # _resolve never returns an empty list
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise FetchProblemError("unix sockets are not used for photos")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _normalise_trusted(entry: str) -> str:
    host, sep, port = entry.strip().rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"trusted host {entry!r} is not of the form host:port")
    return host_key(host, int(port))


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchProblemError(f"cannot resolve host {host}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FetchProblemError(f"cannot resolve host {host}")
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


class PinnedTransport(httpx.BaseTransport):
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


def retry_after(value: str | None) -> float | None:
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
