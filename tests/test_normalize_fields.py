"""Field finders on small, written examples: credits, dates, source/publisher, title,
boilerplate, selector override, sanitizing, language and the summary."""

from __future__ import annotations

import pytest

from aggregator.dates import zone
from aggregator.models import Credit
from aggregator.normalize import normalize, render_summary
from aggregator.normalize.boilerplate import is_furniture, starts_list
from aggregator.normalize.credits import authors_of, credits_in_line, credits_in_paragraph
from aggregator.normalize.datetext import find_dates
from aggregator.normalize.lines import Line
from aggregator.normalize.outlets import corroborated_source, publisher_in_copyright, source_in_line

SHANGHAI = zone("Asia/Shanghai")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("光明日报记者 王建宏 张文攀", [("王建宏", "reporter"), ("张文攀", "reporter")]),
        (
            "本报实习生 刘国栋 周炜本报记者 王燕平 柏建斌2003-7-24 钱江晚报",
            [
                ("刘国栋", "intern"),
                ("周炜", "intern"),
                ("王燕平", "reporter"),
                ("柏建斌", "reporter"),
            ],
        ),
        ("(责编：萧潇、张妍)", [("萧潇", "editor"), ("张妍", "editor")]),
        ("新京报记者 彭冲 山东冠县报道", [("彭冲", "reporter")]),
        ("新华社记者 李鑫 摄", [("李鑫", "photographer")]),
        ("文/张三 图/李四", [("张三", "author"), ("李四", "photographer")]),
        ("编辑：山石", [("山石", "editor")]),
        ("By John Smith and Jane Doe", [("John Smith", "author"), ("Jane Doe", "author")]),
        ("记者了解到，这是", []),
        ("作者：关注", []),
        ("编辑：举报", []),
        ("记者：您怎么看", []),
        ("It was written by the Committee", []),
    ],
)
def test_credit_lines(line, expected):
    assert [(c.name, c.role) for c in credits_in_line(line)] == expected


def test_credits_inside_paragraphs():
    assert credits_in_paragraph("推动工业高质量发展。（记者 胡晓蓉）") == [
        Credit("胡晓蓉", "reporter")
    ]
    assert credits_in_paragraph("过一个廉洁的新春佳节。（常书香 马丹阳 ）", last=True) == [
        Credit("常书香", "author"),
        Credit("马丹阳", "author"),
    ]
    assert credits_in_paragraph("过一个廉洁的新春佳节。（常书香 马丹阳 ）", last=False) == []
    caption = "On February 13, the meeting was held。New Gansu Gansu Daily reporter Gao Qiang"
    assert credits_in_paragraph(caption, caption=True) == [Credit("Gao Qiang", "photographer")]


def test_translated_chinese_names_are_split_in_pairs():
    text = "Lanzhou February 13 news(New Gansu · Gansu Daily reporter Zhang Fugui Jin Xin) The"
    assert [c.name for c in credits_in_paragraph(text)] == ["Zhang Fugui", "Jin Xin"]


def test_authors_exclude_editors_and_put_photographers_last():
    credits = [Credit("甲乙", "photographer"), Credit("王五", "reporter"), Credit("赵六", "editor")]
    assert authors_of(credits) == ("王五", "甲乙")


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("发布时间：2022-02-13 04:22:18 来源", "2022-02-13T04:22:18+08:00", "second"),
        ("2005年03月31日03:18 北京娱乐信报", "2005-03-31T03:18:00+08:00", "minute"),
        ("2022.01.20 16:31", "2022-01-20T16:31:00+08:00", "minute"),
        ("——《北京之春》1998年3月号", "1998-03-01T00:00:00+08:00", "month"),
        ("17/9/2004 5:54:13 AM", "2004-09-17T05:54:13+08:00", "second"),
        ("February 13, 2023 10:21 AM", "2023-02-13T10:21:00+08:00", "minute"),
        ("2022-02-06T12:48:06+00:00", "2022-02-06T12:48:06+00:00", "second"),
    ],
)
def test_dates_in_text(text, iso, precision):
    (found, *_) = find_dates(text, SHANGHAI)
    assert (found.moment.isoformat(), found.precision) == (iso, precision)


