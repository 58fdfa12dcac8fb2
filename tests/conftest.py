"""Shared test fixtures: real config files, real loopback HTTP servers, real SQLite files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from aggregator.config import Config, SourceConfig, load_config
from aggregator.store import Store

from fixtureweb.plugin import fixture_web
from helpers import write_config

__all__ = ["fixture_web"]


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver on 127.0.0.1 (not "localhost", which may resolve to ::1)."""
    return ("127.0.0.1", 0)


@pytest.fixture
def threaded_server() -> Iterator[HTTPServer]:
    """A second loopback server that answers requests concurrently (for slow handlers)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def make_config(tmp_path: Path):
    """Build a validated `Config` in a temporary folder from a list of source tables."""

    def make(sources: list[dict[str, Any]], **tables: dict[str, Any]) -> Config:
        return load_config(write_config(tmp_path, sources, **tables))

    return make


@pytest.fixture
def sites_store(tmp_path: Path) -> Iterator[Store]:
    """An archive with four sources, a.example.cn to d.example.cn, to file articles into."""
    with Store(tmp_path / "archive.db") as store:
        store.sync_sources(
            [SourceConfig(name=name, url=f"http://{name}.example.cn/") for name in "abcd"]
        )
        yield store
