"""The archive on a real SQLite file: schema, upserts, versions and Chinese full-text search."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from aggregator.config import SourceConfig
from aggregator.fetch import FetchResult, Validators
from aggregator.models import Article
from aggregator.store import Store
from aggregator.store.schema import SCHEMA_VERSION, SchemaError


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "archive.db") as store:
        store.sync_sources([SourceConfig(name="outlet", url="http://news.example.cn/rss")])
        yield store


ARTICLES = [
    Article(
        url="http://news.example.cn/1.html",
        title="甘肃省“三抓三促”行动动员部署大会召开",
        published="2023-02-14T10:21:00+08:00",
        body_text="2月13日，全省动员部署大会在兰州召开。\n\n会议以视频形式开到县级。",
    ),
    Article(
        url="http://news.example.cn/2.html",
        title="Lanzhou opens a new rail line",
        published="2023-02-15T08:00:00+00:00",
        body_text="The line links Lanzhou with the Gansu province's west. 甘肃铁路建设提速。",
    ),
    Article(
        url="http://news.example.cn/3.html",
        title="敦煌文旅迎来开门红",
        published="2023-02-16T09:00:00+08:00",
        body_text="春节假期，敦煌接待游客人数创新高。",
    ),
]


def test_fresh_database_is_at_the_current_schema_version(store: Store) -> None:
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"sources", "articles", "article_versions", "fetches", "http_cache"} <= set(
        store.db.table_names()
    )
    assert "source_status" in store.db.view_names()


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    Store(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(SchemaError, match="newer than this aggregator"):
        Store(path)


def test_a_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite_utils.Database(path)["notes"].insert({"text": "mine"})
    with pytest.raises(SchemaError, match="not an aggregator archive"):
        Store(path)


def test_upsert_by_url_new_then_unchanged_then_changed(store: Store) -> None:
    assert store.save_articles("outlet", ARTICLES).new == 3
    again = store.save_articles("outlet", ARTICLES)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    edited = Article(
        url=ARTICLES[0].url,
        title=ARTICLES[0].title,
        published=ARTICLES[0].published,
        body_text=ARTICLES[0].body_text + "\n\n新增一段。",
    )
    assert store.save_articles("outlet", [edited]).updated == 1
    versions = list(store.db["article_versions"].rows_where("article_id = 1", order_by="version"))
    assert [row["version"] for row in versions] == [1, 2]
    assert versions[0]["body_text"] == ARTICLES[0].body_text
    assert "+新增一段。" in versions[1]["diff"]
    row = store.db["articles"].get(1)
    assert row["version"] == 2 and row["changed_at"] is not None


def test_whitespace_alone_is_not_a_change(store: Store) -> None:
    store.save_articles("outlet", ARTICLES[:1])
    spaced = Article(
        url=ARTICLES[0].url,
        title=" " + ARTICLES[0].title + " ",
        published=ARTICLES[0].published,
        body_text=ARTICLES[0].body_text.replace("\n\n", "\n\n\n  "),
    )
    assert store.save_articles("outlet", [spaced]).unchanged == 1


def test_search_finds_two_character_chinese_words_and_english(store: Store) -> None:
    store.save_articles("outlet", ARTICLES)
    titles = lambda query: [hit.article.title for hit in store.search(query)]  # noqa: E731
    assert titles("甘肃")[0] == ARTICLES[0].title  # in the title: ranked first
    assert set(titles("甘肃")) == {ARTICLES[0].title, ARTICLES[1].title}
    assert titles("兰州") == [ARTICLES[0].title]  # "兰州" in body text, not "Lanzhou"
    assert titles("动员部署大会") == [ARTICLES[0].title]
    assert titles("敦") == [ARTICLES[2].title]
    assert titles("lanzhou rail") == [ARTICLES[1].title]
    assert titles("甘肃 敦煌") == []
    assert titles("部署会议") == []  # words must occur as written
    assert titles('"OR NOT') == []


def test_sqlite_utils_search_finds_a_chinese_word(store: Store) -> None:
    store.save_articles("outlet", ARTICLES)
    executable = shutil.which("sqlite-utils", path=str(Path(sys.executable).parent))
    assert executable, "sqlite-utils is installed with aggregator"
    result = subprocess.run(
        [executable, "search", str(store.path), "articles", "甘肃", "-c", "title", "--csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "title"
    assert set(lines[1:]) == {ARTICLES[0].title, ARTICLES[1].title}


def test_fetch_log_and_validators(store: Store) -> None:
    result = FetchResult(
        url="http://news.example.cn/rss",
        started=1_676_340_000.0,
        status=200,
        content=b"<rss/>",
        validators=Validators('"e1"', "Tue, 14 Feb 2023 02:00:00 GMT"),
        elapsed_ms=12,
    )
    store.record_fetch("outlet", result)
    assert store.validators_for(result.url) == Validators()  # not before it is stored
    store.remember_validators(result.url, result.validators)
    assert store.validators_for(result.url) == result.validators
    [row] = store.db["fetches"].rows
    assert row["started"] == "2023-02-14T02:00:00+00:00"
    assert (row["http_status"], row["bytes"], row["elapsed_ms"]) == (200, 6, 12)


def test_the_search_index_follows_edits_and_ignores_other_updates(store: Store) -> None:
    store.save_articles("outlet", ARTICLES)  # filing each in its story updates its row too
    edited = Article(
        url=ARTICLES[2].url,
        title=ARTICLES[2].title,
        published=ARTICLES[2].published,
        body_text="春节假期，莫高窟接待游客人数创新高。",
    )
    assert store.save_articles("outlet", [edited]).updated == 1
    store.db.execute("UPDATE articles SET story_similarity = 0.5")  # no indexed column
    # FTS5 checks its index against the articles table: a missed or doubled entry fails.
    store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    assert [hit.article.url for hit in store.search("莫高窟")] == [ARTICLES[2].url]
    assert [hit.article.url for hit in store.search("敦煌接待")] == []
