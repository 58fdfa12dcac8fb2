"""The change monitor in the archive: schema 4, content origins, checks applied, aliases."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_utils

from aggregator.config import SourceConfig
from aggregator.models import Article
from aggregator.monitor.decide import Availability, Check
from aggregator.store import Store
from aggregator.store.schema import SCHEMA_VERSION

from helpers import make_version_1_archive

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
MONITOR_TABLES = ("articles", "article_events", "article_aliases")


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def columns(path: Path) -> dict[str, set[str]]:
    db = sqlite_utils.Database(path)
    return {table: set(db[table].columns_dict) for table in MONITOR_TABLES}


def test_an_old_archive_is_upgraded_to_the_monitor_schema(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    make_version_1_archive(old)
    connection = sqlite3.connect(old)  # its one source reads a list page
    connection.execute("UPDATE sources SET type = 'html'")
    connection.commit()
    connection.close()
    with Store(old) as store:
        rows = list(store.db["articles"].rows)
        assert {row["content_origin"] for row in rows} == {"page"}  # html: from their pages
        assert {row["next_check"] for row in rows} == {None}  # not rechecked: their time is past
        assert store.due_rechecks("old", T0 + timedelta(days=3650), 10) == []
    with Store(tmp_path / "fresh.db"):
        pass
    assert columns(old) == columns(tmp_path / "fresh.db")  # the migration makes the schema
    db = sqlite_utils.Database(old)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_feed_articles_default_to_feed_origin(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_version_1_archive(path)
    with Store(path) as store:
        assert {row["content_origin"] for row in store.db["articles"].rows} == {"feed"}


def fresh(path: Path) -> Store:
    store = Store(path)
    store.sync_sources(
        [SourceConfig(name, f"http://{name}.example.cn/rss") for name in ("s", "t", "other")]
    )
    return store


def check(article_id: int, state: Availability, minutes: int, **values: object) -> Check:
    return Check(article_id, at(minutes), state, next_check=at(minutes + 60), **values)


def test_a_take_down_of_the_original_hands_its_story_to_the_copy_until_it_returns(
    tmp_path: Path,
) -> None:
    path = tmp_path / "archive.db"
    make_version_1_archive(path)  # an article (1) and its repost (2): one story, 1 leads
    with Store(path) as store:
        [story] = store.db["stories"].rows
        assert story["canonical_article_id"] == 1 and len(store.reposts) == 2

        counts = store.apply_checks([check(1, Availability.MISSING, 0, detail="HTTP 404")])
        assert counts.events == 0
        row = store.db["articles"].get(1)
        assert (row["missing_since"], row["removed_at"]) == (at(0), None)
        assert row["next_check"] == at(60) and row["checked_at"] == at(0)

        counts = store.apply_checks([check(1, Availability.REMOVED, 15, detail="HTTP 404")])
        assert counts.removed == 1
        assert store.db["articles"].get(1)["removed_at"] == at(0)  # since first found gone
        assert len(store.reposts) == 1  # the repost index forgot it
        story = store.db["stories"].get(story["id"])
        assert story["canonical_article_id"] == 2 and story["updated"] == at(15)
        [feed_story] = store.feed_stories()
        assert feed_story.canonical.id == 2 and feed_story.related == ()
        assert [a.id for a in store.feed_articles()] == [2]

        counts = store.apply_checks([check(1, Availability.RESTORED, 90, detail="HTTP 200")])
        assert counts.restored == 1
        row = store.db["articles"].get(1)
        assert (row["removed_at"], row["missing_since"]) == (None, None)
        assert len(store.reposts) == 2
        assert store.db["stories"].get(story["id"])["canonical_article_id"] == 1
        [feed_story] = store.feed_stories()
        assert feed_story.canonical.id == 1 and len(feed_story.related) == 1
        events = [(e.kind, e.at, e.detail) for e in store.article_history("1").events]
        assert events == [("removed", at(15), "HTTP 404"), ("restored", at(90), "HTTP 200")]


def test_a_removed_article_stays_out_of_a_rebuilt_repost_index(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    make_version_1_archive(path)
    with Store(path) as store:
        store.apply_checks([check(1, Availability.MISSING, 0)])
        store.apply_checks([check(1, Availability.REMOVED, 15)])
        store.db.execute("UPDATE dedupe_meta SET value = 'older code'")  # stale fingerprints
    with Store(path) as store:  # every article filed again from scratch
        assert len(store.reposts) == 1
        [story] = store.db["stories"].rows
        assert story["canonical_article_id"] == 2 and story["member_count"] == 2


def test_a_blip_of_404_is_forgotten_when_the_page_answers(tmp_path: Path) -> None:
    with fresh(tmp_path / "a.db") as store:
        store.save_articles("s", [Article(url="http://a.example.cn/1.htm", title="标题")])
        store.apply_checks([check(1, Availability.MISSING, 0)])
        store.apply_checks([check(1, Availability.AVAILABLE, 30)])
        row = store.db["articles"].get(1)
        assert (row["missing_since"], row["removed_at"]) == (None, None)
        assert store.count("article_events") == 0


def test_content_is_compared_only_with_content_of_the_same_origin(tmp_path: Path) -> None:
    url = "http://a.example.cn/1.htm"
    feed_entry = Article(url=url, title="标题", body_text="摘要。")
    page = Article(url=url, title="标题", body_text="摘要。\n\n全文第二段。")
    with fresh(tmp_path / "a.db") as store:
        store.save_articles("s", [feed_entry])
        counts = store.save_articles("t", [page], origins={url: "page"})
        assert (counts.new, counts.updated, counts.unchanged) == (0, 0, 1)
        assert store.count("article_versions") == 1 and store.count("article_events") == 0
        edited = Article(url=url, title="标题", body_text="新的摘要。")
        assert store.save_articles("s", [edited]).updated == 1  # the feed shows its edit
        [event] = store.article_history(url).events
        assert (event.kind, event.version) == ("edited", 2)


def test_a_moved_article_keeps_its_identity_and_its_old_url(tmp_path: Path) -> None:
    old, new = "http://a.example.cn/old/1.htm", "http://a.example.cn/new/1.htm"
    with fresh(tmp_path / "a.db") as store:
        store.save_articles("s", [Article(url=old, title="标题", body_text="正文。")])
        entry_id = store.db["articles"].get(1)["entry_id"]
        assert store.apply_checks([check(1, Availability.AVAILABLE, 0, moved_to=new)]).moved == 1
        row = store.db["articles"].get(1)
        assert (row["url"], row["entry_id"]) == (new, entry_id)
        assert store.known_urls([old, new, "http://a.example.cn/other"]) == {old, new}
        history = store.article_history(old)
        assert history is not None and history.aliases == [old]
        [event] = history.events
        assert (event.kind, event.detail) == ("moved", old)
        # A feed still listing the old URL edits the same article, not a new one.
        assert store.save_articles("s", [Article(url=old, title="标题", body_text="改。")]).updated
        assert store.count("articles") == 1
        # Moving back: the alias follows.
        store.apply_checks([check(1, Availability.AVAILABLE, 10, moved_to=old)])
        assert store.article_history(new).aliases == [new]


def test_due_rechecks_confirmations_first_then_oldest_due_within_the_limit(
    tmp_path: Path,
) -> None:
    with fresh(tmp_path / "a.db") as store:
        for number, minutes in enumerate([30, 10, 20, 50, 999], start=1):
            article = Article(url=f"http://a.example.cn/{number}.htm", title=f"标题{number}")
            store.save_articles("s", [article], next_check=at(minutes))
        store.save_articles("other", [Article(url="http://b.example.cn/1.htm", title="别")])
        store.apply_checks([check(4, Availability.MISSING, 40)])  # confirm at 100
        assert store.db["articles"].get(4)["next_check"] == at(100)
        due = store.due_rechecks("s", T0 + timedelta(minutes=100), limit=3)
        assert [m.stored.id for m in due] == [4, 2, 3]
        assert due[0].missing_since == at(40)
        assert [m.stored.id for m in store.due_rechecks("s", T0, limit=10)] == []
        assert len(store.due_rechecks("s", T0 + timedelta(hours=12), limit=10)) == 4


def test_an_unknown_answer_records_nothing_but_the_check(tmp_path: Path) -> None:
    with fresh(tmp_path / "a.db") as store:
        store.save_articles("s", [Article(url="http://a.example.cn/1.htm", title="标题")])
        store.apply_checks([check(1, Availability.MISSING, 0)])
        counts = store.apply_checks([check(1, Availability.UNKNOWN, 20)])
        assert counts.events == 0
        row = store.db["articles"].get(1)
        assert (row["missing_since"], row["removed_at"], row["checked_at"]) == (at(0), None, at(20))
