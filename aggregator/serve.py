"""The feed server: the published feeds, health and metrics over HTTP.

`aggregator run` serves while it polls; `aggregator serve` serves alone (for feeds made by
`aggregator poll` from cron, say). cheroot, CherryPy's production WSGI server (a thread
pool, keep-alive, timeouts), runs a small werkzeug app:

    /                       a page linking every feed
    /feed.atom              the combined feed
    /feeds/<name>.atom      a source's feed, or an extra `[[feeds]]` feed
    /changes.atom           the change monitor's feed, once it has written one
    /healthz                JSON: the scheduler and each source's last success and failures;
                            HTTP 503 when the scheduler is not running
    /metrics                Prometheus text format (aggregator/metrics.py)

Feeds are files the publisher replaces atomically, so each answer is read from one open
file: a strong ETag (a hash of the bytes; another for the gzip form), Last-Modified from
the file, 304 for a conditional request that matches, and gzip when the reader accepts it.
The gzip form is made once per version of a file, not once per request.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cheroot import wsgi
from prometheus_client import make_wsgi_app
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from aggregator.config import Config, ConfigError, ServerConfig, load_config
from aggregator.metrics import Metrics
from aggregator.publish import COMBINED_FEED, FEEDS_PATH
from aggregator.store import Store

log = logging.getLogger(__name__)

CHANGES_FEED = "changes.atom"  # written by the change monitor
ATOM_TYPE = "application/atom+xml; charset=utf-8"
_THREADS = 8  # requests answered at once; feed readers are many but requests are cheap


@dataclass(frozen=True)
class SchedulerState:
    """Whether polls are being scheduled, and a word on it for /healthz."""

    running: bool
    detail: str


@dataclass(frozen=True)
class _FeedFile:
    """One version of a feed file, in both encodings we serve."""

    key: tuple[int, int, int]  # inode, size, mtime in ns: a new version changes it
    body: bytes
    gzipped: bytes
    etag: str
    modified: datetime


class FeedApp:
    """The WSGI application. `config` may be replaced while serving (the daemon's SIGHUP)."""

    def __init__(
        self, config: Config, metrics: Metrics, scheduler_state: Callable[[], SchedulerState]
    ):
        self.config = config
        self.metrics = metrics
        self.scheduler_state = scheduler_state
        self._metrics_app = make_wsgi_app(metrics.registry)
        self._files: dict[Path, _FeedFile] = {}
        self._files_lock = threading.Lock()
        self._routes = Map(
            [
                Rule("/", endpoint="index"),
                Rule("/feed.atom", endpoint="combined"),
                Rule(f"/{FEEDS_PATH}<name>.atom", endpoint="named"),
                Rule(f"/{CHANGES_FEED}", endpoint="changes"),
                Rule("/healthz", endpoint="health"),
                Rule("/metrics", endpoint="metrics"),
            ]
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        request = Request(environ)
        try:
            endpoint, values = self._routes.bind_to_environ(environ).match()
            if request.method not in ("GET", "HEAD"):
                raise MethodNotAllowed(valid_methods=["GET", "HEAD"])
            if endpoint == "metrics":
                return self._metrics_app(environ, start_response)
            response = self._respond(request, endpoint, values)
        except HTTPException as exc:
            response = exc.get_response(environ)
        return response(environ, start_response)

    def _respond(self, request: Request, endpoint: str, values: dict[str, str]) -> Response:
        if endpoint == "health":
            return self._health()
        if endpoint == "index":
            return self._index()
        if endpoint == "combined":
            return self._feed(request, COMBINED_FEED, "feed")
        if endpoint == "changes":
            return self._feed(request, CHANGES_FEED, "changes")
        name = values["name"]
        if name not in self._feed_names():
            raise NotFound(f"No feed named {name}.")
        return self._feed(request, f"{name}.atom", name)

    def _feed_names(self) -> set[str]:
        config = self.config
        return {source.name for source in config.sources} | {feed.name for feed in config.feeds}

    # -- feeds ---------------------------------------------------------------------------

    def _feed(self, request: Request, file_name: str, label: str) -> Response:
        feed = self._read(self.config.publish.directory / file_name)
        if feed is None:
            self.metrics.record_feed_request(label, 404)
            raise NotFound("This feed has not been published yet.")
        compress = request.accept_encodings["gzip"] > 0
        response = Response(feed.gzipped if compress else feed.body, content_type=ATOM_TYPE)
        if compress:
            response.content_encoding = "gzip"
        response.vary.add("Accept-Encoding")
        response.set_etag(feed.etag + ("-gzip" if compress else ""))
        response.last_modified = feed.modified
        response.cache_control.no_cache = True  # readers may keep it, but must revalidate
        response.make_conditional(request)
        self.metrics.record_feed_request(label, response.status_code)
        return response

    def _read(self, path: Path) -> _FeedFile | None:
        """The current version of the feed file at `path`, from the cache when unchanged."""
        try:
            handle = path.open("rb")
        except (FileNotFoundError, NotADirectoryError):
            return None
        with handle:
            stat = os.fstat(handle.fileno())
            key = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
            with self._files_lock:
                cached = self._files.get(path)
            if cached is not None and cached.key == key:
                return cached
            body = handle.read()
        feed = _FeedFile(
            key=key,
            body=body,
            gzipped=gzip.compress(body, mtime=0),
            etag=hashlib.blake2b(body, digest_size=12).hexdigest(),
            modified=datetime.fromtimestamp(stat.st_mtime, UTC),
        )
        with self._files_lock:
            self._files[path] = feed
        return feed

    def _index(self) -> Response:
        names = ["feed", *sorted(self._feed_names())]
        links = [
            f'<li><a href="{html.escape(_feed_path(name))}">{html.escape(name)}</a></li>'
            for name in names
        ]
        if (self.config.publish.directory / CHANGES_FEED).exists():
            links.append(f'<li><a href="/{CHANGES_FEED}">changes</a></li>')
        title = html.escape(self.config.publish.title)
        page = (
            f"<!doctype html><meta charset=utf-8><title>{title}</title><h1>{title}</h1>"
            f"<ul>{''.join(links)}</ul><p><a href=/healthz>health</a> · "
            "<a href=/metrics>metrics</a>"
        )
        return Response(page, mimetype="text/html")

    # -- health --------------------------------------------------------------------------

    def _health(self) -> Response:
        state = self.scheduler_state()
        body: dict[str, Any] = {"scheduler": state.detail}
        try:
            with Store(self.config.storage.database) as store:
                rows = store.source_overview()
        except Exception as exc:  # health must answer even when the archive cannot
            body.update(status="down", error=f"cannot read the archive: {exc}")
            return _json(body, 503)
        sources = [_source_health(row) for row in rows if row["enabled"]]
        failing = [source["name"] for source in sources if source["failing"]]
        status = ("failing" if failing else "ok") if state.running else "down"
        body.update(status=status, failing=failing, sources=sources)
        return _json(body, 200 if state.running else 503)


def _feed_path(name: str) -> str:
    return f"/{COMBINED_FEED}" if name == "feed" else f"/{FEEDS_PATH}{name}.atom"


def _source_health(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": row["name"],
        "failing": bool(row["consecutive_failures"]),
        "consecutive_failures": row["consecutive_failures"],
        "last_status": row["last_status"],
        "last_error": row["last_error"],
        "last_polled": row["last_polled"],
        "last_success": row["last_success"],
        "next_poll": row["next_poll"],
        "poll_interval": row["poll_interval"],
        "articles": row["articles"],
    }


def _json(body: dict[str, Any], status: int) -> Response:
    response = Response(
        json.dumps(body, ensure_ascii=False, indent=1) + "\n",
        status=status,
        mimetype="application/json",
    )
    response.cache_control.no_store = True
    return response


class ServeError(Exception):
    """The server could not start (the address is taken, say); `str()` says why."""


class _Server(wsgi.Server):
    """cheroot's WSGI server, logging through `logging` rather than writing to stderr."""

    def error_log(self, msg: str = "", level: int = logging.INFO, traceback: bool = False) -> None:
        log.log(level, "%s", msg, exc_info=traceback)


class FeedServer:
    """A cheroot server for `app` on `[server] host, port`, in a background thread."""

    def __init__(self, config: ServerConfig, app: FeedApp):
        self.config = config
        self._server = _Server(
            (config.host, config.port), app, numthreads=_THREADS, server_name="aggregator"
        )
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Where it listens (the real port when the config said 0)."""
        host, port = self._server.bind_addr[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def start(self) -> None:
        """Bind now (so a taken port fails here, clearly), then serve in a thread."""
        try:
            self._server.prepare()
        except OSError as exc:
            where = f"{self.config.host}:{self.config.port}"
            raise ServeError(f"cannot serve on {where}: {exc.strerror or exc}") from exc
        self._thread = threading.Thread(target=self._server.serve, name="server", daemon=True)
        self._thread.start()
        log.info("serving feeds at %s", self.url)

    def stop(self) -> None:
        if self._thread is not None:
            self._server.stop()
            self._thread.join(timeout=10)
            self._thread = None


def serve_until_stopped(config: Config, scheduler_state: Callable[[], SchedulerState]) -> None:
    """`aggregator serve`: serve the feeds until SIGTERM or SIGINT; SIGHUP re-reads the config.

    A reload picks up sources and `[[feeds]]` added or removed (which feeds exist) and
    `[publish]`; `[server]` and `[storage]` take a restart.
    """
    handled = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
    # Blocked before the server's threads start, so they inherit the mask and the signals
    # are taken by sigwait below, never by a thread in the middle of an answer.
    signal.pthread_sigmask(signal.SIG_BLOCK, handled)
    app = FeedApp(config, Metrics(config.storage.database, lambda: False), scheduler_state)
    server = FeedServer(config.server, app)
    server.start()
    while (received := signal.sigwait(handled)) == signal.SIGHUP:
        try:
            reloaded = load_config(config.path)
        except ConfigError as exc:
            log.error("reload: %s; keeping the running configuration", exc)
            continue
        app.config = replace(reloaded, storage=config.storage, server=config.server)
        log.info("reloaded %s", config.path)
    log.info("received %s: stopping", signal.Signals(received).name)
    server.stop()
    log.info("stopped")
