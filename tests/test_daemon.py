"""`aggregator run` as a real process: polling on schedule, serving, one daemon per database,
clean stops on SIGTERM, config reloads on SIGHUP, and nothing lost to a kill -9."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from helpers import DaemonProcess, rss_document, run_cli, wait_for, write_config

ITEMS = [
    ("全省会议召开", "http://news.example.cn/a/1.html", "会议部署全年工作。"),
    ("兰州天气", "http://news.example.cn/a/2.html", "明天晴。"),
]
QUICK = {"interval": "1s", "jitter": 0, "publish_delay": 0, "stop_timeout": "20s"}
SERVER = {"host": "127.0.0.1", "port": 0}


def requests_to(server: HTTPServer, path: str) -> int:
    return sum(1 for request, _ in server.log if request.path == path)


def database(folder: Path) -> sqlite3.Connection:
    return sqlite3.connect(folder / "data" / "aggregator.db")


def count(folder: Path, table: str) -> int:
    with database(folder) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def with_etag(body: bytes, etag: str = '"v1"'):  # type: ignore[no-untyped-def]
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, content_type="application/rss+xml", headers={"ETag": etag})

    return handler


def test_daemon_polls_serves_backs_off_and_stops_cleanly(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/rss").respond_with_handler(with_etag(rss_document(ITEMS)))
    httpserver.expect_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    config = write_config(
        tmp_path,
        [
            {"name": "news", "url": httpserver.url_for("/rss")},
            {"name": "busy", "url": httpserver.url_for("/busy")},
        ],
        schedule=QUICK,
        server=SERVER,
    )
    daemon = DaemonProcess(config, "-v")
    try:
        url = daemon.url()
        wait_for(lambda: requests_to(httpserver, "/rss") >= 3, what="polls on the interval")
        feed = httpx.get(url + "feed.atom")
        assert feed.status_code == 200
        assert sorted(entry.title for entry in feedparser.parse(feed.content).entries) == sorted(
            title for title, _, _ in ITEMS
        )
        assert httpx.get(url + "feeds/news.atom").status_code == 200

        health = httpx.get(url + "healthz")
        assert health.status_code == 200
        assert (health.json()["status"], health.json()["failing"]) == ("failing", ["busy"])
        busy = next(source for source in health.json()["sources"] if source["name"] == "busy")
        assert busy["consecutive_failures"] == 1 and "HTTP 429" in busy["last_error"]
        # Retry-After: 3600 is honoured: one request only, the next poll an hour away.
        assert requests_to(httpserver, "/busy") == 1
        next_poll = datetime.fromisoformat(busy["next_poll"])
        assert next_poll > datetime.now().astimezone() + timedelta(minutes=59)

        status = run_cli("--config", str(config), "status")
        assert status.returncode == 0, status.stderr
        assert f"daemon running: pid {daemon.pid}" in status.stdout
        busy_row = next(line for line in status.stdout.splitlines() if line.startswith("busy"))
        assert "HTTP 429" in busy_row and busy_row.split()[1:3] == ["error", "1"]

        second = run_cli("--config", str(config), "run", timeout=30)
        assert second.returncode == 1
        assert f"another aggregator daemon (pid {daemon.pid}) is already running" in second.stderr

        table = run_cli("--config", str(config), "sources")
        rows = {line.split()[0]: line for line in table.stdout.splitlines()[2:]}
        assert re.search(r" error +1 +HTTP 429", rows["busy"])  # status, failures in a row
        assert re.search(r" not modified +0 ", rows["news"])
    finally:
        code = daemon.stop()
    stderr = daemon.stderr()
    assert code == 0, stderr
    assert "received SIGTERM: stopping" in stderr and stderr.rstrip().endswith("stopped")
    assert "Traceback" not in stderr
    with database(tmp_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    wal = tmp_path / "data" / "aggregator.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed on the way out
    after = run_cli("--config", str(config), "status")
    assert after.returncode == 1 and "no daemon is running" in after.stderr


def test_sighup_reloads_sources_and_a_bad_config_is_survived(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/first").respond_with_handler(
        with_etag(rss_document(ITEMS[:1], title="first"))
    )
    httpserver.expect_request("/second").respond_with_handler(
        with_etag(rss_document(ITEMS[1:], title="second"))
    )
    first = {"name": "first", "url": httpserver.url_for("/first")}
    second = {"name": "second", "url": httpserver.url_for("/second")}
    config = write_config(tmp_path, [first], schedule=QUICK, server=SERVER)
    daemon = DaemonProcess(config, "-v", "--log-format", "json")
    try:
        url = daemon.url()
        wait_for(lambda: httpx.get(url + "feeds/first.atom").status_code == 200)
        assert httpx.get(url + "feeds/second.atom").status_code == 404

        write_config(tmp_path, [second], schedule=QUICK, server=SERVER, feeds=[{"name": "all"}])
        polled_first = requests_to(httpserver, "/first")
        daemon.process.send_signal(signal.SIGHUP)
        wait_for(lambda: requests_to(httpserver, "/second") >= 2, what="the added source polled")
        assert requests_to(httpserver, "/first") <= polled_first + 1  # at most one in flight
        second_feed = httpx.get(url + "feeds/second.atom")
        assert [entry.title for entry in feedparser.parse(second_feed.content).entries] == [
            "兰州天气"
        ]
        assert httpx.get(url + "feeds/all.atom").status_code == 200
        assert httpx.get(url + "feeds/first.atom").status_code == 404
        health = httpx.get(url + "healthz").json()
        assert [source["name"] for source in health["sources"]] == ["second"]

        config.write_text(config.read_text() + "\n[[sources]]\nname = 1\n", encoding="utf-8")
        daemon.process.send_signal(signal.SIGHUP)
        wait_for(lambda: "keeping the running configuration" in daemon.stderr())
        assert httpx.get(url + "healthz").status_code == 200
    finally:
        code = daemon.stop()
    assert code == 0, daemon.stderr()
    lines = [json.loads(line) for line in daemon.stderr().splitlines()]
    assert {line["level"] for line in lines} <= {"info", "warning", "error"}
    sources_named = {line["source"] for line in lines if line["logger"] == "aggregator.poll"}
    assert sources_named == {"first", "second"}
    reload_error = next(line for line in lines if line["level"] == "error")
    assert "sources[1].url: is required" in reload_error["message"]
    with database(tmp_path) as connection:
        enabled = dict(connection.execute("SELECT name, enabled FROM sources").fetchall())
    assert enabled == {"first": 0, "second": 1}


def test_kill_9_in_the_middle_of_a_poll_loses_nothing(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    small = [(f"第{n}条 旧闻", f"http://big.example.cn/a/{n}.html", "旧 " * 40) for n in range(50)]
    big = [(f"第{n}条 新闻", f"http://big.example.cn/a/{n}.html", "新 " * 40) for n in range(800)]
    feeds = {"current": rss_document(small)}
    httpserver.expect_request("/feed").respond_with_handler(
        lambda _request: Response(feeds["current"], content_type="application/rss+xml")
    )
    config = write_config(
        tmp_path,
        [{"name": "big", "url": httpserver.url_for("/feed")}],
        schedule={**QUICK, "adaptive": False},
        server=SERVER,
    )
    daemon = DaemonProcess(config)
    try:
        wait_for(lambda: (tmp_path / "data" / "aggregator.db").exists() and _stored(tmp_path))
        with database(tmp_path) as connection:
            before = dict(connection.execute("SELECT url, entry_id FROM articles").fetchall())
        assert len(before) == 50
        # The next poll fetches 800 entries (50 of them edited): kill the daemon as soon as
        # that fetch is logged, while it parses and saves them.
        feeds["current"] = rss_document(big)
        size = len(feeds["current"])
        wait_for(lambda: _fetched(tmp_path, size), what="the big fetch", timeout=30)
        daemon.process.kill()
        daemon.process.wait(timeout=10)
    finally:
        daemon.stop()

    # All of the poll or none of it: articles, versions and the search index agree.
    with database(tmp_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        stored = dict(connection.execute("SELECT url, entry_id FROM articles").fetchall())
        assert len(stored) in (50, 800)
        assert stored.items() >= before.items()  # nothing stored was lost or renamed
        versions = connection.execute("SELECT sum(version) FROM articles").fetchone()[0]
        assert count(tmp_path, "article_versions") == versions

    restarted = DaemonProcess(config)
    try:
        wait_for(
            lambda: count(tmp_path, "articles") == 800, what="the big poll completed", timeout=90
        )
    finally:
        assert restarted.stop() == 0, restarted.stderr()
    with database(tmp_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = dict(connection.execute("SELECT url, entry_id FROM articles").fetchall())
        assert rows.items() >= before.items()
        edited = connection.execute("SELECT count(*) FROM articles WHERE version = 2").fetchone()
        assert edited[0] == 50  # the 50 old articles each got one new version, once
        assert count(tmp_path, "article_versions") == 850


def _stored(folder: Path) -> bool:
    try:
        return count(folder, "articles") > 0
    except sqlite3.OperationalError:  # the schema is being created
        return False


def _fetched(folder: Path, size: int) -> bool:
    with database(folder) as connection:
        row = connection.execute("SELECT count(*) FROM fetches WHERE bytes = ?", [size])
        return row.fetchone()[0] > 0


def test_sigint_stops_as_cleanly_as_sigterm(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/rss").respond_with_data(
        rss_document(ITEMS), content_type="application/rss+xml"
    )
    config = write_config(
        tmp_path,
        [{"name": "news", "url": httpserver.url_for("/rss")}],
        schedule=QUICK,
        server=SERVER,
    )
    daemon = DaemonProcess(config, "-v")
    daemon.url()
    wait_for(lambda: _stored(tmp_path))
    started = time.monotonic()
    assert daemon.stop(signal.SIGINT) == 0, daemon.stderr()
    assert time.monotonic() - started < 10
    assert "received SIGINT: stopping" in daemon.stderr()
    assert "KeyboardInterrupt" not in daemon.stderr()


class _SlowFeeds(ThreadingHTTPServer):
    """Feeds that take a moment to answer, counting how many requests are in flight at once."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SlowFeedHandler)
        self.lock = threading.Lock()
        self.in_flight = self.most_in_flight = self.answered = 0
        self.hosts: list[str] = []  # the Host each request named, in the order they came

    def columns(self, count: int, host: str = "127.0.0.1") -> list[dict[str, str]]:
        """`count` sources of one site (`host` names this server: 127.0.0.1 or localhost)."""
        base = f"http://{host}:{self.server_address[1]}"
        return [{"name": f"{host}-{n}", "url": f"{base}/column{n}"} for n in range(count)]


