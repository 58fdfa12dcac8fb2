"""One poll of one source, start to finish, and a pass over many sources.

`poll_source` reads top to bottom in pipeline order:

    fetch the source (conditional GET) -> log the fetch
      -> read it: a feed's entries, or an html source's list pages and new article pages
      -> drop what the source's include / exclude filters reject (counted, never stored)
      -> save new and changed articles, remember the validators, note the outcome (one
         transaction) -> recheck the stored articles that are due (the change monitor,
         within its budget; also after a 304)

A `watch` source is one page: its watched part is compared with the stored version, and
a 404 / 410 goes through the same take-down confirmation as an article's page.

Problems never escape as exceptions: each becomes a one-line error naming the source, in
the fetch log, the `sources` table and the returned `SourceReport`, and the next source
goes on. `poll_many` runs sources concurrently, each worker thread with its own SQLite
connection.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import zip_longest

from aggregator.config import Config, MonitorConfig, SourceConfig
from aggregator.dates import to_iso, utc_now
from aggregator.discover.feed import FeedError, parse_feed
from aggregator.fetch import Fetcher, FetchResult, Validators
from aggregator.filters import ArticleFilter, filter_articles
from aggregator.listwalk import walk_list
from aggregator.models import Article
from aggregator.monitor import plan
from aggregator.monitor.decide import Answer, Origin, answer_of
from aggregator.monitor.recheck import RecheckReport, check_of, recheck_source
from aggregator.monitor.watch import WatchError, watched_part
from aggregator.pages import Page, PageHint, fetch_pages, merge_feed_and_page
from aggregator.store import CheckCounts, Store
from aggregator.urls import site_of

log = logging.getLogger(__name__)

OK = "ok"
NOT_MODIFIED = "not modified"
ERROR = "error"


@dataclass(frozen=True)
class SourceReport:
    """What one poll of one source did."""

    name: str
    status: str  # OK | NOT_MODIFIED | ERROR
    new: int = 0
    updated: int = 0
    errors: tuple[str, ...] = ()
    dropped: int = 0  # entries the source's include / exclude filters rejected
    fetch_seconds: float | None = None  # how long fetching the source took
    retry_after: float | None = None  # seconds the server asked us to wait (429 / 503)
    events: int = 0  # take-downs, returns and moves the change monitor recorded
    rechecked: int = 0  # stored articles whose pages the change monitor fetched again

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated or self.events)


class SourceError(Exception):
    """The source's document cannot be read at all (not a feed, a list without links)."""


@dataclass(frozen=True)
class _Found:
    """The articles one poll read from a source, and what went wrong on the way."""

    articles: tuple[Article, ...]
    problems: tuple[str, ...]
    # Everything the source offered was read; only then are its validators kept, so that
    # a page that failed today is tried again tomorrow rather than hidden behind a 304.
    complete: bool
    dropped: int = 0  # links the filters rejected before their page was fetched
    # Articles whose content came from their page (the others' came from the feed).
    from_pages: frozenset[str] = frozenset()
    # The validators of the article pages read, kept once their articles are stored.
    page_validators: Mapping[str, Validators] = field(default_factory=dict)


