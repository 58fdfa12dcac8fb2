"""Watched pages (type = "watch"): the watched part read from a page, and its changes
recorded as versions and events on the fixture web."""

from __future__ import annotations

import pytest
import sqlite_utils

from aggregator.config import Config, SourceConfig
from aggregator.monitor.watch import WatchError, watched_part
from aggregator.opml import export_opml
from aggregator.poll import ERROR, NOT_MODIFIED, OK, poll_many, watched_url
from aggregator.publish import publish_all
from aggregator.store import Store

from fixtureweb import FixtureWeb

PAGE = """<html><head><title>通知公告 - 河西省人民政府</title>
<style>.x { color: red }</style><script>var visits = 1234;</script></head>
<body><div class="nav">首页 | 政务公开</div>
<div class="list"><h3>通知公告</h3><ul>
<li><a href="/a.html">关于开展春季植树活动的通知</a> 2023-02-14</li>
<li><a href="/b.html">关于调整办公时间的公告</a> 2023-02-10</li></ul>
<p class="stamp">更新时间：2023-02-14 10:21:33　访问量：10234</p></div>
<div class="footer">版权所有</div></body></html>""".encode()


def test_the_watched_part_is_the_selected_text_without_the_ignored_parts() -> None:
    part = watched_part(
        PAGE,
        "http://www.example.gov.cn/tzgg/",
        select="div.list",
        ignore=[r"更新时间：[\d\- :]+", r"访问量：\d+"],
    )
    assert part.title == "通知公告 - 河西省人民政府"
    assert part.text.split("\n\n") == [
        "通知公告",
        "关于开展春季植树活动的通知 2023-02-14",
        "关于调整办公时间的公告 2023-02-10",
    ]
    assert 'href="http://www.example.gov.cn/a.html"' in part.html  # absolute links
    assert "首页" not in part.text and "版权所有" not in part.text


def test_the_whole_page_without_a_selector_and_never_scripts_or_styles() -> None:
    part = watched_part(PAGE, "http://www.example.gov.cn/tzgg/")
    assert part.text.startswith("首页 | 政务公开") and part.text.endswith("版权所有")
    assert "visits" not in part.text and "color" not in part.text
    assert "访问量：10234" in part.text


@pytest.mark.parametrize(
    ("content", "select", "words"),
    [
        (PAGE, "div.missing", "matches nothing"),
        (PAGE, "div[", "invalid CSS selector"),
        (b"%PDF-1.4 binary", None, "not an HTML page"),
    ],
)
def test_a_page_that_cannot_be_watched_is_an_error(
    content: bytes, select: str | None, words: str
) -> None:
    with pytest.raises(WatchError, match=words):
        watched_part(content, "http://www.example.gov.cn/", select=select, content_type=None)


def watch(web: FixtureWeb, article_id: str, **options: object) -> dict[str, object]:
    trs = web.trs
    url = trs.url(trs.article(article_id).path)
    return {"name": "watched", "type": "watch", "url": url, **options}


def poll(config: Config):
    [report] = poll_many(config, config.sources)
    return report


def rows(config: Config, table: str) -> list[dict]:
    return list(sqlite_utils.Database(config.storage.database)[table].rows)


def test_a_watched_part_records_each_change_and_nothing_else(
    fixture_web: FixtureWeb, make_config
) -> None:
    trs = fixture_web.trs
    watched = trs.listed()[0].id
    config = make_config([watch(fixture_web, watched, select="div.TRS_Editor")])
    assert (poll(config).status, rows(config, "articles")[0]["version"]) == (OK, 1)
    for _ in range(2):  # the hit counter (outside the part) changes on every request
        report = poll(config)
        assert (report.status, report.new, report.updated, report.changed) == (OK, 0, 0, False)
    trs.edit_body(watched, [*trs.article(watched).paragraphs, "附件：名单"])
    report = poll(config)
    assert (report.updated, report.changed) == (1, True)
    [page] = rows(config, "articles")
    assert page["url"] == watched_url(config.sources[0]) and page["version"] == 2
    assert page["content_origin"] == "watch" and page["story_id"] is None
    assert page["body_text"].endswith("附件：名单")
    assert [(e["kind"], e["version"]) for e in rows(config, "article_events")] == [("edited", 2)]
    assert "+附件：名单" in rows(config, "article_versions")[1]["diff"]


def test_ignore_patterns_keep_volatile_text_out_of_the_whole_page(
    fixture_web: FixtureWeb, make_config
) -> None:
    trs = fixture_web.trs
    watched = trs.listed()[0].id
    counted = make_config([watch(fixture_web, watched)])
    poll(counted)
    assert poll(counted).updated == 1  # the hit counter is part of the whole page
    ignoring = make_config([watch(fixture_web, watched, ignore=[r"浏览次数：\d+"])])
    poll(ignoring)
    assert [poll(ignoring).updated for _ in range(2)] == [0, 0]


def test_a_watched_page_taken_down_is_confirmed_then_restored(
    fixture_web: FixtureWeb, make_config
) -> None:
    trs = fixture_web.trs
    watched = trs.listed()[0].id
    config = make_config(
        [watch(fixture_web, watched, select="div.TRS_Editor")], monitor={"confirm_after": "0s"}
    )
    poll(config)
    trs.delete(watched)
    report = poll(config)
    assert (report.status, report.events) == (ERROR, 0)  # a 404 once: not confirmed
    assert rows(config, "articles")[0]["removed_at"] is None
    report = poll(config)
    assert (report.status, report.events) == (ERROR, 1)
    assert rows(config, "articles")[0]["removed_at"] is not None
    trs.restore(watched)
    report = poll(config)
    assert (report.status, report.events, report.updated) == (OK, 1, 0)
    kinds = [event["kind"] for event in rows(config, "article_events")]
    assert kinds == ["removed", "restored"]


def test_a_watched_page_that_sends_validators_is_fetched_conditionally(
    fixture_web: FixtureWeb, make_config
) -> None:
    outlet = fixture_web.outlet
    config = make_config([{"name": "news", "type": "watch", "url": outlet.url("/news/")}])
    assert poll(config).new == 1
    assert poll(config).status == NOT_MODIFIED
    outlet.edit_title(outlet.listed()[0].id, "河西日报：新的标题")
    report = poll(config)
    assert (report.status, report.updated) == (OK, 1)


def test_a_watched_page_is_in_its_own_feed_only(fixture_web: FixtureWeb, make_config) -> None:
    trs = fixture_web.trs
    watched = trs.listed()[0].id
    config = make_config(
        [
            watch(fixture_web, watched, select="div.TRS_Editor"),
            {"name": "trs", "type": "html", "url": trs.url(trs.list_path())},
        ]
    )
    poll_many(config, config.sources)
    with Store(config.storage.database) as store:
        assert store.count("articles") == 5  # the page and the article it shows: both kept
        assert all(story.canonical.source == "trs" for story in store.feed_stories())
        assert [a.source for a in store.feed_articles("watched")] == ["watched"]
        assert all(a.source == "trs" for a in store.iter_feed_articles())
        publish_all(config, store)


def test_a_watched_page_is_no_subscription_to_export() -> None:
    sources = [
        SourceConfig("news", "http://a.example.cn/rss.xml"),
        SourceConfig("notices", "http://a.example.cn/tzgg/", type="watch"),
    ]
    exported = export_opml(sources, title="test")
    assert "http://a.example.cn/rss.xml" in exported and "tzgg" not in exported
