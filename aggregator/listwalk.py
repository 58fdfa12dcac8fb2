"""Walking an html source's list pages: the first one, then its next pages up to max_pages.

The pure part (which links and which next pages a list page holds) is
`aggregator.discover.html.discover_list`; this module does the fetching in between. The
source's include / exclude filters are applied by the poller, to the links found here. Next
pages come nearest first: a script pager (TRS, Hanweb) announces all of them at once, a
plain "next" link one at a time, so they are queued in order and each is fetched once.
"""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.config import SourceConfig
from aggregator.discover.html import ListedLink, ListPage, PageRequest, discover_list
from aggregator.encoding import decode
from aggregator.fetch import Fetcher, FetchResult


@dataclass(frozen=True)
class ListWalk:
    """The article links of a source's list pages, and the extra pages fetched for them."""

    links: tuple[ListedLink, ...]
    fetches: tuple[FetchResult, ...]  # the next pages (the first one is the caller's)
    problems: tuple[str, ...]
    complete: bool  # every page wanted was read


def walk_list(source: SourceConfig, first: FetchResult, fetcher: Fetcher) -> ListWalk:
    """Discover the links of `first` (already fetched) and of up to max_pages - 1 more.

    Raises ValueError when the source's selectors or patterns are unusable.
    """
    page = _discover(source, first, first.final_url or first.url)
    links = list(page.links)
    problems = list(page.notes) if not page.links else []
    fetches: list[FetchResult] = []
    queue = list(page.next_pages)
    seen = {_key(PageRequest(first.url)), _key(PageRequest(first.final_url or first.url))}
    complete = True
    pages_read = 1
    while queue and pages_read < source.max_pages:
        request = queue.pop(0)
        if _key(request) in seen:
            continue
        seen.add(_key(request))
        result = fetcher.fetch(request.url, method=request.method, data=dict(request.data) or None)
        fetches.append(result)
        if not result.ok:
            problems.append(f"list page {request.url}: {result.error}")
            complete = False
            break
        page = _discover(source, result, request.url)
        links += page.links
        queue += [following for following in page.next_pages if _key(following) not in seen]
        pages_read += 1
    unique = {link.url: link for link in reversed(links)}  # the first mention wins
    ordered = tuple(link for link in links if unique.get(link.url) is link)
    return ListWalk(ordered, tuple(fetches), tuple(problems), complete)


def _discover(source: SourceConfig, result: FetchResult, url: str) -> ListPage:
    text = decode(result.content, result.content_type).text
    return discover_list(
        text,
        url,
        links=source.links,
        next=source.next,
        allow_offsite=source.allow_offsite,
        timezone=source.timezone,
    )


def _key(request: PageRequest) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    return (request.url, request.method.upper(), request.data)