def poll_source(
    source: SourceConfig, store: Store, fetcher: Fetcher, monitor: MonitorConfig | None = None
) -> SourceReport:
    """Poll `source` once: fetch, read, store, recheck. Never raises for a bad source.

    `monitor` is the change monitor's configuration (its defaults when not given).
    """
    monitor = monitor or MonitorConfig()
    # Rechecks are those due when the poll began: an article stored by this very poll is
    # never due before its first step, however long the poll takes.
    began = utc_now()
    target = store.poll_target(source, began)
    url, known = target.url, target.validators
    result = fetcher.fetch(url, known)
    took = result.elapsed_ms / 1000
    if source.type == "watch":
        return _poll_watch(source, store, result, _log_fetch(store, source, result), monitor)
    if result.error:
        with store.transaction():
            _log_fetch(store, source, result)
            report = _failed(store, source, result.error, took, result.retry_after)
        return report
    validators = replace(result.validators, body_digest=body_digest(result.content))
    if result.not_modified or validators.body_digest == known.body_digest:
        # A 304, or the same bytes as last time from a server without validators: there
        # is nothing new to read, only the rechecks that are due. The fetch and the poll
        # are recorded in one transaction (one commit: most polls end here).
        with store.transaction():
            _log_fetch(store, source, result)
            if not result.not_modified and validators != known:  # e.g. a new ETag
                store.remember_validators(url, validators)
            store.record_poll(source.name, NOT_MODIFIED)
        rechecked = _recheck(source, store, fetcher, monitor, began, target.rechecks_due)
        return _with_rechecks(
            SourceReport(source.name, NOT_MODIFIED, fetch_seconds=took), rechecked
        )

    fetch_id = _log_fetch(store, source, result)
    article_filter = ArticleFilter.of(source.include, source.exclude)
    read = _read_feed if source.type == "feed" else _read_list
    try:
        found = read(source, result, store, fetcher, article_filter)
    except SourceError as exc:
        with store.transaction():
            store.note_fetch_error(fetch_id, str(exc))
            report = _failed(store, source, str(exc), took)
        return report
    for problem in found.problems:
        log.warning("source %s: %s", source.name, problem)
    filtered = filter_articles(found.articles, article_filter)
    dropped = found.dropped + filtered.dropped

    origins = {article_url: Origin.PAGE for article_url in found.from_pages}
    first_check = plan.first_check(utc_now(), monitor.recheck)
    # The articles, the validators that stand for them and the outcome: one transaction,
    # so validators are never kept for articles that were not stored.
    with store.transaction():
        if dropped:
            store.note_fetch_dropped(fetch_id, dropped)
        counts = store.save_articles(source.name, filtered.kept, origins, to_iso(first_check))
        for article in filtered.kept:
            if article.url in found.page_validators:
                store.remember_validators(article.url, found.page_validators[article.url])
        if found.complete:
            store.remember_validators(url, validators)
        store.record_poll(source.name, OK, "; ".join(found.problems) or None)
    rechecked = _recheck(source, store, fetcher, monitor, began, target.rechecks_due)
    log.info(
        "source %s: %d new, %d updated, %d unchanged, %d dropped by filters",
        source.name,
        counts.new,
        counts.updated,
        counts.unchanged,
        dropped,
    )
    report = SourceReport(
        source.name,
        OK,
        counts.new,
        counts.updated,
        found.problems,
        dropped=dropped,
        fetch_seconds=took,
    )
    return _with_rechecks(report, rechecked)


def _log_fetch(store: Store, source: SourceConfig, result: FetchResult) -> int:
    """Log the source's own fetch, and follow a permanent redirect; the log row's id."""
    with store.transaction():
        fetch_id = store.record_fetch(source.name, result)
        if result.moved_to:
            log.info("source %s: moved permanently to %s", source.name, result.moved_to)
            store.move_source(source.name, result.moved_to)
    return fetch_id


def body_digest(content: bytes) -> str:
    """A short digest of a response body, to tell a byte-identical one again."""
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def _recheck(
    source: SourceConfig,
    store: Store,
    fetcher: Fetcher,
    monitor: MonitorConfig,
    now: datetime,
    due: bool,
) -> RecheckReport:
    """The change monitor's rechecks of `source`'s stored articles due at `now`, if `due`
    says that some are."""
    if not due:
        return RecheckReport()
    rechecked = recheck_source(source, store, fetcher, monitor, now)
    for problem in rechecked.problems:
        log.warning("source %s: recheck: %s", source.name, problem)
    if rechecked.checked:
        counts = rechecked.counts
        log.info(
            "source %s: rechecked %d pages: %d edited, %d removed, %d restored, %d moved",
            source.name,
            rechecked.checked,
            counts.edited,
            counts.removed,
            counts.restored,
            counts.moved,
        )
    return rechecked


def _with_rechecks(report: SourceReport, rechecked: RecheckReport) -> SourceReport:
    return replace(
        report,
        updated=report.updated + rechecked.counts.edited,
        events=report.events + rechecked.counts.events,
        rechecked=rechecked.checked,
    )


