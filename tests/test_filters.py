"""Include / exclude filters: the pure predicate, per-source filtering at poll time, and the
`[[feeds]]` output feeds that apply the same predicate at publish time."""

from __future__ import annotations

import feedparser
import pytest
import sqlite_utils
from hypothesis import given
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from aggregator.config import ConfigError
from aggregator.filters import ArticleFilter, filter_articles
from aggregator.models import Article
from aggregator.poll import poll_many
from aggregator.publish import publish_all
from aggregator.store import Store

from atom_validator import validate_atom
from helpers import rss_document

URL = "http://news.example.cn/sports/2023/art_1.html"
TITLE = "Lanzhou marathon draws 40,000 runners"
BODY = "The race started at the Yellow River bridge.\n\n兰州马拉松。"


@pytest.mark.parametrize(
    ("include", "exclude", "kept"),
    [
        (None, None, True),
        ("sports", None, True),  # in the URL only
        ("marathon", None, True),  # in the title only
        ("Yellow River", None, True),  # in the body only
        ("马拉松", None, True),
        ("weather", None, False),  # nowhere
        ("(?i)LANZHOU", None, True),
        ("LANZHOU", None, False),  # case matters unless the pattern says (?i)
        (None, "sports", False),
        (None, "Yellow River", False),
        (None, "weather", True),
        ("marathon", "bridge", False),  # exclude wins over include
        ("marathon", "weather", True),
        ("^Lanzhou", None, True),  # each field on its own: ^ anchors the title
        ("^The race", None, True),  # ... and the body
        ("runners$", None, True),
        ("^news", None, False),  # the URL starts with http
        ("runners The race", None, False),  # fields are never joined
    ],
)
def test_predicate(include: str | None, exclude: str | None, kept: bool) -> None:
    assert ArticleFilter.of(include, exclude).keeps(URL, TITLE, BODY) is kept


def test_missing_title_or_body_reads_as_empty() -> None:
    article_filter = ArticleFilter.of(None, "^$")
    assert not article_filter.keeps(URL, None, BODY)
    assert not article_filter.keeps(URL, TITLE, None)
    assert article_filter.keeps(URL, TITLE, BODY)
    assert ArticleFilter.of("marathon", None).keeps(URL, TITLE, None)


texts = st.text(alphabet="ab甘肃 .\n", max_size=12)
patterns = st.sampled_from(["a", "^a", "b$", "甘肃", "a b", "^$", ".", "(?i)A", "\n"])


@given(pattern=patterns, url=texts, title=st.none() | texts, body=st.none() | texts)
def test_include_and_exclude_of_one_pattern_are_complements(
    pattern: str, url: str, title: str | None, body: str | None
) -> None:
    included = ArticleFilter.of(pattern, None).keeps(url, title, body)
    excluded = ArticleFilter.of(None, pattern).keeps(url, title, body)
    assert included is not excluded
    assert ArticleFilter.of(None, None).keeps(url, title, body)
    both = ArticleFilter.of(pattern, pattern).keeps(url, title, body)
    assert both is False


def test_filter_articles_keeps_order_and_counts_the_rest() -> None:
    articles = [
        Article(url=f"http://x.cn/{n}", title=title, body_text=body)
        for n, (title, body) in enumerate(
            [("天气预报", "晴"), ("省委会议", "部署"), ("广告", "促销"), ("全省会议", "召开")]
        )
    ]
    filtered = filter_articles(articles, ArticleFilter.of("会议|天气", "天气"))
    assert [article.title for article in filtered.kept] == ["省委会议", "全省会议"]
    assert filtered.dropped == 2
    unfiltered = filter_articles(articles, ArticleFilter())
    assert unfiltered.kept == tuple(articles) and unfiltered.dropped == 0
    assert not ArticleFilter().active


ITEMS = [
    ("全省会议召开", "http://news.example.cn/a/1.html", "会议部署全年工作。"),
    ("促销广告", "http://news.example.cn/ad/2.html", "限时优惠。"),
    ("兰州天气", "http://news.example.cn/a/3.html", "明天晴，有风。"),
    ("Rail line opens", "http://news.example.cn/en/4.html", "A new line to Dunhuang."),
]


