"""Filing articles into stories: the SQL around the pure decisions of `aggregator.dedupe`.

Every article belongs to one story, alone until a copy of it turns up. For a new article:

    LSH candidates -> load them -> dedupe.assign_story -> new story, or join (and merge
      the stories it bridges, the oldest id surviving) -> dedupe.choose_canonical -> index

All of it runs inside the caller's transaction, with the article's own insert, so a story
never points at half-written members.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from aggregator.dates import to_iso
from aggregator.dedupe.match import MatchKind
from aggregator.dedupe.stories import ArticleFacts, assign_story, choose_canonical
from aggregator.store.reposts import RepostIndex

ORIGINAL = "original"

_FACTS = """
SELECT id, url, title, body_text, first_seen, published, source_outlet, publisher, story_id
FROM articles WHERE id IN ({marks})
"""


@dataclass(frozen=True)
class StoryMember:
    """One article of a story, for `aggregator story` and the feed's related links."""

    article_id: int
    source: str
    url: str
    title: str
    published: str | None
    first_seen: str
    publisher: str | None
    match: str | None
    similarity: float | None
    canonical: bool


@dataclass(frozen=True)
class StorySummary:
    """One story, for `aggregator stories`."""

    id: int
    entry_id: str
    canonical_article_id: int
    title: str
    first_published: str | None
    member_count: int
    updated: str


def file_new_article(
    db: sqlite_utils.Database, index: RepostIndex, article_id: int, now: str
) -> int:
    """Put a just-inserted article into its story; return the story id."""
    [new] = _facts(db, [article_id])
    candidates = _facts(db, index.candidates(new.text, exclude=article_id))
    decision = assign_story(new, candidates)
    if decision.story_id is None:
        # Most articles: a story of one, made whole at once (what `refresh_story` would
        # work out again for a single member).
        story_id = _new_story(db, new, now)
        match, similarity = ORIGINAL, None
    else:
        story_id = decision.story_id
        for merged in decision.merged_story_ids:
            db.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", [story_id, merged])
            db.execute("DELETE FROM stories WHERE id = ?", [merged])
        best = max(decision.matches, key=lambda m: m.similarity)
        match = MatchKind.EXCERPT.value if best.new_is_excerpt else best.kind.value
        similarity = round(best.similarity, 3)
    db.execute(
        "UPDATE articles SET story_id = ?, story_match = ?, story_similarity = ? WHERE id = ?",
        [story_id, match, similarity, article_id],
    )
    if decision.story_id is not None:
        refresh_story(db, story_id, now)
    index.add(article_id, new.text)
    return story_id


def article_text_changed(
    db: sqlite_utils.Database, index: RepostIndex, article_id: int, text: str | None, now: str
) -> None:
    """Re-index an edited article; its story stays, and is marked updated if it leads it.

    A removed article stays out of the index until it returns.
    """
    if not _is_removed(db, article_id):
        index.add(article_id, text)
    db.execute("UPDATE stories SET updated = ? WHERE canonical_article_id = ?", [now, article_id])


def refresh_story(db: sqlite_utils.Database, story_id: int, now: str) -> None:
    """Recompute a story's canonical article, size and first publication.

    The canonical article is chosen among the members not taken down (among all of them
    when every one is), so a story whose original was removed is led by a copy.
    """
    rows = db.execute(
        "SELECT id, removed_at IS NULL FROM articles WHERE story_id = ?", [story_id]
    ).fetchall()
    ids = [row[0] for row in rows]
    live = {row[0] for row in rows if row[1]}
    members = _facts(db, ids, with_text=False)
    canonical = choose_canonical([m for m in members if m.id in live] or members)
    published = [m.published for m in members if m.published]
    first_published = min(published, key=_utc) if published else None
    first_seen = min(m.first_seen for m in members)
    db.execute(
        """
        UPDATE stories SET
            updated = CASE WHEN canonical_article_id = :canonical THEN updated ELSE :now END,
            canonical_article_id = :canonical,
            member_count = :count,
            first_published = :first_published,
            sort_time = :sort_time
        WHERE id = :id
        """,
        {
            "canonical": canonical,
            "now": now,
            "count": len(members),
            "first_published": first_published,
            "sort_time": _utc(first_published or first_seen),
            "id": story_id,
        },
    )


