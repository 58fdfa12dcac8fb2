"""Making foreign HTML safe to republish, and reading plain text out of it.

nh3 (ammonia) removes scripts, event handlers, styles and unknown markup. Relative links
and image sources are made absolute against the article's URL, because the HTML will be
read inside a feed reader, far from the page it came from (and feed validators flag
relative references).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import nh3
from bs4 import BeautifulSoup

_URL_ATTRIBUTES = frozenset({"href", "src", "cite", "longdesc"})
_BLOCKS = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "blockquote", "pre", "section", "article", "figure", "figcaption", "hr", "dd", "dt",
)  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def clean_html(html: str | None, base_url: str | None = None) -> str:
    """`html` with only safe markup left and every URL absolute."""
    if not html:
        return ""

    def absolute(tag: str, attribute: str, value: str) -> str | None:
        if attribute in _URL_ATTRIBUTES:
            resolved = urljoin(base_url, value.strip()) if base_url else value.strip()
            return resolved if resolved.startswith(("http://", "https://", "mailto:")) else None
        return value

    return nh3.clean(
        html,
        attribute_filter=absolute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def html_to_text(html: str | None) -> str:
    """The readable text of an HTML fragment: paragraphs separated by blank lines."""
    if not html:
        return ""
    soup = BeautifulSoup(html, "lxml")
    for element in soup(["script", "style", "noscript", "template"]):
        element.decompose()
    for element in soup.find_all(_BLOCKS):
        element.insert_before("\n\n")
        element.insert_after("\n\n")
    text = soup.get_text()
    paragraphs = (_SPACES.sub(" ", block).strip() for block in re.split(r"\n\s*\n", text))
    return "\n\n".join(" ".join(p.split("\n")) for p in paragraphs if p)
