"""Reposts merge into stories: on the fixture web end to end, and on the store directly."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import feedparser
import pytest
import sqlite_utils

from aggregator.config import Config
from aggregator.models import Article
from aggregator.poll import poll_many
from aggregator.publish import COMBINED_FEED, publish_all
from aggregator.store import Store
from aggregator.store.schema import SCHEMA_VERSION
from aggregator.store.stories import refresh_story

from atom_validator import validate_atom
from fixtureweb import FixtureWeb
from helpers import make_version_1_archive, run_cli, story_of

SITES = {"trs": 3, "hanweb": 5, "outlet": 1, "repost": 2, "county": 1}


def expected_articles(web: FixtureWeb) -> list:
    return [record for name in SITES for record in web.site(name).expected_articles()]


@pytest.fixture
def polled_web(fixture_web: FixtureWeb, make_config) -> tuple[FixtureWeb, Config]:
    sources = []
    for name, pages in SITES.items():
        site = fixture_web.site(name)
        sources.append(
            {"name": name, "url": site.url(site.list_path()), "type": "html", "max_pages": pages}
        )
    config = make_config(sources)
    reports = poll_many(config, config.sources)
    assert all(report.status == "ok" for report in reports), reports
    with Store(config.storage.database) as store:
        publish_all(config, store)
    return fixture_web, config


def test_every_repost_joins_its_original_and_nothing_else_merges(polled_web) -> None:
    web, config = polled_web
    db = sqlite_utils.Database(config.storage.database)
    story_of = {row["url"]: row["story_id"] for row in db["articles"].rows}
    canonical = {row["id"]: row["canonical_article_id"] for row in db["stories"].rows}
    url_of_id = {row["id"]: row["url"] for row in db["articles"].rows}
    expected = expected_articles(web)
    assert set(story_of) == {record.url for record in expected}

    families: dict[str, set[str]] = defaultdict(set)  # original id -> urls of its copies
    for record in expected:
        families[record.repost_of or record.id].add(record.url)
    for original_id, urls in families.items():
        stories = {story_of[url] for url in urls}
        assert len(stories) == 1, f"{original_id}: copies split over stories {stories}"
        [story] = stories
        assert url_of_id[canonical[story]] == web.url_of(original_id), original_id
    assert len(set(story_of.values())) == len(families), "unrelated articles were merged"


def test_the_combined_feed_has_one_entry_per_story(polled_web) -> None:
    web, config = polled_web
    document = (config.publish.directory / COMBINED_FEED).read_bytes()
    assert validate_atom(document) == []
    entries = feedparser.parse(document).entries
    expected = expected_articles(web)
    originals = {record.url for record in expected if not record.repost_of}
    assert {entry.link for entry in entries} == originals
    by_link = {entry.link: entry for entry in entries}
    for record in expected:
        if record.repost_of:
            entry = by_link[web.url_of(record.repost_of)]
            related = {link.href for link in entry.links if link.rel == "related"}
            assert record.url in related
            [link] = [link for link in entry.links if link.href == record.url]
            assert link.title  # the reposting site's name


def test_per_source_feeds_keep_every_article(polled_web) -> None:
    web, config = polled_web
    for name in SITES:
        parsed = feedparser.parse((config.publish.directory / f"{name}.atom").read_bytes())
        assert {entry.link for entry in parsed.entries} == {
            record.url for record in web.site(name).expected_articles()
        }


def test_a_repost_joining_later_does_not_re_announce_the_story(
    fixture_web: FixtureWeb, make_config
) -> None:
    outlet, county = fixture_web.outlet, fixture_web.county
    config = make_config(
        [
            {"name": "outlet", "url": outlet.url(outlet.list_path()), "type": "html"},
            {"name": "county", "url": county.url(county.list_path()), "type": "html"},
        ]
    )
    poll_many(config, config.sources[:1])
    with Store(config.storage.database) as store:
        publish_all(config, store)
    feed = config.publish.directory / COMBINED_FEED
    before = {e.link: (e.id, e.updated) for e in feedparser.parse(feed.read_bytes()).entries}
    poll_many(config, config.sources[1:])
    with Store(config.storage.database) as store:
        publish_all(config, store)
    after = {e.link: (e.id, e.updated) for e in feedparser.parse(feed.read_bytes()).entries}
    original = fixture_web.url_of("outlet-01")
    assert after[original] == before[original]  # same id, same updated: nothing new to read


ORIGINAL = Article(
    url="http://outlet.example.cn/2023-02/14/c_1.htm",
    title="全省春耕生产工作会议在兰州召开",
    published="2023-02-14T10:00:00+08:00",
    publisher="甘肃日报",
    source_outlet="甘肃日报",
    body_text="\n\n".join(
        [
            "2月14日，全省春耕生产工作会议在兰州召开。会议总结了去年全省农业农村工作，"
            "分析了当前面临的形势，安排部署了今年春耕生产重点任务。",
            "会议指出，去年全省粮食总产量再创历史新高，农民收入稳步增长，农村改革持续深化，"
            "乡村建设扎实推进，为全省经济社会发展大局提供了有力支撑。",
            "会议强调，要压实粮食安全政治责任，稳定粮食播种面积，抓好农资供应和调运，"
            "加强农业技术指导服务，确保春耕生产顺利进行。",
            "会议要求，各地各部门要加强组织领导，细化工作措施，强化督促检查，"
            "以实际行动推动全省农业农村现代化建设取得新成效。",
        ]
    ),
)


def copy(
    url: str,
    publisher: str,
    title: str | None = None,
    body: str | None = None,
    published: str = "2023-02-15T09:00:00+08:00",
) -> Article:
    return Article(
        url=url,
        title=title or ORIGINAL.title,
        published=published,
        publisher=publisher,
        source_outlet="甘肃日报",
        body_text=body or ORIGINAL.body_text,
    )


@pytest.fixture
def store(sites_store: Store) -> Store:
    return sites_store


def test_the_original_is_canonical_even_when_it_arrives_last(store: Store) -> None:
    repost = copy(
        "http://county.example.cn/a/1.htm",
        "青石县人民政府",
        "【转载】" + ORIGINAL.title,
        published="2023-02-14T08:00:00+08:00",
    )
    store.save_articles("a", [repost])
    store.save_articles("b", [ORIGINAL])
    story = story_of(store, repost.url)
    assert story_of(store, ORIGINAL.url) == story
    row = store.db["stories"].get(story)
    assert row["member_count"] == 2
    # The credited outlet's own site wins over the earlier-published repost.
    assert store.db["articles"].get(row["canonical_article_id"])["url"] == ORIGINAL.url


@pytest.mark.parametrize("published", ["2023-02-15T09:00:00+08:00", None])
def test_a_story_of_one_is_made_as_refreshing_it_would_make_it(
    store: Store, published: str | None
) -> None:
    article = copy("http://a.example.cn/a/1.htm", "甲", published=published)
    store.save_articles("a", [article])
    story = story_of(store, article.url)
    made = store.db["stories"].get(story)
    refresh_story(store.db, story, "2030-01-01T00:00:00+00:00")
    assert store.db["stories"].get(story) == made
    assert made["first_published"] == ("2023-02-15T01:00:00+00:00" if published else None)


def test_an_excerpt_joins_and_a_digest_does_not(store: Store) -> None:
    store.save_articles("a", [ORIGINAL])
    paragraphs = ORIGINAL.body_text.split("\n\n")
    excerpt = copy(
        "http://county.example.cn/a/2.htm", "县政府", body=paragraphs[0] + "\n\n阅读原文"
    )
    other = Article(
        url="http://outlet.example.cn/2023-02/14/c_2.htm",
        title="敦煌文旅迎来开门红",
        published="2023-02-14T11:00:00+08:00",
        body_text="春节假期，敦煌接待游客人数创新高，文旅市场全面复苏。莫高窟、鸣沙山月牙泉等景区"
        "游人如织，酒店入住率大幅提升，旅游收入同比增长超过一倍。\n\n"
        "当地文旅部门推出多项惠民措施，丰富假日文化供给，游客满意度持续提升。",
    )
    store.save_articles("a", [other])
    digest = Article(
        url="http://digest.example.cn/2023-02-15/morning.htm",
        title="今日要闻",
        published="2023-02-15T07:00:00+08:00",
        body_text=paragraphs[0] + "\n\n" + other.body_text.split("\n\n")[0],
    )
    store.save_articles("c", [excerpt, digest])
    assert story_of(store, excerpt.url) == story_of(store, ORIGINAL.url)
    assert story_of(store, digest.url) not in {
        story_of(store, ORIGINAL.url),
        story_of(store, other.url),
    }
    assert story_of(store, ORIGINAL.url) != story_of(store, other.url)


def test_a_bridging_article_merges_stories_and_the_older_id_survives(store: Store) -> None:
    # A real article (see tests/fixtureweb/data/README.md), reposted trimmed at either end:
    # the two trimmed copies share too little to match, the whole text matches both.
    body = Path(__file__).parent / "fixtureweb" / "data" / "bodies" / "35687fb1.txt"
    paragraphs = [line for line in body.read_text("utf-8").splitlines() if line.strip()]
    whole = copy("http://c.example.cn/1.htm", "C", body="\n\n".join(paragraphs))
    first_half = copy("http://a.example.cn/1.htm", "A", body="\n\n".join(paragraphs[:-2]))
    second_half = copy("http://b.example.cn/1.htm", "B", body="\n\n".join(paragraphs[2:]))
    store.save_articles("a", [first_half])
    store.save_articles("b", [second_half])
    older, newer = story_of(store, first_half.url), story_of(store, second_half.url)
    assert older < newer
    store.save_articles("c", [whole])
    assert {story_of(store, a.url) for a in (first_half, second_half, whole)} == {older}
    assert store.db["stories"].count == 1


def test_a_version_1_archive_gets_its_stories_on_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    make_version_1_archive(path)  # an article and its repost, from before stories
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        ids = {row["story_id"] for row in store.db["articles"].rows}
        assert len(ids) == 1 and None not in ids
        [story] = store.db["stories"].rows
        assert story["member_count"] == 2
        assert len(store.reposts) == 2
        assert [hit.article.title for hit in store.search("春耕")]  # search still works
    with Store(path) as store:  # a second open files nothing again
        assert store.db["stories"].count == 1


def test_stories_and_story_commands(polled_web) -> None:
    web, config = polled_web
    listed = run_cli("--config", str(config.path), "stories")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split()[:3] == ["story", "articles", "first"]
    copied = {record.repost_of for record in expected_articles(web) if record.repost_of}
    assert len(lines) - 2 == len(copied)  # one line per story with copies
    story_id = lines[2].split()[0]
    shown = run_cli("--config", str(config.path), "story", story_id)
    assert shown.returncode == 0, shown.stderr
    rows = shown.stdout.splitlines()[2:]
    assert rows[0].startswith("original")
    assert all(row.split()[0] in ("repost", "excerpt", "copy") for row in rows[1:])
    assert run_cli("--config", str(config.path), "story", "99999").returncode == 1
