"""The fixture web itself behaves like the sites it stands for."""

from __future__ import annotations

import gzip
import http.client
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from aggregator.encoding import decode

from fixtureweb import FixtureWeb, fetch

ATOM = "{http://www.w3.org/2005/Atom}"


def text_of(response) -> str:
    return decode(response.body, response.content_type).text


def test_every_site_serves_its_pages(fixture_web: FixtureWeb):
    for site in fixture_web.sites.values():
        assert fetch(site.url("/")).status == 200
        assert fetch(site.url("/no/such/page.html")).status == 404
    ports = {site.port for site in fixture_web.sites.values()}
    assert len(ports) == len(fixture_web.sites)
    assert all(not site.errors for site in fixture_web.sites.values())


def test_every_article_page_shows_its_expected_record(fixture_web):
    records = fixture_web.expected_articles()
    assert len(records) == 33
    for record in records:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", record.published)
        assert record.title and record.source_outlet and record.paragraphs
        response = fetch(record.url)
        assert response.status == 200, record.url
        text = text_of(response)
        assert record.title in text.replace("&amp;", "&")
        assert record.source_outlet in text
        for paragraph in record.paragraphs:
            assert paragraph in text.replace("&quot;", '"').replace("&#x27;", "'"), record.id


def test_reposts_follow_their_originals(fixture_web):
    web = fixture_web
    original = web.expected("outlet-01")
    assert web.expected("county-01").title == "【转载】" + original.title
    assert web.expected("county-01").paragraphs == original.paragraphs
    note, *rest = web.expected("county-02").paragraphs
    assert note.startswith("编者按") and tuple(rest) == web.expected("trs-01").paragraphs
    assert web.expected("county-03").paragraphs == web.expected("trs-02").paragraphs[:-1]
    assert web.expected("repost-03").paragraphs == web.expected("trs-05").paragraphs
    assert web.expected("repost-03").source_outlet == "光明日报"
    page = text_of(fetch(web.url_of("county-02")))
    assert web.url_of("trs-01") in page  # 原文链接 to the original on its own site


def test_trs_portal_is_gbk_without_a_header_charset(fixture_web):
    trs = fixture_web.trs
    response = fetch(trs.url(trs.list_path()))
    assert response.content_type == "text/html"
    assert response.body.find(b"charset=gb2312") > 1024
    response.body.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        response.body.decode("utf-8")
    assert 'createPageHTML(3, 0, "index", "html")' in text_of(response)


def test_trs_hit_counter_changes_on_every_request(fixture_web):
    url = fixture_web.url_of("trs-01")
    first, second = fetch(url).body, fetch(url).body
    assert first != second
    assert re.sub(rb"\d{4}</b>", b"", first) == re.sub(rb"\d{4}</b>", b"", second)


