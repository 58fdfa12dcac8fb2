"""Which lines of an article page are its body: written pages in the shapes portals use."""

from __future__ import annotations

import pytest

from aggregator.normalize import normalize

HEADLINE = "娱乐圈受黑社会控制？明星挨打事件回顾"
STORY = [
    "2005年4月18日他进棚录像，凌晨收班后在餐厅用餐，出来的时候突然被不明人士殴打。",
    "2004年6月，另一位艺人也传出遭痛殴，外界众说纷纭，他在医院接受手术后露脸说明一切。",
    "2004年3月，又一位歌手在商场内遭两名青年挑衅殴打，双方展开近半小时的追逐战。",
]


def page(*lines: str, before: str = "", after: str = "") -> str:
    """An article page whose body element holds `lines`, one <p> each."""
    body = "".join(f"<p>{line}</p>" for line in lines)
    return f"""<html><head><meta charset="utf-8"><title>{HEADLINE}</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/news/">要闻</a> <a href="/local/">本地</a></div>
<h1>{HEADLINE}</h1>
<div class="info">2023-02-12 10:05 来源：河西日报</div>
<div class="article-content">{body}</div>{after}
<div class="footer">版权所有：河西日报社 陇ICP备12000003号</div></body></html>"""


def paragraphs(html: str) -> list[str]:
    return list(normalize(html).paragraphs)


def test_a_label_word_inside_a_sentence_does_not_make_the_first_paragraph_a_header():
    first = (
        "近日，天王被打，娱乐圈被打事件频频发生。然明星被打时间频繁发生的背后，"
        "让我们惊骇。让我们回顾一下众明星被打事件："
    )
    assert paragraphs(page(first, *STORY)) == [first, *STORY]


def test_a_short_kicker_opening_the_body_is_kept():
    assert paragraphs(page("编者按", *STORY)) == ["编者按", *STORY]
    assert paragraphs(page("人物画像", *STORY)) == ["人物画像", *STORY]


def test_a_short_closing_sentence_is_kept():
    html = page(
        *STORY, "预祝大会圆满成功！", after='<p class="yw">原文链接：<a href="/a">/a</a></p>'
    )
    assert paragraphs(html) == [*STORY, "预祝大会圆满成功！"]
    assert paragraphs(page(*STORY, "特此通告。")) == [*STORY, "特此通告。"]


def test_fields_and_box_headers_beside_the_body_are_not_paragraphs():
    assert paragraphs(page(*STORY, "责任编辑：李明")) == STORY
    assert paragraphs(page(*STORY, "精彩视频推荐")) == STORY
    assert paragraphs(page(*STORY, "原标题：明星挨打事件回顾")) == STORY
    assert paragraphs(page("记者 王建宏 张文攀", *STORY)) == STORY
    assert paragraphs(page("2023年2月12日", *STORY)) == STORY


def test_a_closing_sentence_outside_the_body_element_stays_out():
    html = page(*STORY, after="<p>欢迎投稿！</p>")
    assert paragraphs(html) == STORY


EN_HEADLINE = "Hunter diagnosed with plague after eating a wild rabbit"
EN_STORY = [
    "The 55-year-old is the third resident of the region to contract the disease this year, "
    "the local health commission said on Sunday.",
    "Health officials said that 28 people in close contact with the hunter were put in "
    "quarantine, and none of them has shown any symptoms so far.",
    "The man told doctors he ate the rabbit meat on a hunting trip early this month.",
]


def english_page(*parts: str) -> str:
    """An English article page whose body element holds `parts` (HTML) in order."""
    return f"""<html><head><meta charset="utf-8"><title>{EN_HEADLINE} | The Daily</title></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<h1>{EN_HEADLINE}</h1><div class="byline">By Jane Doe</div>
<div class="article-body">{"".join(parts)}</div>
<footer>© 2019 The Daily. All rights reserved.</footer></body></html>"""


def p(*lines: str) -> str:
    return "".join(f"<p>{line}</p>" for line in lines)


def test_an_english_opening_sentence_using_a_label_word_is_not_a_header():
    opening = "A hunter who ate a wild rabbit has been hit by the plague."
    assert paragraphs(english_page(p(opening, *EN_STORY))) == [opening, *EN_STORY]
    dated = "Officials say the records are up to date and posted online."
    assert paragraphs(english_page(p(dated, *EN_STORY))) == [dated, *EN_STORY]


def test_english_header_labels_opening_a_line_are_still_header():
    html = english_page(p("Published 2:16 AM EST Nov 20, 2019", "Source: Reuters", *EN_STORY))
    assert paragraphs(html) == EN_STORY


def test_a_most_read_rail_inside_the_article_is_skipped_whole():
    items = "".join(
        f'<div class="rail-item"><h3 class="rail-kicker">KICKER {i}</h3>'
        f'<div class="rail-item-text">A different story about something else entirely, '
        f"number {i} of the rail</div></div>"
        for i in range(4)
    )
    rail = (
        '<div class="rail"><div class="rail-header"><h3>Most read in world news</h3></div>'
        f'<div class="rail-items">{items}</div></div>'
    )
    html = english_page(p(*EN_STORY[:2]), rail, p(EN_STORY[2]))
    assert paragraphs(html) == EN_STORY


