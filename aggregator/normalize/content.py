"""Finding the block of the page that holds the article body.

Every line votes for the elements that contain it: a line of running text (non-link
characters with sentence punctuation) adds its length, a line that is mostly links, a
furniture line or a scrap of label text subtracts. The element whose subtree collects the
highest total is the article body: it gains every paragraph and stops growing once the next
ancestor would take in more navigation and sidebars than text. Class and id names that
Chinese CMSs use for article bodies (TRS_Editor, article-content, zw…) nudge the vote; those
of comments, sidebars and footers count their text as furniture. A per-source CSS selector
skips the vote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cssselect import SelectorError
from lxml.html import HtmlElement

from aggregator.normalize.boilerplate import is_furniture
from aggregator.normalize.lines import Line

_SENTENCE_PUNCTUATION = re.compile(r"[，。！？；、：“”,.;!?]")
_CAMEL_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_POSITIVE_WORDS = frozenset(
    [
        "article",
        "articles",
        "content",
        "contents",
        "text",
        "txt",
        "body",
        "detail",
        "details",
        "post",
        "entry",
        "story",
        "zw",
        "zhengwen",
        "artibody",
        "main",
        "news",
        "con",
        "cont",
        "editor",
        "trs_editor",
    ]
)
_NEGATIVE_WORDS = frozenset(
    [
        "comment",
        "comments",
        "sidebar",
        "footer",
        "foot",
        "nav",
        "navbar",
        "menu",
        "related",
        "relate",
        "recommend",
        "share",
        "copyright",
        "breadcrumb",
        "crumb",
        "crumbs",
        "ad",
        "ads",
        "advert",
        "advertisement",
        "banner",
        "rank",
        "ranking",
        "tags",
        "pager",
        "pagination",
        "login",
        "subscribe",
        "widget",
        "social",
        "popup",
        "modal",
        "hotnews",
    ]
)
_NEGATIVE_TAGS = frozenset(("nav", "aside", "footer"))
_POSITIVE_BONUS = 1.15
_MIN_TEXT_CHARS = 10
_LINK_LINE_DENSITY = 0.5
_MIN_BODY_SCORE = 20


@dataclass(frozen=True)
class ContentBlock:
    """The element holding the article body and its lines, in reading order."""

    element: HtmlElement
    lines: tuple[Line, ...]


def has_sentence_punctuation(text: str) -> bool:
    return bool(_SENTENCE_PUNCTUATION.search(text))


def is_running_text(line: Line) -> bool:
    """A line that reads like article text: enough non-link characters and punctuation."""
    text_chars = line.chars - line.link_chars
    if line.link_density > _LINK_LINE_DENSITY or is_furniture(line.text):
        return False
    return (
        text_chars >= _MIN_TEXT_CHARS and has_sentence_punctuation(line.text)
    ) or text_chars >= 40


def find_content(
    root: HtmlElement, lines: list[Line], selector: str | None = None
) -> ContentBlock | None:
    """The block of the article body, chosen by `selector` if given, else by the vote."""
    if selector:
        chosen = _select(root, selector)
        if chosen is not None:
            return ContentBlock(chosen, tuple(_lines_under(chosen, lines)))
    scores: dict[HtmlElement, float] = {}
    polarity: dict[HtmlElement, int] = {}
    for line in lines:
        weight = _line_weight(line, _inside_negative(line.owner, polarity))
        element: HtmlElement | None = line.owner
        while element is not None:
            scores[element] = scores.get(element, 0.0) + weight
            element = element.getparent()
    if not scores:
        return None
    best = max(
        scores, key=lambda el: scores[el] * (_POSITIVE_BONUS if _polarity(el, polarity) > 0 else 1)
    )
    if scores[best] < _MIN_BODY_SCORE:
        return None
    return ContentBlock(best, tuple(_lines_under(best, lines)))


def _select(root: HtmlElement, selector: str) -> HtmlElement | None:
    try:
        matches = root.cssselect(selector)
    except (SelectorError, ValueError):
        return None
    return matches[0] if matches else None


def _lines_under(element: HtmlElement, lines: list[Line]) -> list[Line]:
    members = set(element.iter())
    return [line for line in lines if line.owner in members]


def _line_weight(line: Line, negative: bool) -> float:
    if line.link_density > _LINK_LINE_DENSITY or negative or is_furniture(line.text):
        return -float(line.chars)
    if is_running_text(line):
        return float(line.chars - line.link_chars)
    return -0.3 * min(line.chars, 25)


def _inside_negative(element: HtmlElement, polarity: dict[HtmlElement, int]) -> bool:
    """Whether the element or an ancestor is named like a comment box, sidebar or footer."""
    node: HtmlElement | None = element
    while node is not None:
        value = _polarity(node, polarity)
        if value < 0:
            return True
        if value > 0:
            return False
        node = node.getparent()
    return False


def _polarity(element: HtmlElement, cache: dict[HtmlElement, int]) -> int:
    """+1 for article-body names, -1 for furniture names, 0 otherwise (memoised)."""
    if element in cache:
        return cache[element]
    value = 0
    if element.tag in _NEGATIVE_TAGS:
        value = -1
    else:
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        if names.strip():
            words = {word.lower() for word in _CAMEL_WORDS.findall(names)}
            if "trs" in words and "editor" in words:
                value = 1
            elif words & _NEGATIVE_WORDS:
                value = -1
            elif words & _POSITIVE_WORDS:
                value = 1
    cache[element] = value
    return value
