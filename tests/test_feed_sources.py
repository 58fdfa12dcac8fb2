"""Feed sources end to end: served over loopback, polled, read back from the SQLite file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlite_utils
from pytest_httpserver import HTTPServer

from aggregator.config import Config
from aggregator.fetch import Fetcher
from aggregator.poll import ERROR, OK, SourceReport, poll_source
from aggregator.store import Store

DATA = Path(__file__).parent / "data"
FEEDS = DATA / "feeds"


def poll(config: Config, name: str) -> SourceReport:
    with Store(config.storage.database) as store, Fetcher(config.fetch) as fetcher:
        store.sync_sources(config.sources)
        source = next(source for source in config.sources if source.name == name)
        return poll_source(source, store, fetcher)


def articles(config: Config) -> dict[str, dict]:
    db = sqlite_utils.Database(config.storage.database)
    return {row["url"]: row for row in db["articles"].rows}


def serve(httpserver: HTTPServer, path: str, file: str, content_type: str) -> str:
    body = (FEEDS / file).read_bytes()
    httpserver.expect_request(path).respond_with_data(body, content_type=content_type)
    return httpserver.url_for(path)


def test_rss2(httpserver: HTTPServer, make_config) -> None:
    url = serve(httpserver, "/rss.xml", "rss2.xml", "application/rss+xml; charset=utf-8")
    config = make_config([{"name": "outlet", "url": url}])
    report = poll(config, "outlet")
    assert (report.status, report.new, report.updated) == (OK, 2, 0)
    stored = articles(config)
    base = httpserver.url_for("/")
    first = stored[base + "system/2023/02/14/030723456.shtml"]  # canonical: no utm_, no #
    assert first["title"] == "全省“三抓三促”行动动员部署大会在兰州召开"
    assert first["guid"] == "gansu-030723456"
    assert first["published"] == "2023-02-14T10:21:00+08:00"  # no offset: Asia/Shanghai
    assert first["sort_time"] == "2023-02-14T02:21:00+00:00"
    assert json.loads(first["authors"]) == ["张富贵"]
    assert first["source_outlet"] == "新甘肃"
    assert first["publisher"] == "新甘肃 · 甘肃要闻"
    assert first["language"] == "zh-CN"
    assert first["body_text"] == (
        "2月13日，全省“三抓三促”行动动员部署大会在兰州召开。\n\n会议以视频形式开到县级，省直各单位设分会场。"
    )
    html = first["body_html"]
    assert "<script" not in html and "onclick" not in html and "style=" not in html
    assert f'href="{base}system/related.shtml"' in html
    assert f'src="{base}pic/2023/meeting.jpg"' in html
    second = stored["http://news.example.cn/en/2023/02/15/rail.html"]
    assert second["published"] == "2023-02-15T08:00:00+00:00"
    assert second["body_text"] == "Only a summary here."


def test_atom(httpserver: HTTPServer, make_config) -> None:
    url = serve(httpserver, "/feed.atom", "atom.xml", "application/atom+xml")
    config = make_config([{"name": "county", "url": url}])
    report = poll(config, "county")
    assert (report.status, report.new) == (OK, 1)
    assert report.errors == ("entry '没有链接的条目' has no usable link",)
    [row] = articles(config).values()
    assert row["title"] == "【转载】全省动员部署大会召开"
    assert row["published"] == "2023-02-16T08:30:00+08:00"
    assert row["updated"] == "2023-02-16T09:00:00+08:00"
    assert json.loads(row["authors"]) == ["李明", "王芳"]
    assert row["body_text"] == "第一段。\n\n第二段。"
    assert row["language"] == "zh-CN"


def test_rdf(httpserver: HTTPServer, make_config) -> None:
    url = serve(httpserver, "/rdf.xml", "rdf.xml", "application/rdf+xml")
    config = make_config([{"name": "rdf", "url": url, "timezone": "Asia/Urumqi"}])
    assert poll(config, "rdf").new == 1
    row = articles(config)["http://rdf.example.cn/a/1.html"]
    assert row["title"] == "兰州新区建设提速"
    assert row["published"] == "2023-02-17T07:45:00+06:00"  # the source's own zone
    assert json.loads(row["authors"]) == ["金鑫"]


def test_json_feed(httpserver: HTTPServer, make_config) -> None:
    url = serve(httpserver, "/feed.json", "feed.json", "application/feed+json")
    config = make_config([{"name": "json", "url": url}])
    assert poll(config, "json").new == 1
    row = articles(config)["http://json.example.cn/2023/02/18/one.html"]
    assert row["title"] == "敦煌文旅迎来开门红"
    assert json.loads(row["authors"]) == ["高强"]


def test_gb2312_declared_only_in_the_xml_declaration(httpserver: HTTPServer, make_config) -> None:
    url = serve(httpserver, "/gb.xml", "gb2312.xml", "text/xml")
    config = make_config([{"name": "gov", "url": url}])
    assert poll(config, "gov").new == 1
    row = articles(config)["http://gov.example.cn/art/2023/2/14/art_9200_123456.html"]
    assert row["title"] == "省政府常务会议研究部署春季农业生产"
    assert row["published"] == "2023-02-14T09:30:00+08:00"
    assert row["body_text"] == "会议强调，要抓好春耕备耕工作。"


def test_an_html_page_is_not_a_feed(httpserver: HTTPServer, make_config) -> None:
    httpserver.expect_request("/").respond_with_data(
        "<html><body><p>欢迎</p></body></html>", content_type="text/html"
    )
    config = make_config([{"name": "homepage", "url": httpserver.url_for("/")}])
    report = poll(config, "homepage")
    assert report.status == ERROR
    assert report.errors[0].startswith("not an RSS, Atom or JSON feed (text/html")
    db = sqlite_utils.Database(config.storage.database)
    [fetch] = db["fetches"].rows
    assert fetch["http_status"] == 200 and fetch["error"] == report.errors[0]
    [source] = db["sources"].rows
    assert source["last_status"] == "error" and source["last_error"] == report.errors[0]


def _corpus_cases() -> list[Path]:
    return sorted((DATA / "feedparser").glob("*/**/*.xml"))


def _headers(document: bytes) -> dict[str, str]:
    headers = {}
    for match in re.finditer(rb"^Header:\s*([\w-]+):\s*(.+?)\s*$", document, re.MULTILINE):
        headers[match.group(1).decode()] = match.group(2).decode("latin-1")
    return headers


@pytest.mark.parametrize(
    "case", _corpus_cases(), ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_feedparser_corpus_never_crashes(case: Path, httpserver: HTTPServer, make_config) -> None:
    """feedparser's encoding and ill-formed cases: read, or refused with one clear line."""
    document = case.read_bytes()
    headers = _headers(document)
    content_type = headers.pop("Content-type", headers.pop("Content-Type", None))
    httpserver.expect_request("/case").respond_with_data(
        document, headers=headers, content_type=content_type
    )
    config = make_config([{"name": "case", "url": httpserver.url_for("/case")}])
    report = poll(config, "case")
    assert report.status in (OK, ERROR)
    for error in report.errors:
        assert "\n" not in error and error.strip()
    if report.status == ERROR:
        assert report.errors[0].startswith("not an RSS, Atom or JSON feed")
    for row in articles(config).values():
        assert "\ufffd" not in row["title"], "mojibake in a stored title"
