"""Discovery of article links and next pages on list pages (pure: no network)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.discover import cms
from aggregator.discover.html import ListPage, PageRequest, check_selector, discover_list

DATA = Path(__file__).parent / "data" / "discover"
GOV_PAGE = "http://www.example.gov.cn/zwgk/tzgg/index.html"
GOV_ARTICLES = [
    "http://www.example.gov.cn/zwgk/tzgg/202302/t20230214_881201.html",
    "http://www.example.gov.cn/zwgk/tzgg/202302/t20230213_881187.html",
    "http://www.example.gov.cn/zwgk/tzgg/202302/t20230210_881090.html",
    "http://www.example.gov.cn/zwgk/tzgg/202302/t20230208_881044.html",
    "http://www.example.gov.cn/zwgk/tzgg/202302/t20230206_880912.html",
]
HANWEB_PAGE = "http://www.example.gov.cn/col/col9200/index.html"


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def urls(page: ListPage) -> list[str]:
    return [link.url for link in page.links]


# --- automatic discovery on a government list page --------------------------------------


def test_finds_the_article_list_and_nothing_around_it():
    page = discover_list(read("gov_list.html"), GOV_PAGE)
    # Not the nav, breadcrumb, "hot" sidebar, more/paging/login/share links or footer;
    # not the other site's link nor the mailto: link.
    assert urls(page) == GOV_ARTICLES


def test_takes_the_full_title_from_the_title_attribute_when_the_text_is_cut():
    page = discover_list(read("gov_list.html"), GOV_PAGE)
    assert page.links[0].title == "示例市人民政府关于做好2023年春季农业生产工作的通知"
    assert page.links[1].title == "示例市人民政府办公室关于调整部分议事协调机构的通知"


def test_reads_the_listed_date_in_the_source_time_zone():
    page = discover_list(read("gov_list.html"), GOV_PAGE)
    assert [link.date for link in page.links[:2]] == [
        "2023-02-14T00:00:00+08:00",
        "2023-02-13T00:00:00+08:00",
    ]
    utc = discover_list(read("gov_list.html"), GOV_PAGE, timezone="UTC")
    assert utc.links[0].date == "2023-02-14T00:00:00+00:00"


def test_other_sites_only_when_allowed():
    page = discover_list(read("gov_list.html"), GOV_PAGE, allow_offsite=True)
    assert "https://news.other-site.cn/2023-02/05/c_1129300.htm" in urls(page)
    assert not any(url.startswith("mailto:") for url in urls(page))


def test_include_and_exclude_patterns_filter_article_urls():
    page = discover_list(read("gov_list.html"), GOV_PAGE, include=r"t2023021\d_")
    assert urls(page) == GOV_ARTICLES[:3]
    page = discover_list(read("gov_list.html"), GOV_PAGE, exclude=r"_88120\d\.html$|_881187")
    assert urls(page) == GOV_ARTICLES[2:]


def test_follows_the_next_page_link():
    page = discover_list(read("gov_list.html"), GOV_PAGE)
    assert page.next_pages == (PageRequest("http://www.example.gov.cn/zwgk/tzgg/index_1.html"),)


def test_base_href_resolves_relative_links():
    html = """<html><head><base href="http://cdn.example.org/news/"></head><body><ul>
    <li><a href="2023/02/14/content_100.htm">第一条新闻的标题文字足够长</a> 2023-02-14</li>
    <li><a href="2023/02/13/content_99.htm">第二条新闻的标题文字足够长</a> 2023-02-13</li>
    </ul></body></html>"""
    page = discover_list(html, "http://cdn.example.org/news/index.html")
    assert urls(page) == [
        "http://cdn.example.org/news/2023/02/14/content_100.htm",
        "http://cdn.example.org/news/2023/02/13/content_99.htm",
    ]


def test_on_loopback_another_port_is_another_site():
    html = """<ul>
    <li><a href="http://127.0.0.1:8001/a/2023/art_1001.html">本站的第一篇文章标题</a></li>
    <li><a href="http://127.0.0.1:8001/a/2023/art_1002.html">本站的第二篇文章标题</a></li>
    <li><a href="http://127.0.0.1:8002/a/2023/art_1003.html">别的站的一篇文章标题</a></li>
    </ul>"""
    assert len(discover_list(html, "http://127.0.0.1:8001/a/").links) == 2
    assert len(discover_list(html, "http://127.0.0.1:8001/a/", allow_offsite=True).links) == 3


def test_a_table_list_with_dates_in_their_own_cells():
    rows = "\n".join(
        f'<tr><td><a href="/xxgk/2023/content_{n}.htm">第{n}号关于某某工作的通知全文</a></td>'
        f"<td>[2023-02-{n:02d}]</td></tr>"
        for n in range(1, 6)
    )
    html = f"""<table><tr><td><a href="/">首页</a></td>
    <td><a href="/xxgk/">信息公开</a></td></tr></table>
    <table class="list"><tbody>{rows}</tbody></table>"""
    page = discover_list(html, "http://www.example.gov.cn/xxgk/list.htm")
    assert len(page.links) == 5
    assert page.links[2].date == "2023-02-03T00:00:00+08:00"


def test_a_date_column_wins_over_dates_in_a_summary():
    items = "\n".join(
        f"""<div class="item"><h3><a href="/2023-02/1{n}/c_11293{n}.htm">
        新闻标题第{n}条的完整文字</a></h3>
        <p>摘要：2019年5月{n}日，有关部门发布了一项通知，其中提到了很多内容，摘要写得很长很长。</p>
        <p class="meta"><time>2023-02-1{n} 08:3{n}</time></p></div>"""
        for n in range(1, 4)
    )
    page = discover_list(f"<main>{items}</main>", "https://news.example.com/news/")
    assert [link.date for link in page.links] == [
        "2023-02-11T08:31:00+08:00",
        "2023-02-12T08:32:00+08:00",
        "2023-02-13T08:33:00+08:00",
    ]


def test_a_single_dated_link_on_a_last_page():
    html = """<div class="menu"><a href="/">Home</a> <a href="/news/">News center</a>
    <a href="/about/">About us</a></div>
    <ul class="news"><li><span>2023-02-12</span>
    <a href="/news/show-301.html">首部以朱德为主角的革命历史电影</a></li></ul>"""
    page = discover_list(html, "http://www.example.com/news/list_2.html")
    assert urls(page) == ["http://www.example.com/news/show-301.html"]


def test_the_same_article_twice_is_listed_once():
    html = """<ul>
    <li><a href="/art/2023/art_1_1001.html"><img src="a.jpg"></a>
      <a href="/art/2023/art_1_1001.html">第一篇文章的标题文字</a></li>
    <li><a href="/art/2023/art_1_1002.html"><img src="b.jpg"></a>
      <a href="/art/2023/art_1_1002.html">第二篇文章的标题文字</a></li>
    </ul>"""
    page = discover_list(html, "http://www.example.gov.cn/col/")
    assert [(link.url.rsplit("/", 1)[1], link.title) for link in page.links] == [
        ("art_1_1001.html", "第一篇文章的标题文字"),
        ("art_1_1002.html", "第二篇文章的标题文字"),
    ]


def test_a_page_of_menus_only_yields_no_links_and_says_so():
    html = """<div class="nav"><a href="/">首页</a> <a href="/a/">关于</a> <a href="/b/">联系</a>
    <a href="/c/">服务</a></div><p>暂无信息</p>"""
    page = discover_list(html, "http://www.example.gov.cn/tzgg/")
    assert page.links == ()
    assert "no article links found" in page.notes


@pytest.mark.parametrize("text", ["", "   ", "<?xml version='1.0' encoding='gbk'?>"])
def test_empty_input_yields_nothing(text):
    page = discover_list(text, "http://www.example.gov.cn/")
    assert page.links == () and page.next_pages == ()


def test_an_xhtml_page_with_an_encoding_declaration_is_read():
    html = """<?xml version="1.0" encoding="gb2312"?><html><body><ul>
    <li><a href="/a/t20230214_1.html">第一篇文章的标题文字</a></li>
    <li><a href="/a/t20230214_2.html">第二篇文章的标题文字</a></li></ul></body></html>"""
    assert len(discover_list(html, "http://www.example.gov.cn/a/").links) == 2


# --- selectors ----------------------------------------------------------------------------


def test_selectors_override_discovery():
    page = discover_list(
        read("gov_list.html"),
        GOV_PAGE,
        links="div.side li a",
        next="div.page a:-soup-contains('尾页')",
    )
    assert urls(page) == [
        "http://www.example.gov.cn/zwgk/zcjd/202301/t20230105_880011.html",
        "http://www.example.gov.cn/zwgk/zcjd/202212/t20221220_879900.html",
        "http://www.example.gov.cn/zwgk/zcjd/202212/t20221201_879812.html",
    ]
    assert page.next_pages == (PageRequest("http://www.example.gov.cn/zwgk/tzgg/index_9.html"),)


def test_a_selector_list_still_gets_dates():
    page = discover_list(read("gov_list.html"), GOV_PAGE, links="ul.news-list a")
    assert urls(page) == GOV_ARTICLES
    assert page.links[4].date == "2023-02-06T00:00:00+08:00"


def test_bad_selectors_patterns_and_zones_are_errors():
    with pytest.raises(ValueError):
        discover_list("<p></p>", GOV_PAGE, links="ul[")
    with pytest.raises(ValueError):
        discover_list("<p></p>", GOV_PAGE, include="art_(")
    with pytest.raises(ValueError):
        discover_list("<p></p>", GOV_PAGE, timezone="Mars/Olympus")
    with pytest.raises(ValueError):
        check_selector("a:nth-child(")
    check_selector("a:-soup-contains('下一页')")


# --- plain "next" links -------------------------------------------------------------------


@pytest.mark.parametrize(
    "pager",
    [
        '<a href="list_2.html">下一页</a>',
        '<a href="list_2.html">下一页&gt;</a>',
        '<a class="nxt" href="list_2.html">下一页</a>',
        '<a href="list_2.html" rel="next">2</a>',
        '<a href="list_2.html">Next</a>',
    ],
)
def test_next_link_forms(pager):
    html = f"<ul><li><a href='/x/art_1.html'>一</a></li></ul><div>{pager}</div>"
    page = discover_list(html, "http://www.example.com/x/list_1.html")
    assert page.next_pages == (PageRequest("http://www.example.com/x/list_2.html"),)


def test_link_rel_next_in_the_head():
    html = '<html><head><link rel="next" href="/x/list_2.html"></head><body></body></html>'
    page = discover_list(html, "http://www.example.com/x/list_1.html")
    assert page.next_pages == (PageRequest("http://www.example.com/x/list_2.html"),)


def test_script_next_links_are_not_pages():
    html = '<div><a href="javascript:goPage(2)">下一页</a> <a href="#">下一页</a></div>'
    assert discover_list(html, "http://www.example.com/x/").next_pages == ()


# --- TRS WCM ------------------------------------------------------------------------------


def test_trs_pager_with_literal_arguments():
    pager = cms.find_trs_pager(['createPageHTML(5, 0, "index", "html");'])
    assert pager == cms.TrsPager(count=5, current=0, name="index", ext="html")
    assert [r.url for r in cms.trs_next_pages(pager, "http://a.gov.cn/xw/index.html")] == [
        f"http://a.gov.cn/xw/index_{n}.html" for n in range(1, 5)
    ]


def test_trs_pager_with_variables_and_the_function_defined_inline():
    scripts = [
        "function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){}",
        "var countPage = 12//共多少页\nvar currentPage = 10;\n"
        'createPageHTML(countPage, currentPage, "index", "shtml");',
    ]
    pager = cms.find_trs_pager(scripts)
    assert pager == cms.TrsPager(count=12, current=10, name="index", ext="shtml")
    assert [r.url for r in cms.trs_next_pages(pager, "http://a.gov.cn/xw/index_10.shtml")] == [
        "http://a.gov.cn/xw/index_11.shtml"
    ]


def test_trs_pager_with_an_element_id_first_and_a_record_count_last():
    pager = cms.find_trs_pager(["createPageHTML('page_div',7, 2,'index','html',135);"])
    assert pager == cms.TrsPager(count=7, current=2, name="index", ext="html")


def test_trs_last_page_has_no_next_pages():
    html = (
        '<ul><li><a href="./t1.html">x</a></li></ul>'
        '<script>createPageHTML(3, 2, "index", "html");</script>'
    )
    page = discover_list(html, "http://a.gov.cn/xw/index_2.html")
    assert page.next_pages == ()
    assert "trs pager: page 3 of 3" in page.notes


def test_trs_pager_yields_every_following_page():
    html = '<div class="page"><script>createPageHTML(4, 0, "index", "html");</script></div>'
    page = discover_list(html, "http://a.gov.cn/xw/szyw/")
    assert [r.url for r in page.next_pages] == [
        "http://a.gov.cn/xw/szyw/index_1.html",
        "http://a.gov.cn/xw/szyw/index_2.html",
        "http://a.gov.cn/xw/szyw/index_3.html",
    ]


def test_an_unresolvable_pager_call_is_ignored():
    assert cms.find_trs_pager(["createPageHTML(n + 1, cur, 'index', 'html');"]) is None


# --- Hanweb jpage -------------------------------------------------------------------------


def test_hanweb_records_are_the_list():
    page = discover_list(read("hanweb_list.html"), HANWEB_PAGE)
    assert [(link.url, link.title, link.date) for link in page.links] == [
        (
            "http://www.example.gov.cn/art/2023/2/14/art_9200_123456.html",
            "示例省发展改革委部署2023年重点工作",
            "2023-02-14T00:00:00+08:00",
        ),
        (
            "http://www.example.gov.cn/art/2023/2/13/art_9200_123440.html",
            "全省价格监测工作会议召开强调做好重要民生商品保供稳价",
            "2023-02-13T00:00:00+08:00",
        ),
        (
            "http://www.example.gov.cn/art/2023/2/10/art_9200_123391.html",
            "示例省下达2023年第一批中央预算内投资计划",
            "2023-02-10T16:30:00+08:00",
        ),
    ]


def test_hanweb_next_pages_are_data_proxy_posts_with_the_column_parameters():
    page = discover_list(read("hanweb_list.html"), HANWEB_PAGE)
    proxy = "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp"
    assert len(page.next_pages) == 33  # records 4..100, three a request
    first, last = page.next_pages[0], page.next_pages[-1]
    assert first.url == f"{proxy}?startrecord=4&endrecord=6&perpage=1"
    assert last.url == f"{proxy}?startrecord=100&endrecord=100&perpage=1"
    assert first.method == "POST"
    assert first.data == (
        ("col", "1"),
        ("appid", "1"),
        ("webid", "3"),
        ("path", "/"),
        ("columnid", "9200"),
        ("sourceContentType", "1"),
        ("unitid", "66310"),
        ("webname", "示例省发展和改革委员会"),
        ("permissiontype", "0"),
    )


def test_a_selector_applies_to_the_records_as_jpage_would_show_them():
    page = discover_list(read("hanweb_list.html"), HANWEB_PAGE, links="li a[title]")
    assert len(page.links) == 3
    assert page.links[2].date == "2023-02-10T16:30:00+08:00"


def test_a_data_proxy_answer_is_read_as_a_list_page():
    url = "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=6&perpage=1"
    page = discover_list(read("hanweb_proxy.xml"), url)
    assert urls(page) == [
        "http://www.example.gov.cn/art/2023/2/9/art_9200_123350.html",
        "http://www.example.gov.cn/art/2023/2/8/art_9200_123301.html",
    ]
    assert page.links[1].date == "2023-02-08T00:00:00+08:00"
    assert page.next_pages == ()


def test_the_next_group_link_is_followed_without_a_jpage_call():
    html = read("hanweb_list.html").split("<script language")[0]
    page = discover_list(html, HANWEB_PAGE)
    assert page.next_pages == (
        PageRequest(
            "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3"
            "&path=/&columnid=9200&unitid=66310&webname=%E7%A4%BA%E4%BE%8B&permissiontype=0"
        ),
    )


def test_jpage_options_read_from_javascript():
    script = """$(function(){$('#49468').jpage({themeName:'default', /* skin */ showMode:"full",
      totalRecord:1418,openCookies:false,dataBefore:'<table>',dataStore:InitData49468,
      dataAfter:'</table>'+x,groupSize:3,proxyUrl:'/module/jslib/jquery/jpage/dataproxy.jsp',
      perPage:25,ajaxParam:{col:1,appid:'1',webid:60,path:'/',columnid:30067,unitid:'49468',
      webname:'\\u5357\\u901a',permissiontype:0}});});"""
    (call,) = cms.find_jpage_calls([script])
    assert call.target == "49468"
    assert (call.per_page, call.group_size, call.total) == (25, 3, 1418)
    assert call.proxy_url == "/module/jslib/jquery/jpage/dataproxy.jsp"
    assert dict(call.params)["webname"] == "南通"
    store = cms.Datastore(records=("<li></li>",) * 75)
    requests, _ = cms.dataproxy_requests(call, store, "http://a.gov.cn/col/col1/index.html")
    assert len(requests) == 18
    assert requests[0].url.endswith("?startrecord=76&endrecord=150&perpage=25")
    assert requests[-1].url.endswith("?startrecord=1351&endrecord=1418&perpage=25")


def test_without_a_total_one_more_group_is_asked_for_when_this_one_is_full():
    call = cms.JpageCall("1", "/proxy.jsp", per_page=2, group_size=2, total=None, params=())
    full = cms.Datastore(records=("a", "b", "c", "d"))
    short = cms.Datastore(records=("a", "b", "c"))
    base = "http://a.gov.cn/col/index.html"
    assert [r.url for r in cms.dataproxy_requests(call, full, base)[0]] == [
        "http://a.gov.cn/proxy.jsp?startrecord=5&endrecord=8&perpage=2"
    ]
    assert cms.dataproxy_requests(call, short, base)[0] == []


def test_datastore_records_without_cdata_are_unescaped():
    store = cms.parse_datastore(
        "<datastore><totalrecord>1</totalrecord><recordset><record>"
        "&lt;li&gt;&lt;a href='/art/1.html'&gt;标题&lt;/a&gt;&lt;/li&gt;"
        "</record></recordset></datastore>"
    )
    assert store == cms.Datastore(records=("<li><a href='/art/1.html'>标题</a></li>",), total=1)


# --- robustness ---------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from(
    [
        "<ul>",
        "</ul>",
        "<li>",
        "<a href='/art/2023/art_1_1001.html'>",
        "</a>",
        "标题文字很长的一篇文章",
        "2023-02-14",
        "<script>",
        "</script>",
        "createPageHTML(",
        "3, 0,",
        "'index', 'html'",
        ")",
        "$('#1').jpage({",
        "perPage:",
        "ajaxParam:{col:1,",
        "}",
        "{",
        "]",
        "[",
        ")",
        "'",
        '"',
        "<datastore>",
        "<record><![CDATA[",
        "]]></record>",
        "<base href='//x'>",
        "下一页",
        "<a href='javascript:1'>",
        "<table><tr><td>",
        "\x00",
        "&amp;",
        "<!--",
        "-->",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=40).map("".join))
def test_any_text_is_read_without_error(text):
    page = discover_list(text, "http://www.example.gov.cn/col/index.html")
    assert all(link.url.startswith("http") for link in page.links)


@pytest.mark.parametrize(
    "script",
    [
        "$('#1').jpage({a:[1 )})",
        "$('#1').jpage({ ) })",
        "$('#1').jpage({a:1 ] b:2})",
        "$('#1').jpage({'a",
        "$('#1').jpage({a:{b:{c:",
        "createPageHTML(]",
    ],
)
def test_unbalanced_scripts_end(script):
    """Broken templates once sent the JavaScript reader round in circles."""
    cms.find_jpage_calls([script])
    cms.find_trs_pager([script])
