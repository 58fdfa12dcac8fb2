"""Article links on a list page, for sources without a feed (``type = "html"``).

`discover_list` is pure: the poller fetches a list page, decodes it, and hands the text
here; what comes back says which article links the page lists and which list pages
follow. The order of work:

    parse -> <base href> -> Hanweb datastores -> article links (selector, datastore
    records, or automatic discovery) -> site and include/exclude rules -> next pages
    (selector, or the TRS / Hanweb script pagers, or a plain "next" link)

It also reads a Hanweb data-proxy answer (a bare ``<datastore>`` XML), since the next
pages of a Hanweb list are such answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.html
from cssselect import SelectorError
from lxml.etree import ParserError
from lxml.html import HtmlElement

from aggregator.dates import zone
from aggregator.discover import cms, listing, paging
from aggregator.discover.listpage import ListedLink, ListPage, PageRequest
from aggregator.urls import canonical_url, is_http_url, site_of

__all__ = ["ListPage", "ListedLink", "PageRequest", "check_selector", "discover_list"]

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
# soupsieve spellings from config examples, read as cssselect's :contains() (which also
# matches text in child elements, a superset of :-soup-contains-own).
_SOUP_CONTAINS = re.compile(r":-soup-contains(?:-own)?\(")


def discover_list(
    html: str,
    page_url: str,
    *,
    links: str | None = None,
    next: str | None = None,  # the config key's name, though it shadows a builtin
    include: str | None = None,
    exclude: str | None = None,
    allow_offsite: bool = False,
    timezone: str = "Asia/Shanghai",
) -> ListPage:
    """The article links and next list pages of one fetched list page.

    `links` and `next` are CSS selectors overriding discovery (soupsieve's
    ``:-soup-contains()`` is accepted); `include`/`exclude` are regular expressions searched
    in article URLs; links go to other sites only with `allow_offsite` (on loopback,
    another port is another site). Dates without an offset are read in `timezone`.
    Raises ValueError for a bad selector, pattern or time zone.
    """
    zone(timezone)
    page = canonical_url(page_url)
    rules = _LinkRules(
        page, _compile(include, "include"), _compile(exclude, "exclude"), allow_offsite
    )
    if cms.is_datastore_document(html):
        return _from_data_proxy(html, page, rules, timezone)

    root = _parse(html)
    if root is None:
        return ListPage((), (), ("the page is empty or not HTML",))
    base = _base_url(root, page)
    scripts = [script.text or "" for script in root.iter("script")]
    stores = _embedded_datastores(root)
    calls = cms.find_jpage_calls(scripts)
    main_store, call = _main_datastore(stores, calls)
    notes: list[str] = []

    if links:
        _render_datastores(stores)
        listed = _links_by_selector(root, links, base, rules, timezone)
        notes.append(f"{len(listed)} links by selector {links!r}")
    elif main_store is not None:
        listed = _links_from_records(main_store.records, base, rules, timezone)
        notes.append(f"hanweb datastore: {len(main_store.records)} records")
    else:
        anchors = listing.collect_anchors(root.iter("a"), base, rules.keep)
        found, note = listing.find_article_links(anchors)
        listed = [_listed(link.anchor, link.record, timezone) for link in found]
        notes.append(note)
    listed = _unique(listed)
    if not listed:
        notes.append("no article links found")

    if next:
        next_pages = _next_by_selector(root, next, base, rules.same_site)
        notes.append(f"{len(next_pages)} next pages by selector {next!r}")
    else:
        next_pages = _script_pages(scripts, main_store, call, base, notes)
        if not next_pages:
            url = paging.find_next_link(root, base, rules.same_site)
            if url:
                next_pages = [PageRequest(url)]
                notes.append("next page link")
    return ListPage(tuple(listed), tuple(_unique_requests(next_pages, page)), tuple(notes))


def check_selector(selector: str) -> None:
    """Raise ValueError when `selector` is not a CSS selector discovery can use."""
    _select(lxml.html.document_fromstring("<html><body></body></html>"), selector)


class _LinkRules:
    """Which URLs may be article links of this page and which may be its next pages."""

    def __init__(
        self,
        page: str,
        include: re.Pattern[str] | None,
        exclude: re.Pattern[str] | None,
        allow_offsite: bool,
    ) -> None:
        self.page = page
        self.site = site_of(page)
        self.include = include
        self.exclude = exclude
        self.allow_offsite = allow_offsite

    def same_site(self, url: str) -> bool:
        return site_of(url) == self.site and url != self.page

    def keep(self, url: str) -> bool:
        if url == self.page or (not self.allow_offsite and site_of(url) != self.site):
            return False
        if self.include and not self.include.search(url):
            return False
        return not (self.exclude and self.exclude.search(url))


def _compile(pattern: str | None, name: str) -> re.Pattern[str] | None:
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid {name} pattern {pattern!r}: {exc}") from exc


def _parse(html: str) -> HtmlElement | None:
    text = _XML_DECLARATION.sub("", html, count=1)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (ParserError, ValueError):
        return None


def _base_url(root: HtmlElement, page: str) -> str:
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            resolved = canonical_url(href, page)
            if is_http_url(resolved):
                return resolved
    return page


def _from_data_proxy(text: str, page: str, rules: _LinkRules, timezone: str) -> ListPage:
    store = cms.parse_datastore(text) or cms.Datastore(records=())
    listed = _unique(_links_from_records(store.records, page, rules, timezone))
    notes = [f"hanweb data proxy answer: {len(store.records)} records"]
    next_pages: list[PageRequest] = []
    if store.next_group:
        url = canonical_url(store.next_group, page)
        if is_http_url(url) and rules.same_site(url):
            next_pages.append(PageRequest(url))
    if not listed:
        notes.append("no article links found")
    return ListPage(tuple(listed), tuple(_unique_requests(next_pages, page)), tuple(notes))


def _embedded_datastores(root: HtmlElement) -> list[tuple[HtmlElement, cms.Datastore, str | None]]:
    """Hanweb datastores in the page: the script element, its records, its list's id."""
    stores = []
    for script in root.iter("script"):
        store = cms.parse_datastore(script.text or "")
        if store is None:
            continue
        target = next((el.get("id") for el in script.iterancestors() if el.get("id")), None)
        stores.append((script, store, target))
    return stores


