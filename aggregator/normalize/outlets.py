"""Who the article comes from (`source`), who runs the site (`publisher`) and its column
(`section`).

Chinese portals repost articles and say where from on a 来源 line ("来源：新华网",
"文章来源: 人民日报", "Source: New Gansu"); government CMSs also put it in a ContentSource
meta tag. The publisher is named by SiteName/og:site_name or by the copyright line at the
foot of every page ("版权所有：…", "Copyright © … All Rights Reserved X Co., LTD").
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from aggregator.normalize.lines import Line
from aggregator.normalize.metadata import PageMeta, jsonld_text

_SOURCE_LABEL = re.compile(
    r"(?:文章来源|信息来源|稿件来源|新闻来源|消息来源|内容来源|转载来源|来源|来自|出处|Source)\s*[:：]\s*",
    re.IGNORECASE,
)
# Where a source value ends: the next label, a date, a bracket or a wide gap.
_SOURCE_END = re.compile(
    r"\s{2,}|\s*[|｜【】\[\]()（）]|\s*(?:作者|编辑|责编|记者|发布|时间|日期|点击|浏览|阅读|字号|字体|"
    r"更新|打印|分享|举报|收藏|评论|关注)|"  # no \b: a CJK label runs straight into the next word
    r"\s*\b(?:Author|By|Editor|Date|Time|Updated|Published|Posted|Click)\b|"
    r"\s*(?:19|20)\d{2}\s*[-/.年]|\s*[。，,;；]|\s*点击|\s*$",
    re.IGNORECASE,
)
# "原创" / "原创稿": the site marking the piece its own, not part of the outlet's name.
_ORIGINAL_MARK = re.compile(r"\s+原创稿?$")
# A class token naming the source: "source", "a_source", "ent-source" (not "sourcePopwin").
_SOURCE_CLASS = re.compile(r"(?:^|[\s_-])source(?:$|\s)", re.IGNORECASE)
_PICTURE_CLASS = re.compile(r"caption|picture|photo|image|img|credit", re.IGNORECASE)
# A counter or a button, not an outlet ("12评论", "分享"); "21世纪经济报道" keeps its digits.
_NOT_AN_OUTLET = re.compile(
    r"\d+\s*(?:条|次|人|评)|评论|分享|举报|收藏|关注|订阅|comment|share", re.IGNORECASE
)
_COPYRIGHT = re.compile(
    r"(?:版权所有|版權所有|主办单位|主办|Copyrights?|©|\(c\)|All Rights Reserved)\s*[:：]?\s*",
    re.IGNORECASE,
)
_COPYRIGHT_NOISE = re.compile(
    r"^(?:(?:版权所有|版權所有|主办单位|主办|Copyrights?|©|\(c\)|All Rights Reserved|"
    r"(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)?\d{2,4})?)[\s:：,.·]*)+",
    re.IGNORECASE,
)
_PUBLISHER_END = re.compile(
    r"\s*(?:[|｜;；。]|\s{2,}|(?:\s+[A-Za-z]+\s+|\s*[\u4e00-\u9fff])?ICP|备案|[\u4e00-\u9fff]?公网安备|"
    r"(?:\s+[A-Za-z]+)?\s+public network|电话|地址|邮编|E-?mail|联系|技术支持|主办|承办|中文域名|"
    r"网站标识码|All Rights Reserved|版权所有|Copyright|\bTel\b|\bAdd\b|\s(?:19|20)\d{2}\b)",
    re.IGNORECASE,
)
_BREADCRUMB_SEPARATOR = re.compile(r"\s*(?:>>|>|»|→|＞|›|/)\s*")
_BREADCRUMB_LABEL = re.compile(
    r"^(?:当前位置|您的位置|你的位置|所在位置|位置|current location|you are here)\s*[:：]?\s*",
    re.IGNORECASE,
)
_NOT_A_SECTION = re.compile(
    r"^(?:正文|内容|详情|文章|详细内容|正文内容|阅读文章|首页|主页|home)$", re.IGNORECASE
)
_MAX_SOURCE_CHARS = 40
_MAX_PUBLISHER_CHARS = 60


def source_from_meta(meta: PageMeta) -> str | None:
    value = meta.first("contentsource", "source", "article:source", "og:source")
    if not value:
        return None
    # Some CMSs copy the whole visible line into the tag: "来源：人民网-文化频道 原创稿".
    value = _ORIGINAL_MARK.sub("", _SOURCE_LABEL.sub("", value.strip(), count=1))
    return clean_source(value)


def source_in_marked_element(root: HtmlElement, stop: HtmlElement | None) -> str | None:
    """The outlet in an element the page marks as the source (class "source", "a_source"),
    above the article text (`stop`, its first element): portals such as sina put the
    outlet there with no label, beside the date ("2019年09月07日 06:52 新京报").
    """
    for element in root.iter():
        if element is stop:
            return None
        if not isinstance(element.tag, str) or not _SOURCE_CLASS.search(element.get("class", "")):
            continue
        if _in_picture(element):  # a photo's credit ("Getty", "Photo"), not the article's
            continue
        text = " ".join(element.text_content().split())
        if len(text) <= _MAX_SOURCE_CHARS:
            value = clean_source(_SOURCE_LABEL.sub("", text, count=1))
            if value and not _NOT_AN_OUTLET.search(value):
                return value
    return None


def _in_picture(element: HtmlElement) -> bool:
    for node in (element, *element.iterancestors()):
        if node.tag in ("figure", "figcaption") or _PICTURE_CLASS.search(node.get("class", "")):
            return True
    return False


def source_in_line(text: str) -> str | None:
    """The value of a 来源/Source label on a line, cut at the next field."""
    match = _SOURCE_LABEL.search(text)
    if not match:
        return None
    return clean_source(text[match.end() :])


def clean_source(value: str) -> str | None:
    value = value.strip(" [](){}【】<>《》“”\"'")
    end = _SOURCE_END.search(value)
    if end:
        value = value[: end.start()]
    value = value.strip(" [](){}【】<>·-—:：")
    if not value or len(value) > _MAX_SOURCE_CHARS or re.fullmatch(r"[\d\W_]+", value):
        return None
    return value


def corroborated_source(source: str, body: str) -> str:
    """Shorten a source to the outlet the article itself names, when that is a prefix of it.

    A 来源 line may run its outlet into other words (a translated "New Gansu Province"
    where the credits say "New Gansu ·", a CMS appending a region); the dateline or credit
    in the body names the outlet as it is.
    """
    if source in body or " " not in source:
        return source
    words = source.split()
    for cut in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:cut])
        if re.search(re.escape(prefix) + r"\s*(?:·|client|reporter|news|记者|客户端|讯|电)", body):
            return prefix
    return source


def publisher_from_meta(meta: PageMeta) -> str | None:
    value = meta.first("sitename", "og:site_name", "application-name", "site_name", "publisher")
    value = value or jsonld_text(meta.jsonld.get("publisher"))
    return value if value and len(value) <= _MAX_PUBLISHER_CHARS else None


def publisher_in_copyright(lines: list[Line]) -> str | None:
    """The organisation named by the page's copyright line (the last one wins: the footer)."""
    for line in reversed(lines):
        match = _COPYRIGHT.search(line.text)
        if not match:
            continue
        name = _publisher_from_copyright(line.text[match.start() :])
        if name:
            return name
    return None


