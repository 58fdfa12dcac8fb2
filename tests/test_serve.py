"""The feed server on loopback: feeds with ETag / Last-Modified / 304 / gzip, health, metrics."""

from __future__ import annotations

import gzip
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pytest_httpserver import HTTPServer

from aggregator.config import Config, ConfigError
from aggregator.metrics import Metrics
from aggregator.poll import poll_many
from aggregator.publish import publish_all
from aggregator.serve import FeedApp, FeedServer, SchedulerState, ServeError
from aggregator.store import Store

from helpers import REPO_ROOT, rss_document, run_cli, wait_for, write_config

ITEMS = [
    ("全省会议召开", "http://news.example.cn/a/1.html", "会议部署全年工作。"),
    ("兰州天气", "http://news.example.cn/a/2.html", "明天晴。"),
]
RUNNING = SchedulerState(True, "running")


class Served:
    """A config whose archive holds one polled source, served on a free loopback port."""

    def __init__(self, config: Config, server: FeedServer, app: FeedApp):
        self.config = config
        self.server = server
        self.app = app
        self.state = RUNNING
        self.client = httpx.Client(base_url=server.url, timeout=5)

    def feed_file(self, name: str = "feed.atom") -> Path:
        return self.config.publish.directory / name

    def metrics(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        text = self.client.get("/metrics").text
        return {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }


@pytest.fixture
def served(httpserver: HTTPServer, make_config) -> Iterator[Served]:
    httpserver.expect_request("/rss").respond_with_data(
        rss_document(ITEMS), content_type="application/rss+xml"
    )
    httpserver.expect_request("/down").respond_with_data("no", status=503)
    config = make_config(
        [
            {"name": "news", "url": httpserver.url_for("/rss")},
            {"name": "down", "url": httpserver.url_for("/down")},
        ],
        server={"host": "127.0.0.1", "port": 0},
        feeds=[{"name": "weather", "include": "天气"}],
    )
    poll_many(config, config.sources)
    with Store(config.storage.database) as store:
        publish_all(config, store)
    holder: dict[str, Served] = {}
    metrics = Metrics(config.storage.database, lambda: holder["served"].state.running)
    app = FeedApp(config, metrics, lambda: holder["served"].state)
    server = FeedServer(config.server, app)
    server.start()
    holder["served"] = served = Served(config, server, app)
    try:
        yield served
    finally:
        served.client.close()
        server.stop()


def test_feed_with_validators_and_304(served: Served) -> None:
    identity = {"Accept-Encoding": "identity"}
    response = served.client.get("/feed.atom", headers=identity)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert response.content == served.feed_file().read_bytes()
    assert "content-encoding" not in response.headers
    etag, modified = response.headers["etag"], response.headers["last-modified"]
    assert etag.startswith('"') and modified.endswith("GMT")

    again = served.client.get("/feed.atom", headers={**identity, "If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    since = served.client.get("/feed.atom", headers={**identity, "If-Modified-Since": modified})
    assert since.status_code == 304
    stale = served.client.get("/feed.atom", headers={**identity, "If-None-Match": '"old"'})
    assert stale.status_code == 200 and stale.content == response.content
    head = served.client.head("/feed.atom", headers=identity)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag


def test_gzip_for_readers_that_accept_it(served: Served) -> None:
    with served.client.stream("GET", "/feed.atom", headers={"Accept-Encoding": "gzip"}) as answer:
        raw = b"".join(answer.iter_raw())
        headers = answer.headers
    assert headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in headers["vary"]
    assert gzip.decompress(raw) == served.feed_file().read_bytes()
    assert len(raw) < len(served.feed_file().read_bytes())
    plain = served.client.get("/feed.atom", headers={"Accept-Encoding": "identity"})
    assert headers["etag"] != plain.headers["etag"]  # two representations, two strong ETags
    conditional = served.client.get(
        "/feed.atom", headers={"Accept-Encoding": "gzip", "If-None-Match": headers["etag"]}
    )
    assert conditional.status_code == 304
    refused = served.client.get("/feed.atom", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers


def test_a_republished_feed_gets_a_new_etag(served: Served) -> None:
    first = served.client.get("/feed.atom")
    path = served.feed_file()
    path.write_bytes(path.read_bytes().replace("兰州天气".encode(), "兰州大风".encode()))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    second = served.client.get("/feed.atom", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200 and "兰州大风" in second.text
    assert second.headers["etag"] != first.headers["etag"]


def test_source_output_and_changes_feeds(served: Served) -> None:
    news = served.client.get("/feeds/news.atom")
    assert news.status_code == 200
    assert news.content == served.feed_file("news.atom").read_bytes()
    weather = served.client.get("/feeds/weather.atom")
    assert weather.status_code == 200 and "兰州天气" in weather.text
    assert "全省会议召开" not in weather.text
    assert served.client.get("/feeds/nope.atom").status_code == 404
    assert served.client.get("/feeds/../aggregator.db").status_code == 404
    changes = served.feed_file("changes.atom")
    published = changes.read_bytes()  # written by every publish, empty or not
    assert served.client.get("/changes.atom").content == published
    changes.unlink()
    assert served.client.get("/changes.atom").status_code == 404  # none written
    changes.write_bytes(published)
    assert served.client.get("/changes.atom").status_code == 200
    index = served.client.get("/")
    assert index.status_code == 200
    for link in ("/feed.atom", "/feeds/news.atom", "/feeds/weather.atom", "/changes.atom"):
        assert f'href="{link}"' in index.text
    assert served.client.post("/feed.atom").status_code == 405


def test_health_lists_failing_sources_and_503_without_scheduler(served: Served) -> None:
    answer = served.client.get("/healthz")
    assert answer.status_code == 200
    health = answer.json()
    assert (health["scheduler"], health["status"], health["failing"]) == (
        "running",
        "failing",
        ["down"],
    )
    sources = {source["name"]: source for source in health["sources"]}
    assert sources["news"]["failing"] is False and sources["news"]["articles"] == 2
    assert sources["news"]["last_success"] is not None
    assert sources["down"]["consecutive_failures"] == 1
    assert "HTTP 503" in sources["down"]["last_error"]

    served.state = SchedulerState(False, "not running")
    stopped = served.client.get("/healthz")
    assert stopped.status_code == 503
    assert (stopped.json()["status"], stopped.json()["scheduler"]) == ("down", "not running")


def test_metrics_count_archive_and_feed_answers(served: Served) -> None:
    etag = served.client.get("/feed.atom").headers["etag"]
    served.client.get("/feed.atom", headers={"If-None-Match": etag})
    served.client.get("/feeds/weather.atom")
    metrics = served.metrics()
    assert metrics[("aggregator_articles", ())] == 2
    assert metrics[("aggregator_scheduler_running", ())] == 1
    assert metrics[("aggregator_sources_failing", ())] == 1
    assert metrics[("aggregator_source_consecutive_failures", (("source", "down"),))] == 1
    assert (("aggregator_source_last_success_timestamp_seconds", (("source", "news"),))) in metrics
    assert metrics[("aggregator_feed_requests_total", (("feed", "feed"), ("status", "200")))] == 1
    assert metrics[("aggregator_feed_requests_total", (("feed", "feed"), ("status", "304")))] == 1
    assert metrics[("aggregator_feed_requests_total", (("feed", "weather"), ("status", "200")))]
    assert metrics[("aggregator_stories", ())] == 2  # two unrelated articles: two stories


def test_polls_are_counted_per_source_and_timed_over_all_sources(served: Served) -> None:
    for report in poll_many(served.config, served.config.sources):
        served.app.metrics.record_poll(report)
    metrics = served.metrics()
    news_polls = [
        value
        for (name, labels), value in metrics.items()
        if name == "aggregator_polls_total" and ("source", "news") in labels
    ]
    assert news_polls == [1]
    assert metrics[("aggregator_poll_errors_total", (("source", "down"),))] == 1
    # A series starts with its first count: nothing new on the re-poll, nothing dropped ever.
    assert ("aggregator_new_articles_total", (("source", "news"),)) not in metrics
    assert ("aggregator_dropped_articles_total", (("source", "news"),)) not in metrics
    # One histogram, unlabelled, for every source (a per-source one is 13 series a source).
    assert metrics[("aggregator_fetch_duration_seconds_count", ())] == 2


def test_a_taken_port_is_a_clear_error(served: Served, make_config) -> None:
    port = int(served.server.url.rsplit(":", 1)[1].strip("/"))
    config = make_config([], server={"port": port})
    with pytest.raises(ServeError, match=f"cannot serve on 127.0.0.1:{port}"):
        FeedServer(config.server, served.app).start()


@pytest.mark.parametrize(
    ("server", "problem"),
    [
        ({"port": 70000}, r"server\.port: must be a port number"),
        ({"port": "80"}, r"server\.port: must be a port number"),
        ({"host": ""}, r"server\.host: must not be empty"),
        ({"listen": "x"}, r"server\.listen: unknown key"),
    ],
)
def test_server_config_mistakes(make_config, server: dict, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        make_config([], server=server)


def test_serve_alone_answers_until_sigterm(httpserver: HTTPServer, tmp_path: Path) -> None:
    """`aggregator serve`: feeds without polling; /healthz is 503 as no daemon schedules."""
    httpserver.expect_request("/rss").respond_with_data(
        rss_document(ITEMS), content_type="application/rss+xml"
    )
    config = write_config(
        tmp_path,
        [{"name": "news", "url": httpserver.url_for("/rss")}],
        server={"host": "127.0.0.1", "port": 0},
    )
    assert run_cli("--config", str(config), "poll").returncode == 0
    log = tmp_path / "serve.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "aggregator", "--config", str(config), "-v", "serve"],
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
            stderr=stderr,
        )
    try:
        wait_for(lambda: "serving feeds at " in log.read_text(), what="serving")
        url = re.search(r"serving feeds at (\S+)", log.read_text()).group(1)
        assert httpx.get(url + "feeds/news.atom").status_code == 200
        health = httpx.get(url + "healthz")
        assert health.status_code == 503 and health.json()["scheduler"] == "not running"
        assert health.json()["sources"][0]["articles"] == 2
        write_config(
            tmp_path,
            [{"name": "renamed", "url": httpserver.url_for("/rss")}],
            server={"host": "127.0.0.1", "port": 0},
        )
        process.send_signal(signal.SIGHUP)
        wait_for(lambda: "reloaded" in log.read_text(), what="the reload")
        assert httpx.get(url + "feeds/news.atom").status_code == 404  # no longer configured
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    assert code == 0, log.read_text()
    assert log.read_text().rstrip().endswith("stopped")
