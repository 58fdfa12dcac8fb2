"""Polling many sources: conditional GET end to end, and failures that stop nothing else."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlite_utils
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from aggregator.config import SourceConfig
from aggregator.fetch import Fetcher
from aggregator.poll import (
    ERROR,
    NOT_MODIFIED,
    OK,
    poll_many,
    poll_source,
    stores_per_thread,
    taking_turns,
)
from aggregator.store import Store

FEEDS = Path(__file__).parent / "data" / "feeds"


def rss_with_etag(etag: str) -> callable:
    body = (FEEDS / "rss2.xml").read_bytes()

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, content_type="application/rss+xml", headers={"ETag": etag})

    return handler


def test_second_poll_sends_validators_and_stores_nothing(
    httpserver: HTTPServer, make_config
) -> None:
    httpserver.expect_request("/rss").respond_with_handler(rss_with_etag('"abc"'))
    stamp = "Wed, 15 Feb 2023 08:00:00 GMT"
    atom = (FEEDS / "atom.xml").read_bytes()

    def by_date(request: Request) -> Response:
        if request.headers.get("If-Modified-Since") == stamp:
            return Response(status=304)
        return Response(atom, content_type="application/atom+xml", headers={"Last-Modified": stamp})

    httpserver.expect_request("/atom").respond_with_handler(by_date)
    config = make_config(
        [
            {"name": "etag", "url": httpserver.url_for("/rss")},
            {"name": "modified", "url": httpserver.url_for("/atom")},
        ]
    )
    first = {report.name: report for report in poll_many(config, config.sources)}
    assert first["etag"].new == 2 and first["modified"].new == 1
    db = sqlite_utils.Database(config.storage.database)
    versions_before = db["article_versions"].count

    second = {report.name: report for report in poll_many(config, config.sources)}
    assert {report.status for report in second.values()} == {NOT_MODIFIED}
    assert db["articles"].count == 3
    assert db["article_versions"].count == versions_before
    conditional = [request for request, _ in httpserver.log[2:]]
    assert {request.path for request in conditional} == {"/rss", "/atom"}
    for request in conditional:
        assert request.headers.get("If-None-Match") or request.headers.get("If-Modified-Since")
    assert [row["http_status"] for row in db["fetches"].rows_where(order_by="id")][2:] == [304, 304]


def test_unchanged_feed_without_validators_writes_no_article(
    httpserver: HTTPServer, make_config
) -> None:
    """A server without ETag or Last-Modified: the same bytes are not parsed again, and a
    feed re-serialized with the same entries (other whitespace, another order) is read
    but changes no article."""
    original = (FEEDS / "rss2.xml").read_bytes()
    bodies = iter([original, original, original.replace(b"<item>", b"<item>\n  ")])
    httpserver.expect_request("/rss").respond_with_handler(
        lambda _request: Response(next(bodies), content_type="application/rss+xml")
    )
    config = make_config([{"name": "plain", "url": httpserver.url_for("/rss")}])
    poll_many(config, config.sources)
    db = sqlite_utils.Database(config.storage.database)
    before = [dict(row) for row in db["articles"].rows]
    [same_bytes] = poll_many(config, config.sources)
    assert (same_bytes.status, same_bytes.new, same_bytes.updated) == (NOT_MODIFIED, 0, 0)
    [reformatted] = poll_many(config, config.sources)
    assert (reformatted.status, reformatted.new, reformatted.updated) == (OK, 0, 0)
    assert [dict(row) for row in db["articles"].rows] == before


def test_a_failing_and_a_slow_source_do_not_stop_the_others(
    httpserver: HTTPServer, threaded_server: HTTPServer, make_config
) -> None:
    httpserver.expect_request("/rss").respond_with_data(
        (FEEDS / "rss2.xml").read_bytes(), content_type="application/rss+xml"
    )
    httpserver.expect_request("/broken").respond_with_data("oops", status=500)

    def slow(_request: Request) -> Response:
        time.sleep(3)
        return Response(b"<rss/>")

    threaded_server.expect_request("/slow").respond_with_handler(slow)
    config = make_config(
        [
            {"name": "slow", "url": threaded_server.url_for("/slow")},
            {"name": "broken", "url": httpserver.url_for("/broken")},
            {"name": "good", "url": httpserver.url_for("/rss")},
            {"name": "nowhere", "url": "http://127.0.0.1:9/feed"},
        ]
    )
    reports = {report.name: report for report in poll_many(config, config.sources)}
    assert reports["good"].status == OK and reports["good"].new == 2
    assert reports["broken"].errors == ("HTTP 500 INTERNAL SERVER ERROR",)
    assert reports["slow"].errors == ("timed out after 2s",)
    assert reports["nowhere"].errors == ("connection refused",)
    db = sqlite_utils.Database(config.storage.database)
    status = {row["name"]: row for row in db["source_status"].rows}
    assert status["good"]["articles"] == 2 and status["good"]["last_status"] == OK
    for name in ("broken", "slow", "nowhere"):
        assert status[name]["last_status"] == ERROR
        assert status[name]["last_error"] == reports[name].errors[0]
        assert status[name]["consecutive_failures"] == 1
    errors = {row["source"]: row["error"] for row in db["fetches"].rows if row["error"]}
    assert errors == {name: reports[name].errors[0] for name in ("broken", "slow", "nowhere")}


def test_permanent_redirect_moves_the_source(httpserver: HTTPServer, make_config) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data(
        (FEEDS / "rdf.xml").read_bytes(), content_type="application/rdf+xml"
    )
    config = make_config([{"name": "moving", "url": httpserver.url_for("/old")}])
    poll_many(config, config.sources)
    poll_many(config, config.sources)
    assert [request.path for request, _ in httpserver.log] == ["/old", "/new", "/new"]
    db = sqlite_utils.Database(config.storage.database)
    assert db["sources"].get("moving")["url"] == httpserver.url_for("/new")


def test_a_feed_that_changes_keeps_every_version(httpserver: HTTPServer, make_config) -> None:
    original = (FEEDS / "rdf.xml").read_text(encoding="utf-8")
    edited = original.replace("兰州新区今年计划开工项目。", "兰州新区今年计划开工项目一百个。")
    bodies = iter([original, edited])
    httpserver.expect_request("/rdf").respond_with_handler(
        lambda _request: Response(next(bodies), content_type="application/rdf+xml")
    )
    config = make_config([{"name": "rdf", "url": httpserver.url_for("/rdf")}])
    poll_many(config, config.sources)
    [report] = poll_many(config, config.sources)
    assert (report.new, report.updated) == (0, 1)
    db = sqlite_utils.Database(config.storage.database)
    [article] = db["articles"].rows
    assert article["version"] == 2 and article["body_text"] == "兰州新区今年计划开工项目一百个。"
    versions = list(db["article_versions"].rows_where(order_by="version"))
    assert [v["body_text"] for v in versions] == [
        "兰州新区今年计划开工项目。",
        article["body_text"],
    ]
    assert "-兰州新区今年计划开工项目。" in versions[1]["diff"]
    assert "+兰州新区今年计划开工项目一百个。" in versions[1]["diff"]


def test_a_304_poll_is_one_lookup_and_one_commit(httpserver: HTTPServer, make_config) -> None:
    """Most polls are answered 304: their bookkeeping is kept to what the fetch log and
    the source's status need (the rechecks' queries run only when some are due)."""
    httpserver.expect_request("/rss").respond_with_handler(rss_with_etag('"abc"'))
    config = make_config([{"name": "etag", "url": httpserver.url_for("/rss")}])
    with Store(config.storage.database) as store, Fetcher(config.fetch) as fetcher:
        store.sync_sources(config.sources)
        assert poll_source(config.sources[0], store, fetcher).new == 2
        statements: list[str] = []
        store.db.conn.set_trace_callback(statements.append)
        report = poll_source(config.sources[0], store, fetcher)
        store.db.conn.set_trace_callback(None)
    assert report.status == NOT_MODIFIED
    kinds = [" ".join(sql.split()[:3]) for sql in statements]
    assert kinds == [
        "SELECT sources.url, http_cache.etag,",
        "BEGIN IMMEDIATE",
        "INSERT INTO fetches",
        "UPDATE sources SET",
        "COMMIT",
    ]


@pytest.mark.parametrize(("workers", "page_cache_kib"), [(1, 2048), (4, 512), (16, 128), (64, 64)])
def test_poll_threads_share_one_page_cache_budget(make_config, workers, page_cache_kib) -> None:
    """Dozens of poll threads (for slow servers) must not each hold a full SQLite page cache."""
    config = make_config([], fetch={"workers": workers})
    with stores_per_thread(config) as store_for_thread:
        cache_size = store_for_thread().db.execute("PRAGMA cache_size").fetchone()[0]
    assert cache_size == -page_cache_kib  # negative: KiB, not pages


def test_sources_take_turns_across_sites() -> None:
    sources = [
        SourceConfig(name=name, url=f"http://{site}.example.cn/{name}")
        for site, name in [("a", "a1"), ("a", "a2"), ("a", "a3"), ("b", "b1"), ("c", "c1")]
    ] + [SourceConfig(name="b2", url="http://www.b.example.cn/b2")]  # "www." is the same site
    assert [source.name for source in taking_turns(sources)] == ["a1", "b1", "c1", "a2", "b2", "a3"]


def test_one_sites_columns_do_not_hold_every_worker(
    threaded_server: HTTPServer, make_config
) -> None:
    """Two sites of three columns each, listed site by site, one request at a time per site,
    two workers: the first two polls go to both sites, not both to the first one's gate."""

    def slow_feed(_request: Request) -> Response:
        time.sleep(0.2)
        return Response((FEEDS / "rss2.xml").read_bytes(), content_type="application/rss+xml")

    threaded_server.expect_request("/column").respond_with_handler(slow_feed)
    port = threaded_server.port
    sites = {
        "first": f"http://127.0.0.1:{port}/column",
        "second": f"http://localhost:{port}/column",
    }
    config = make_config(
        [
            {"name": f"{site}-{n}", "url": f"{url}?n={n}"}
            for site, url in sites.items()
            for n in range(3)
        ],
        fetch={"workers": 2, "per_host": 1, "delay": 0},
    )
    poll_many(config, config.sources)
    hosts = [request.headers["Host"].split(":")[0] for request, _ in threaded_server.log]
    assert len(hosts) == 6
    assert sorted(hosts[:2]) == ["127.0.0.1", "localhost"]
