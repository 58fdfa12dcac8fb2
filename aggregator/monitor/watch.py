"""The watched part of a page (`type = "watch"` sources) — pure, no I/O.

A watched page is any page, not an article: its changes are wanted, whatever it is (a
notice board, a list of regulations, a price table). What is compared between two fetches
is its text — the elements the source's `select` CSS selector chooses (the whole body
without it), read as paragraphs, with every match of the source's `ignore` regular
expressions removed (hit counters, "updated at" stamps, rotating banners) — and its
title. Scripts and styles never count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import lxml.html
from cssselect import SelectorError

from aggregator.normalize.page import parse_html, read_document
from aggregator.sanitize import clean_html, html_to_text

_SOUP_CONTAINS = re.compile(r":-soup-contains(?:-own)?\(")  # as html sources accept it
_SPACES = re.compile(r"\s+")


class WatchError(ValueError):
    """The page cannot be watched as configured (no HTML, a selector matching nothing)."""


@dataclass(frozen=True)
class WatchedPart:
    """What is compared between two fetches of a watched page."""

    title: str | None
    text: str  # paragraphs separated by blank lines
    html: str  # the watched part, sanitized, for the source's feed


def watched_part(
    content: bytes,
    url: str,
    *,
    content_type: str | None = None,
    select: str | None = None,
    ignore: Sequence[str] = (),
) -> WatchedPart:
    """The watched part of the page `content` fetched from `url`.

    Raises WatchError when the page is not HTML or `select` matches nothing: that is a
    problem to report, never an empty version of the page.
    """
    document = read_document(content, content_type)
    root = parse_html(document.text) if document.is_html else None
    if root is None:
        raise WatchError("not an HTML page")
    for element in root.xpath("//script | //style | //noscript | //template"):
        element.drop_tree()
    if select:
        try:
            elements = root.cssselect(_SOUP_CONTAINS.sub(":contains(", select))
        except SelectorError as exc:
            raise WatchError(f"invalid CSS selector {select!r}: {exc}") from exc
        if not elements:
            raise WatchError(f"the selector {select!r} matches nothing on the page")
    else:
        elements = root.xpath("//body") or [root]
    markup = "\n".join(lxml.html.tostring(e, encoding="unicode") for e in elements)
    patterns = [re.compile(pattern) for pattern in ignore]
    text = _without(html_to_text(markup), patterns)
    titles = root.xpath("//title/text()")
    title = _without(" ".join(titles), patterns).replace("\n", " ") or None
    return WatchedPart(title=title, text=text, html=clean_html(markup, url))


def _without(text: str, patterns: Sequence[re.Pattern[str]]) -> str:
    """`text` with every match of `patterns` removed, its paragraphs tidied."""
    for pattern in patterns:
        text = pattern.sub("", text)
    paragraphs = (_SPACES.sub(" ", block).strip() for block in re.split(r"\n\s*\n", text))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
