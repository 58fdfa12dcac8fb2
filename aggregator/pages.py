"""Fetching article pages and reading them with the normalizer.

Used wherever an article's own page is needed: links found on an html list page, feed
entries that carry only a summary, and rechecks of stored articles. Pages are fetched a
few at a time (the fetcher's per-host gate keeps each site's share polite); the results
come back to the calling thread, which alone writes to the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from aggregator.config import SourceConfig
from aggregator.fetch import Fetcher, FetchResult
from aggregator.models import Article
from aggregator.normalize import Record, normalize


@dataclass(frozen=True)
class PageHint:
    """What a list or feed already said about an article, used where its page is silent."""

    url: str
    title: str | None = None
    published: str | None = None
    guid: str | None = None


@dataclass(frozen=True)
class Page:
    """One article page: the fetch, and the article read from it (None if it failed)."""

    hint: PageHint
    fetch: FetchResult
    article: Article | None
    problem: str | None


def fetch_pages(
    hints: Sequence[PageHint], source: SourceConfig, fetcher: Fetcher, workers: int
) -> list[Page]:
    """Fetch and normalize the page of every hint, `workers` at a time, in hint order."""
    if not hints:
        return []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda hint: _page(hint, source, fetcher), hints))


def _page(hint: PageHint, source: SourceConfig, fetcher: Fetcher) -> Page:
    return read_page(hint, fetcher.fetch(hint.url), source)


def read_page(hint: PageHint, result: FetchResult, source: SourceConfig) -> Page:
    """The article of an already fetched page (a failed fetch is the Page's problem)."""
    if not result.ok:
        return Page(hint, result, None, f"article {hint.url}: {result.error}")
    record = normalize(
        result.content,
        result.final_url or hint.url,
        content_type=result.content_type,
        timezone=source.timezone,
        article_selector=source.article,
    )
    article = article_from_page(record, hint)
    if article is None:
        reason = "; ".join(record.notes) or "no title and no text"
        return Page(hint, result, None, f"article {hint.url}: not an article page ({reason})")
    return Page(hint, result, article, None)


def article_from_page(record: Record, hint: PageHint) -> Article | None:
    """The article a normalized page gives, completed from the hint; None for no article.

    The URL stays the one we asked for (the canonical identity of the article), even when
    the server redirected us.
    """
    title = record.title or hint.title
    if not title or not (record.body or "").strip():
        return None
    article = record.to_article(guid=hint.guid)
    return replace(
        article,
        url=hint.url,
        title=title,
        published=record.published or hint.published,
    )


def merge_feed_and_page(entry: Article, page: Article) -> Article:
    """A feed entry completed by its page: the page's body and credits, the feed's identity.

    The feed's title, guid and times are what the publisher syndicated; the page has the
    full text, the credited outlet and the people.
    """
    return replace(
        page,
        url=entry.url,
        title=entry.title or page.title,
        guid=entry.guid,
        published=entry.published or page.published,
        updated=entry.updated or page.updated,
        authors=page.authors or entry.authors,
        source_outlet=page.source_outlet or entry.source_outlet,
        publisher=page.publisher or entry.publisher,
        summary=entry.summary,
        language=page.language or entry.language,
    )