def _poll_watch(
    source: SourceConfig, store: Store, result: FetchResult, fetch_id: int, monitor: MonitorConfig
) -> SourceReport:
    """A watched page: its watched part compared with the stored one; take-downs confirmed.

    The page is stored under its configured URL with a `#watch-<source>` fragment, so that
    it never collides with an article stored from the same page, nor with another watch.
    """
    took = result.elapsed_ms / 1000
    page_url = watched_url(source)
    stored = store.monitored_article(page_url)
    answer = answer_of(result.status, result.error)
    if answer is Answer.NO_ANSWER:
        error = result.error or f"HTTP {result.status}"
        return _failed(store, source, error, took, result.retry_after)
    content = None
    if answer is Answer.PRESENT and not result.not_modified:
        try:
            part = watched_part(
                result.content,
                result.final_url or result.url,
                content_type=result.content_type,
                select=source.select,
                ignore=source.ignore,
            )
        except WatchError as exc:
            store.note_fetch_error(fetch_id, str(exc))
            return _failed(store, source, str(exc), took)
        content = Article(
            url=page_url,
            title=part.title or source.name,
            body_text=part.text,
            body_html=part.html,
        )
    new = 0
    counts = CheckCounts()
    if stored is None:
        if content is not None:
            new = store.save_articles(source.name, [content], {page_url: Origin.WATCH}).new
    else:
        check = check_of(
            stored,
            answer,
            utc_now(),
            replace(monitor, recheck=()),  # the source's own polls are its checks
            result.error or f"HTTP {result.status}",
            content=content,
        )
        counts = store.apply_checks([check])
    if answer is Answer.GONE:
        report = _failed(store, source, result.error or f"HTTP {result.status}", took)
        return replace(report, events=counts.events)
    store.remember_validators(result.url, result.validators)
    status = NOT_MODIFIED if result.not_modified else OK
    store.record_poll(source.name, status)
    return SourceReport(
        source.name, status, new, counts.edited, fetch_seconds=took, events=counts.events
    )


def watched_url(source: SourceConfig) -> str:
    """The URL a watch source's page is stored under."""
    return f"{source.url}#watch-{source.name}"


def _read_feed(
    source: SourceConfig,
    result: FetchResult,
    store: Store,
    fetcher: Fetcher,
    article_filter: ArticleFilter,
) -> _Found:
    """A feed's entries; with `fetch_pages`, summary-only entries completed by their page."""
    try:
        feed = parse_feed(
            result.content, result.headers, result.final_url or result.url, source.timezone
        )
    except FeedError as exc:
        raise SourceError(str(exc)) from exc
    if not source.wants_pages or not feed.summary_only:
        return _Found(feed.articles, feed.problems, complete=True)
    # A stored summary-only entry was completed from its page once; its feed summary must
    # not overwrite that (rechecks of the page follow its edits).
    known = store.known_urls(feed.summary_only)
    wanted = [
        a
        for a in feed.articles
        if a.url in feed.summary_only and a.url not in known and article_filter.keeps_article(a)
    ]
    hints = [PageHint(a.url, a.title, a.published, a.guid) for a in wanted]
    pages = {page.hint.url: page for page in _fetch_and_log(hints, source, store, fetcher)}
    articles = []
    for article in feed.articles:
        if article.url in known:
            continue
        page = pages.get(article.url)
        page_article = page.article if page else None
        articles.append(merge_feed_and_page(article, page_article) if page_article else article)
    problems = feed.problems + tuple(page.problem for page in pages.values() if page.problem)
    read = [page for page in pages.values() if page.article]
    return _Found(
        tuple(articles),
        problems,
        complete=len(problems) == len(feed.problems),
        from_pages=frozenset(page.hint.url for page in read),
        page_validators={page.hint.url: page.fetch.validators for page in read},
    )


def _read_list(
    source: SourceConfig,
    result: FetchResult,
    store: Store,
    fetcher: Fetcher,
    article_filter: ArticleFilter,
) -> _Found:
    """An html source: its list pages' links, and the pages of those not yet stored.

    The filters are applied to each link (its URL and its text in the list) before its
    page is fetched, and once more to the article read from the page.
    """
    try:
        walk = walk_list(source, result, fetcher)
    except ValueError as exc:
        raise SourceError(f"cannot read the list page: {exc}") from exc
    with store.transaction():
        for fetched in walk.fetches:
            store.record_fetch(source.name, fetched)
    if not walk.links:
        reason = "; ".join(walk.problems) or "no article links found"
        raise SourceError(f"list page yields no article links ({reason})")
    links = [link for link in walk.links if article_filter.keeps(link.url, link.title, None)]
    known = store.known_urls(link.url for link in links)
    hints = [PageHint(link.url, link.title, link.date) for link in links if link.url not in known]
    pages = _fetch_and_log(hints, source, store, fetcher)
    articles = tuple(page.article for page in pages if page.article)
    problems = walk.problems + tuple(page.problem for page in pages if page.problem)
    return _Found(
        articles,
        problems,
        complete=walk.complete and len(articles) == len(pages),
        dropped=len(walk.links) - len(links),
        from_pages=frozenset(article.url for article in articles),
        page_validators={page.hint.url: page.fetch.validators for page in pages if page.article},
    )


