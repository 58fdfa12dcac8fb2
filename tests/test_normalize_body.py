"""Which lines of an article page are its body: written pages in the shapes portals use."""

from __future__ import annotations

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
