"""Finding the block of the page that holds the article body.

Every line votes for the elements that contain it: a line of running text (non-link
characters with sentence punctuation) adds its length, a line that is mostly links, a
furniture line or a scrap of label text subtracts. The element whose subtree collects the
highest total is the article body: it gains every paragraph and stops growing once the next
ancestor would take in more navigation and sidebars than text. Class and id names that
Chinese CMSs use for article bodies (TRS_Editor, article-content, zw…) nudge the vote; those
of comments, sidebars and footers count their text as furniture, and nothing inside an
aside, a nav, a footer, a dialog or a comment box counts as article text, whatever its
children are named. Cards pairing a headline link with a blurb are teasers. A short first or last
paragraph beside the winning run in the same element (a kicker, a closing wish) is taken
back into it. A per-source CSS selector skips the vote.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from cssselect import SelectorError
from lxml.html import HtmlElement

from aggregator.dates import zone
from aggregator.normalize.boilerplate import is_furniture, starts_list
from aggregator.normalize.credits import credits_in_line
from aggregator.normalize.datetext import find_dates
from aggregator.normalize.linekinds import is_link_line, is_running_text
from aggregator.normalize.lines import Line
from aggregator.normalize.outlets import source_in_line
from aggregator.normalize.teasers import teaser_lines

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
        "social",
        "popup",
        "modal",
        "hotnews",
    ]
)
_NEGATIVE_TAGS = frozenset(("nav", "aside", "footer"))
# Boxes that never hold the article, whatever their children are called.
_BOX_WORDS = frozenset(["modal", "popup", "dialog", "comment", "comments"])
_BOX_ROLES = frozenset(["dialog", "complementary", "navigation", "contentinfo"])
_BOX = -2
_POSITIVE_BONUS = 1.15
_MIN_BODY_SCORE = 20
_TIGHT_SHARE = 0.8
_CLOSING_SENTENCE = re.compile(r"[。！？!?…][\"'”’」』)）]*$")
_FIELD_SEPARATOR = re.compile(r"[:：︱|｜]")
_UTC = zone("UTC")


@dataclass(frozen=True)
class ContentBlock:
    """The article body: a run of consecutive children of `element` and their lines.

    `parts` are the children (elements, or lines of text sitting directly in `element`) in
    the run, in order; `lines` are all visible lines inside them; `teasers` the ids of
    those lines that are cards of other articles embedded in the body.
    """

    element: HtmlElement
    parts: tuple[HtmlElement | Line, ...]
    lines: tuple[Line, ...]
    teasers: frozenset[int] = frozenset()


def find_content(
    root: HtmlElement, lines: list[Line], selector: str | None = None
) -> ContentBlock | None:
    """The article body, chosen by `selector` if given, else by the vote.

    The vote picks, over every element, the run of consecutive children with the highest
    total (a maximum-sum run, Kadane's algorithm): on table layouts the paragraphs are often
    siblings of sidebars inside one cell, so whole elements alone are not enough.
    """
    if selector:
        chosen = _select(root, selector)
        if chosen is not None:
            return ContentBlock(chosen, (chosen,), tuple(_lines_under(chosen, lines)))
    direct: dict[HtmlElement, list[int]] = {}
    span: dict[HtmlElement, tuple[int, int]] = {}
    for position, line in enumerate(lines):
        direct.setdefault(line.owner, []).append(position)
        element: HtmlElement | None = line.owner
        while element is not None:
            first, _ = span.get(element, (position, position))
            span[element] = (first, position)
            element = element.getparent()
    polarity: dict[HtmlElement, int] = {}
    teasers = teaser_lines(lines, span, root.findtext(".//title") or "")
    weights = [
        _line_weight(line, position in teasers or _inside_negative(line.owner, polarity))
        for position, line in enumerate(lines)
    ]
    subtree: dict[HtmlElement, float] = {}
    for position, line in enumerate(lines):
        element = line.owner
        while element is not None:
            subtree[element] = subtree.get(element, 0.0) + weights[position]
            element = element.getparent()
    runs: dict[HtmlElement, tuple[float, HtmlElement, int, int, list]] = {}
    for element in span:
        parts = _ordered_parts(element, direct.get(element, []), span)
        scores = [
            weights[part] if isinstance(part, int) else subtree.get(part, 0.0) for part in parts
        ]
        total, start, end = _best_run(scores)
        if _polarity(element, polarity) > 0 and start == 0 and end == len(parts) - 1:
            total *= _POSITIVE_BONUS
        runs[element] = (total, element, start, end, parts)
    if not runs:
        return None
    best = max(runs.values(), key=lambda run: run[0])
    if best[0] < _MIN_BODY_SCORE:
        return None
    best = _tighten(best, runs)
    _, element, start, end, parts = best
    edge_paragraph = _edge_paragraph(lines, span, polarity)
    while start > 0 and edge_paragraph(parts[start - 1], parts[start], False):
        start -= 1
    while end < len(parts) - 1 and edge_paragraph(parts[end + 1], parts[end], True):
        end += 1
    while start > 0 and not isinstance(parts[start - 1], int) and parts[start - 1] not in span:
        start -= 1  # a lead image (a child without text) belongs to the body after it
    chosen_parts = parts[start : end + 1]
    spans = [_line_span(part, span) for part in chosen_parts]
    first = min(s[0] for s in spans if s is not None)
    last = max(s[1] for s in spans if s is not None)
    return ContentBlock(
        element,
        tuple(lines[p] if isinstance(p, int) else p for p in chosen_parts),
        tuple(lines[first : last + 1]),
        frozenset(id(lines[p]) for p in teasers if first <= p <= last),
    )


def _tighten(
    run: tuple[float, HtmlElement, int, int, list],
    runs: dict[HtmlElement, tuple[float, HtmlElement, int, int, list]],
) -> tuple[float, HtmlElement, int, int, list]:
    """Descend into one part of the run while it alone holds nearly all of the run's score.

    A run may take in a cookie notice or a sign-up box beside the article when they read
    like prose; the article itself is the part that scores almost as much as the whole.
    """
    while True:
        total, _, start, end, parts = run
        inner = [runs[p] for p in parts[start : end + 1] if not isinstance(p, int) and p in runs]
        tighter = max(inner, key=lambda r: r[0], default=None)
        if tighter is None or tighter[1] is run[1] or tighter[0] < _TIGHT_SHARE * total:
            return run
        if start == end:
            return tighter if tighter[0] >= total else run
        run = tighter


def _edge_paragraph(
    lines: list[Line], span: dict[HtmlElement, tuple[int, int]], polarity: dict[HtmlElement, int]
) -> Callable[[HtmlElement | int, HtmlElement | int, bool], bool]:
    """A test for a part beside the best run that belongs to the body all the same.

    Short lines score below zero, so the run leaves out a short first or last paragraph
    even when it sits among the others in the body's element. An article opens with a
    kicker ("编者按", "人物画像") and closes with a short sentence ("预祝大会圆满成功！",
    "特此通告。"); credits, datelines, 来源 and other labelled fields sit there too, and
    are read from around the body instead. A part is taken when it is an element of the
    same kind as its neighbour in the run (a <p> beside the <p>s) holding one plain line:
    no link, not furniture, not a list header, not in a box named like a sidebar, not a
    credit or 来源 line; above the run without a label or a date, below it a finished
    sentence.
    """

    def taken(part: HtmlElement | int, neighbour: HtmlElement | int, closing: bool) -> bool:
        if isinstance(part, int) or isinstance(neighbour, int) or part.tag != neighbour.tag:
            return False
        first_last = span.get(part)
        if first_last is None or first_last[0] != first_last[1]:
            return False  # no text (an image: see the caller) or more than one line
        line = lines[first_last[0]]
        if (
            line.link_chars
            or line.in_heading
            or is_furniture(line.text)
            or starts_list(line.text)
            or _inside_negative(line.owner, polarity)
            or credits_in_line(line.text)
            or source_in_line(line.text) is not None
        ):
            return False
        if closing:
            return bool(_CLOSING_SENTENCE.search(line.text))
        return not _FIELD_SEPARATOR.search(line.text) and not find_dates(line.text, _UTC)

    return taken


def _ordered_parts(
    element: HtmlElement, own: list[int], span: dict[HtmlElement, tuple[int, int]]
) -> list:
    """Children of `element` and the positions of its own lines, in document order."""
    parts: list = []
    pending = list(own)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        child_span = span.get(child)
        if child_span is not None:
            while pending and pending[0] < child_span[0]:
                parts.append(pending.pop(0))
        parts.append(child)
    parts += pending
    return parts


def _best_run(scores: list[float]) -> tuple[float, int, int]:
    """Maximum-sum run of consecutive scores: (sum, first, last)."""
    best = (float("-inf"), 0, 0)
    running, start = 0.0, 0
    for position, score in enumerate(scores):
        if running <= 0:
            running, start = score, position
        else:
            running += score
        if running > best[0]:
            best = (running, start, position)
    return best


def _line_span(part, span: dict[HtmlElement, tuple[int, int]]) -> tuple[int, int] | None:
    return (part, part) if isinstance(part, int) else span.get(part)


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
    if is_link_line(line) or negative or is_furniture(line.text):
        return -float(line.chars)
    if is_running_text(line):
        return float(line.chars - line.link_chars)
    if line.table_row:
        return 0.0  # a row of figures belongs to whatever text it sits in
    return -0.3 * min(line.chars, 25)


def _inside_negative(element: HtmlElement, polarity: dict[HtmlElement, int]) -> bool:
    """Whether the element sits in a box named like a comment box, sidebar or footer.

    The nearest named ancestor decides ("sidebar" around "article-excerpt" is a sidebar;
    "article-body" inside "page-ad-margins" is the article), except that an aside, a nav, a
    footer, a dialog or a comment box holds no article whatever its children are called:
    sidebar teasers name their blurbs "excerpt", comment and sign-up dialogs name theirs
    "body".
    """
    node: HtmlElement | None = element
    settled = False
    while node is not None and node.tag not in ("body", "html"):
        value = _polarity(node, polarity)
        if value == _BOX or (value < 0 and not settled):
            return True
        settled = settled or value > 0
        node = node.getparent()
    return False


def _polarity(element: HtmlElement, cache: dict[HtmlElement, int]) -> int:
    """+1 for article-body names, -1 for furniture names, `_BOX` for asides, navs, footers,
    dialogs and comment boxes, 0 otherwise (memoised)."""
    if element in cache:
        return cache[element]
    value = 0
    if element.tag in _NEGATIVE_TAGS or element.get("role") in _BOX_ROLES:
        value = _BOX
    else:
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        if names.strip():
            words = {word.lower() for word in _CAMEL_WORDS.findall(names)}
            if "trs" in words and "editor" in words:
                value = 1
            elif words & _BOX_WORDS and not words & _POSITIVE_WORDS:
                value = _BOX
            elif words & _NEGATIVE_WORDS:
                # "article-body pagination-…" or "article-comments": mixed names count
                # for neither side.
                value = 0 if words & _POSITIVE_WORDS else -1
            elif words & _POSITIVE_WORDS:
                value = 1
    cache[element] = value
    return value