def test_ambiguous_slash_date_follows_the_language():
    assert find_dates("7/5/2005", SHANGHAI)[0].moment.month == 5
    assert find_dates("7/5/2005", SHANGHAI, month_first=True)[0].moment.month == 7


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("发布时间：2022-02-13 04:22:18 来源：云南日报", "云南日报"),
        ("来源：[ 国际金融报 ]", "国际金融报"),
        ("来源：巴彦淖尔日报   编辑：苏亮", "巴彦淖尔日报"),
        ("2022年02月13日07:48 | 来源：新华日报", "新华日报"),
        ("Source: New Gansu Province 2023-02-14 点击:", "New Gansu Province"),
        ("没有来源的一行", None),
        ("来源：每日经济新闻 举报", "每日经济新闻"),
    ],
)
def test_source_lines(line, source):
    assert source_in_line(line) == source


def test_source_is_shortened_to_the_outlet_the_article_names():
    body = "New Gansu client Lanzhou February 13 news(New Gansu · Gansu Daily reporter X Y)"
    assert corroborated_source("New Gansu Province", body) == "New Gansu"
    assert corroborated_source("Gansu Daily", body) == "Gansu Daily"


@pytest.mark.parametrize(
    ("footer", "publisher"),
    [
        ("Copyright © 2022 巴彦淖尔市人民政府 版权所有 蒙ICP备05000000号", "巴彦淖尔市人民政府"),
        ("版权所有：甘肃省人民政府办公厅 主办：甘肃省人民政府", "甘肃省人民政府办公厅"),
        ("Copyright © 2005 Sina Corporation, All Rights Reserved", "Sina Corporation"),
    ],
)
def test_publisher_from_copyright(footer, publisher):
    assert publisher_in_copyright([Line(footer, 0, None)]) == publisher


@pytest.mark.parametrize(
    "line",
    [
        "Our website uses cookies to improve its performance and your experience.",
        "扫一扫在手机打开当前页",
        "浏览次数：1234",
        "陇ICP备19003539号",
        "甘公网安备 62010202003282号",
        "【打印本页】",
        "分享到：",
        "河西日报原创稿件，未经授权不得转载",
        "(本文发表于首页批评与建议, 已被阅读178次)",
        "每天推送本地要闻和便民资讯，更多精彩内容请扫描二维码关注（hexidaily）",
        "【本文版权归腾讯公司独家所有。未经授权，不得转载、摘编等。】",
        "Copyright © 2003 Yahoo! Holdings (Hong Kong) Limited. 版权所有 不得转载",
        "Copyright @ 2019 The Example Arab.",
        "Advert",
        "Anzeige",
        "Sharing is caring!",
        "0shares",
        "Read Later",
        "Share this article",
        "Copied!",
        "Caption",
        "Image 1 of / 13",
        "1 / 13",
        "1 of 6",
        "Back to Gallery",
        "Continue Reading Below",
        "Share your thoughts with friends.",
        "This slideshow requires JavaScript.",
        "To Read the Full Story",
        "Loading content ...",
        "© Martin Example of Aberdeenshire, Scotland",
        "This document is subject to copyright. Apart from any fair dealing for the purpose of "
        "private study or research, no part may be reproduced without the written permission. "
        "The content is provided for information purposes only.",
        "Copyright 2019 The Associated Press. All rights reserved. This material may not be "
        "published, broadcast, rewritten or redistributed.",
        "Get the latest updates right in your inbox. Subscribe to our newsletters.",
        "Sign up to our newsletter for exclusive updates and enhanced content",
        "Already a subscriber? Log in",
        "Subscribe to continue reading this article.",
        "This article is only available to subscribers.",
    ],
)
def test_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Related Links",
        "You may also like...",
        "ABOUT THE AUTHOR",
        "Explore further",
        "DON'T MISS",
        "Tell us what YOU think...",
        "Read these next",
        "Top Stories",
        "Recommended Articles",
        "相关新闻",
    ],
)
def test_headers_of_lists_after_the_article(line):
    assert starts_list(line)


@pytest.mark.parametrize(
    "line",
    [
        "The company said it would share the data with regulators next week.",
        "About the author of the report, little is known beyond her name.",
        "Shares in the company fell 5 per cent on Tuesday after the results.",
        "Top stories of the year were chosen by the readers of the paper.",
        "The court ruled that the photographs were subject to copyright when they were taken, "
        "and that the agency had no licence to sell them abroad for the last ten years, "
        "a decision that lawyers for the family said they would appeal to the highest court.",
        "Readers who sign up for the council's newsletter get the agenda a week early.",
        "Getting an email into a busy inbox is harder than it was, marketers say.",
    ],
)
def test_english_sentences_with_widget_words_are_neither(line):
    assert not is_furniture(line) and not starts_list(line)