def _publisher_from_copyright(text: str) -> str | None:
    # "Copyrights© All Rights Reserved X Co., LTD Long ICP…" and "版权所有：X 主办：Y".
    rest = _COPYRIGHT_NOISE.sub("", text).strip()
    end = _PUBLISHER_END.search(rest)
    if end:
        rest = rest[: end.start()]
    rest = rest.strip(" .,:：·-—|")
    if len(rest) < 2 or len(rest) > _MAX_PUBLISHER_CHARS or re.fullmatch(r"[\d\W_]+", rest):
        return None
    return rest


def section_from_meta(meta: PageMeta) -> str | None:
    value = meta.first("columnname", "article:section", "section", "category")
    return value or jsonld_text(meta.jsonld.get("articleSection"))


def section_in_breadcrumb(lines: list[Line], before: int) -> str | None:
    """The last column name of a breadcrumb ("首页 > 新闻中心 > 正文") above the article."""
    for line in reversed(lines[:before]):
        text = _BREADCRUMB_LABEL.sub("", line.text)
        if line.link_chars == 0 or not _BREADCRUMB_SEPARATOR.search(text) or len(text) > 80:
            continue
        crumbs = [c for c in _BREADCRUMB_SEPARATOR.split(text) if c and not _NOT_A_SECTION.match(c)]
        if len(crumbs) >= 1 and len(_BREADCRUMB_SEPARATOR.split(text)) >= 2:
            return crumbs[-1]
    return None
