"""The article block as safe HTML: only text markup, absolute links, nothing executable.

The block is pruned of the lines the normalizer dropped (header, share bars, related lists)
and then cleaned by nh3 (an allow-list sanitizer): no script, no event handlers, no style
attributes, only http(s)/mailto links, `rel="noopener noreferrer"` on anchors.
"""

from __future__ import annotations

import contextlib
import html
from urllib.parse import urljoin

import lxml.html
import nh3
from lxml.html import HtmlElement

from aggregator.normalize.content import ContentBlock
from aggregator.normalize.images import image_source
from aggregator.normalize.lines import Line

_TAGS = {
    "p",
    "br",
    "a",
    "img",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "figure",
    "figcaption",
    "pre",
    "code",
    "hr",
    "div",
    "span",
    "dl",
    "dt",
    "dd",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


def body_html(block: ContentBlock, kept: list[Line], base_url: str | None) -> str:
    """Sanitized HTML of the body's parts, holding only the kept lines and their images."""
    for element in _owners_only_of_dropped(block, kept):
        if element.getparent() is not None:
            element.drop_tree()
    kept_ids = {id(line) for line in kept}
    pieces = []
    for part in block.parts:
        if isinstance(part, Line):
            if id(part) in kept_ids:
                pieces.append(f"<p>{html.escape(part.text, quote=False)}</p>")
            continue
        if part.getparent() is None and part is not block.element:
            continue  # dropped above
        for img in part.iter("img"):
            src = image_source(img)
            if src:
                img.set("src", src)
        if base_url:
            _absolute_links(part, base_url)
        pieces.append(lxml.html.tostring(part, encoding="unicode", method="html", with_tail=False))
    return nh3.clean(
        "".join(pieces),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def _absolute_links(element: HtmlElement, base_url: str) -> None:
    for node in element.iter("a", "img"):
        attribute = "href" if node.tag == "a" else "src"
        value = node.get(attribute)
        if value:
            with contextlib.suppress(ValueError):  # a malformed URL stays as written
                node.set(attribute, urljoin(base_url, value.strip()))


def paragraphs_html(paragraphs: list[str]) -> str:
    """HTML for a text capture: one escaped <p> per paragraph."""
    return "".join(f"<p>{html.escape(text, quote=False)}</p>" for text in paragraphs)


def _owners_only_of_dropped(block: ContentBlock, kept: list[Line]) -> list[HtmlElement]:
    """The outermost elements inside the body's parts whose every line was dropped."""
    kept_ids = {id(line) for line in kept}
    tops = {id(part) for part in block.parts if not isinstance(part, Line)}
    keeps: dict[HtmlElement, bool] = {}
    for line in block.lines:
        element = line.owner
        is_kept = id(line) in kept_ids
        while element is not None and element is not block.element:
            keeps[element] = keeps.get(element, False) or is_kept
            if id(element) in tops:
                break
            element = element.getparent()
    outermost = []
    for element, has_kept in keeps.items():
        if has_kept:
            continue
        parent = element.getparent()
        if id(element) in tops or parent is None or keeps.get(parent, True):
            outermost.append(element)
    return outermost
