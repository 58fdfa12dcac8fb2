"""What the daemon keeps in the archive: each source's schedule, and the migration adding it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from aggregator.config import SourceConfig
from aggregator.store import ScheduleState, Store
from aggregator.store.schema import SCHEMA_VERSION

from helpers import make_version_1_archive


def test_a_version_1_archive_is_migrated_keeping_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_version_1_archive(path)
    with Store(path) as store:
        [row] = store.source_overview()
        assert row["name"] == "old" and row["next_poll"] is None
        assert row["poll_interval"] is None and row["last_success"] is None
        assert store.schedule_state("old") == ScheduleState(None, 0, None)
        assert store.count("fetches") == 1
    db = sqlite_utils.Database(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "dropped" in db["fetches"].columns_dict
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_schedule_state_round_trips(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        store.sync_sources([SourceConfig(name="a", url="http://a.example.cn/rss")])
        assert store.schedule_state("a") == ScheduleState()
        assert store.schedule_state("absent") == ScheduleState()
        store.record_poll("a", "error", "HTTP 503")
        store.record_poll("a", "error", "HTTP 503")
        moment = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
        store.record_schedule("a", 1350.0, moment)
        assert store.schedule_state("a") == ScheduleState(1350.0, 2, "2026-03-01T08:30:00+00:00")
        [row] = store.source_overview()
        assert (row["poll_interval"], row["next_poll"]) == (1350.0, "2026-03-01T08:30:00+00:00")
