"""People credited on an article: reporters, authors, photographers, editors…

Credits are read from visible text with Chinese and English patterns:

- a role and then names: "记者 张富贵 金鑫", "本报实习生 刘国栋 周炜本报记者 王燕平",
  "（记者胡晓蓉）", "责任编辑：孙重远", "reporter Zhang Fugui Jin Xin", "By Jane Doe";
- names and then a role: "蔡雪婧/摄", "（姚峰 上海报道）", "新华社记者 李鑫 摄";
- names alone in the closing brackets of the last paragraph: "（常书香 马丹阳）", or alone on
  the line under the headline; these need a common surname to count;
- the issuing body of an official document ("发文机关：吉林省人民政府"), its author;
- a 来源 that names a person rather than an outlet ("来源: 尹娟"), when nobody else is credited.

A credit at the end of a photo caption is the photographer's, whatever word it uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from aggregator.models import Credit
from aggregator.normalize.names import HAN, has_common_surname, is_han_name, split_names

# Role words, longest first so "责任编辑" wins over "编辑". Each maps to the role we store.
_ROLE_WORDS: dict[str, str] = {
    "摄影记者": "photographer",
    "文字记者": "reporter",
    "特约记者": "reporter",
    "见习记者": "reporter",
    "首席记者": "reporter",
    "全媒体记者": "reporter",
    "融媒体记者": "reporter",
    "本报记者": "reporter",
    "记者": "reporter",
    "通讯员": "correspondent",
    "实习生": "intern",
    "执笔人": "author",
    "执笔": "author",
    "作者": "author",
    "撰文": "author",
    "撰稿": "author",
    "文字": "author",
    "文": "author",
    "摄影": "photographer",
    "摄像": "photographer",
    "图片": "photographer",
    "图": "photographer",
    "责任编辑": "editor",
    "值班编辑": "editor",
    "编辑": "editor",
    "责编": "editor",
    "主编": "editor",
    "编审": "editor",
    "审核": "editor",
    "审校": "editor",
    "校对": "editor",
    "终审": "editor",
    "监制": "editor",
    "编译": "translator",
    "翻译": "translator",
    "reporters": "reporter",
    "reporter": "reporter",
    "correspondent": "reporter",
    "photographer": "photographer",
    "photo by": "photographer",
    "photos by": "photographer",
    "written by": "author",
    "author": "author",
    "by": "author",
    "editor": "editor",
    "edited by": "editor",
}
_AFTER_NAME_ROLES = {
    "摄影": "photographer",
    "摄": "photographer",
    "供图": "photographer",
    "报道": "reporter",
}
AUTHOR_ROLES = (
    "reporter",
    "author",
    "correspondent",
    "intern",
    "translator",
    "photographer",
    "issuer",
)
_ROLE_ALTERNATION = "|".join(sorted(map(re.escape, _ROLE_WORDS), key=len, reverse=True))
# Outlet words glued in front of the next role ("本报记者", "新华社记者").
_OUTLET_PREFIX = re.compile(r"(?:本报|本刊|本台|本网|本站|新华社|中新社|中新网|人民网|央视网)$")
_ROLE_THEN_NAMES = re.compile(
    rf"(?<![{HAN}A-Za-z])(?:[{HAN}]{{0,10}}?)(?P<role>{_ROLE_ALTERNATION})(?![a-z])"
    rf"(?P<sep>\s*[:：/|]\s*|\s+|(?=[{HAN}]))",
    re.IGNORECASE,
)
# Short or common words that are a credit label only with a colon or slash ("文/张三").
_NEEDS_LABEL_SEPARATOR = frozenset(("文", "图", "文字", "图片", "作者", "editor", "author"))
# English "by" is a credit only where a byline starts ("By Jane Doe"), never mid-sentence.
_LINE_START_ONLY = frozenset(("by",))
# "…以钱生钱 蔡雪婧/摄": a photo credit closing a caption.
_TRAILING_PHOTO = re.compile(rf"(?:^|\s)((?:[{HAN}]{{2,4}}[\s、]*){{1,3}}?)\s*/?\s*(?:摄影|摄)$")
_NAMES_THEN_ROLE = re.compile(
    rf"^(?P<names>[{HAN}·\s、，,]{{2,40}}?)\s*/?\s*(?P<place>[{HAN}]{{2,8}})?(?P<role>报道|摄影|摄|供图)$"
)
_BRACKETED = re.compile(r"[（(【\[]([^（()）【】\[\]]{2,60})[)）】\]]")
_SEGMENT_END = re.compile(
    r"[。；;！？!?\d（()）【】\[\]<>《》\"“”]|\s{3,}|\s+(?:来源|时间|日期|发布)"
)
_MAX_CREDIT_LINE = 80
_POSTED_BY = re.compile(
    r"由\s*([^\s@]{2,16}?)\s*(?:张贴|发表|发布)\b"
    r"|(?:^|[\s》」\]】|｜])([^\s》」\]】|｜:：]{2,16})\s*(?:发表于|发布于|张贴于|posted\s+(?:on|at))\s*(?=[12]\d{3})"
    r"|\bPosted by\s+([A-Za-z0-9_.\-]{2,30}(?-i:\s[A-Z][a-z]+)?)",
    re.IGNORECASE,
)
_LABEL_WORD = re.compile(
    r"正文|摘要|简介|导读|导语|前言|编者|评论|图片|视频|专题|通知|公告|附件|来源|目录|首页|详情|内容|全文"
    r"|原文|概述|背景|声明|说明|相关|推荐|阅读|分享|打印|关闭|返回|更多|标签|作者|记者|编辑|责编|点击"
)
_NOT_A_POSTER = re.compile(r"本文|文章|本帖|帖子|此文|网站|管理员|admin", re.IGNORECASE)
_MAX_CAPTION_CREDIT = 60
# Government information tables name the body that issued a document; its value may sit in
# the next table cell ("发文机关：" | "吉林省人民政府").
_ISSUER_LABEL = re.compile(
    r"(?:发文机关|发文单位|发文机构|发布机关|发布机构|制发机关|印发机关)\s*[:：]\s*"
)
_ORGANISATION = re.compile(rf"[{HAN}（）()·]{{2,40}}")
# Last characters of outlet and office names ("金融界", "商讯", "高新区", "林业局"); a given
# name does not end so.
_OUTLET_ENDINGS = frozenset(
    "界讯闻刊志报网社台站频区局县市省州镇乡村所队处科馆厂店司室校部厅委办院"
)


def credits_in_line(text: str) -> list[Credit]:
    """Credits on a short line that is only a byline or a credit ("来源：… 编辑：苏亮")."""
    if len(text) > _MAX_CREDIT_LINE:
        return []
    found = _role_then_names(text)
    for bracketed in _BRACKETED.findall(text):
        found += _bracket_credits(bracketed, allow_bare=False)
    return _unique(found + poster_in_line(text))


def credits_in_paragraph(text: str, *, caption: bool = False, last: bool = False) -> list[Credit]:
    """Credits inside an article paragraph: in brackets, or closing the paragraph.

    `caption`: the paragraph describes a photo, so a trailing credit is the photographer's.
    `last`: the final paragraph, where "（常书香 马丹阳）" alone credits the authors.
    """
    found: list[Credit] = []
    brackets = list(_BRACKETED.finditer(text))
    for match in brackets:
        at_end = match.end() >= len(text.rstrip()) - 1
        found += _bracket_credits(match.group(1), allow_bare=last and at_end)
    tail = re.split(r"[。！？!?]\s*|\.\s+", text.rstrip())[-1]
    closing = (tail and tail != text.strip()) or caption
    if closing and 0 < len(tail) <= _MAX_CAPTION_CREDIT and not _BRACKETED.search(tail):
        found += _role_then_names(tail) or _names_then_role(tail)
    photo = _TRAILING_PHOTO.search(text.rstrip())
    if photo:
        found += [Credit(name, "photographer") for name in split_names(photo.group(1))]
    if caption:
        found = [Credit(c.name, "photographer") if c.role in AUTHOR_ROLES else c for c in found]
    return _unique(found)


def poster_in_line(text: str) -> list[Credit]:
    """The author of a blog or forum post: "X 发表于 2005-9-15", "由X张贴 @ …", "Posted by X"."""
    match = _POSTED_BY.search(text)
    if not match:
        return []
    name = next(group for group in match.groups() if group)
    if len(name) < 2 or re.fullmatch(r"[\d\W_]+", name) or _NOT_A_POSTER.search(name):
        return []
    if re.search(rf"[{HAN}]", name) and not is_han_name(name):
        return []
    return [Credit(name, "author")]


def byline_names(text: str, *, under_headline: bool = False) -> list[Credit]:
    """A line that is nothing but one to three names (a byline).

    Names need a common surname, except for a single name on the line right under the
    headline, where essays put a pen name ("茉莉") that no surname list knows. A line
    ending in a colon is a label waiting for its value ("成文日期："), never a byline.
    """
    text = text.strip()
    if len(text) > 20 or not re.search(rf"[{HAN}]", text) or text.endswith((":", "：")):
        return []
    if (
        under_headline
        and re.fullmatch(rf"[{HAN}]{{2,3}}", text)
        and not _LABEL_WORD.search(text)
        and is_han_name(text)
    ):
        return [Credit(text, "author")]
    names = split_names(text, require_surname=True)
    if not names or len(names) > 3:
        return []
    return [Credit(name, "author") for name in names]


def issuers_in_lines(texts: Sequence[str]) -> list[Credit]:
    """The body that issued an official document, from its information table."""
    for position, text in enumerate(texts):
        label = _ISSUER_LABEL.search(text)
        if not label:
            continue
        value = text[label.end() :].strip()
        if not value and position + 1 < len(texts):
            value = texts[position + 1].strip()  # the value in the next cell
        value = re.split(r"\s|[:：]", value, maxsplit=1)[0] if value else ""
        names = [name for name in re.split(r"[、，,；;]", value) if name]
        if names and all(_ORGANISATION.fullmatch(name) for name in names):
            return [Credit(name, "issuer") for name in names]
    return []


def person_named_as_source(source: str) -> list[Credit]:
    """A 来源 value that is a person's name ("来源: 尹娟"): a writer's own text, reposted.

    Outlets have short names too ("金融界", "商讯"), so only a two- or three-character
    name with a common surname that does not end like an outlet or an office counts.
    """
    if (
        re.fullmatch(rf"[{HAN}]{{2,3}}", source)
        and is_han_name(source, require_surname=True)
        and source[-1] not in _OUTLET_ENDINGS
    ):
        return [Credit(source, "author")]
    return []


def authors_of(credits: Iterable[Credit]) -> tuple[str, ...]:
    """Names of those who made the article: writers, then photographers, then issuers."""
    ordered = sorted(
        (c for c in credits if c.role in AUTHOR_ROLES),
        key=lambda c: (c.role == "issuer", c.role == "photographer"),
    )
    names: list[str] = []
    for credit in ordered:
        if credit.name not in names:
            names.append(credit.name)
    return tuple(names)


def _role_then_names(text: str) -> list[Credit]:
    """Every "role names" run in `text`, each run ending at the next role word."""
    found: list[Credit] = []
    match = _next_role(text, 0)
    while match is not None:
        role = _ROLE_WORDS[match["role"].lower()]
        following = _next_role(text, match.end("sep"))
        stop = following.start() if following else len(text)
        segment = text[match.end("sep") : stop]
        if following:
            # Keep the outlet that introduces the next credit out of this one's names.
            segment = segment + following.group(0)[: following.start("role") - following.start()]
            segment = _OUTLET_PREFIX.sub("", segment.rstrip())
        end = _SEGMENT_END.search(segment)
        if end:
            segment = segment[: end.start()]
        segment, role = _trailing_role(segment, role)
        # After an explicit "编辑：" any name counts; a name after a bare space or glued to
        # the role word must start with a common surname ("记者 了解到" is prose).
        labelled = bool(re.search(r"[:：/]", match["sep"]))
        names = split_names(segment, require_surname=not labelled)
        if match["sep"] or (names and len(names) == 1 and stop == len(text.rstrip())):
            # A role word glued to the next characters ("记者胡晓蓉") is a credit only when
            # one name ends the text; otherwise it is prose ("记者了解到").
            found += [Credit(name, role) for name in names]
        match = following
    return found


def _next_role(text: str, start: int) -> re.Match[str] | None:
    """The next role word at or after `start` that is used as a credit label."""
    while start < len(text):
        match = _ROLE_THEN_NAMES.search(text, start)
        if match is None:
            return None
        word = match["role"].lower()
        sep = match["sep"]
        if word in _NEEDS_LABEL_SEPARATOR and not re.search(r"[:：/|]", sep):
            start = match.end("role")
            continue
        at_start = not text[: match.start()].strip(" ([（【")
        if (_is_latin(word) and not sep) or (word in _LINE_START_ONLY and not at_start):
            start = match.end("role")
            continue
        return match
    return None


def _trailing_role(segment: str, role: str) -> tuple[str, str]:
    """ "李鑫 摄" credits a photographer even after "记者"; "彭冲 山东冠县报道" drops the place."""
    stripped = segment.rstrip()
    for word, after_role in _AFTER_NAME_ROLES.items():
        if stripped.endswith(word):
            body = stripped[: -len(word)].rstrip(" /")
            if word == "报道":
                parts = body.split()
                body = " ".join(parts[:-1]) if len(parts) > 1 else ""
                return body, role
            return body, after_role if role != "editor" else role
    return segment, role


def _names_then_role(text: str) -> list[Credit]:
    match = _NAMES_THEN_ROLE.match(text.strip())
    if not match:
        return []
    names = split_names(match["names"], require_surname=True)
    if not names:
        return []
    return [Credit(name, _AFTER_NAME_ROLES[match["role"]]) for name in names]


def _bracket_credits(inner: str, *, allow_bare: bool) -> list[Credit]:
    inner = inner.strip()
    found = _role_then_names(inner) or _names_then_role(inner)
    if not found and allow_bare:
        names = split_names(inner, require_surname=True)
        if names and len(names) <= 4 and all(has_common_surname(n) for n in names):
            found = [Credit(name, "author") for name in names]
    return found


def _is_latin(word: str) -> bool:
    return word.isascii()


def unique_credits(credits: Iterable[Credit]) -> list[Credit]:
    """Each person once, with the role they were first credited with."""
    return _unique(list(credits))


def _unique(credits: list[Credit]) -> list[Credit]:
    seen: set[str] = set()
    result = []
    for credit in credits:
        if credit.name not in seen:
            seen.add(credit.name)
            result.append(credit)
    return result
