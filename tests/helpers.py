"""Helpers for tests: writing real config files and running the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    raise TypeError(f"no TOML for {value!r}")


def write_config(folder: Path, sources: list[dict[str, Any]], **tables: dict[str, Any]) -> Path:
    """Write a config.toml into `folder` with the given sources and tables; return its path."""
    tables.setdefault("storage", {"database": "data/aggregator.db"})
    tables.setdefault("publish", {"directory": "data/feeds", "base_url": "http://127.0.0.1:8080/"})
    tables.setdefault("fetch", TEST_FETCH)
    lines: list[str] = []
    for name, table in tables.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {toml_value(value)}" for key, value in table.items()]
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
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
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
    )