@pytest.fixture
def slow_feeds() -> Iterator[_SlowFeeds]:
    server = _SlowFeeds()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


class _SlowFeedHandler(BaseHTTPRequestHandler):
    server: _SlowFeeds

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.hosts.append(self.headers["Host"].split(":")[0])
            self.server.in_flight += 1
            self.server.most_in_flight = max(self.server.most_in_flight, self.server.in_flight)
        time.sleep(0.4)
        link = f"http://news.example.cn{self.path}.html"
        body = rss_document([(f"第{self.path}条", link, "正文。")])
        with self.server.lock:
            self.server.in_flight -= 1
            self.server.answered += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_the_daemon_asks_one_host_at_most_per_host_at_once(
    tmp_path: Path, slow_feeds: _SlowFeeds
) -> None:
    config = write_config(
        tmp_path,
        slow_feeds.columns(4),
        schedule={**QUICK, "interval": "1h"},
        fetch={"delay": 0, "per_host": 2, "workers": 4, "retries": 0},
    )
    daemon = DaemonProcess(config)
    wait_for(lambda: slow_feeds.answered >= 4, what="every column polled")
    assert daemon.stop() == 0, daemon.stderr()
    assert slow_feeds.most_in_flight == 2  # four workers, but two requests at once to one host


def test_polls_that_start_late_are_measured_and_warned_about(
    tmp_path: Path, slow_feeds: _SlowFeeds
) -> None:
    """One worker for five columns that take 0.4 s each: the last ones start more than their
    1 s interval after they were due, which is polling falling behind."""
    config = write_config(
        tmp_path,
        slow_feeds.columns(5),
        schedule=QUICK,
        fetch={"delay": 0, "per_host": 1, "workers": 1, "retries": 0},
        server=SERVER,
    )
    daemon = DaemonProcess(config)
    url = daemon.url()
    wait_for(lambda: slow_feeds.answered >= 5, what="every column polled")
    samples = {
        sample.name: sample.value
        for family in text_string_to_metric_families(httpx.get(url + "metrics").text)
        for sample in family.samples
    }
    assert daemon.stop() == 0, daemon.stderr()
    assert samples["aggregator_poll_start_delay_seconds_count"] >= 5
    # Waits of about 0.4, 0.8, 1.2 and 1.6 s behind the first: well over a second in all.
    assert samples["aggregator_poll_start_delay_seconds_sum"] > 2.0
    warnings = [line for line in daemon.stderr().splitlines() if "falling behind" in line]
    assert len(warnings) == 1, daemon.stderr()  # once, however many polls are late
    assert "all the poll workers were busy (fetch.workers = 1; raise it)" in warnings[0]


def test_the_first_polls_take_turns_across_sites(tmp_path: Path, slow_feeds: _SlowFeeds) -> None:
    """Two sites of three columns, one request at a time per site, two workers. All are due
    at start; by name ("127.0.0.1-…" first) both workers would wait at one site's gate."""
    config = write_config(
        tmp_path,
        slow_feeds.columns(3, "127.0.0.1") + slow_feeds.columns(3, "localhost"),
        schedule={**QUICK, "interval": "1h"},
        fetch={"delay": 0, "per_host": 1, "workers": 2, "retries": 0},
    )
    daemon = DaemonProcess(config)
    wait_for(lambda: slow_feeds.answered >= 6, what="every column polled")
    assert daemon.stop() == 0, daemon.stderr()
    assert sorted(slow_feeds.hosts[:2]) == ["127.0.0.1", "localhost"]
