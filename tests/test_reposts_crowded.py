"""Crowded band keys: a templated family or a much-reposted article shares its bands with
more articles than the lookup reads (issue #5's cost at scale), and merging stays right.

On a real archive file through `Store.save_articles`, as the poller files articles.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from aggregator.dedupe.fingerprint import fingerprint, shingled
from aggregator.models import Article
from aggregator.store import Store, fingerprints
from aggregator.store.reposts import (
    CROWDED_POSTINGS,
    CROWDED_SAMPLE,
    MAX_CANDIDATES,
    MAX_CROWDED_CANDIDATES,
    RepostIndex,
    rank_candidates,
)

from helpers import story_of

DATA = Path(__file__).parent / "data" / "dedupe"
FAMILY = CROWDED_POSTINGS + 13  # more notices of one template than a band key's reads


def notice(number: int) -> Article:
    """One weather warning of a fixed template: only the numbers differ."""
    county, day, rain = 100 + number, 1 + number % 28, 50 + 3 * number
    paragraphs = [
        f"第{county}号区县气象台{day}日{number % 24}时发布暴雨蓝色预警信号。",
        f"预计未来十二小时内，第{county}号区县大部地区将出现暴雨天气，累计降雨量可达{rain}毫米，"
        "局地伴有雷电、短时强降水和七级以上雷暴大风，山区可能发生山洪、滑坡、泥石流等灾害。",
        "请有关单位和人员做好防范工作，注意防范局地强降水可能引发的城乡积涝，"
        "驾驶人员应当注意道路积水和交通阻塞，确保安全。",
        "危险地带人员和危房居民尽量转移到安全场所避雨，户外人员应当立即到安全的地方暂避，"
        "不要在树下、电杆下、塔吊下避雨，不要在空旷地带打电话或使用电子设备。",
        f"检查城市、农田、鱼塘排水系统，做好排涝准备，本次预警编号为{county}-{day}-{rain}，"
        "如有险情请拨打当地应急电话，气象部门将根据天气变化情况及时更新预警信息。",
        "各乡镇、各有关部门要加强值班值守，密切关注雨情水情变化，落实防汛责任，"
        "提前转移受威胁群众，切实保障人民群众生命财产安全，全力做好防汛抢险救灾各项工作。",
    ]
    return Article(
        url=f"http://weather.example.cn/warning/{number}.htm",
        title=f"第{county}号区县气象台发布暴雨蓝色预警",
        published=f"2024-05-{day:02d}T{number % 24:02d}:00:00+08:00",
        body_text="\n".join(paragraphs),
    )


def reposted(article: Article, url: str) -> Article:
    """A county site's copy: 【转载】, an editor's note, full-width commas."""
    return Article(
        url=url,
        title="【转载】" + article.title,
        published=article.published,
        body_text="编者按：转自上级部门网站。\n" + (article.body_text or "").replace("，", ","),
    )


@pytest.fixture
def store(sites_store: Store) -> Store:
    return sites_store


def test_a_templated_family_merges_nothing_and_its_reposts_find_their_originals(store):
    family = [notice(number) for number in range(FAMILY)]
    for article in family:
        store.save_articles("a", [article])
    keys = Counter(key for (key,) in store.db.execute("SELECT band_key FROM dedupe_bands"))
    assert max(keys.values()) >= CROWDED_POSTINGS, "the family must crowd some band keys"
    assert len({story_of(store, article.url) for article in family}) == FAMILY

    copy = reposted(family[17], "http://county.example.cn/zz/17.htm")
    late_copy = reposted(family[FAMILY - 2], "http://county.example.cn/zz/late.htm")
    sibling = notice(FAMILY + 5)
    store.save_articles("b", [copy, late_copy, sibling])
    assert story_of(store, copy.url) == story_of(store, family[17].url)
    assert story_of(store, late_copy.url) == story_of(store, family[FAMILY - 2].url)
    assert store.db["stories"].count == FAMILY + 1  # the new sibling is a story of its own


def test_a_much_reposted_article_keeps_gathering_its_copies(store):
    body = (DATA / "cwced-500b350d.txt").read_text("utf-8")
    original = Article(
        url="http://outlet.example.cn/a/1.htm", title="一篇被广泛转载的文章", body_text=body
    )
    copies = [
        Article(
            url=f"http://county{n}.example.cn/a/1.htm",
            title=f"一篇被广泛转载的文章_第{n}县人民政府",
            body_text=f"来源：第{n}县融媒体中心\n{body}",
        )
        for n in range(CROWDED_POSTINGS + 8)
    ]
    store.save_articles("a", [original])
    for article in copies:
        store.save_articles("b", [article])
    story = story_of(store, original.url)
    assert {story_of(store, article.url) for article in copies} == {story}
    assert store.db["stories"].get(story)["member_count"] == len(copies) + 1


def test_postings_read_at_most_the_limit_of_each_key_the_newest(store):
    store.db.conn.executemany(
        "INSERT INTO dedupe_bands (band_key, article_id) VALUES (?, ?)",
        [(7, article_id) for article_id in range(1, 51)] + [(9, 3), (9, 4)],
    )
    rows = fingerprints.postings(store.db, [7, 9, 11], [5, 5, 5])
    assert sorted(rows) == [(7, 46), (7, 47), (7, 48), (7, 49), (7, 50), (9, 3), (9, 4)]
    assert sorted(fingerprints.postings(store.db, [9, 7], [1, 50])) == [
        *((7, article_id) for article_id in range(1, 51)),
        (9, 4),
    ]


def test_articles_known_by_crowded_keys_alone_take_few_places():
    crowded = {1, 2}
    rows = [(key, article_id) for key in (1, 2) for article_id in range(100, 110)]
    rows += [(3, 200), (1, 200)]  # shares one uncrowded key: ranked on its evidence
    ranked = rank_candidates(rows, crowded)
    assert ranked[0] == 100 and 200 in ranked
    assert len([a for a in ranked if a != 200]) == MAX_CROWDED_CANDIDATES
    assert rank_candidates(rows, set()) == [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 200]
    many = [(5, article_id) for article_id in range(MAX_CANDIDATES + 10)]
    assert len(rank_candidates(many, set(), exclude=0)) == MAX_CANDIDATES
    assert 0 not in rank_candidates(many, set(), exclude=0)


def test_postings_up_to_reads_every_key_in_one_statement_up_to_the_bound(store):
    store.db.conn.executemany(
        "INSERT INTO dedupe_bands (band_key, article_id) VALUES (?, ?)",
        [(7, article_id) for article_id in range(1, 51)] + [(9, 3), (9, 4)],
    )
    assert sorted(fingerprints.postings_up_to(store.db, [9, 11], 100)) == [(9, 3), (9, 4)]
    assert len(fingerprints.postings_up_to(store.db, [7, 9, 11], 10)) == 10
    assert len(fingerprints.postings_up_to(store.db, [7, 9, 11], 100)) == 52


@pytest.mark.parametrize("crowd", [CROWDED_POSTINGS + 8, 40 * CROWDED_POSTINGS])
def test_a_key_first_found_crowded_yields_its_newest_postings(store, crowd):
    """Whether the one bounded read held all of the crowded key's rows or stopped short."""
    text = (DATA / "cwced-500b350d.txt").read_text("utf-8")
    first, second = fingerprint(shingled(text)).band_keys()[:2]
    store.db.conn.executemany(
        "INSERT INTO dedupe_bands (band_key, article_id) VALUES (?, ?)",
        [(first, article_id) for article_id in range(1, crowd + 1)] + [(second, 100_000)],
    )
    index = RepostIndex(store.db)
    # Crowded-only articles take MAX_CROWDED_CANDIDATES places, the oldest of those read.
    newest = crowd - CROWDED_POSTINGS + 1
    assert index.candidates(text) == [*range(newest, newest + MAX_CROWDED_CANDIDATES), 100_000]
    # Known crowded now: only its newest CROWDED_SAMPLE are read.
    sample = crowd - CROWDED_SAMPLE + 1
    assert index.candidates(text) == [*range(sample, sample + MAX_CROWDED_CANDIDATES), 100_000]
