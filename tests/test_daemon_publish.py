"""The daemon's debounced publishing: a burst of changes publishes once, none is lost."""

from __future__ import annotations

import threading
import time

from aggregator.daemon import Debounced

from helpers import wait_for


def test_a_burst_of_requests_runs_the_action_once_after_the_delay() -> None:
    runs: list[tuple[float, set[str]]] = []
    debounced = Debounced(lambda names: runs.append((time.monotonic(), names)), delay=0.3)
    debounced.start()
    try:
        first = time.monotonic()
        for number in range(20):
            debounced.request(f"source-{number % 3}")
        wait_for(lambda: runs, timeout=5)
        time.sleep(0.4)
        assert len(runs) == 1 and runs[0][0] - first >= 0.29
        assert runs[0][1] == {"source-0", "source-1", "source-2"}  # what changed, once each
    finally:
        debounced.stop()
    assert len(runs) == 1  # nothing was pending at stop


def test_a_request_during_the_action_runs_it_again() -> None:
    started, release = threading.Event(), threading.Event()
    runs: list[int] = []

    def action(_names: set[str]) -> None:
        runs.append(len(runs))
        started.set()
        release.wait(5)

    debounced = Debounced(action, delay=0)
    debounced.start()
    try:
        debounced.request("a")
        assert started.wait(5)
        debounced.request("b")  # arrives while the first run is busy
        release.set()
        wait_for(lambda: len(runs) == 2, timeout=5)
    finally:
        debounced.stop()


def test_stop_runs_a_pending_request_at_once() -> None:
    runs: list[int] = []
    debounced = Debounced(lambda _names: runs.append(1), delay=60)
    debounced.start()
    debounced.request("a")
    started = time.monotonic()
    debounced.stop()
    assert runs == [1] and time.monotonic() - started < 5