def _main_datastore(
    stores: list[tuple[HtmlElement, cms.Datastore, str | None]], calls: list[cms.JpageCall]
) -> tuple[cms.Datastore | None, cms.JpageCall | None]:
    """The datastore of the page's list and the jpage call that pages it."""
    for _, store, target in stores:
        for call in calls:
            if target and call.target == target:
                return store, call
    if not stores:
        return None, None
    largest = max((store for _, store, _ in stores), key=lambda store: len(store.records))
    return largest, (calls[0] if len(stores) == 1 and calls else None)


def _render_datastores(stores: list[tuple[HtmlElement, cms.Datastore, str | None]]) -> None:
    """Put datastore records into the page where jpage would show them, for selectors."""
    for script, store, _ in stores:
        parent = script.getparent()
        if parent is None:
            continue
        holder = lxml.html.fragment_fromstring("".join(store.records), create_parent="div")
        holder.tail = script.tail
        parent.replace(script, holder)


def _links_from_records(
    records: tuple[str, ...], base: str, rules: _LinkRules, timezone: str
) -> list[ListedLink]:
    """One link per datastore record: its title link, dated from the record's text."""
    listed = []
    for record in records:
        holder = lxml.html.fragment_fromstring(record, create_parent="div")
        anchors = listing.collect_anchors(holder.iter("a"), base, rules.keep)
        if not anchors:
            continue
        titled = [anchor for anchor in anchors if anchor.titled]
        anchor = max(titled, key=lambda a: len(a.title)) if titled else anchors[0]
        listed.append(_listed(anchor, holder, timezone))
    return listed


def _links_by_selector(
    root: HtmlElement, selector: str, base: str, rules: _LinkRules, timezone: str
) -> list[ListedLink]:
    elements = []
    for element in _select(root, selector):
        elements.extend([element] if element.tag == "a" else element.iter("a"))
    record_of = listing.record_finder(root)
    return [
        _listed(anchor, record_of(anchor.element), timezone)
        for anchor in listing.collect_anchors(elements, base, rules.keep)
    ]


def _next_by_selector(
    root: HtmlElement, selector: str, base: str, same_site: Callable[[str], bool]
) -> list[PageRequest]:
    requests = []
    for element in _select(root, selector):
        anchor = element if element.tag == "a" else next(element.iter("a"), None)
        href = (anchor.get("href") or "").strip() if anchor is not None else ""
        if not href or href.lower().startswith(("javascript:", "#")):
            continue
        url = canonical_url(href, base)
        if is_http_url(url) and same_site(url):
            requests.append(PageRequest(url))
    return requests


def _script_pages(
    scripts: list[str],
    store: cms.Datastore | None,
    call: cms.JpageCall | None,
    base: str,
    notes: list[str],
) -> list[PageRequest]:
    """Next pages from the TRS or Hanweb script pagers."""
    if store is not None:
        requests, note = cms.dataproxy_requests(call, store, base)
        if note:
            notes.append(note)
        if requests:
            return requests
    pager = cms.find_trs_pager(scripts)
    if pager is None:
        return []
    notes.append(f"trs pager: page {pager.current + 1} of {pager.count}")
    return cms.trs_next_pages(pager, base)


def _select(root: HtmlElement, selector: str) -> list[HtmlElement]:
    try:
        return root.cssselect(_SOUP_CONTAINS.sub(":contains(", selector))
    except SelectorError as exc:
        raise ValueError(f"invalid CSS selector {selector!r}: {exc}") from exc


def _listed(anchor: listing.Anchor, record: HtmlElement | None, timezone: str) -> ListedLink:
    return ListedLink(
        anchor.url, anchor.title, listing.listed_date(record, anchor.element, timezone)
    )


def _unique(listed: list[ListedLink]) -> list[ListedLink]:
    """One entry per URL, first place kept, completed by later entries' title and date."""
    merged: dict[str, ListedLink] = {}
    for link in listed:
        seen = merged.get(link.url)
        if seen is None:
            merged[link.url] = link
        elif not seen.title or not seen.date:
            merged[link.url] = ListedLink(
                link.url, seen.title or link.title, seen.date or link.date
            )
    return list(merged.values())


def _unique_requests(requests: list[PageRequest], page: str) -> list[PageRequest]:
    seen = set()
    unique = []
    for request in requests:
        key = (request.url, request.method, request.data)
        if key in seen or (request.url == page and request.method == "GET"):
            continue
        seen.add(key)
        unique.append(request)
    return unique
