"""The article block as safe HTML: only text markup, absolute links, nothing executable.

The block is pruned of the lines the normalizer dropped (header, share bars, related lists)
and then cleaned by nh3 (an allow-list sanitizer): no script, no event handlers, no style
attributes, only http(s)/mailto links, `rel="noopener noreferrer"` on anchors.
"""

from __future__ import annotations

import contextlib

import lxml.html
import nh3
from lxml.html import HtmlElement

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


def body_html(
    block: HtmlElement, block_lines: tuple[Line, ...], kept: list[Line], base_url: str | None
) -> str:
    """Sanitized HTML of `block` holding only the kept lines (and the images among them)."""
    dropped_owners = _owners_only_of_dropped(block, block_lines, kept)
    for element in dropped_owners:
        if element is not block and element.getparent() is not None:
            element.drop_tree()
    for img in block.iter("img"):
        src = image_source(img)
        if src:
            img.set("src", src)
    if base_url:
        with contextlib.suppress(ValueError):  # a malformed base URL: links stay as written
            block.make_links_absolute(base_url, resolve_base_href=False)
    html = lxml.html.tostring(block, encoding="unicode", method="html")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def paragraphs_html(paragraphs: list[str]) -> str:
    """HTML for a text capture: one escaped <p> per paragraph."""
    return "".join(f"<p>{nh3.clean_text(text)}</p>" for text in paragraphs)


def _owners_only_of_dropped(
    block: HtmlElement, block_lines: tuple[Line, ...], kept: list[Line]
) -> list[HtmlElement]:
    """The outermost elements under `block` whose every line was dropped."""
    kept_ids = {id(line) for line in kept}
    keeps: dict[HtmlElement, bool] = {}
    for line in block_lines:
        element = line.owner
        is_kept = id(line) in kept_ids
        while element is not None:
            keeps[element] = keeps.get(element, False) or is_kept
            if element is block:
                break
            element = element.getparent()
    outermost = []
    for element, has_kept in keeps.items():
        if has_kept or element is block:
            continue
        parent = element.getparent()
        if parent is None or keeps.get(parent, True):
            outermost.append(element)
    return outermost
