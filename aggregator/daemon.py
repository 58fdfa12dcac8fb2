"""`aggregator run`: poll every source on its own schedule and serve the feeds until stopped.

    start     take the database's daemon lock -> sync sources -> serve -> publish
              -> schedule every enabled source
    each poll poll the source -> count it (metrics) -> decide when next (aggregator/schedule.py)
              -> schedule that -> publish soon after, when it changed something (debounced)
    SIGHUP    reload the config: sources added, removed or changed are (re)scheduled
    SIGTERM   stop scheduling -> let running polls finish (`stop_timeout`) -> publish what
    SIGINT    is pending -> stop serving -> checkpoint the database -> exit 0

APScheduler's BackgroundScheduler runs polls on a bounded thread pool (`fetch.workers`).
Each source is one job that sets its own next run when a poll ends (a date trigger at the
decided delay plus jitter), so a source is never polled twice at once and missed runs never
pile up (`max_instances=1` and `coalesce` tell APScheduler the same). One fetcher serves
every job, so `fetch.per_host` and `fetch.delay` bound what all of them ask of one host.

One daemon per database: an exclusive lock on `<database>.lock`, which the kernel releases
however the process ends (kill -9 included), so a restart never meets a stale lock. The
lock file also says where the daemon serves, for `aggregator status`.

Signals are blocked in every thread and taken by `sigwait` in the main thread, so stopping
and reloading run as ordinary code, never inside a signal handler.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import logging
import math
import os
import random
import signal
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger

from aggregator.config import Config, ConfigError, SourceConfig, load_config
from aggregator.dates import to_iso, utc_now
from aggregator.fetch import Fetcher
from aggregator.logs import about_source
from aggregator.metrics import Metrics
from aggregator.poll import ERROR, poll_guarded, stores_per_thread, taking_turns
from aggregator.publish import publish_all
from aggregator.schedule import Bounds, Outcome, next_poll
from aggregator.serve import FeedApp, FeedServer, SchedulerState
from aggregator.store import Store

log = logging.getLogger(__name__)

_STOP_SIGNALS = frozenset({signal.SIGTERM, signal.SIGINT})
# How often, at most, to warn that polls start later than their sources' intervals: while
# the workers are too few it is true of most polls, and once is enough to act on.
_LATE_WARNING_EVERY = 600.0
_LOCK_PATIENCE = 0.5  # seconds: a `status` probe holds the lock for a moment, never longer


class AlreadyRunning(Exception):
    """Another daemon holds this database; `str()` says which and what to do."""


class DaemonLock:
    """The exclusive lock that makes one daemon per database, and what it tells others."""

    def __init__(self, database: Path):
        self.database = database
        self.path = lock_path(database)
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        deadline = time.monotonic() + _LOCK_PATIENCE
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                info = _read_info(handle)
                handle.close()
                who = f"(pid {info['pid']}) " if "pid" in info else ""
                raise AlreadyRunning(
                    f"another aggregator daemon {who}is already running on {self.database}; "
                    "stop it first, or give this one another storage.database"
                ) from None
        self._handle = handle

    def describe(self, info: dict[str, Any]) -> None:
        """Write what `aggregator status` needs to find this daemon into the lock file."""
        assert self._handle is not None
        self._handle.seek(0)
        self._handle.truncate()
        self._handle.write(json.dumps(info))
        self._handle.flush()

    def release(self) -> None:
        if self._handle is not None:
            self._handle.truncate(0)
            self._handle.close()  # closing drops the lock
            self._handle = None


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def running_daemon(database: Path) -> dict[str, Any] | None:
    """What the daemon running on `database` wrote about itself, or None if none runs."""
    try:
        handle = lock_path(database).open(encoding="utf-8")
    except FileNotFoundError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_info(handle)
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None


def _read_info(handle: IO[str]) -> dict[str, Any]:
    handle.seek(0)
    try:
        info = json.loads(handle.read() or "{}")
    except json.JSONDecodeError:
        return {}
    return info if isinstance(info, dict) else {}


def scheduler_state_of_other(database: Path) -> SchedulerState:
    """For `aggregator serve`: whether a daemon is scheduling polls on `database`."""
    info = running_daemon(database)
    if info is None:
        return SchedulerState(False, "not running")
    return SchedulerState(True, f"running in pid {info.get('pid', '?')}")


_M_ARENA_MAX = -8  # glibc's mallopt parameter
_MALLOC_ARENAS = 2


def _cap_malloc_arenas() -> None:
    """Let glibc's malloc keep two arenas for the process, not up to eight per core.

    Each poll thread would otherwise allocate from an arena of its own, and memory freed in
    one arena is never reused by another thread's: at 1,000 sources the cap lowered the
    daemon's peak RSS by 3-4 MB (bench/README.md). The threads take turns on the GIL anyway,
    so two arenas cost no measurable CPU. Nothing happens where the C library has no mallopt.
    """
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is not None:
        mallopt(_M_ARENA_MAX, _MALLOC_ARENAS)


class Daemon:
    """The scheduler, the shared fetcher, the feed server, and the state they share."""

    def __init__(self, config: Config):
        self.config = config
        self.lock = DaemonLock(config.storage.database)
        self.fetcher = Fetcher(config.fetch)
        self._stores = ExitStack()  # the poll threads' own stores (opened on first use)
        self._store_for_thread = self._stores.enter_context(stores_per_thread(config))
        self.scheduler = BackgroundScheduler(
            job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
            executors={
                "default": {"type": "threadpool", "max_workers": max(1, config.fetch.workers)}
            },
        )
        self.metrics = Metrics(config.storage.database, lambda: self.state().running)
        self.app = FeedApp(config, self.metrics, self.state)
        self.server = FeedServer(config.server, self.app)
        self._sources: dict[str, SourceConfig] = {}
        self._stopping = False
        self._running_polls = 0
        self._idle = threading.Condition()
        self._publish_lock = threading.Lock()  # one publish at a time
        self._publisher = Debounced(self._publish, config.schedule.publish_delay)
        self._late_lock = threading.Lock()
        self._late_warned_at = -math.inf  # time.monotonic() of the last warning

    def state(self) -> SchedulerState:
        if self._stopping:
            return SchedulerState(False, "stopping")
        if self.scheduler.running:
            return SchedulerState(True, "running")
        return SchedulerState(False, "starting")

    def run(self) -> int:
        """Run until SIGTERM or SIGINT; the exit code (0: everything finished cleanly)."""
        handled = {*_STOP_SIGNALS, signal.SIGHUP}
        # Before any thread starts, so that every thread inherits the mask and the arenas.
        signal.pthread_sigmask(signal.SIG_BLOCK, handled)
        _cap_malloc_arenas()
        self.lock.acquire()
        try:
            self._start()
            while True:
                received = signal.sigwait(handled)
                if received in _STOP_SIGNALS:
                    log.info("received %s: stopping", signal.Signals(received).name)
                    return self._stop()
                self._reload()
        finally:
            self.lock.release()

    # -- start and stop ------------------------------------------------------------------

    def _start(self) -> None:
        with Store(self.config.storage.database) as store:
            store.sync_sources(self.config.sources)
            self._sources = {source.name: source for source in self.config.select()}
            states = {name: store.schedule_state(name) for name in self._sources}
        self.server.start()
        self.lock.describe(
            {
                "pid": os.getpid(),
                "started": to_iso(utc_now()),
                "url": self.server.url,
                "config": str(self.config.path.resolve()),
            }
        )
        self.scheduler.start()
        self._publisher.start()
        self._publish()
        for source, first in _in_turns(self._sources.values(), datetime.now(UTC)):
            # A failing source keeps its backoff (or Retry-After) across a restart; the
            # others are polled at once, as a restart is often meant to make them.
            state = states[source.name]
            if state.consecutive_failures and state.next_poll:
                first = max(first, datetime.fromisoformat(state.next_poll))
            self._schedule(source.name, first)
        log.info("daemon started: %d sources, feeds at %s", len(self._sources), self.server.url)

    def _stop(self) -> int:
        self._stopping = True
        self.scheduler.shutdown(wait=False)  # no new polls; running ones go on
        timeout = self.config.schedule.stop_timeout
        with self._idle:
            finished = self._idle.wait_for(lambda: self._running_polls == 0, timeout)
        if not finished:
            log.warning(
                "%d polls still running after %gs: exiting without them (what they had not "
                "committed is rolled back)",
                self._running_polls,
                timeout,
            )
            logging.shutdown()
            os._exit(1)  # their threads would hold the interpreter open
        self._publisher.stop()  # publishing what is pending first
        self.server.stop()
        self.fetcher.close()
        self._stores.close()
        with Store(self.config.storage.database) as store:
            store.checkpoint()
        log.info("stopped")
        return 0

    # -- polling -------------------------------------------------------------------------

    def _schedule(self, name: str, when: datetime) -> None:
        self.scheduler.add_job(
            self._poll,
            DateTrigger(run_date=when),
            args=[name, when],
            id=name,
            name=f"poll {name}",
            replace_existing=True,
        )

    def _poll(self, name: str, due: datetime) -> None:
        source = self._sources.get(name)
        if source is None or self._stopping:  # removed by a reload, or shutting down
            return
        with self._counted(), about_source(name):
            bounds = self._bounds(source)
            # Not utc_now(): its whole seconds would make a 1.9 s wait look like 1 s.
            late = (datetime.now(UTC) - due).total_seconds()
            self._note_start_delay(name, late, bounds.interval)
            when = utc_now() + timedelta(seconds=bounds.interval)
            changed = False
            try:
                store = self._store_for_thread()
                report = poll_guarded(source, store, self.fetcher, self.config.monitor)
                self.metrics.record_poll(report)
                changed = report.changed
                state = store.schedule_state(name)
                decision = next_poll(
                    bounds,
                    state.poll_interval,
                    Outcome(
                        failed=report.status == ERROR,
                        changed=report.changed,
                        consecutive_failures=state.consecutive_failures,
                        retry_after=report.retry_after,
                    ),
                )
                jitter = random.uniform(0, self.config.schedule.jitter)
                when = utc_now() + timedelta(seconds=decision.delay + jitter)
                store.record_schedule(name, decision.interval, when)
                log.info(
                    "source %s: next poll in %.0fs (%s)", name, decision.delay, decision.reason
                )
            except Exception:  # the archive failed us (disk full?): keep the source scheduled
                log.exception("source %s: poll failed; trying again at its interval", name)
            finally:
                if not self._stopping and name in self._sources:
                    self._schedule(name, when)
        if changed:
            self._publisher.request(name)

    def _note_start_delay(self, name: str, late: float, interval: float) -> None:
        """Measure how late a poll starts; warn when polling has fallen behind.

        A poll waits past its due time only while every worker is busy. Waiting longer than
        the source's interval means it is polled less often than configured: the workers are
        too few for the sources and how long their servers take to answer.
        """
        self.metrics.record_start_delay(late)
        if late <= interval:
            return
        now = time.monotonic()
        with self._late_lock:
            if now - self._late_warned_at < _LATE_WARNING_EVERY:
                return
            self._late_warned_at = now
        log.warning(
            "polls are falling behind: source %s started %.0fs after it was due, more than "
            "its %.0fs interval: all the poll workers were busy (fetch.workers = %d; raise it)",
            name,
            late,
            interval,
            self.config.fetch.workers,
        )

    def _bounds(self, source: SourceConfig) -> Bounds:
        schedule = self.config.schedule
        return Bounds.around(
            self.config.interval_of(source),
            min_interval=_first(source.min_interval, schedule.min_interval),
            max_interval=_first(source.max_interval, schedule.max_interval),
            backoff_max=schedule.backoff_max,
            adaptive=schedule.adaptive,
        )

    @contextmanager
    def _counted(self) -> Iterator[None]:
        """Count a running poll, so that stopping can wait for the last one."""
        with self._idle:
            self._running_polls += 1
        try:
            yield
        finally:
            with self._idle:
                self._running_polls -= 1
                self._idle.notify_all()

    # -- publishing ----------------------------------------------------------------------

    def _publish(self, changed: Collection[str] | None = None) -> None:
        """Publish the feeds `changed` sources touch (every feed when None)."""
        with self._publish_lock:
            try:
                with Store(self.config.storage.database) as store:
                    written = publish_all(self.config, store, changed)
                log.info("published %d feeds", len(written))
            except Exception:  # the next change publishes again
                log.exception("publishing failed")

    # -- reloading -----------------------------------------------------------------------

    def _reload(self) -> None:
        """SIGHUP: read the config again; a bad one is logged and the running one kept."""
        try:
            config = load_config(self.config.path)
        except ConfigError as exc:
            log.error("reload: %s; keeping the running configuration", exc)
            return
        for section in ("storage", "server", "fetch"):
            if getattr(config, section) != getattr(self.config, section):
                log.warning("reload: [%s] changed, which takes a restart", section)
        config = replace(
            config, storage=self.config.storage, server=self.config.server, fetch=self.config.fetch
        )
        with Store(config.storage.database) as store:
            store.sync_sources(config.sources)
        before = self._sources
        after = {source.name: source for source in config.select()}
        self.config = self.app.config = config
        self._publisher.delay = config.schedule.publish_delay
        self._sources = after
        removed = before.keys() - after.keys()
        added = after.keys() - before.keys()
        changed = {name for name in after.keys() & before.keys() if after[name] != before[name]}
        for name in removed:
            # A source polling right now has no job; it sees it is gone and stops there.
            with suppress(JobLookupError):
                self.scheduler.remove_job(name)
        rescheduled = [after[name] for name in sorted(added | changed)]
        for source, first in _in_turns(rescheduled, datetime.now(UTC)):
            self._schedule(source.name, first)
        self._publish()
        log.info(
            "reloaded %s: %d sources added, %d removed, %d changed",
            config.path,
            len(added),
            len(removed),
            len(changed),
        )


def _in_turns(
    sources: Iterable[SourceConfig], now: datetime
) -> Iterator[tuple[SourceConfig, datetime]]:
    """Each source with a start time from `now`, a millisecond apart in turns across sites.

    `now` from the precise clock, not `utc_now()`: a start time up to a second early would
    count as a second of waiting in the poll's measured lateness.

    The scheduler starts jobs due at one time in the order of their names, which keeps a
    portal's columns together: every worker would wait at that portal's politeness gate.
    """
    for turn, source in enumerate(taking_turns(list(sources))):
        yield source, now + timedelta(milliseconds=turn)


class Debounced:
    """Runs `action` in its own thread `delay` seconds after a request, once for however
    many requests arrive by then (a burst of polls publishes once, not once per poll),
    with the set of names the requests named."""

    def __init__(self, action: Callable[[set[str]], None], delay: float):
        self._action = action
        self.delay = delay
        self._wake = threading.Condition()
        self._requested = False
        self._names: set[str] = set()
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="publisher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request(self, name: str) -> None:
        with self._wake:
            self._requested = True
            self._names.add(name)
            self._wake.notify_all()

    def stop(self) -> None:
        """Run a pending request now (not after the delay), then end the thread."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._requested or self._stopping)
                if not self._requested:
                    return
                self._wake.wait_for(lambda: self._stopping, timeout=self.delay)
                self._requested = False
                names, self._names = self._names, set()
            self._action(names)


def _first(*values: float | None) -> float | None:
    return next((value for value in values if value is not None), None)
