"""A real feed reader subscribed to the daemon: newsboat (Debian's package) reloads the
served feeds and its own cache database shows what it received."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import feedparser
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from helpers import DaemonProcess, rss_document, wait_for, write_config

NEWSBOAT = shutil.which("newsboat")
pytestmark = pytest.mark.skipif(
    NEWSBOAT is None, reason="newsboat is not installed (.ci/run installs it)"
)

ITEMS = [
    ("全省会议召开", "http://news.example.cn/a/1.html", "会议部署全年工作。"),
    ("兰州天气", "http://news.example.cn/a/2.html", "明天晴。"),
    ("Rail line opens", "http://news.example.cn/en/3.html", "A new line to Dunhuang."),
]
LATER = ("敦煌文化旅游节开幕", "http://news.example.cn/a/4.html", "开幕式在敦煌举行。")


class Newsboat:
    """newsboat with its own urls, config and cache files in `folder` (and HOME there)."""

    def __init__(self, folder: Path, urls: list[str]):
        folder.mkdir()
        self.folder = folder
        self.cache = folder / "cache.db"
        (folder / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
        (folder / "config").write_text("", encoding="utf-8")  # newsboat's defaults

    def reload(self) -> None:
        home = str(self.folder)
        environment = {
            **os.environ,
            "HOME": home,
            "XDG_CONFIG_HOME": home,
            "XDG_DATA_HOME": home,
        }
        command = [NEWSBOAT, "-x", "reload", "-u", "urls", "-c", "cache.db", "-C", "config"]
        done = subprocess.run(
            command, cwd=self.folder, env=environment, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr

    def items(self, feed_url: str) -> list[tuple[str, str]]:
        """(guid, title) of every item newsboat keeps for `feed_url`, in arrival order."""
        with sqlite3.connect(self.cache) as connection:
            rows = connection.execute(
                "SELECT guid, title FROM rss_item WHERE feedurl = ? ORDER BY id", [feed_url]
            )
            return rows.fetchall()


def entry_ids(url: str) -> list[str]:
    return [entry.id for entry in feedparser.parse(httpx.get(url).content).entries]


def feed_answers(base: str, status: str) -> float:
    text = httpx.get(base + "metrics").text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "aggregator_feed_requests_total"
        and sample.labels == {"feed": "feed", "status": status}
    )


def test_newsboat_gets_every_entry_once_and_nothing_twice(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    documents = {"items": rss_document(ITEMS)}
    httpserver.expect_request("/rss").respond_with_handler(
        lambda _request: Response(documents["items"], content_type="application/rss+xml")
    )
    httpserver.expect_request("/rdf").respond_with_handler(_rdf)
    config = write_config(
        tmp_path,
        [
            {"name": "news", "url": httpserver.url_for("/rss")},
            {"name": "county", "url": httpserver.url_for("/rdf")},
        ],
        schedule={"interval": "1s", "jitter": 0, "publish_delay": 0},
        server={"host": "127.0.0.1", "port": 0},
    )
    daemon = DaemonProcess(config)
    try:
        base = daemon.url()
        combined, county = base + "feed.atom", base + "feeds/county.atom"
        wait_for(lambda: len(entry_ids(combined)) == 4, what="both sources published")
        # Two readers: newsboat keeps one item per guid across all its feeds, and the
        # combined feed repeats the county feed's entry with the same id.
        reader = Newsboat(tmp_path / "reader", [combined])
        county_reader = Newsboat(tmp_path / "county-reader", [county])

        reader.reload()
        first = reader.items(combined)
        assert sorted(guid for guid, _ in first) == sorted(entry_ids(combined))
        assert len(first) == len({guid for guid, _ in first}) == 4
        county_reader.reload()
        assert [title for _, title in county_reader.items(county)] == ["兰州新区建设提速"]

        # newsboat 2.21 sends its validators from the third reload on (newsboat#2734):
        # the third is answered 304, and neither adds anything.
        answered_304 = feed_answers(base, "304")
        reader.reload()
        reader.reload()
        assert reader.items(combined) == first
        assert feed_answers(base, "304") > answered_304

        # A new article at the source reaches the reader once, beside the others.
        documents["items"] = rss_document([LATER, *ITEMS])
        wait_for(lambda: len(entry_ids(combined)) == 5, what="the new article published")
        reader.reload()
        reader.reload()
        after = reader.items(combined)
        assert after[:4] == first and len(after) == 5
        assert after[4][1] == LATER[0]
    finally:
        assert daemon.stop() == 0, daemon.stderr()


def _rdf(_request: Request) -> Response:
    feed = Path(__file__).parent / "data" / "feeds" / "rdf.xml"
    return Response(feed.read_bytes(), content_type="application/rdf+xml")
