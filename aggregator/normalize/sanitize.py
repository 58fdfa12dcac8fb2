"""The article block as safe HTML: only text markup, absolute links, nothing executable.

The block is pruned of the lines the normalizer dropped (header, share bars, related lists)
and then cleaned by the project's one nh3 policy (`aggregator.sanitize.clean_html`): no
script, no event handlers, no style attributes, absolute http(s)/mailto links only.
"""

from __future__ import annotations

import html

import lxml.html
from lxml.html import HtmlElement

from aggregator.normalize.content import ContentBlock
from aggregator.normalize.images import image_source
from aggregator.normalize.lines import Line
from aggregator.sanitize import clean_html


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
        pieces.append(lxml.html.tostring(part, encoding="unicode", method="html", with_tail=False))
    return clean_html("".join(pieces), base_url)


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
