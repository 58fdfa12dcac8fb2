"""One poll of one source, start to finish, and a pass over many sources.

`poll_source` reads top to bottom in pipeline order:

    fetch the source (conditional GET) -> log the fetch -> read its entries
      -> drop what the source's include / exclude filters reject (counted, never stored)
      -> save new and changed articles -> remember the validators -> note the outcome

Problems never escape as exceptions: each becomes a one-line error naming the source, in
the fetch log, the `sources` table and the returned `SourceReport`, and the next source
goes on. `poll_many` runs sources concurrently, each worker thread with its own SQLite
connection.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass

from aggregator.config import Config, SourceConfig
from aggregator.discover.feed import FeedError, parse_feed
from aggregator.fetch import Fetcher
from aggregator.filters import ArticleFilter, filter_articles
from aggregator.store import Store

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

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated)


def poll_source(source: SourceConfig, store: Store, fetcher: Fetcher) -> SourceReport:
    """Poll `source` once: fetch, read, store. Never raises for a bad source."""
    url = store.fetch_url(source)
    result = fetcher.fetch(url, store.validators_for(url))
    fetch_id = store.record_fetch(source.name, result)
    took = result.elapsed_ms / 1000
    if result.moved_to:
        log.info("source %s: moved permanently to %s", source.name, result.moved_to)
        store.move_source(source.name, result.moved_to)
    if result.not_modified:
        store.record_poll(source.name, NOT_MODIFIED)
        return SourceReport(source.name, NOT_MODIFIED, fetch_seconds=took)
    if result.error:
        return _failed(store, source, result.error, took, result.retry_after)

    if source.type != "feed":
        problem = f"{source.type} sources cannot be polled by this version"
        store.note_fetch_error(fetch_id, problem)
        return _failed(store, source, problem, took)
    try:
        feed = parse_feed(result.content, result.headers, result.final_url or url, source.timezone)
    except FeedError as exc:
        store.note_fetch_error(fetch_id, str(exc))
        return _failed(store, source, str(exc), took)
    for problem in feed.problems:
        log.warning("source %s: %s", source.name, problem)
    filtered = filter_articles(feed.articles, ArticleFilter.of(source.include, source.exclude))
    if filtered.dropped:
        store.note_fetch_dropped(fetch_id, filtered.dropped)

    counts = store.save_articles(source.name, filtered.kept)
    store.remember_validators(url, result.validators)
    store.record_poll(source.name, OK)
    log.info(
        "source %s: %d new, %d updated, %d unchanged, %d dropped by filters",
        source.name,
        counts.new,
        counts.updated,
        counts.unchanged,
        filtered.dropped,
    )
    return SourceReport(
        source.name,
        OK,
        counts.new,
        counts.updated,
        feed.problems,
        dropped=filtered.dropped,
        fetch_seconds=took,
    )


def poll_guarded(source: SourceConfig, store: Store, fetcher: Fetcher) -> SourceReport:
    """`poll_source`, with a bug met on one source noted as its failure instead of raised.

    Used wherever many sources are polled, so one source's surprise stops nothing else.
    """
    try:
        return poll_source(source, store, fetcher)
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
    with Fetcher(config.fetch) as fetcher, _store_per_thread(config) as store_for_thread:

        def poll_in_thread(source: SourceConfig) -> SourceReport:
            return poll_guarded(source, store_for_thread(), fetcher)

        with ThreadPoolExecutor(max_workers=max(1, config.fetch.workers)) as pool:
            futures = [pool.submit(poll_in_thread, source) for source in sources]
            for future in as_completed(futures):
                report = future.result()
                reports.append(report)
                if on_report:
                    on_report(report)
    return reports


@contextmanager
def _store_per_thread(config: Config) -> Iterator[Callable[[], Store]]:
    """A factory giving each thread its own `Store` (SQLite connections are per thread)."""
    local = threading.local()
    opened: list[Store] = []
    lock = threading.Lock()

    def store_for_thread() -> Store:
        store = getattr(local, "store", None)
        if store is None:
            store = local.store = Store(config.storage.database)
            with lock:
                opened.append(store)
        return store

    try:
        yield store_for_thread
    finally:
        for store in opened:
            store.close()
