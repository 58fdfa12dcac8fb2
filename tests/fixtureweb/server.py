"""One fixture site: a real HTTP server on 127.0.0.1 with its own port and a request log.

A `Site` answers requests from its in-memory state through `handle`, which subclasses
write; everything it is asked is logged (method, path, headers, body) so tests can assert
what a client did — "the second poll fetched no article page", "it sent If-None-Match".
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class LoggedRequest:
    """A request a site received. Header names are lower-case."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def path(self) -> str:
        """The path without the query string."""
        return urlsplit(self.target).path

    @property
    def query(self) -> str:
        return urlsplit(self.target).query


@dataclass(frozen=True)
class Request:
    """What a site's `handle` gets: the request with its query and form fields parsed."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)

    @property
    def form(self) -> dict[str, list[str]]:
        if "application/x-www-form-urlencoded" not in self.headers.get("content-type", ""):
            return {}
        return parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)

    def param(self, name: str) -> str | None:
        """A query or form field, as a Java servlet's ``getParameter`` reads both."""
        values = self.query.get(name) or self.form.get(name)
        return values[0] if values else None


@dataclass
class Response:
    """A site's answer. `body` may be an iterable of chunks, sent without a length."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""


class Site:
    """A loopback web site: start it, point clients at `base_url`, read `requests`."""

    name = "site"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._log: list[LoggedRequest] = []
        self.errors: list[BaseException] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._redirects: dict[str, tuple[int, str]] = {}

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        site = self

        class Handler(_Handler):
            served_site = site

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"fixtureweb-{self.name}",
            daemon=True,
        )
        self._thread.start()

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def port(self) -> int:
        assert self._server is not None, "site not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The absolute URL of `path` on this site."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    # -- request log ---------------------------------------------------------------------

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request received so far, oldest first."""
        with self.lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self.lock:
            self._log.clear()

    def requests_to(self, path: str, method: str | None = None) -> list[LoggedRequest]:
        """The requests for `path` (query string ignored), optionally of one method."""
        return [
            request
            for request in self.requests
            if request.path == path and (method is None or request.method == method)
        ]

    def paths(self) -> list[str]:
        """The paths requested, in order (query strings dropped)."""
        return [request.path for request in self.requests]

    # -- answering -----------------------------------------------------------------------

    def redirect(self, path: str, location: str, status: int = 301) -> None:
        """Answer `path` with a redirect to `location` (a path here, or a URL) from now on."""
        with self.lock:
            self._redirects[path] = (status, location)

    def redirected(self, request: Request) -> Response | None:
        with self.lock:
            found = self._redirects.get(request.path)
        if found is None:
            return None
        status, location = found
        target = self.url(location) if location.startswith("/") else location
        return Response(status, [("Location", target), ("Content-Type", "text/html")], b"")

    def handle(self, request: Request) -> Response:
        """Answer one request; subclasses route on `request.path`."""
        return not_found()

    def _record(self, request: Request, status: int) -> None:
        with self.lock:
            self._log.append(
                LoggedRequest(request.method, request.target, request.headers, request.body, status)
            )


class _Handler(BaseHTTPRequestHandler):
    served_site: Site
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the site keeps its own log."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = Request(self.command, self.path, headers, body)
        site = self.served_site
        try:
            response = site.redirected(request) or site.handle(request)
        except Exception as exc:  # a fixture bug must show in the test, not hang it
            site.errors.append(exc)
            response = Response(500, [("Content-Type", "text/plain")], b"fixture error")
        site._record(request, response.status)
        try:
            self._send(response)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client stopped reading (size limits)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        names = {name.lower() for name, _ in response.headers}
        for name, value in response.headers:
            self.send_header(name, value)
        if isinstance(response.body, bytes):
            if "content-length" not in names:
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
            return
        # A streamed body: no length, the end of the connection ends it.
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        if self.command == "HEAD":
            return
        for chunk in response.body:
            self.wfile.write(chunk)


# -- helpers for sites -----------------------------------------------------------------------


def not_found(body: bytes = b"<html><body><h1>404 Not Found</h1></body></html>") -> Response:
    return Response(404, [("Content-Type", "text/html")], body)


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha1(content).hexdigest()[:16] + '"'


def conditional(
    request: Request,
    body: bytes,
    headers: list[tuple[str, str]],
    *,
    etag: str | None = None,
    last_modified: datetime | None = None,
) -> Response:
    """A 200 with validators, or a 304 when the request's validators still match.

    If-None-Match wins over If-Modified-Since, as RFC 9110 says.
    """
    validators = []
    if etag:
        validators.append(("ETag", etag))
    if last_modified:
        validators.append(("Last-Modified", http_date(last_modified)))
    if_none_match = request.headers.get("if-none-match")
    if_modified_since = request.headers.get("if-modified-since")
    if etag and if_none_match is not None:
        tags = {tag.strip() for tag in if_none_match.split(",")}
        if "*" in tags or etag in tags or f"W/{etag}" in tags:
            return Response(304, validators)
    elif last_modified and if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            since = None
        if since is not None and last_modified.replace(microsecond=0) <= since:
            return Response(304, validators)
    return Response(200, headers + validators, body)


def gzipped(request: Request, response: Response) -> Response:
    """`response` compressed when the client accepts gzip (as a real front server does)."""
    if (
        response.status != 200
        or not isinstance(response.body, bytes)
        or "gzip" not in request.headers.get("accept-encoding", "")
    ):
        return response
    headers = [*response.headers, ("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
    return Response(response.status, headers, gzip.compress(response.body, mtime=0))


def repeated(chunk: bytes, total: int) -> Iterator[bytes]:
    """`total` bytes made of `chunk` repeated, produced lazily."""
    sent = 0
    while sent < total:
        piece = chunk[: total - sent]
        sent += len(piece)
        yield piece
