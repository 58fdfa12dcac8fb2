"""Polite HTTP: conditional GET, timeouts, retries with backoff, per-host limits, size limits.

One `Fetcher` serves a whole poll. It never raises for a network or HTTP problem: every
outcome, good or bad, is a `FetchResult` with a one-line `error`, so the caller can log it
in the fetch log and carry on with the next source.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime

import httpx

from aggregator.config import FetchConfig
from aggregator.urls import site_of

_PERMANENT_REDIRECTS = frozenset({301, 308})
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


class Fetcher:
    """Fetches URLs with the politeness rules of `FetchConfig`; thread-safe."""

    def __init__(self, config: FetchConfig):
        self.config = config
        self._client = httpx.Client(
            follow_redirects=True,
            max_redirects=config.max_redirects,
            timeout=httpx.Timeout(config.timeout, connect=config.connect_timeout),
            headers={"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

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
        """One request; also says whether a failure is worth another attempt.

        Connection errors and 5xx are retried. Timeouts are not (a slow server stays slow
        and retrying would hold the whole poll up), nor are 4xx, oversized bodies or
        redirect loops, nor a 503 that names its own Retry-After.
        """
        deadline = time.monotonic() + self.config.timeout
        try:
            with self._client.stream(method, url, headers=headers, data=data) as response:
                # A 304's (empty) body is read too: a response read to its end leaves the
                # connection open for the next request to the host.
                content = self._read(response, deadline)
                if response.status_code == 304:
                    content = b""
        except _BodyTooLarge:
            limit = self.config.max_bytes / (1024 * 1024)
            error = f"body larger than {limit:g} MiB, abandoned"
            return FetchResult(url, started, error=error), False
        except httpx.TooManyRedirects:
            error = f"too many redirects (more than {self.config.max_redirects})"
            return FetchResult(url, started, error=error), False
        except httpx.TimeoutException:
            error = f"timed out after {self.config.timeout:g}s"
            return FetchResult(url, started, error=error), False
        except httpx.UnsupportedProtocol as exc:
            return FetchResult(url, started, error=f"unsupported URL: {exc}"), False
        except httpx.HTTPError as exc:
            return FetchResult(url, started, error=_describe_transport_error(exc, url)), True
        result = self._result(url, started, response, content)
        retryable = result.status in _RETRY_STATUSES and result.retry_after is None
        return result, retryable

    def _read(self, response: httpx.Response, deadline: float) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.config.max_bytes:
            raise _BodyTooLarge
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.config.max_bytes:
                raise _BodyTooLarge
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("total timeout", request=response.request)
            chunks.append(chunk)
        return b"".join(chunks)

    def _result(
        self, url: str, started: float, response: httpx.Response, content: bytes
    ) -> FetchResult:
        status = response.status_code
        headers = {name.lower(): value for name, value in response.headers.items()}
        moved_to = None
        if response.history and all(
            hop.status_code in _PERMANENT_REDIRECTS for hop in response.history
        ):
            moved_to = str(response.url)
        error = None
        if status >= 400:
            error = f"HTTP {status} {response.reason_phrase}".strip()
        return FetchResult(
            url=url,
            started=started,
            final_url=str(response.url),
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


def _describe_transport_error(exc: httpx.HTTPError, url: str) -> str:
    """One line for a transport failure, naming the host where that helps."""
    if isinstance(exc, httpx.ConnectError):
        text = str(exc)
        if any(marker in text for marker in _DNS_FAILURES):
            return f"DNS lookup failed for {httpx.URL(url).host}"
        if "Connection refused" in text:
            return "connection refused"
        return f"cannot connect: {text or type(exc).__name__}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"server broke the protocol: {exc}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


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
