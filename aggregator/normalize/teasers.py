"""Cards of other articles: a headline link with a line or two of blurb.

"More stories" lists, sidebar widgets and promos embedded between two paragraphs all show
other articles the same way, whatever the site calls its classes: a link to the other
article (its headline) and its summary, in a small box.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from aggregator.normalize.linekinds import is_running_text
from aggregator.normalize.lines import Line

_ITEM_TAGS = ("li", "article")
_HEADLINE_LINK_DENSITY = 0.8
_HEADLINE_LINK_CHARS = 15
_MAX_CARD_LINES = 6
_MAX_CARD_TEXT = 400
_MAX_BLURB_LINES = 2


def teaser_lines(
    lines: list[Line], span: dict[HtmlElement, tuple[int, int]], page_title: str
) -> set[int]:
    """Positions of lines in cards that pair a headline link with a blurb: teasers of other
    articles, in a list or alone between two paragraphs of the article.

    An article body's own list items read as text; a "more stories" card is a link to
    another article (the headline) plus its summary, whatever the site calls its classes.
    The card is the smallest box around the headline holding more than the headline, or
    the list item or <article> around it. It opens with the headline (a "See more:" link
    closing a section of the article is no card) and is small: a blurb of a line or two (a
    list item as long as a whole article is a layout cell holding the article). A page's
    own linked headline (in an <h1>, or repeating its <title>) heads the article, not a
    card. `span` gives each element's first and last line (positions in `lines`).
    """
    title = _key(page_title)
    teasers: set[int] = set()
    for position, line in enumerate(lines):
        if not _is_headline_link(line) or (title and _key(line.text) in title):
            continue
        for card in _cards_around(line.owner, span):
            first, last = span[card]
            above = [ln for ln in lines[first:position] if is_running_text(ln)]
            blurb = [ln for ln in lines[position + 1 : last + 1] if is_running_text(ln)]
            text = sum(ln.chars - ln.link_chars for ln in lines[first : last + 1])
            if (
                last - first + 1 <= _MAX_CARD_LINES
                and not above
                and 1 <= len(blurb) <= _MAX_BLURB_LINES
                and text <= _MAX_CARD_TEXT
            ):
                teasers.update(range(first, last + 1))
                break
    return teasers


def _is_headline_link(line: Line) -> bool:
    """A line that is one linked headline: words, not a pager ("[1] [2] [3]")."""
    return (
        line.link_density > _HEADLINE_LINK_DENSITY
        and sum(ch.isalpha() for ch in line.text) >= _HEADLINE_LINK_CHARS
        and line.owner.tag != "h1"
        and next(line.owner.iterancestors("h1"), None) is None
    )


def _cards_around(
    element: HtmlElement, span: dict[HtmlElement, tuple[int, int]]
) -> Iterator[HtmlElement]:
    """The boxes that may be the card of a headline link owned by `element`, smallest
    first: its ancestors holding other lines (while they are small enough to be cards), and
    the list item or sibling <article> around it."""
    own = span[element]
    node: HtmlElement | None = element
    while node is not None:
        first, last = span[node]
        if last - first + 1 > _MAX_CARD_LINES:
            break
        if (first, last) != own:
            yield node
        node = node.getparent()
    item = element if element.tag in _ITEM_TAGS else next(element.iterancestors(*_ITEM_TAGS), None)
    if item is not None and (item.tag == "li" or _has_sibling_like(item)):
        yield item


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def _has_sibling_like(element: HtmlElement) -> bool:
    parent = element.getparent()
    return parent is not None and sum(1 for child in parent if child.tag == element.tag) >= 2