def test_feed_source_filters_drop_before_storing(httpserver: HTTPServer, make_config) -> None:
    httpserver.expect_request("/rss").respond_with_data(
        rss_document(ITEMS), content_type="application/rss+xml"
    )
    config = make_config(
        [
            {
                "name": "news",
                "url": httpserver.url_for("/rss"),
                "include": "/a/|Dunhuang",
                "exclude": "天气",
            }
        ]
    )
    [report] = poll_many(config, config.sources)
    assert (report.new, report.dropped) == (2, 2)
    db = sqlite_utils.Database(config.storage.database)
    assert {row["title"] for row in db["articles"].rows} == {"全省会议召开", "Rail line opens"}
    assert [row["dropped"] for row in db["fetches"].rows] == [2]
    # The same bytes again are not read again (the server sends no validators).
    [again] = poll_many(config, config.sources)
    assert (again.status, again.new, again.updated, again.dropped) == ("not modified", 0, 0, 0)
    assert db["articles"].count == 2
    # A changed feed is read again: the same entries are dropped again, nothing more stored.
    httpserver.clear()
    httpserver.expect_request("/rss").respond_with_data(
        rss_document(ITEMS, title="renamed feed"), content_type="application/rss+xml"
    )
    [third] = poll_many(config, config.sources)
    assert (third.new, third.updated, third.dropped) == (0, 0, 2)
    assert db["articles"].count == 2


def test_output_feeds_select_sources_and_filter(httpserver: HTTPServer, make_config) -> None:
    httpserver.expect_request("/news").respond_with_data(
        rss_document(ITEMS), content_type="application/rss+xml"
    )
    other = [("省委会议", "http://other.example.cn/1.html", "会议。")]
    httpserver.expect_request("/other").respond_with_data(
        rss_document(other), content_type="application/rss+xml"
    )
    config = make_config(
        [
            {"name": "news", "url": httpserver.url_for("/news")},
            {"name": "other", "url": httpserver.url_for("/other")},
        ],
        feeds=[
            {"name": "meetings", "include": "会议"},
            {"name": "news-no-ads", "sources": ["news"], "exclude": "/ad/|广告"},
        ],
    )
    poll_many(config, config.sources)
    with Store(config.storage.database) as store:
        written = publish_all(config, store)
    folder = config.publish.directory
    assert {path.name for path in written} >= {"meetings.atom", "news-no-ads.atom"}

    def titles(name: str) -> list[str]:
        document = (folder / name).read_bytes()
        assert validate_atom(document) == []
        return [entry.title for entry in feedparser.parse(document).entries]

    assert sorted(titles("meetings.atom")) == ["全省会议召开", "省委会议"]
    assert titles("news-no-ads.atom") == ["全省会议召开", "兰州天气", "Rail line opens"]
    parsed = feedparser.parse((folder / "meetings.atom").read_bytes())
    assert parsed.feed.title == "Gansu provincial news: meetings"
    self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
    assert self_link == "http://127.0.0.1:8080/feeds/meetings.atom"


@pytest.mark.parametrize(
    ("feeds", "problem"),
    [
        ([{"name": "x", "sources": ["nope"]}], "feeds[0].sources: no source named nope"),
        ([{"name": "news"}], "feeds[0].name: 'news' is taken"),
        ([{"name": "feed"}], "feeds[0].name: 'feed' is taken"),
        ([{"name": "changes"}], "feeds[0].name: 'changes' is taken"),
        ([{"name": "a b"}], "feeds[0].name: must be letters"),
        ([{"name": "x"}, {"name": "x"}], "feeds[1].name: duplicate feed name"),
        ([{"name": "x", "include": "("}], "feeds[0].include: bad regular expression"),
        ([{"name": "x", "colour": "red"}], "feeds[0].colour: unknown key"),
        ([{"sources": []}], "feeds[0].name: is required"),
    ],
)
def test_output_feed_mistakes_are_config_errors(
    make_config, feeds: list[dict], problem: str
) -> None:
    with pytest.raises(ConfigError, match=problem.replace("(", r"\(").replace("[", r"\[")):
        make_config([{"name": "news", "url": "http://news.example.cn/rss"}], feeds=feeds)


def test_feed_sources_accept_filters_and_reject_bad_patterns(make_config) -> None:
    config = make_config([{"name": "news", "url": "http://x.cn/rss", "exclude": "广告"}])
    assert config.sources[0].exclude == "广告"
    with pytest.raises(ConfigError, match=r"sources\[0\]\.include: bad regular expression"):
        make_config([{"name": "news", "url": "http://x.cn/rss", "include": "[unclosed"}])
