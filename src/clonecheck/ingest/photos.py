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
* **Addresses.** Every TCP connection goes through :class:`VettingBackend`: it resolves the
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

Over the project's 400-line guide on purpose: the list above is one set of rules, each
enforced in the fetcher below; the address rules and the transport are in ``safenet.py``.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Literal
from urllib.parse import urlsplit
from urllib.request import url2pathname

import httpx

from clonecheck.config import Config
from clonecheck.errors import PhotoError
from clonecheck.ingest.safenet import (
    DEFAULT_USER_AGENT,
    Deadline,
    FetchProblemError,
    PinnedTransport,
    VettingBackend,
    host_key,
    retry_after,
    unsafe_address_reason,
)

__all__ = [
    "FetchPolicy",
    "Fetched",
    "PhotoFetcher",
    "local_refusal",
    "sniff_image",
    "unsafe_address_reason",
]

OFFLINE_REASON = "offline: not fetched before; run the import without --offline"

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


# --- the fetcher ------------------------------------------------------------------------------


class _RetryableError(Exception):
    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(status)
        self.status = status
        self.retry_after = retry_after


class PhotoFetcher:
    """Reads photo sources under a :class:`FetchPolicy`; a context manager owning one client."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self._deadline = Deadline()
        backend = VettingBackend(
            self._deadline,
            allow_private=policy.allow_private,
            trusted_hosts=policy.trusted_hosts,
        )
        self._client = httpx.Client(
            transport=PinnedTransport(backend, max(policy.workers, policy.per_host, 1) * 2),
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
        key = host_key(url.host, url.port or (443 if url.scheme == "https" else 80))
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
        except FetchProblemError as problem:
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
            raise _RetryableError(status, retry_after(response.headers.get("retry-after")))
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