@pytest.mark.parametrize(
    "line",
    [
        "省工业和信息化厅相关负责人表示，我省将持续优化政策环境，提升绿色制造水平。",
        "美国唱片工会表示：“播客在使用其它音乐时，一定要获得版权所有者或制作人的许可。”",
        "；这样，作为该派中一员，他就能分享到一份胜利者的光荣。事过境迁，今天的人",
        "市民上车后扫码即可乘车，全程无需排队，高峰时段也能在一分钟内完成进站。",
        "门户网站全年浏览次数超过两千万，政务服务事项网上可办率达到百分之九十五。",
    ],
)
def test_article_sentence_is_not_furniture(line):
    assert not is_furniture(line)


ARTICLE = """<html lang="en"><head><title>Site name | Ignored</title>
<meta property="og:title" content="Budget approved after long night">
<meta property="article:published_time" content="2023-02-13T21:30:00-05:00">
<meta property="og:site_name" content="The Daily Example">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Budget approved after long night</h1><p class="byline">By Jane Doe</p>
<div class="story">
<p>The council approved the budget on Monday night, after a debate that lasted eleven hours.</p>
<p onclick="track()">Members voted nine to four in favour, with two abstentions, the clerk said.</p>
<script>alert(1)</script>
<p>The new budget takes effect in April and funds <a href="/roads">road repairs</a>.</p>
</div><aside class="related"><h3>Related stories</h3>
<a href="/a">Another story about the council</a></aside>
</article><footer>Copyright © 2023 Example Media Ltd. All rights reserved.</footer></body></html>"""


def test_english_article_from_metadata_and_structure():
    record = normalize(ARTICLE, "https://news.example.com/2023/02/13/budget.html")
    assert record.title == "Budget approved after long night"
    assert record.published == "2023-02-13T21:30:00-05:00"
    assert record.publisher == "The Daily Example"
    assert record.authors == ("Jane Doe",)
    assert record.language == "en"
    assert len(record.paragraphs) == 3 and record.paragraphs[0].startswith("The council approved")
    assert 'href="https://news.example.com/roads"' in record.body_html
    assert "onclick" not in record.body_html and "alert" not in record.body_html
    assert "Related stories" not in record.body


def test_selector_overrides_the_vote():
    extra = '<div id="extra"><p>A short note the site editor marked as the article.</p></div>'
    page = ARTICLE.replace("<footer>", extra + "<footer>")
    assert normalize(page).paragraphs[0].startswith("The council approved")
    record = normalize(page, article_selector="#extra")
    assert record.paragraphs == ("A short note the site editor marked as the article.",)
    assert normalize(page, article_selector="#missing").paragraphs[0].startswith("The council")


def test_time_without_offset_is_read_in_the_source_zone():
    page = (
        "<html><body><h1>标题在这里很长</h1><div>发布时间：2023-02-14 10:21</div>"
        "<div><p>正文第一段，内容足够长，带有标点符号。</p><p>正文第二段，也有足够的文字和标点。</p>"
        "</div></body></html>"
    )
    assert normalize(page).published == "2023-02-14T10:21:00+08:00"
    assert normalize(page, timezone="Europe/Paris").published == "2023-02-14T10:21:00+01:00"


def test_date_from_url_when_the_page_has_none():
    page = (
        "<html><body><h1>一个标题</h1><div><p>正文第一段，内容足够长，带有标点符号。</p>"
        "<p>正文第二段，也有足够的文字和标点。</p></div></body></html>"
    )
    record = normalize(page, "http://www.example.gov.cn/art/2023/2/14/t20230214_123.html")
    assert record.published == "2023-02-14T00:00:00+08:00"


def test_summary_shows_fields_and_body():
    record = normalize(ARTICLE, "https://news.example.com/2023/02/13/budget.html")
    summary = render_summary(record)
    assert summary.startswith("Title:     Budget approved after long night\n")
    assert "Authors:   Jane Doe" in summary
    assert summary.rstrip().endswith("funds road repairs.")