def test_trs_list_revalidates(fixture_web):
    trs = fixture_web.trs
    url = trs.url(trs.list_path())
    first = fetch(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert fetch(url, headers={"If-None-Match": etag}).status == 304
    assert fetch(url, headers={"If-Modified-Since": modified}).status == 304
    trs.edit_title("trs-01", "改过的标题：省政府召开常务会议研究部署近期工作")
    again = fetch(url, headers={"If-None-Match": etag})
    assert again.status == 200 and again.headers["ETag"] != etag


def test_hanweb_list_and_data_proxy(fixture_web):
    hanweb = fixture_web.hanweb
    page = text_of(fetch(hanweb.url(hanweb.list_path())))
    assert '<script type="text/xml"><datastore>' in page
    assert page.count("<record>") == 3
    proxy = hanweb.url("/module/web/jpage/dataproxy.jsp")
    form = (("col", "1"), ("webid", "1"), ("columnid", "1532"), ("unitid", "4471"))
    answer = fetch(f"{proxy}?startrecord=4&endrecord=6&perpage=3", method="POST", data=form)
    assert answer.content_type == "text/xml;charset=UTF-8"
    xml = answer.body.decode("utf-8")
    assert xml.count("<record>") == 3 and "<totalrecord>8</totalrecord>" in xml
    # Servlets read the query string too.
    as_get = fetch(f"{proxy}?startrecord=7&endrecord=9&perpage=3&columnid=1532&unitid=4471")
    assert as_get.body.decode("utf-8").count("<record>") == 2
    # Another column's parameters get nothing.
    other = fetch(f"{proxy}?startrecord=1&endrecord=3", method="POST", data=(("columnid", "1"),))
    assert "<record>" not in other.body.decode("utf-8")
    logged = hanweb.requests_to("/module/web/jpage/dataproxy.jsp", "POST")[0]
    assert logged.query == "startrecord=4&endrecord=6&perpage=3" and b"unitid=4471" in logged.body


def test_outlet_feed_honours_etag_and_last_modified(fixture_web):
    outlet = fixture_web.outlet
    url = outlet.url(outlet.feed_path())
    first = fetch(url)
    items = ET.fromstring(first.body).findall("./channel/item")
    assert [item.findtext("link") for item in items] == [
        outlet.url(a.path) for a in outlet.listed()
    ]
    assert items[0].findtext("pubDate") == "Tue, 14 Feb 2023 07:00:00 +0800"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert fetch(url, headers={"If-None-Match": etag}).status == 304
    assert fetch(url, headers={"If-Modified-Since": modified}).status == 304
    assert fetch(url, headers={"If-None-Match": '"other"'}).status == 200
    logged = outlet.requests_to(outlet.feed_path())
    assert logged[1].headers["if-none-match"] == etag

    outlet.add_article("新发布的一条要闻测试标题", ["第一段。", "第二段。"])
    changed = fetch(url, headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert changed.status == 200 and changed.headers["ETag"] != etag
    assert (
        ET.fromstring(changed.body).findtext("./channel/item/title") == "新发布的一条要闻测试标题"
    )


def test_outlet_article_etag_follows_its_body_and_gzip_is_offered(fixture_web):
    outlet = fixture_web.outlet
    url = fixture_web.url_of("outlet-02")
    etag = fetch(url).headers["ETag"]
    assert fetch(url, headers={"If-None-Match": etag}).status == 304
    outlet.edit_body("outlet-02", ["改写后的第一段。", "改写后的第二段。"])
    edited = fetch(url, headers={"If-None-Match": etag})
    assert edited.status == 200 and "改写后的第一段。" in text_of(edited)
    assert fixture_web.expected("outlet-02").paragraphs == ("改写后的第一段。", "改写后的第二段。")
    zipped = fetch(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "改写后的第一段。" in gzip.decompress(zipped.body).decode("utf-8")


def test_delete_and_restore(fixture_web):
    outlet = fixture_web.outlet
    url = fixture_web.url_of("outlet-04")
    outlet.delete("outlet-04")
    assert fetch(url).status == 404
    assert url not in fetch(outlet.url(outlet.feed_path())).body.decode("utf-8")
    assert "outlet-04" not in {record.id for record in fixture_web.expected_articles()}
    outlet.restore("outlet-04")
    assert fetch(url).status == 200


def test_county_atom_feed_links_to_reposts(fixture_web):
    county = fixture_web.county
    response = fetch(county.url(county.feed_path()))
    feed = ET.fromstring(response.body)
    entries = feed.findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert sum(title.startswith("【转载】") for title in titles) == 2
    assert entries[0].findtext(f"{ATOM}published") == "2023-02-15T15:00:00+08:00"
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
    assert links == [county.url(a.path) for a in county.listed()]
    assert fetch(links[0]).content_type == "text/html; charset=GBK"
    etag = response.headers["ETag"]
    assert fetch(county.url(county.feed_path()), headers={"If-None-Match": etag}).status == 304


def test_repost_site_is_laid_out_like_the_seed(fixture_web):
    page = text_of(fetch(fixture_web.url_of("repost-01")))
    assert "News center" in page
    assert "Source: 河西日报 2023-02-14 点击:" in page
    assert "Copyrights© All Rights Reserved" in page and "ICP" in page


def test_broken_site_fails_as_promised(fixture_web):
    broken = fixture_web.broken
    assert fetch(broken.url("/error")).status == 500
    busy = fetch(broken.url("/busy"))
    assert busy.status == 429 and busy.headers["Retry-After"] == "120"
    loop = fetch(broken.url("/loop"))
    assert loop.status == 302 and loop.headers["Location"] == "/loop/again"
    assert fetch(broken.url("/loop/again")).headers["Location"] == "/loop"
    assert fetch(broken.url("/gone.html")).status == 410
    broken.slow_seconds = 0.05
    assert fetch(broken.url("/slow")).status == 200


def test_the_lying_charset_page_is_gbk_under_a_utf8_header(fixture_web):
    response = fetch(fixture_web.url_of("broken-01"))
    assert response.content_type == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        response.body.decode("utf-8")
    assert (
        fixture_web.expected("broken-01").title in decode(response.body, response.content_type).text
    )


@pytest.mark.parametrize("path, declared", [("/huge", False), ("/huge-declared", True)])
def test_huge_pages_are_streamed_past_15_mib(fixture_web, path, declared):
    limit = 15 * 1024 * 1024
    connection = http.client.HTTPConnection("127.0.0.1", fixture_web.broken.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        assert (response.getheader("Content-Length") is not None) == declared
        received = 0
        while received <= limit:
            chunk = response.read(1024 * 1024)
            if not chunk:
                break
            received += len(chunk)
        assert received > limit
    finally:
        connection.close()


def test_the_request_log_records_method_path_headers_and_body(fixture_web):
    trs = fixture_web.trs
    trs.clear_log()
    fetch(trs.url(trs.list_path() + "?from=test"), headers={"User-Agent": "fixture-test/1"})
    (logged,) = trs.requests
    assert (logged.method, logged.path, logged.query, logged.status) == (
        "GET",
        trs.list_path(),
        "from=test",
        200,
    )
    assert logged.headers["user-agent"] == "fixture-test/1"
    assert trs.paths() == [trs.list_path()]
    assert urlsplit(trs.url("/x")).port == trs.port


def test_each_fixture_web_starts_fresh():
    with FixtureWeb() as first:
        first.outlet.delete("outlet-01")
        first_url = first.outlet.url("/")
    with FixtureWeb() as second:
        assert not second.outlet.article("outlet-01").deleted
        assert second.outlet.requests == []
    assert first_url


def test_authors_are_expected_only_where_pages_show_them(fixture_web):
    for record in fixture_web.expected_articles():
        if record.author:
            assert record.site in ("trs", "outlet")
            assert record.author in text_of(fetch(record.url))
    assert fixture_web.expected("repost-01").author is None
