"""Helpers for tests: writing real config files and running the real CLI."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from aggregator.store import Store

# Fast, impatient fetching for tests against 127.0.0.1.
TEST_FETCH = {
    "timeout": "2s",
    "connect_timeout": "1s",
    "retries": 1,
    "backoff": "0.05s",
    "delay": 0,
}


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def write_config(
    folder: Path, sources: list[dict[str, Any]], **tables: dict[str, Any] | list[dict[str, Any]]
) -> Path:
    """Write a config.toml into `folder` with the given sources and tables; return its path.

    A table given as a list of dicts is written as an array of tables (`[[feeds]]`).
    """
    tables.setdefault("storage", {"database": "data/aggregator.db"})
    tables.setdefault("publish", {"directory": "data/feeds", "base_url": "http://127.0.0.1:8080/"})
    tables.setdefault("fetch", TEST_FETCH)
    lines: list[str] = []
    for name, table in tables.items():
        for entry in table if isinstance(table, list) else [table]:
            lines.append(f"[[{name}]]" if isinstance(table, list) else f"[{name}]")
            lines += [f"{key} = {toml_value(value)}" for key, value in entry.items()]
            lines.append("")
    for source in sources:
        lines.append("[[sources]]")
        lines += [f"{key} = {toml_value(value)}" for key, value in source.items()]
        lines.append("")
    path = folder / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


REPO_ROOT = Path(__file__).resolve().parent.parent


def run_cli(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m aggregator ARGS` in a fresh process, as a user would."""
    environment = {**os.environ, **(env or {})}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO_ROOT), environment.get("PYTHONPATH")])
    )
    return subprocess.run(
        [sys.executable, "-m", "aggregator", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=environment,
        input=input,
    )


def rss_document(items: list[tuple[str, str, str]], title: str = "test feed") -> bytes:
    """An RSS 2.0 document with one item per (title, link, description), newest first.

    Items are a minute apart, the first one newest, so their order is the feed order.
    """
    newest = datetime(2023, 2, 14, 12, 0, tzinfo=UTC)
    entries = "".join(
        f"<item><title>{escape(item_title)}</title><link>{escape(link)}</link>"
        f"<guid>{escape(link)}</guid><description>{escape(description)}</description>"
        f"<pubDate>{format_datetime(newest - timedelta(minutes=index))}</pubDate></item>"
        for index, (item_title, link, description) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.cn/</link>"
        f"<description>test</description>{entries}</channel></rss>"
    ).encode()


def wait_for(condition: Callable[[], object], timeout: float = 20.0, what: str = "") -> None:
    """Poll `condition` every 0.05 s until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not met within {timeout:g}s: {what or condition}")
        time.sleep(0.05)


class DaemonProcess:
    """`python -m aggregator ... run` in a fresh process; its stderr goes to a file."""

    def __init__(self, config: Path, *options: str):
        self.config = config
        self.log = config.with_name(f"daemon-{time.monotonic_ns()}.log")
        environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        with self.log.open("w") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "aggregator", "--config", str(config), *options, "run"],
                cwd=config.parent,
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def url(self, database: str = "data/aggregator.db") -> str:
        """Where it serves, from its lock file (it may listen on any free port)."""
        lock = self.config.parent / f"{database}.lock"

        def described() -> bool:
            assert self.process.poll() is None, f"daemon exited: {self.stderr()}"
            return lock.exists() and '"url"' in lock.read_text()

        wait_for(described, what="the daemon to start serving")
        return json.loads(lock.read_text())["url"]

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


def make_version_1_archive(path: Path) -> None:
    """An archive exactly as schema version 1 left it (tests/data/archive-v1.sql)."""
    script = (Path(__file__).parent / "data" / "archive-v1.sql").read_text(encoding="utf-8")
    connection = sqlite3.connect(path)
    connection.executescript(script)
    connection.close()


def story_of(store: Store, url: str) -> int:
    """The story id of the stored article at `url`."""
    return store.db.execute("SELECT story_id FROM articles WHERE url = ?", [url]).fetchone()[0]
