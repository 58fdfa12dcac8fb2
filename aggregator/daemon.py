"""`aggregator run`: poll every source on its own interval until told to stop.

APScheduler's BackgroundScheduler runs one job per enabled source, with jitter so sources
sharing an interval do not fire together, `max_instances=1` so a slow poll is never run
twice at once, and coalescing so a backlog of missed runs becomes one run. The main thread
waits for SIGTERM or SIGINT, then stops scheduling and lets running polls finish.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from aggregator.config import Config, SourceConfig
from aggregator.fetch import Fetcher
from aggregator.poll import poll_source
from aggregator.publish import publish_all
from aggregator.store import Store

log = logging.getLogger(__name__)


class Daemon:
    """The scheduler, the shared fetcher, and the lock that serializes publishing."""

    def __init__(self, config: Config):
        self.config = config
        self.fetcher = Fetcher(config.fetch)
        self.scheduler = BackgroundScheduler(
            job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
            executors={"default": {"type": "threadpool", "max_workers": config.fetch.workers}},
        )
        self._publish_lock = threading.Lock()
        self._stop = threading.Event()

    def run(self) -> None:
        """Schedule every enabled source, poll them until a signal arrives, then stop."""
        with Store(self.config.storage.database) as store:
            store.sync_sources(self.config.sources)
        sources = self.config.select()
        for source in sources:
            self.scheduler.add_job(
                self._poll,
                IntervalTrigger(
                    seconds=self.config.interval_of(source), jitter=self.config.schedule.jitter
                ),
                args=[source],
                id=source.name,
                name=f"poll {source.name}",
                next_run_time=datetime.now().astimezone(),
            )
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)
        self.scheduler.start()
        log.info("daemon started: %d sources", len(sources))
        self._stop.wait()
        log.info("stopping: waiting for running polls to finish")
        self.scheduler.shutdown(wait=True)
        self.fetcher.close()
        log.info("stopped")

    def _on_signal(self, signum: int, _frame: object) -> None:
        log.info("received %s", signal.Signals(signum).name)
        self._stop.set()

    def _poll(self, source: SourceConfig) -> None:
        with Store(self.config.storage.database) as store:
            try:
                report = poll_source(source, store, self.fetcher)
            except Exception:  # keep the job scheduled whatever one poll met
                log.exception("source %s: internal error", source.name)
                return
            if report.changed:
                with self._publish_lock:
                    publish_all(self.config, store)
