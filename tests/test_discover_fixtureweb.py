"""Discovery on the fixture web's list pages over real loopback HTTP: every article, no extra."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aggregator.discover.html import ListPage, discover_list
from aggregator.encoding import decode

from fixtureweb import FixtureWeb, fetch

EXPECTED = json.loads(
    (Path(__file__).parent / "data" / "discover" / "fixtureweb_expected.json").read_text("utf-8")
)["lists"]


def discover(url: str, method: str = "GET", data: tuple[tuple[str, str], ...] = ()) -> ListPage:
    response = fetch(url, method=method, data=data)
    assert response.status == 200, url
    return discover_list(decode(response.body, response.content_type).text, url)


def crawl(start: str, max_pages: int) -> tuple[set[str], int]:
    """Article URLs of a list and the pages after it, as the poller would follow them."""
    queue = [(start, "GET", ())]
    done: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()
    found: set[str] = set()
    while queue and len(done) < max_pages:
        request = queue.pop(0)
        if request in done:
            continue
        done.add(request)
        page = discover(*request)
        found |= {link.url for link in page.links}
        queue += [(r.url, r.method, r.data) for r in page.next_pages]
    return found, len(done)


@pytest.mark.parametrize(
    "entry", EXPECTED, ids=[f"{e['site']}{e['list']}x{e['max_pages']}" for e in EXPECTED]
)
def test_precision_and_recall_are_one(fixture_web: FixtureWeb, entry):
    site = fixture_web.site(entry["site"])
    found, _ = crawl(site.url(entry["list"]), entry["max_pages"])
    assert found == {site.url(path) for path in entry["articles"]}


def test_trs_list_titles_are_whole_and_dates_are_the_listed_day(fixture_web):
    trs = fixture_web.trs
    page = discover(trs.url(trs.list_path()))
    by_url = {trs.url(a.path): a for a in trs.listed()}
    for link in page.links:
        article = by_url[link.url]
        assert link.title == article.title  # cut in the list, whole in the title attribute
        assert link.date == f"{article.date}T00:00:00+08:00"
    assert len(page.next_pages) == 2


def test_outlet_list_dates_carry_the_time(fixture_web):
    outlet = fixture_web.outlet
    page = discover(outlet.url(outlet.list_path()))
    assert [link.date for link in page.links] == [a.published for a in outlet.listed()]


def test_hanweb_pages_are_fetched_through_the_data_proxy(fixture_web):
    hanweb = fixture_web.hanweb
    found, pages = crawl(hanweb.url(hanweb.list_path()), 10)
    assert found == {hanweb.url(a.path) for a in hanweb.listed()}
    assert pages == 3
    posts = hanweb.requests_to("/module/web/jpage/dataproxy.jsp", "POST")
    assert [post.query for post in posts] == [
        "startrecord=4&endrecord=6&perpage=3",
        "startrecord=7&endrecord=8&perpage=3",
    ]
    assert b"columnid=1532" in posts[0].body and b"unitid=4471" in posts[0].body


def test_a_new_article_shows_first_and_the_pager_grows(fixture_web):
    trs = fixture_web.trs
    added = [
        trs.add_article(
            f"新增的第{n}篇省政府要闻测试文章", ["正文。"], published=f"2023-03-0{n}T09:00:00+08:00"
        )
        for n in range(1, 4)
    ]
    page = discover(trs.url(trs.list_path()))
    assert page.links[0].url == trs.url(added[-1].path)
    assert len(page.next_pages) == 3  # 13 articles, 4 a page
    found, _ = crawl(trs.url(trs.list_path()), 10)
    assert len(found) == 13


def test_a_deleted_article_leaves_the_list(fixture_web):
    outlet = fixture_web.outlet
    outlet.delete("outlet-03")
    page = discover(outlet.url(outlet.list_path()))
    assert outlet.url(outlet.article("outlet-03").path) not in {link.url for link in page.links}
    assert len(page.links) == 5


def test_the_bench_expected_sets_match_the_fixture_data():
    """The hand-written sets and the site data must not drift apart."""
    with FixtureWeb() as web:
        for entry in EXPECTED:
            if entry["max_pages"] > 1:
                site = web.site(entry["site"])
                assert set(entry["articles"]) == {a.path for a in site.listed()}
