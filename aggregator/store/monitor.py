"""The change monitor's SQL: events, aliases, take-downs and returns, versions read back.

Called by `Store` inside its transactions. A take-down makes the repost index forget the
article and its story choose another original among its remaining members; a return
undoes both. An event row is what `changes.atom` shows: one per edit, take-down, return
or move, each with its own Atom id, fixed when it is recorded.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from aggregator.store import stories
from aggregator.store.reposts import RepostIndex

EDITED = "edited"
REMOVED = "removed"
RESTORED = "restored"
MOVED = "moved"


@dataclass(frozen=True)
class StoredVersion:
    """One version of an article as `article_versions` keeps it."""

    version: int
    fetched_at: str
    title: str
    body_text: str | None
    authors: tuple[str, ...]
    source_outlet: str | None
    diff: str | None  # against the previous version; None for the first


@dataclass(frozen=True)
class ArticleEvent:
    """One thing the monitor saw happen to an article."""

    id: int
    entry_id: str
    article_id: int
    kind: str  # EDITED | REMOVED | RESTORED | MOVED
    at: str
    version: int | None
    detail: str | None


def record_event(
    db: sqlite_utils.Database,
    article_id: int,
    kind: str,
    at: str,
    version: int | None,
    detail: str | None = None,
) -> None:
    db.execute(
        """
        INSERT INTO article_events (entry_id, article_id, kind, at, version, detail)
        VALUES (?, ?, ?, ?, ?, ?)
        """,
        [f"urn:uuid:{uuid.uuid4()}", article_id, kind, at, version, detail],
    )


def article_id_for_url(db: sqlite_utils.Database, url: str) -> int | None:
    """The article at `url`, or the one that moved away from it."""
    row = db.execute(
        """
        SELECT id FROM articles WHERE url = :url
        UNION ALL SELECT article_id FROM article_aliases WHERE url = :url
        LIMIT 1
        """,
        {"url": url},
    ).fetchone()
    return row[0] if row else None


def aliased_articles(db: sqlite_utils.Database, urls: Sequence[str]) -> dict[str, int]:
    """The articles that moved away from any of `urls`, by old URL."""
    if not urls:
        return {}
    marks = ",".join("?" * len(urls))
    rows = db.execute(
        f"SELECT url, article_id FROM article_aliases WHERE url IN ({marks})", list(urls)
    )
    return dict(rows.fetchall())


def move_article(
    db: sqlite_utils.Database, article_id: int, old_url: str, new_url: str, at: str
) -> None:
    """The article now lives at `new_url`; `old_url` stays findable as its alias."""
    db.execute(
        "DELETE FROM article_aliases WHERE url = ? AND article_id = ?", [new_url, article_id]
    )
    db.execute(
        "INSERT OR REPLACE INTO article_aliases (url, article_id, moved_at) VALUES (?, ?, ?)",
        [old_url, article_id, at],
    )
    db.execute("UPDATE articles SET url = ? WHERE id = ?", [new_url, article_id])


def aliases(db: sqlite_utils.Database, article_id: int) -> list[str]:
    rows = db.execute(
        "SELECT url FROM article_aliases WHERE article_id = ? ORDER BY moved_at", [article_id]
    )
    return [row[0] for row in rows]


def mark_removed(db: sqlite_utils.Database, index: RepostIndex, article_id: int, at: str) -> None:
    """A confirmed take-down: dated from when the page was first found gone."""
    db.execute(
        "UPDATE articles SET removed_at = coalesce(missing_since, ?) WHERE id = ?",
        [at, article_id],
    )
    index.remove(article_id)
    _refresh_story_of(db, article_id, at)


def mark_restored(
    db: sqlite_utils.Database, index: RepostIndex, article_id: int, at: str, watched: bool
) -> None:
    """A removed article answers again: it is indexed and may lead its story again."""
    db.execute(
        "UPDATE articles SET removed_at = NULL, missing_since = NULL WHERE id = ?", [article_id]
    )
    if not watched:
        [text] = db.execute("SELECT body_text FROM articles WHERE id = ?", [article_id]).fetchone()
        index.add(article_id, text)
    _refresh_story_of(db, article_id, at)


def versions(db: sqlite_utils.Database, article_id: int) -> list[StoredVersion]:
    """Every version of an article, the first first."""
    rows = db.execute(
        """
        SELECT version, fetched_at, title, body_text, authors, source_outlet, diff
        FROM article_versions WHERE article_id = ? ORDER BY version
        """,
        [article_id],
    )
    return [_version(row) for row in rows]


def version(db: sqlite_utils.Database, article_id: int, number: int) -> StoredVersion | None:
    row = db.execute(
        """
        SELECT version, fetched_at, title, body_text, authors, source_outlet, diff
        FROM article_versions WHERE article_id = ? AND version = ?
        """,
        [article_id, number],
    ).fetchone()
    return _version(row) if row else None


def events_of(db: sqlite_utils.Database, article_id: int) -> list[ArticleEvent]:
    rows = db.execute(
        f"SELECT {_EVENT_COLUMNS} FROM article_events WHERE article_id = ? ORDER BY at, id",
        [article_id],
    )
    return [ArticleEvent(*row) for row in rows]


def latest_events(db: sqlite_utils.Database, limit: int) -> list[ArticleEvent]:
    rows = db.execute(
        f"SELECT {_EVENT_COLUMNS} FROM article_events ORDER BY at DESC, id DESC LIMIT ?",
        [limit],
    )
    return [ArticleEvent(*row) for row in rows]


_EVENT_COLUMNS = "id, entry_id, article_id, kind, at, version, detail"


def _version(row: tuple) -> StoredVersion:
    number, fetched_at, title, body_text, authors, source_outlet, diff = row
    return StoredVersion(
        number, fetched_at, title, body_text, tuple(json.loads(authors)), source_outlet, diff
    )


def _refresh_story_of(db: sqlite_utils.Database, article_id: int, at: str) -> None:
    [story_id] = db.execute("SELECT story_id FROM articles WHERE id = ?", [article_id]).fetchone()
    if story_id is not None:
        stories.refresh_story(db, story_id, at)
