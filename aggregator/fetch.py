"""Polite HTTP: conditional GET, timeouts, retries with backoff, per-host limits, size limits.

One `Fetcher` serves a whole poll. It never raises for a network or HTTP problem: every
outcome, good or bad, is a `FetchResult` with a one-line `error`, so the caller can log it
in the fetch log and carry on with the next source.
"""

from __future__ import annotations

import random
import ssl
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import certifi
import urllib3
from urllib3.exceptions import (
    LocationValueError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
)
from urllib3.util import parse_url

from aggregator.config import FetchConfig
from aggregator.urls import site_of

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT_REDIRECTS = frozenset({301, 308})
_CHUNK = 64 * 1024
_RETRY_STATUSES = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class Validators:
    """What tells the next answer for a URL unchanged: the server's ETag / Last-Modified
    (sent back to make the request conditional), and a digest of the body we last read
    in full, for servers that send neither."""

    etag: str | None = None
    last_modified: str | None = None
    body_digest: str | None = None

    def request_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one fetch, successful or not."""

    url: str
    started: float  # Unix time
    final_url: str | None = None
    status: int | None = None
    content: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    validators: Validators = field(default_factory=Validators)
    elapsed_ms: int = 0
    attempts: int = 1
    error: str | None = None
    # The URL a permanent redirect (301/308 all the way) moved the resource to.
    moved_to: str | None = None
    retry_after: float | None = None  # seconds, from a 429/503 answer

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


class _HostGate:
    """At most `limit` requests at once to one host, at least `delay` seconds apart."""

    def __init__(self, limit: int, delay: float):
        self._slots = threading.BoundedSemaphore(max(1, limit))
        self._delay = delay
        self._lock = threading.Lock()
        self._next_start = 0.0

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._slots:
            with self._lock:
                now = time.monotonic()
                wait = self._next_start - now
                self._next_start = max(now, self._next_start) + self._delay
            if wait > 0:
                time.sleep(wait)
            yield


class _BodyTooLarge(Exception):
    pass


class _TooManyRedirects(Exception):
    pass


class _TooSlow(Exception):
    """The whole answer took longer than `FetchConfig.timeout` (each read being in time)."""


class _UnsupportedURL(Exception):
    pass


class Fetcher:
    """Fetches URLs with the politeness rules of `FetchConfig`; thread-safe.

    Built on urllib3's connection pools, which cost about a third of httpx's CPU per
    request (a 304 re-poll is mostly this request; see bench/README.md, issue #8).
    Redirects are followed here, one hop at a time, so that every hop keeps the
    conditional headers and a chain made only of 301/308 can be told apart (`moved_to`).
    """

    def __init__(self, config: FetchConfig):
        self.config = config
        self._headers = {"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"}
        self._timeout = urllib3.Timeout(connect=config.connect_timeout, read=config.timeout)
        # Proxies from the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY), as
        # curl and httpx read them.
        self._proxies = urllib.request.getproxies_environment()
        self._managers: dict[tuple[str, str | None], urllib3.PoolManager] = {}
        self._managers_lock = threading.Lock()
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        with self._managers_lock:
            for manager in self._managers.values():
                manager.clear()
            self._managers.clear()

    def fetch(
        self,
        url: str,
        validators: Validators | None = None,
        *,
        method: str = "GET",
        data: Mapping[str, str] | None = None,
    ) -> FetchResult:
        """Fetch `url`, conditionally when `validators` are given, retrying what is worth it."""
        started_wall = time.time()
        started = time.monotonic()
        headers = validators.request_headers() if validators else {}
        attempts = 0
        while True:
            attempts += 1
            with self._gate(url).turn():
                result, retryable = self._attempt(url, method, headers, data, started_wall)
            if not retryable or attempts > self.config.retries:
                break
            time.sleep(self.config.backoff * 2 ** (attempts - 1) * random.uniform(0.8, 1.2))
        elapsed_ms = int((time.monotonic() - started) * 1000)
        return replace(result, elapsed_ms=elapsed_ms, attempts=attempts)

    def _gate(self, url: str) -> _HostGate:
        host = site_of(url)
        with self._gates_lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = _HostGate(self.config.per_host, self.config.delay)
            return gate

    def _attempt(
        self,
        url: str,
        method: str,
        headers: dict[str, str],
        data: Mapping[str, str] | None,
        started: float,
    ) -> tuple[FetchResult, bool]:
        """One request and its redirects; also says whether a failure is worth another attempt.

        Connection errors and 5xx are retried. Timeouts are not (a slow server stays slow
        and retrying would hold the whole poll up), nor are 4xx, oversized bodies or
        redirect loops, nor a 503 that names its own Retry-After.
        """
        deadline = time.monotonic() + self.config.timeout
        body = urlencode(data).encode() if data else None
        hops: list[int] = []
        current = url
        try:
            while True:
                response, content = self._exchange(method, current, headers, body, deadline)
                location = response.headers.get("location")
                if response.status not in _REDIRECTS or not location:
                    break
                if len(hops) == self.config.max_redirects:
                    raise _TooManyRedirects
                hops.append(response.status)
                current = parse_url(urljoin(current, location.strip())).url
                if response.status == 303 or (response.status in (301, 302) and method == "POST"):
                    method, body = "GET", None  # as browsers do
        except _BodyTooLarge:
            error = f"body larger than {_readable_size(self.config.max_bytes)}, abandoned"
            return FetchResult(url, started, error=error), False
        except _TooManyRedirects:
            error = f"too many redirects (more than {self.config.max_redirects})"
            return FetchResult(url, started, error=error), False
        except (_UnsupportedURL, LocationValueError) as exc:
            return FetchResult(url, started, error=f"unsupported URL: {exc}"), False
        except NewConnectionError as exc:  # a ConnectTimeoutError too, but not a timeout
            return FetchResult(url, started, error=_connect_error(exc, current)), True
        except (urllib3.exceptions.TimeoutError, _TooSlow):
            error = f"timed out after {self.config.timeout:g}s"
            return FetchResult(url, started, error=error), False
        except ProtocolError as exc:
            return FetchResult(url, started, error=f"server broke the protocol: {exc}"), True
        except urllib3.exceptions.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            return FetchResult(url, started, error=error), True
        moved_to = current if hops and all(s in _PERMANENT_REDIRECTS for s in hops) else None
        result = self._result(url, started, current, response, content, moved_to)
        retryable = result.status in _RETRY_STATUSES and result.retry_after is None
        return result, retryable

    def _exchange(
        self,
        method: str,
        url: str,
        conditional: Mapping[str, str],
        body: bytes | None,
        deadline: float,
    ) -> tuple[urllib3.BaseHTTPResponse, bytes]:
        """One request and its whole (decoded) body; a 304's empty body is read too, so
        that the connection goes back to the pool for the next request to the host."""
        headers = {**self._headers, **conditional}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        response = self._manager(url).urlopen(
            method,
            url,
            body=body,
            headers=headers,
            redirect=False,
            retries=False,
            timeout=self._timeout,
            preload_content=False,
        )
        try:
            content = self._read(response, deadline)
        except BaseException:
            response.close()  # the rest of the body is not read: the connection goes
            raise
        finally:
            response.release_conn()
        return response, (b"" if response.status == 304 else content)

    def _manager(self, url: str) -> urllib3.PoolManager:
        """The connection pools for `url`: direct, or through the environment's proxy."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise _UnsupportedURL(f"{url!r} is not an http or https URL")
        proxy = self._proxies.get(parts.scheme) or self._proxies.get("all")
        if proxy and urllib.request.proxy_bypass_environment(parts.hostname or "", self._proxies):
            proxy = None
        key = (parts.scheme, proxy)
        with self._managers_lock:
            manager = self._managers.get(key)
            if manager is None:
                manager = self._managers[key] = self._new_manager(parts.scheme, proxy)
            return manager

    def _new_manager(self, scheme: str, proxy: str | None) -> urllib3.PoolManager:
        # The TLS context (loading the trust store: ~50 ms of CPU) is made once, and only
        # when an https URL is met; left to urllib3, it would be made for every connection.
        options: dict[str, Any] = {"num_pools": 100, "maxsize": max(1, self.config.per_host)}
        if scheme == "https":
            # certifi's bundle, as browsers and httpx trust: the same on every machine, where
            # the system store may be missing (slim containers) or stale.
            options["ssl_context"] = ssl.create_default_context(cafile=certifi.where())
        if proxy:
            return urllib3.ProxyManager(proxy, **options)
        return urllib3.PoolManager(**options)

    def _read(self, response: urllib3.BaseHTTPResponse, deadline: float) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.config.max_bytes:
            raise _BodyTooLarge
        chunks: list[bytes] = []
        size = 0
        for chunk in response.stream(_CHUNK, decode_content=True):
            size += len(chunk)
            if size > self.config.max_bytes:
                raise _BodyTooLarge
            if time.monotonic() > deadline:
                raise _TooSlow
            chunks.append(chunk)
        return b"".join(chunks)

    def _result(
        self,
        url: str,
        started: float,
        final_url: str,
        response: urllib3.BaseHTTPResponse,
        content: bytes,
        moved_to: str | None,
    ) -> FetchResult:
        status = response.status
        headers = {name.lower(): value for name, value in response.headers.itermerged()}
        error = None
        if status >= 400:
            error = f"HTTP {status} {response.reason or ''}".strip()
        return FetchResult(
            url=url,
            started=started,
            final_url=final_url,
            status=status,
            content=content,
            headers=headers,
            validators=Validators(headers.get("etag"), headers.get("last-modified")),
            error=error,
            moved_to=moved_to,
            retry_after=_retry_after(headers.get("retry-after")) if status in (429, 503) else None,
        )


_DNS_FAILURES = (
    "Name or service not known",
    "nodename nor servname",
    "Temporary failure in name resolution",
    "No address associated with hostname",
)


def _connect_error(exc: NewConnectionError, url: str) -> str:
    """One line for a failed connection, naming the host where that helps."""
    text = str(exc)
    if isinstance(exc, NameResolutionError) or any(m in text for m in _DNS_FAILURES):
        return f"DNS lookup failed for {urlsplit(url).hostname}"
    if "Connection refused" in text:
        return "connection refused"
    return f"cannot connect: {text or type(exc).__name__}"


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _readable_size(size: int) -> str:
    """The size limit as a person writes it: "10 MiB", "4 KiB", "100 bytes"."""
    for unit, factor in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"