def _page(head: str, body: str) -> str:
    paragraphs = (
        "<p>正文第一段，内容足够长，带有标点符号。</p><p>正文第二段，也有足够的文字和标点。</p>"
    )
    body = f"<h1>一个标题</h1>{body}<div>{paragraphs}</div>"
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_metadata_instant_is_shown_in_the_pages_own_offset():
    head = '<meta property="article:published_time" content="2022-02-06T12:48:06+00:00">'
    record = normalize(_page(head, "<p>发表时间： 06/02/2022 - 13:48</p>"))
    assert record.published == "2022-02-06T13:48:06+01:00"
    assert normalize(_page(head, "")).published == "2022-02-06T12:48:06+00:00"


def test_a_blank_metadata_date_gives_way_to_the_date_line():
    jsonld = '{"@type": "NewsArticle", "datePublished": "0001-01-01T00:00:00Z"}'
    head = f'<script type="application/ld+json">{jsonld}</script>'
    record = normalize(_page(head, "<p>Published Nov 20, 2019</p>"))
    assert record.published == "2019-11-20T00:00:00+08:00"


def test_official_document_date_wins_over_the_cms_publish_time():
    head = '<meta name="PubDate" content="2022-01-28 00:00:00">'
    cells = "<table><tr><td>成文日期：</td><td>2022年01月27日</td></tr></table>"
    assert normalize(_page(head, cells)).published == "2022-01-27T00:00:00+08:00"
    assert normalize(_page(head, "")).published == "2022-01-28T00:00:00+08:00"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("[湖湘文化]陈天华《警世钟》ggjjzhzz 发表于 2005-9-15 11:46:00", "ggjjzhzz"),
        ("由海姑娘张贴 @ 2005-06-14 03:25:55 (370) 共 11 篇评论", "海姑娘"),
        ("Posted by jsmith at 10:00", "jsmith"),
    ],
)
def test_blog_posters(line, name):
    assert credits_in_line(line) == [Credit(name, "author")]


def test_pen_name_under_the_headline_but_not_a_share_button():
    page = (
        "<html><head><title>站点名称</title></head><body><p>我是怎样卷入八九民运的</p><p>{}</p>"
        "<div><p>一九八九年四月，我在湖南张家界开一个全省教学研究会议。</p>"
        "<p>按照惯例，会议安排了一天时间，让与会者去风景点游玩观赏。</p></div></body></html>"
    )
    assert normalize(page.format("茉莉")).authors == ("茉莉",)
    assert normalize(page.format("<a href='#'>微信</a>")).authors == ()


@pytest.mark.parametrize(
    ("author", "authors"),
    [
        ("王建宏 张文攀", ("王建宏", "张文攀")),  # two people, as TRS pages write them
        ("王  健", ("王健",)),  # one name spaced out to line up
        ("胡晓蓉", ("胡晓蓉",)),
        ("河西日报", ()),  # an outlet, not a person
    ],
)
def test_author_meta_names_each_person(author, authors):
    head = f'<meta name="Author" content="{author}">'
    assert normalize(_page(head, "")).authors == authors


@pytest.mark.parametrize(
    "table",
    [
        "<table><tr><td>发文机关：</td><td>吉林省人民政府</td>"
        "<td>成文日期：</td><td>2022年01月27日</td></tr></table>",
        "<p>发文机关：国务院办公厅、教育部 成文日期：2022年01月27日</p>",
    ],
)
def test_issuing_body_of_an_official_document_is_its_author(table):
    record = normalize(_page("", table))
    issuers = [c.name for c in record.credits if c.role == "issuer"]
    assert issuers and record.authors == tuple(issuers)
    assert issuers[0] in ("吉林省人民政府", "国务院办公厅")


@pytest.mark.parametrize(
    ("source", "authors"),
    [
        ("尹娟", ("尹娟",)),  # a writer's own text, reposted
        ("金融界", ()),
        ("商讯", ()),
        ("高新区", ()),
        ("林业局", ()),
        ("新华网", ()),
    ],
)
def test_a_source_line_naming_a_person_credits_that_person(source, authors):
    assert normalize(_page("", f"<p>来源: {source}</p>")).authors == authors


