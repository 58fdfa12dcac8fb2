"""The repost index on a real SQLite file: candidates, replacement, removal, reopening."""

from pathlib import Path

import sqlite_utils

from aggregator.dedupe.fingerprint import BODY_BANDS, HEAD_BANDS
from aggregator.store.reposts import RepostIndex

DATA = Path(__file__).parent / "data" / "dedupe"
NAMES = [
    "cwced-3e1af229.txt",
    "cwced-47f387e6.txt",
    "cwced-500b350d.txt",
    "cwced-bbdf5079.txt",
    "aeb-624fcd903d56.txt",
]


def paragraphs(name: str) -> list[str]:
    return [p.strip() for p in (DATA / name).read_text("utf-8").splitlines() if p.strip()]


def text(name: str) -> str:
    return "\n".join(paragraphs(name))


def filled(path: Path) -> RepostIndex:
    index = RepostIndex(sqlite_utils.Database(path))
    for article_id, name in enumerate(NAMES, start=1):
        index.add(article_id, text(name))
    return index


def band_rows(db: sqlite_utils.Database, article_id: int) -> int:
    return db["dedupe_bands"].count_where("article_id = ?", [article_id])


def test_a_repost_and_an_excerpt_find_their_original(tmp_path):
    index = filled(tmp_path / "archive.db")
    repost = "编者按：转载。\n" + "\n".join(paragraphs("cwced-500b350d.txt")[:-1]).replace(
        "，", ","
    )
    excerpt = "\n".join([*paragraphs("cwced-47f387e6.txt")[:2], "阅读原文"])
    english = "Source: Wire\n" + text("aeb-624fcd903d56.txt")
    assert index.candidates(repost) == [3]
    assert index.candidates(excerpt) == [2]
    assert index.candidates(english) == [5]
    assert index.candidates(text("cwced-3e1af229.txt"), exclude=1) == []


def test_the_index_survives_closing_and_reopening_the_file(tmp_path):
    path = tmp_path / "archive.db"
    first = filled(path)
    first.db.close()
    reopened = RepostIndex(sqlite_utils.Database(path))
    assert not reopened.stale
    assert len(reopened) == len(NAMES)
    assert reopened.candidates(text("cwced-bbdf5079.txt")) == [4]
    assert band_rows(reopened.db, 4) == BODY_BANDS + HEAD_BANDS


def test_adding_changed_text_replaces_the_old_rows(tmp_path):
    index = filled(tmp_path / "archive.db")
    index.add(4, text("aeb-624fcd903d56.txt"))
    assert band_rows(index.db, 4) == BODY_BANDS + HEAD_BANDS
    assert index.candidates(text("cwced-bbdf5079.txt")) == []
    assert index.candidates(text("aeb-624fcd903d56.txt")) == [4, 5]
    assert len(index) == len(NAMES)


def test_removed_articles_are_gone_with_their_rows(tmp_path):
    index = filled(tmp_path / "archive.db")
    index.remove(2)
    assert index.candidates(text("cwced-47f387e6.txt")) == []
    assert band_rows(index.db, 2) == 0
    assert len(index) == len(NAMES) - 1
    index.remove(2)  # removing twice is harmless
    assert len(index) == len(NAMES) - 1


def test_an_article_without_text_is_not_indexed(tmp_path):
    index = filled(tmp_path / "archive.db")
    index.add(6, "")
    index.add(3, None)  # its text went away: its old rows go too
    assert len(index) == len(NAMES) - 1
    assert band_rows(index.db, 3) == 0
    assert index.candidates("") == []


def test_fingerprints_of_another_version_are_dropped_and_reported(tmp_path):
    path = tmp_path / "archive.db"
    filled(path).db.close()
    db = sqlite_utils.Database(path)
    db["dedupe_meta"].upsert({"key": "fingerprint_version", "value": "0"}, pk="key")
    index = RepostIndex(db)
    assert index.stale
    assert len(index) == 0 and db["dedupe_bands"].count == 0
    assert not RepostIndex(db).stale
