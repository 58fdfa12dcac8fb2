"""The command line end to end, in a fresh process, as a user runs it."""

from __future__ import annotations

from pathlib import Path

import feedparser
import sqlite_utils
from pytest_httpserver import HTTPServer

from atom_validator import validate_atom
from helpers import run_cli, write_config

FEEDS = Path(__file__).parent / "data" / "feeds"


def test_poll_stores_publishes_and_reports(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/rss").respond_with_data(
        (FEEDS / "rss2.xml").read_bytes(), content_type="application/rss+xml"
    )
    httpserver.expect_request("/down").respond_with_data("no", status=503)
    config = write_config(
        tmp_path,
        [
            {"name": "outlet", "url": httpserver.url_for("/rss")},
            {"name": "down", "url": httpserver.url_for("/down")},
        ],
    )
    result = run_cli("--config", str(config), "poll", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    table = result.stdout.splitlines()
    assert table[0].split() == ["source", "status", "new", "updated", "errors"]
    assert table[2].split()[:4] == ["outlet", "ok", "2", "0"]
    assert table[3].split()[:4] == ["down", "error", "0", "0"]
    assert "HTTP 503 SERVICE UNAVAILABLE" in table[3]
    assert "source down: HTTP 503" in result.stderr

    feed = tmp_path / "data" / "feeds" / "feed.atom"
    assert validate_atom(feed.read_bytes()) == []
    titles = {entry.title for entry in feedparser.parse(feed.read_bytes()).entries}
    db = sqlite_utils.Database(tmp_path / "data" / "aggregator.db")
    assert titles == {row["title"] for row in db["articles"].rows} and len(titles) == 2

    sources = run_cli("--config", str(config), "sources", cwd=tmp_path)
    assert sources.returncode == 0
    rows = {line.split()[0]: line for line in sources.stdout.splitlines()[2:]}
    assert rows["outlet"].split()[-1] == "2" and " ok " in rows["outlet"]
    assert "HTTP 503" in rows["down"]

    found = run_cli("--config", str(config), "search", "动员部署", cwd=tmp_path)
    assert found.returncode == 0
    assert "全省“三抓三促”行动动员部署大会在兰州召开" in found.stdout

    republished = run_cli("--config", str(config), "publish", cwd=tmp_path)
    assert republished.returncode == 0 and "feed.atom" in republished.stdout


def test_poll_of_one_named_source(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/rdf").respond_with_data(
        (FEEDS / "rdf.xml").read_bytes(), content_type="application/rdf+xml"
    )
    config = write_config(
        tmp_path,
        [
            {"name": "rdf", "url": httpserver.url_for("/rdf")},
            {"name": "never", "url": httpserver.url_for("/never")},
        ],
    )
    result = run_cli("--config", str(config), "poll", "--source", "rdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [request.path for request, _ in httpserver.log] == ["/rdf"]
    unknown = run_cli("--config", str(config), "poll", "--source", "nope", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "no source named nope" in unknown.stderr
