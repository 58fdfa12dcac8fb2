"""What discovery on a list page hands to the poller: article links and the next list pages.

Kept apart from the parsing modules so that the CMS readers (`cms`), the automatic list
finder (`listing`) and the entry point (`html`) can all build these records without
importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ListedLink:
    """One article link found on a list page.

    `url` is canonical (`aggregator.urls.canonical_url`); `title` is the list's wording
    (the full `title` attribute when the visible text is cut short); `date` is the date the
    list shows next to the link, ISO 8601 with offset — a fallback publish date for when
    the article page itself has none.
    """

    url: str
    title: str
    date: str | None = None


@dataclass(frozen=True)
class PageRequest:
    """A further list page to fetch: a plain GET, or a POST such as Hanweb's data proxy.

    `data` holds the form fields of a POST, in the order the site's script sends them.
    """

    url: str
    method: str = "GET"
    data: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ListPage:
    """Everything discovery read from one list page.

    `next_pages` are the list pages that follow this one, nearest first. A script pager
    that states its page count (TRS, Hanweb) yields all of them at once; a plain "next"
    link yields one. The poller fetches them in order up to its `max_pages`, skipping
    requests it has already made. `notes` say how the links were found (or why none
    were), for logs and for the source's error message.
    """

    links: tuple[ListedLink, ...]
    next_pages: tuple[PageRequest, ...]
    notes: tuple[str, ...]
