"""html sources end to end on the fixture web: list pages, article pages, the SQLite file."""

from __future__ import annotations

import json

import pytest
import sqlite_utils

from aggregator.config import Config
from aggregator.poll import ERROR, NOT_MODIFIED, OK, poll_many

from fixtureweb import FixtureWeb
from fixtureweb.content import ExpectedArticle

# Every article page the fixture sites serve reads back as its expected record.
LISTS = {
    "trs": 3,  # createPageHTML pager: index.html, index_1.html, index_2.html
    "hanweb": 5,  # datastore in the page, then dataproxy.jsp
    "outlet": 1,
    "repost": 2,  # a plain "Next" pager
    "county": 1,
}


def html_source(web: FixtureWeb, name: str, **options: object) -> dict[str, object]:
    site = web.site(name)
    return {"name": name, "url": site.url(site.list_path()), "type": "html", **options}


def stored(config: Config) -> dict[str, dict]:
    db = sqlite_utils.Database(config.storage.database)
    return {row["url"]: row for row in db["articles"].rows}


def check_record(row: dict, expected: ExpectedArticle) -> None:
    assert row["title"] == expected.title
    assert row["published"] == expected.published
    assert row["published"].endswith("+08:00")
    assert row["source_outlet"] == expected.source_outlet
    assert row["body_text"].split("\n\n") == list(expected.paragraphs)
    if expected.author:  # "王建宏 张文攀": each person credited
        assert set(expected.author.split()) <= set(json.loads(row["authors"]))
    assert row["publisher"] == expected.publisher
    assert row["language"] == expected.language
    for furniture in ("点击", "ICP", "公网安备", "扫一扫", "上一篇"):
        assert furniture not in row["body_text"]


@pytest.mark.parametrize("site", sorted(LISTS))
def test_every_listed_article_is_stored_as_its_page_says(
    fixture_web: FixtureWeb, make_config, site: str
) -> None:
    config = make_config([html_source(fixture_web, site, max_pages=LISTS[site])])
    [report] = poll_many(config, config.sources)
    expected = fixture_web.site(site).expected_articles()
    assert (report.status, report.errors) == (OK, ())
    assert report.new == len(expected)
    rows = stored(config)
    assert set(rows) == {record.url for record in expected}
    for record in expected:
        check_record(rows[record.url], record)


def test_second_poll_fetches_no_article_page_again(fixture_web: FixtureWeb, make_config) -> None:
    trs = fixture_web.trs
    config = make_config([html_source(fixture_web, "trs", max_pages=3)])
    poll_many(config, config.sources)
    articles = {article.path for article in trs.listed()}
    first = [request.path for request in trs.requests if request.path in articles]
    assert sorted(first) == sorted(articles)  # each page fetched exactly once

    trs.clear_log()
    [report] = poll_many(config, config.sources)
    assert report.status == NOT_MODIFIED  # the list answered 304
    assert [request.path for request in trs.requests] == [trs.list_path()]
    assert trs.requests[0].headers.get("if-none-match")

    trs.add_article(
        "省政府召开新闻发布会",
        ["新闻发布会介绍了全省春耕生产情况。", "发布会上，有关负责人回答了记者提问。"],
        source="河西省人民政府",
        published="2023-02-20T10:00:00+08:00",
    )
    trs.clear_log()
    [report] = poll_many(config, config.sources)
    assert (report.status, report.new) == (OK, 1)
    fetched_articles = [r.path for r in trs.requests if r.path not in (trs.list_path(),)]
    assert len([path for path in fetched_articles if "/index" not in path]) == 1


def test_broken_site_fails_alone(fixture_web: FixtureWeb, make_config) -> None:
    broken = fixture_web.broken
    config = make_config(
        [
            html_source(fixture_web, "outlet"),
            {"name": "error", "url": broken.url("/error"), "type": "html"},
            {"name": "busy", "url": broken.url("/busy"), "type": "html"},
            {"name": "loop", "url": broken.url("/loop"), "type": "html"},
            {"name": "huge", "url": broken.url("/huge"), "type": "html"},
            {"name": "empty", "url": broken.url("/empty.html"), "type": "html"},
            {"name": "gone", "url": broken.url("/gone.html"), "type": "html"},
        ]
    )
    reports = {report.name: report for report in poll_many(config, config.sources)}
    assert reports["outlet"].status == OK and reports["outlet"].new > 0
    expected_errors = {
        "error": "HTTP 500",
        "busy": "HTTP 429",
        "loop": "too many redirects",
        "huge": "body larger than 15 MiB",
        "empty": "list page yields no article links",
        "gone": "HTTP 410",
    }
    for name, words in expected_errors.items():
        assert reports[name].status == ERROR, name
        assert words in reports[name].errors[0], reports[name].errors
    db = sqlite_utils.Database(config.storage.database)
    failing = {row["name"] for row in db["source_status"].rows if row["last_status"] == ERROR}
    assert failing == set(expected_errors)


def test_feed_entries_with_only_a_summary_are_completed_from_their_pages(
    fixture_web: FixtureWeb, make_config
) -> None:
    outlet = fixture_web.outlet
    feed = {"name": "outlet-rss", "url": outlet.url("/rss.xml"), "fetch_pages": True}
    summaries = {"name": "outlet-summaries", "url": outlet.url("/rss.xml")}
    config = make_config([feed])
    [report] = poll_many(config, config.sources)
    assert (report.status, report.errors) == (OK, ())
    rows = stored(config)
    for record in outlet.expected_articles():
        row = rows[record.url]
        assert row["body_text"].split("\n\n") == list(record.paragraphs)  # the page's body
        assert row["title"] == record.title
        assert row["guid"]  # the feed's identity is kept
    # A second poll re-reads the feed but neither refetches the pages nor overwrites them.
    outlet.clear_log()
    [again] = poll_many(config, config.sources)
    assert again.updated == 0
    assert all(request.path == "/rss.xml" for request in outlet.requests)
    # Without fetch_pages a feed source keeps the feed's summary.
    plain = make_config([summaries], storage={"database": "plain.db"})
    poll_many(plain, plain.sources)
    for record in outlet.expected_articles():
        assert stored(plain)[record.url]["body_text"] == record.paragraphs[0]
