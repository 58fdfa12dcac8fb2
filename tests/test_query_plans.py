"""Publishing and the poller's lookups use indexes, never a scan of a growing table.

The statements are not copied from the store: they are the ones SQLite really ran, caught
with the connection's trace callback (which hands over the SQL with its values bound)
while a real poll (new, then changed, then 304) and a real `publish_all` ran on a real
file. Each is then put through EXPLAIN QUERY PLAN. A full scan ("SCAN articles") or a sort
in a temporary b-tree would make the time of a poll or of a publish grow with the archive,
which at a million articles is the difference between milliseconds and seconds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from aggregator.fetch import Fetcher
from aggregator.poll import NOT_MODIFIED, OK, poll_source
from aggregator.publish import publish_all
from aggregator.store import Store

FEEDS = Path(__file__).parent / "data" / "feeds"
_SKIPPED = re.compile(r"^\s*(--|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)", re.IGNORECASE)
# An ordered walk of an index that stops at LIMIT is what the feed queries should do.
_ORDERED_WALK = re.compile(r"^SCAN \w+ USING (COVERING )?INDEX ")


def serve_feed_changing_then_304(httpserver: HTTPServer) -> None:
    """The feed as first published, then with an edited entry, then 304 for good."""
    original = (FEEDS / "rss2.xml").read_bytes()
    edited = original.replace(b"a new rail line", b"a new rail line (edited)")
    assert edited != original
    answers = iter([(original, '"v1"'), (edited, '"v2"')])

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v2"':
            return Response(status=304, headers={"ETag": '"v2"'})
        body, etag = next(answers)
        return Response(body, content_type="application/rss+xml", headers={"ETag": etag})

    httpserver.expect_request("/rss").respond_with_handler(handler)


def traced_statements(httpserver: HTTPServer, make_config) -> list[str]:
    serve_feed_changing_then_304(httpserver)
    config = make_config(
        [
            {"name": "portal", "url": httpserver.url_for("/rss")},
            {"name": "county", "url": httpserver.url_for("/other"), "enabled": False},
        ]
    )
    statements: list[str] = []
    with Store(config.storage.database) as store, Fetcher(config.fetch) as fetcher:
        store.sync_sources(config.sources)  # config sync walks every source by design
        store.db.conn.set_trace_callback(statements.append)
        reports = [poll_source(config.sources[0], store, fetcher) for _ in range(3)]
        publish_all(config, store)
        store.db.conn.set_trace_callback(None)
        assert [report.status for report in reports] == [OK, OK, NOT_MODIFIED]
        assert reports[0].new > 0 and reports[1].updated == 1
    return [sql for sql in statements if not _SKIPPED.match(sql)]


def query_plan(database: Path, sql: str) -> list[str]:
    with Store(database) as store:
        return [row[3] for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()]


@pytest.fixture
def plans(httpserver: HTTPServer, make_config, tmp_path: Path) -> dict[str, list[str]]:
    statements = traced_statements(httpserver, make_config)
    database = tmp_path / "data" / "aggregator.db"
    return {sql: query_plan(database, sql) for sql in dict.fromkeys(statements)}


def test_the_trace_holds_the_lookups_of_a_poll_and_the_queries_of_publishing(plans) -> None:
    for expected in (
        # where a source is fetched from, and the validators for the conditional GET
        r"FROM sources LEFT JOIN http_cache ON .* WHERE sources.name = ",
        r"FROM articles WHERE url IN \(",  # is each entry new, changed or unchanged
        r"UPDATE articles SET\s.*\sWHERE id = ",  # a changed article
        r"UPDATE sources SET\s.*\sWHERE name = ",  # the outcome of the poll
        r"FROM stories JOIN articles .* ORDER BY stories.sort_time DESC",  # the combined feed
        r"FROM articles WHERE .*source = .* ORDER BY sort_time DESC",  # one source's feed
    ):
        ran = any(re.search(expected, sql, re.DOTALL) for sql in plans)
        assert ran, f"no statement matching {expected!r} was run"


def test_no_statement_scans_a_table(plans) -> None:
    scans = {
        sql: detail
        for sql, details in plans.items()
        for detail in details
        if detail.startswith("SCAN ") and not _ORDERED_WALK.match(detail)
    }
    assert not scans, f"full scans: {scans}"


def test_ordered_index_walks_are_bounded_by_a_limit(plans) -> None:
    for sql, details in plans.items():
        if any(_ORDERED_WALK.match(detail) for detail in details):
            assert re.search(r"\bLIMIT\s+\d+\s*$", sql), f"unbounded index walk: {sql}"


# Sorts whose input is bounded by something other than the archive's size.
_BOUNDED_SORTS = (
    # The copies of the (at most max_entries) stories of the combined feed.
    re.compile(r"SELECT articles.story_id, articles.url, .* WHERE articles.story_id IN", re.DOTALL),
)


def test_feeds_are_read_in_index_order_without_sorting(plans) -> None:
    sorts = {
        sql: details
        for sql, details in plans.items()
        if any("TEMP B-TREE" in detail for detail in details)
        and not any(pattern.search(sql) for pattern in _BOUNDED_SORTS)
    }
    assert not sorts, f"sorted in a temporary b-tree: {sorts}"


def test_lookups_by_key_search_an_index(plans) -> None:
    lookups = [sql for sql in plans if re.search(r"\bWHERE (url|name|id) = ", sql)]
    assert lookups
    for sql in lookups:
        assert any(detail.startswith("SEARCH ") for detail in plans[sql]), (sql, plans[sql])