def _fetch_and_log(
    hints: Sequence[PageHint], source: SourceConfig, store: Store, fetcher: Fetcher
) -> list[Page]:
    """Fetch and normalize article pages; log every fetch (in this, the store's thread)."""
    pages = fetch_pages(hints, source, fetcher, workers=fetcher.config.per_host)
    with store.transaction():  # one commit for the lot, not one per page
        for page in pages:
            fetch_id = store.record_fetch(source.name, page.fetch)
            if page.problem and page.fetch.ok:
                store.note_fetch_error(fetch_id, page.problem)
    return pages


def poll_guarded(
    source: SourceConfig, store: Store, fetcher: Fetcher, monitor: MonitorConfig | None = None
) -> SourceReport:
    """`poll_source`, with a bug met on one source noted as its failure instead of raised.

    Used wherever many sources are polled, so one source's surprise stops nothing else.
    """
    try:
        return poll_source(source, store, fetcher, monitor)
    except Exception as exc:
        log.exception("source %s: internal error", source.name)
        return _failed(store, source, f"internal error: {type(exc).__name__}: {exc}")


def _failed(
    store: Store,
    source: SourceConfig,
    error: str,
    fetch_seconds: float | None = None,
    retry_after: float | None = None,
) -> SourceReport:
    log.warning("source %s: %s", source.name, error)
    store.record_poll(source.name, ERROR, error)
    return SourceReport(
        source.name,
        ERROR,
        errors=(error,),
        fetch_seconds=fetch_seconds,
        retry_after=retry_after,
    )


def poll_many(
    config: Config,
    sources: Sequence[SourceConfig],
    on_report: Callable[[SourceReport], None] | None = None,
) -> list[SourceReport]:
    """Poll `sources` concurrently (`fetch.workers` at a time); reports in completion order."""
    with Store(config.storage.database) as store:
        store.sync_sources(config.sources)
    reports: list[SourceReport] = []
    with Fetcher(config.fetch) as fetcher, stores_per_thread(config) as store_for_thread:

        def poll_in_thread(source: SourceConfig) -> SourceReport:
            return poll_guarded(source, store_for_thread(), fetcher, config.monitor)

        with ThreadPoolExecutor(max_workers=max(1, config.fetch.workers)) as pool:
            futures = [pool.submit(poll_in_thread, source) for source in taking_turns(sources)]
            for future in as_completed(futures):
                report = future.result()
                reports.append(report)
                if on_report:
                    on_report(report)
    return reports


def taking_turns(sources: Sequence[SourceConfig]) -> list[SourceConfig]:
    """`sources` in turns across sites: the first source of each site, then the second...

    A poll waits at its site's politeness gate (`fetch.per_host` requests at once,
    `fetch.delay` apart). Queued as configs list them, a portal's columns one after another,
    every worker would wait at one site's gate while the other sites' sources waited behind
    them in the queue.
    """
    by_site: dict[str, list[SourceConfig]] = {}
    for source in sources:
        by_site.setdefault(site_of(source.url), []).append(source)
    turns = zip_longest(*by_site.values())
    return [source for turn in turns for source in turn if source is not None]


# The poll threads' SQLite page caches share one budget. A poll mostly waits for its server,
# so real latencies want dozens of threads (`bench/poll.py --latency`), and a connection's
# cache grows to its limit: at 512 KB each, 64 threads held 47 MB of it. The pages they
# need most are the same few index pages, and the OS caches the file besides.
_POLL_PAGE_CACHE_BUDGET_KIB = 2048
_POLL_PAGE_CACHE_MIN_KIB = 64


def _poll_page_cache_kib(workers: int) -> int:
    """Each poll thread's share of the page-cache budget (4 workers: 512 KB each)."""
    return max(_POLL_PAGE_CACHE_MIN_KIB, _POLL_PAGE_CACHE_BUDGET_KIB // max(1, workers))


@contextmanager
def stores_per_thread(config: Config) -> Iterator[Callable[[], Store]]:
    """A factory giving each thread its own `Store`, kept for the thread's life and closed
    at the end: opening one (schema and index checks) costs about as much CPU as a 304 poll.
    """
    local = threading.local()
    opened: list[Store] = []
    lock = threading.Lock()
    page_cache_kib = _poll_page_cache_kib(config.fetch.workers)

    def store_for_thread() -> Store:
        store = getattr(local, "store", None)
        if store is None:
            store = local.store = Store(config.storage.database, page_cache_kib)
            with lock:
                opened.append(store)
        return store

    try:
        yield store_for_thread
    finally:
        for store in opened:
            store.close()
