"""The plain "next page" link of a list page, for pagers written in HTML.

Script-only pagers (TRS, Hanweb) are read in `aggregator.discover.cms`; this covers the
rest: ``<link rel="next">``, ``<a rel="next">``, and links labelled 下一页 / next / › or
classed "next" (Discuz writes ``<a class="nxt">``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml.html import HtmlElement

from aggregator.urls import canonical_url, is_http_url

_NEXT_TEXT = re.compile(
    r"^(?:下一页|下页|后页|下一頁|下一篇列表|next|next page|older|older posts|older entries)"
    r"\s*[>»›]*$|^[>»›]$",
    re.IGNORECASE,
)
_NEXT_CLASS = re.compile(r"(?:^|[-_\s])(?:next|nxt)(?:$|[-_\s])", re.IGNORECASE)


def find_next_link(root: HtmlElement, base_url: str, keep: Callable[[str], bool]) -> str | None:
    """The canonical URL of the page's "next page" link, if it has one that `keep` accepts."""
    for link in root.iter("link"):
        if "next" in (link.get("rel") or "").lower().split():
            url = _usable(link.get("href"), base_url, keep)
            if url:
                return url
    anchors = list(root.iter("a"))
    by_label = [a for a in anchors if _NEXT_TEXT.match(_label(a)) or _has_rel_next(a)]
    by_class = [a for a in anchors if _NEXT_CLASS.search(a.get("class") or "")]
    for anchor in by_label + by_class:
        url = _usable(anchor.get("href"), base_url, keep)
        if url:
            return url
    return None


def _label(anchor: HtmlElement) -> str:
    text = " ".join(anchor.text_content().split())
    return text or " ".join((anchor.get("title") or "").split())


def _has_rel_next(anchor: HtmlElement) -> bool:
    return "next" in (anchor.get("rel") or "").lower().split()


def _usable(href: str | None, base_url: str, keep: Callable[[str], bool]) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith("#") or href.lower().startswith("javascript:"):
        return None
    try:
        url = canonical_url(href, base_url)
    except ValueError:
        return None
    return url if is_http_url(url) and keep(url) else None