def test_boxes_named_like_captions_or_credits_are_not_paragraphs():
    caption = (
        '<div class="wp-caption"><img src="/a.jpg" width="600" height="400">'
        '<p class="wp-caption-text">Health workers at the hospital on Monday, where the '
        "man is treated. (Credit: Getty Images)</p></div>"
    )
    credit = '<div class="image-credit">Jupiterimages, Getty Images/Creatas RF</div>'
    html = english_page(p(EN_STORY[0]), caption, p(EN_STORY[1]), credit, p(EN_STORY[2]))
    assert paragraphs(html) == EN_STORY


def test_an_article_in_a_box_whose_name_mentions_credit_is_kept():
    long_story = [line * 3 for line in EN_STORY]
    html = english_page(f'<div class="credit-news">{p(*long_story)}</div>')
    assert paragraphs(html) == long_story


def test_a_main_heading_worded_apart_from_the_title_is_not_the_first_paragraph():
    html = english_page(
        "<h1>High School Roundup: Viera defeats Rockledge to remain undefeated</h1>",
        '<div class="attribution">Elliot Example Florida Daily</div>',
        p(*EN_STORY),
    ).replace(f"<title>{EN_HEADLINE} | The Daily</title>", "<title>HS Roundup: Viera wins</title>")
    assert paragraphs(html) == EN_STORY


def test_time_stamps_are_dropped_wherever_the_template_puts_them():
    html = english_page(
        p(EN_STORY[0], "Updated at 1:23 p.m.", EN_STORY[1]),
        '<div class="footer-date">Published 11:11 PM EST Nov 19, 2019</div>',
        p(EN_STORY[2], "Updated guidance came on May 2, 2019."),
    )
    assert paragraphs(html) == [*EN_STORY, "Updated guidance came on May 2, 2019."]


DEK = (
    "There are more devices and services to choose from than ever before. Here is how to "
    "figure out what is best for you."
)


def headed_article(header_extra: str, body: str) -> str:
    return f"""<html><head><meta charset="utf-8"><title>{EN_HEADLINE}</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav><article>
<header class="headline-wrap"><h1>{EN_HEADLINE}</h1>{header_extra}
<div class="byline">By Jane Doe</div></header>
<div class="article-body">{body}</div></article>
<footer>© 2019 The Daily. All rights reserved.</footer></body></html>"""


def test_a_standfirst_beside_the_headline_is_not_the_first_paragraph():
    html = headed_article(f'<h2 class="sub-head">{DEK}</h2>', p(*EN_STORY))
    assert paragraphs(html) == EN_STORY


def test_an_intro_paragraph_in_the_body_box_is_kept():
    html = headed_article("", p(DEK, *EN_STORY))
    assert paragraphs(html) == [DEK, *EN_STORY]


def test_a_post_sharing_a_box_with_its_title_is_kept():
    """Blog archives put each post's title, date and text in one table, one post after
    another: the text is no standfirst."""
    titles = [EN_HEADLINE, "An older post", "Another older post", "The oldest post"]
    posts = "".join(
        f'<table class="post"><tr><td class="post-title">{title}</td></tr>'
        f'<tr><td class="post-title">2005-06-1{i} 03:25:55</td></tr>'
        f'<tr><td class="post-body">{" ".join(EN_STORY[i % 3 :] * 2)}</td></tr></table>'
        for i, title in enumerate(titles)
    )
    html = f"""<html><head><title>{EN_HEADLINE}</title></head><body>
<div class="posts">{posts}</div></body></html>"""
    assert paragraphs(html)[0] == " ".join(EN_STORY * 2)


def test_a_standfirst_beside_a_headline_worded_apart_from_the_title_is_not_text():
    html = headed_article(
        f'<h2 class="dek">{DEK}</h2><div class="meta">Nov 15, 2019, 5:45 AM</div>', p(*EN_STORY)
    ).replace(f"<title>{EN_HEADLINE}</title>", "<title>Plague case | The Daily</title>")
    assert paragraphs(html) == EN_STORY


@pytest.mark.parametrize(
    "caption",
    [
        "Protesters do not want the city to lose its autonomy (Image: GETTY )",
        "Workers load trims into a truck outside a store in Hialeah. (AP Photo/Alan Diaz, File)",
        "The road to retiring early isn't easy.Kathrin Ziegler/Getty",
        "The logo is displayed outside of a co-working space in New York.Reuters",
    ],
)
def test_a_caption_ending_in_its_photo_credit_is_not_a_paragraph(caption):
    html = english_page(p(EN_STORY[0]), f'<div class="pic">{caption}</div>', p(*EN_STORY[1:]))
    assert paragraphs(html) == EN_STORY


def test_sentences_naming_agencies_or_abbreviations_are_kept():
    lines = [
        "The figures were first reported by Reuters, and confirmed by the ministry later.",
        "The patient file is known as the electronic record (ePA)",
    ]
    assert paragraphs(english_page(p(*EN_STORY, *lines))) == [*EN_STORY, *lines]


def test_the_headline_shown_again_inside_the_body_is_not_text():
    gallery = f'<div class="gallery"><div class="gallery-title">{EN_HEADLINE}</div></div>'
    html = english_page(p(*EN_STORY[:2]), gallery, p(EN_STORY[2]))
    assert paragraphs(html) == EN_STORY
