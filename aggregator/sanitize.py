"""Making foreign HTML safe to republish, and reading plain text out of it.

nh3 (ammonia) removes scripts, event handlers, styles and unknown markup. Relative links
and image sources are made absolute against the article's URL, because the HTML will be
read inside a feed reader, far from the page it came from (and feed validators flag
relative references).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import urljoin

import lxml.html
import nh3
from lxml.etree import ParserError

_URL_ATTRIBUTES = frozenset({"href", "src", "cite", "longdesc"})
# Text markup, links, images and tables: what an article body needs, nothing that runs.
_TAGS = frozenset(
    [
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
    ]
)
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "blockquote": {"cite"},
}
_BLOCKS = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "blockquote", "pre", "section", "article", "figure", "figcaption", "hr", "dd", "dt",
)  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def clean_html(markup: str | None, base_url: str | None = None) -> str:
    """`markup` with only safe markup left and every URL absolute."""
    if not markup:
        return ""

    def absolute(tag: str, attribute: str, value: str) -> str | None:
        if attribute in _URL_ATTRIBUTES:
            try:
                resolved = urljoin(base_url, value.strip()) if base_url else value.strip()
            except ValueError:  # a malformed URL: drop the attribute
                return None
            return resolved if resolved.startswith(("http://", "https://", "mailto:")) else None
        return value

    return nh3.clean(
        markup,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=absolute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def paragraphs_to_html(paragraphs: Iterable[str]) -> str:
    """Plain-text paragraphs as HTML: one escaped <p> each, blank ones skipped."""
    return "".join(
        f"<p>{html.escape(text.strip(), quote=False)}</p>" for text in paragraphs if text.strip()
    )


def html_to_text(markup: str | None) -> str:
    """The readable text of an HTML fragment: paragraphs separated by blank lines."""
    if not markup:
        return ""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ParserError, ValueError):  # nothing but whitespace or comments
        return ""
    for element in list(root.iter("script", "style", "noscript", "template")):
        element.drop_tree()
    for element in root.iter(_BLOCKS):
        element.text = "\n\n" + (element.text or "")
        element.tail = "\n\n" + (element.tail or "")
    text = "".join(root.itertext())
    paragraphs = (_SPACES.sub(" ", block).strip() for block in re.split(r"\n\s*\n", text))
    return "\n\n".join(" ".join(p.split("\n")) for p in paragraphs if p)
