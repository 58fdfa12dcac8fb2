"""Publishing: the Atom feeds validate, their ids are stable, and they are written atomically."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from pytest_httpserver import HTTPServer

from aggregator.config import Config
from aggregator.poll import poll_many
from aggregator.publish import COMBINED_FEED, publish_all
from aggregator.store import Store

from atom_validator import validate_atom

FEEDS = Path(__file__).parent / "data" / "feeds"


@pytest.fixture
def polled(httpserver: HTTPServer, make_config) -> Config:
    for path, file, kind in [
        ("/rss", "rss2.xml", "application/rss+xml"),
        ("/atom", "atom.xml", "application/atom+xml"),
        ("/rdf", "rdf.xml", "application/rdf+xml"),
        ("/gb", "gb2312.xml", "text/xml"),
    ]:
        httpserver.expect_request(path).respond_with_data(
            (FEEDS / file).read_bytes(), content_type=kind
        )
    config = make_config(
        [
            {"name": "outlet", "url": httpserver.url_for("/rss")},
            {"name": "county", "url": httpserver.url_for("/atom")},
            {"name": "rdf", "url": httpserver.url_for("/rdf")},
            {"name": "gov", "url": httpserver.url_for("/gb")},
        ],
        publish={"directory": "out", "base_url": "http://feeds.example.cn/news/", "title": "甘肃"},
    )
    poll_many(config, config.sources)
    with Store(config.storage.database) as store:
        publish_all(config, store)
    return config


def test_every_feed_validates(polled: Config) -> None:
    files = sorted(polled.publish.directory.glob("*.atom"))
    assert [file.name for file in files] == [
        "changes.atom",
        "county.atom",
        "feed.atom",
        "gov.atom",
        "outlet.atom",
        "rdf.atom",
    ]
    for file in files:
        assert validate_atom(file.read_bytes()) == [], file.name


def test_combined_feed_reads_back_with_feedparser(polled: Config) -> None:
    parsed = feedparser.parse((polled.publish.directory / COMBINED_FEED).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    feed = parsed.feed
    assert feed.title == "甘肃"
    assert feed.id == "tag:feeds.example.cn,2026:aggregator/feed.atom"
    links = {link.rel: link.href for link in feed.links}
    assert links["self"] == "http://feeds.example.cn/news/feed.atom"
    assert links["alternate"] == "http://feeds.example.cn/news/"
    assert feed.updated_parsed is not None
    entries = parsed.entries
    assert len(entries) == 5
    published = [entry.published_parsed for entry in entries]
    assert published == sorted(published, reverse=True), "newest first"
    for entry in entries:
        assert entry.id.startswith("urn:uuid:")
        assert entry.title and entry.link.startswith("http")
        assert entry.updated_parsed and entry.authors and entry.authors[0].name
        assert entry.content[0].type == "text/html"
    by_title = {entry.title: entry for entry in entries}
    meeting = by_title["全省“三抓三促”行动动员部署大会在兰州召开"]
    assert meeting.published == "2023-02-14T10:21:00+08:00"
    assert meeting.author == "张富贵"
    assert meeting.content[0].language == "zh-CN"
    assert "<script" not in meeting.content[0].value
    rail = by_title["Gansu opens a new rail line"]
    assert rail.author == "新甘肃 · 甘肃要闻"  # nobody credited: the site names it


def test_ids_are_stable_across_publishes_and_rebuilds(polled: Config, tmp_path: Path) -> None:
    def ids() -> dict[str, str]:
        parsed = feedparser.parse((polled.publish.directory / COMBINED_FEED).read_bytes())
        return {entry.link: entry.id for entry in parsed.entries} | {"feed": parsed.feed.id}

    first = ids()
    with Store(polled.storage.database) as store:
        publish_all(polled, store)
    assert ids() == first
    # A rebuilt archive (new database, same sources) gives the same ids.
    polled.storage.database.unlink()
    poll_many(polled, polled.sources)
    with Store(polled.storage.database) as store:
        publish_all(polled, store)
    assert ids() == first


def test_an_unchanged_feed_is_not_rewritten(polled: Config) -> None:
    path = polled.publish.directory / COMBINED_FEED
    before = path.stat()
    with Store(polled.storage.database) as store:
        publish_all(polled, store)
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not list(polled.publish.directory.glob(".*")), "no temporary files left behind"


def test_max_entries_caps_each_feed(polled: Config, make_config) -> None:
    capped = make_config(
        [{"name": source.name, "url": source.url} for source in polled.sources],
        publish={"directory": "out", "max_entries": 2},
    )
    with Store(capped.storage.database) as store:
        publish_all(capped, store)
    parsed = feedparser.parse((capped.publish.directory / COMBINED_FEED).read_bytes())
    assert len(parsed.entries) == 2
    assert validate_atom((capped.publish.directory / COMBINED_FEED).read_bytes()) == []


def test_publishing_what_changed_renders_only_the_feeds_it_touches(polled: Config) -> None:
    directory = polled.publish.directory
    before = {path.name: path.stat().st_mtime_ns for path in directory.glob("*.atom")}
    for path in directory.glob("*.atom"):
        path.unlink()
    with Store(polled.storage.database) as store:
        written = publish_all(polled, store, changed={"rdf"})
    assert {path.name for path in written} == {"feed.atom", "rdf.atom", "changes.atom"}
    assert {path.name for path in directory.glob("*.atom")} == {
        "feed.atom",
        "rdf.atom",
        "changes.atom",
    }
    assert len(before) == 6
