"""`aggregator run` as a real process: it polls on schedule and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from pytest_httpserver import HTTPServer

from helpers import REPO_ROOT, write_config

FEEDS = Path(__file__).parent / "data" / "feeds"


def wait_for(condition, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)


def test_daemon_polls_on_its_interval_and_stops_on_sigterm(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/rss").respond_with_data(
        (FEEDS / "rss2.xml").read_bytes(), content_type="application/rss+xml"
    )
    config = write_config(
        tmp_path,
        [{"name": "outlet", "url": httpserver.url_for("/rss"), "interval": "1s"}],
        schedule={"interval": "1h", "jitter": 0},
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    daemon = subprocess.Popen(
        [sys.executable, "-m", "aggregator", "--config", str(config), "-v", "run"],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        feed = tmp_path / "data" / "feeds" / "feed.atom"
        wait_for(lambda: feed.exists())
        wait_for(lambda: len(httpserver.log) >= 3)  # polled again on its 1 s interval
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, stderr = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, stderr
    assert "stopped" in stderr
    connection = sqlite3.connect(tmp_path / "data" / "aggregator.db")
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert connection.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