def removed_articles(db: sqlite_utils.Database) -> list[int]:
    """Articles taken down (the repost index must not hold them)."""
    return [row[0] for row in db.execute("SELECT id FROM articles WHERE removed_at IS NOT NULL")]


def unfiled_articles(db: sqlite_utils.Database) -> list[int]:
    """Articles without a story (from before stories existed), oldest first.

    Watched pages are not articles: they never join a story.
    """
    rows = db.execute(
        "SELECT id FROM articles WHERE story_id IS NULL AND content_origin != 'watch' ORDER BY id"
    )
    return [row[0] for row in rows]


def clear_stories(db: sqlite_utils.Database) -> None:
    """Forget every story, so that all articles are filed again from scratch."""
    db.execute("UPDATE articles SET story_id = NULL, story_match = NULL, story_similarity = NULL")
    db.execute("DELETE FROM stories")


def stories(db: sqlite_utils.Database, min_size: int = 1, limit: int = 100) -> list[StorySummary]:
    """Stories with at least `min_size` members, newest first."""
    rows = db.execute(
        """
        SELECT stories.id, stories.entry_id, stories.canonical_article_id, articles.title,
               stories.first_published, stories.member_count, stories.updated
        FROM stories JOIN articles ON articles.id = stories.canonical_article_id
        WHERE stories.member_count >= ?
        ORDER BY stories.sort_time DESC, stories.id DESC LIMIT ?
        """,
        [min_size, limit],
    )
    return [StorySummary(*row) for row in rows]


def story_members(db: sqlite_utils.Database, story_id: int) -> list[StoryMember]:
    """The members of one story, the canonical one first, then by first publication."""
    rows = db.execute(
        """
        SELECT articles.id, articles.source, articles.url, articles.title, articles.published,
               articles.first_seen, articles.publisher, articles.story_match,
               articles.story_similarity, articles.id = stories.canonical_article_id
        FROM articles JOIN stories ON stories.id = articles.story_id
        WHERE articles.story_id = ?
        ORDER BY articles.id = stories.canonical_article_id DESC, articles.sort_time, articles.id
        """,
        [story_id],
    )
    return [StoryMember(*row[:-1], canonical=bool(row[-1])) for row in rows]


def _is_removed(db: sqlite_utils.Database, article_id: int) -> bool:
    row = db.execute("SELECT removed_at FROM articles WHERE id = ?", [article_id]).fetchone()
    return bool(row and row[0])


def _new_story(db: sqlite_utils.Database, article: ArticleFacts, now: str) -> int:
    """A story of `article` alone, with the values `refresh_story` gives a single member."""
    cursor = db.execute(
        """
        INSERT INTO stories (entry_id, canonical_article_id, first_published, sort_time,
                             member_count, updated)
        SELECT entry_id, id, ?, ?, 1, ? FROM articles WHERE id = ?
        """,
        [article.published, _utc(article.published or article.first_seen), now, article.id],
    )
    return int(cursor.lastrowid or 0)


def _facts(
    db: sqlite_utils.Database, ids: Sequence[int], with_text: bool = True
) -> list[ArticleFacts]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = db.execute(_FACTS.format(marks=marks), list(ids)).fetchall()
    return [
        ArticleFacts(
            id=row[0],
            url=row[1],
            title=row[2],
            text=row[3] if with_text else None,
            first_seen=row[4],
            # In UTC, as the story decisions compare times as text.
            published=_utc(row[5]) if row[5] else None,
            source_outlet=row[6],
            site_name=row[7],
            story_id=row[8],
        )
        for row in rows
    ]


def _utc(value: str) -> str:
    """ISO 8601 text in UTC, so that times with different offsets compare as text."""
    return to_iso(datetime.fromisoformat(value).astimezone(UTC)) or value