def test_a_source_person_does_not_add_to_credited_authors():
    record = normalize(_page("", "<p>来源: 尹娟</p><p>记者 王建宏</p>"))
    assert record.authors == ("王建宏",)


def _portal_page(head: str, header: str, body: str, after: str = "") -> str:
    nav = "".join(f'<li><a href="/c{i}/">栏目{i}</a></li>' for i in range(8))
    return (
        f"<html><head><meta charset='utf-8'>{head}</head><body><ul class='nav'>{nav}</ul>"
        f"<div class='article'>{header}<div class='content'>{body}</div></div>{after}"
        "<div class='footer'>版权所有：某某县人民政府 中文域名：某某县.政务 网站标识码1234</div>"
        "</body></html>"
    )


_PARAGRAPHS = "".join(
    f"<p>{text}</p>"
    for text in (
        "5月10日至12日，全县农业技术推广工作会议在县会议中心召开，各乡镇分管负责同志参加会议。",
        "会议总结了去年以来的农技推广工作，部署了今年春耕生产和病虫害防治的重点任务。",
        "会议要求各乡镇压实责任，确保各项措施落到实处，为全年粮食丰收打下坚实基础。",
    )
)


def test_a_headline_below_the_article_is_a_sidebar_not_the_title():
    # <title> is "column--site"; the sidebar after the article shows the site's name, the
    # headline above the date line shows neither, and ends in "！".
    page = _portal_page(
        "<title>新闻动态--某某县农业农村局官网</title>",
        "<h5>2019年全县农业技术推广工作会议顺利召开！</h5>"
        "<div>发布时间：2019-05-18 来源：县农业农村局</div>",
        _PARAGRAPHS,
        after="<div class='side'><h5>某某县农业农村局</h5><p>地址：某某路1号</p></div>",
    )
    assert normalize(page).title == "2019年全县农业技术推广工作会议顺利召开！"


def test_a_headline_broken_over_lines_is_read_from_the_title_tag():
    page = _portal_page(
        "<title>某某县人民政府关于调整2024年农业技术推广项目资金安排的通知_政府公报_某某县人民政府</title>",
        "<div>字号：默认 大 超大 | 打印 |</div>"
        "<h1>某某县人民政府<br>关于调整2024年农业技术推广项目<br>资金安排的通知</h1>",
        _PARAGRAPHS,
    )
    record = normalize(page)
    assert record.title == "某某县人民政府关于调整2024年农业技术推广项目资金安排的通知"
    assert record.publisher == "某某县人民政府"


def test_a_page_stitched_from_includes_is_read_past_its_first_closing_html_tag():
    # The header include ends with </body></html>; browsers read on, and so must we.
    page = _portal_page(
        "<title>全县农业技术推广工作会议召开_某某县人民政府</title>",
        "</body></html><!--end header--><h1>全县农业技术推广工作会议召开</h1>",
        _PARAGRAPHS,
    )
    record = normalize(page)
    assert len(record.paragraphs) == 3 and record.paragraphs[0].startswith("5月10日至12日")
    assert record.publisher == "某某县人民政府"


def test_a_source_meta_tag_holding_the_whole_line_gives_the_outlet():
    page = _portal_page(
        "<title>全县农业技术推广工作会议召开</title>"
        '<meta name="source" content="来源：某某日报 原创稿">',
        "<h1>全县农业技术推广工作会议召开</h1>",
        _PARAGRAPHS,
    )
    assert normalize(page).source == "某某日报"


def test_an_element_marked_as_the_source_names_the_outlet_without_a_label():
    header = (
        "<h1>全县农业技术推广工作会议召开</h1><div class='date-source'>"
        "<span class='date'>2019年09月07日 06:52</span>"
        "<a class='source ent-source' href='http://paper.example.cn/'>某某日报</a></div>"
    )
    photo = (
        "<figure><img src='/a.jpg'><figcaption class='caption-source'>新华社</figcaption></figure>"
    )
    page = _portal_page("<title>全县农业技术推广工作会议召开</title>", header, photo + _PARAGRAPHS)
    assert normalize(page).source == "某某日报"
    without = page.replace("<a class='source ent-source'", "<a class='paper'")
    assert normalize(without).source is None  # not the photo's credit
    assert normalize(page.replace("某某日报", "21世纪经济报道")).source == "21世纪经济报道"
    assert normalize(page.replace("某某日报", "12评论")).source is None
