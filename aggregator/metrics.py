"""Prometheus metrics for `/metrics`: what the daemon did, and what the archive holds.

Two kinds, both in one registry per process (never the library's global one, so a test or
a second server in one process starts from zero):

- counters and histograms the daemon bumps around each poll (polls by outcome, errors,
  new / updated / filtered-out articles, fetch latency, how late polls start) and the
  server bumps per feed request (by feed and status, so 304s for feed readers are
  visible);
- gauges read from the archive at scrape time (articles, versions, stories, each
  source's consecutive failures and last success), so they
  are right even in `aggregator serve`, which polls nothing itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from aggregator.poll import ERROR, SourceReport
from aggregator.store import Store

log = logging.getLogger(__name__)

# Fetches take from a few milliseconds (a 304 from a nearby server) to the 30 s timeout.
_FETCH_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0)
# A poll starts at once while a worker is free; when every worker is busy it waits, and a
# wait as long as the sources' interval (minutes to hours) means polling has fallen behind.
_START_DELAY_BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 14400.0)


# The counters: name -> (help, label names). Exposed with prometheus' "_total" suffix.
_COUNTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "aggregator_polls": ("Polls of a source, by outcome.", ("source", "status")),
    "aggregator_poll_errors": ("Polls of a source that failed.", ("source",)),
    "aggregator_new_articles": ("Articles stored for the first time.", ("source",)),
    "aggregator_updated_articles": ("New versions of stored articles.", ("source",)),
    "aggregator_dropped_articles": (
        "Entries a source's include / exclude filters rejected (never stored).",
        ("source",),
    ),
    "aggregator_feed_requests": (
        "Feed requests answered, by feed and HTTP status.",
        ("feed", "status"),
    ),
}


class Metrics:
    """The registry served at /metrics, and the calls that record into it."""

    def __init__(self, database: Path, scheduler_running: Callable[[], bool]):
        self.registry = CollectorRegistry()
        self._counts = _Counts()
        self.registry.register(self._counts)
        # One histogram for all sources, not one per source: at a province's 9,000 sources
        # that would be 117,000 series (13 per histogram), ~20 MB in the daemon and as much
        # cardinality in Prometheus. Each source's fetch times are in the fetch log
        # (`fetches.elapsed_ms`).
        self.fetch_seconds = Histogram(
            "aggregator_fetch_duration_seconds",
            "Time to fetch a source (retries included), over all sources.",
            buckets=_FETCH_BUCKETS,
            registry=self.registry,
        )
        self.start_delay_seconds = Histogram(
            "aggregator_poll_start_delay_seconds",
            "Time a poll waited past its due time for a free worker, over all sources.",
            buckets=_START_DELAY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_ArchiveCollector(database, scheduler_running))

    def record_poll(self, report: SourceReport) -> None:
        source = report.name
        self._counts.add("aggregator_polls", (source, report.status))
        if report.status == ERROR:
            self._counts.add("aggregator_poll_errors", (source,))
        self._counts.add("aggregator_new_articles", (source,), report.new)
        self._counts.add("aggregator_updated_articles", (source,), report.updated)
        self._counts.add("aggregator_dropped_articles", (source,), report.dropped)
        if report.fetch_seconds is not None:
            self.fetch_seconds.observe(report.fetch_seconds)

    def record_start_delay(self, seconds: float) -> None:
        self.start_delay_seconds.observe(max(0.0, seconds))

    def record_feed_request(self, feed: str, status: int) -> None:
        self._counts.add("aggregator_feed_requests", (feed, str(status)))


class _Counts(Collector):
    """The per-source and per-feed counters, as plain numbers in one dict.

    prometheus_client's labelled `Counter` keeps a child per label set, each with its own
    lock, value object and creation time: ~600 bytes, so 27 MB for a province's 9,000
    sources. A series appears with its first non-zero count: most sources never drop an
    entry or see an edit, and a zero series for each of them would be most of the output.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[tuple[str, tuple[str, ...]], float] = {}

    def add(self, name: str, labels: tuple[str, ...], amount: float = 1) -> None:
        if not amount:
            return
        key = (name, labels)
        with self._lock:
            self._values[key] = self._values.get(key, 0) + amount

    def describe(self) -> list[Metric]:
        return list(_empty_counters().values())

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            values = sorted(self._values.items())
        families = _empty_counters()
        for (name, labels), value in values:
            families[name].add_metric(labels, value)
        yield from families.values()


def _empty_counters() -> dict[str, CounterMetricFamily]:
    return {
        name: CounterMetricFamily(name, meaning, labels=labels)
        for name, (meaning, labels) in _COUNTERS.items()
    }


class _ArchiveCollector(Collector):
    """Gauges read from the archive each time Prometheus scrapes."""

    def __init__(self, database: Path, scheduler_running: Callable[[], bool]):
        self.database = database
        self.scheduler_running = scheduler_running

    def describe(self) -> list[Metric]:
        return []  # read the archive only when scraped, never at registration

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "aggregator_scheduler_running",
            "1 while the daemon's scheduler is running.",
            value=int(self.scheduler_running()),
        )
        try:
            with Store(self.database) as store:
                totals = store.totals()
                sources = [row for row in store.source_overview() if row["enabled"]]
        except Exception as exc:  # a scrape must answer even when the archive cannot
            log.warning("metrics: cannot read the archive: %s", exc)
            return
        for name, meaning in (
            ("articles", "Articles in the archive."),
            ("versions", "Article versions in the archive."),
            ("stories", "Stories (merged reposts) in the archive."),
            ("events", "Change monitor events (edits, take-downs, returns, moves) recorded."),
        ):
            yield GaugeMetricFamily(f"aggregator_{name}", meaning, value=totals[name])
        failures = GaugeMetricFamily(
            "aggregator_source_consecutive_failures",
            "Polls of an enabled source that failed in a row (0: its last poll worked).",
            labels=["source"],
        )
        last_success = GaugeMetricFamily(
            "aggregator_source_last_success_timestamp_seconds",
            "When an enabled source was last polled successfully (Unix time).",
            labels=["source"],
        )
        for row in sources:
            failures.add_metric([row["name"]], row["consecutive_failures"])
            if row["last_success"]:
                moment = datetime.fromisoformat(row["last_success"]).timestamp()
                last_success.add_metric([row["name"]], moment)
        yield failures
        yield last_success
        yield GaugeMetricFamily(
            "aggregator_sources_failing",
            "Enabled sources whose last poll failed.",
            value=sum(1 for row in sources if row["consecutive_failures"]),
        )
