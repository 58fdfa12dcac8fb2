"""The archive's schema, its version and its migrations.

The schema version lives in `PRAGMA user_version`. A fresh database is created directly
at the current version; an older one is brought forward by the functions in `MIGRATIONS`
(version N -> N+1), each in its own transaction. A database newer than this code is
refused rather than guessed at.

Names are chosen for people who open the file with `sqlite-utils` or datasette: one row
per source, article, version and fetch; times are ISO 8601 text with an offset; JSON
lists are JSON text.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

SCHEMA_VERSION = 6

_TABLES = """
CREATE TABLE sources (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,              -- where it is fetched now (follows permanent redirects)
    config_url TEXT NOT NULL,       -- as written in config.toml
    type TEXT NOT NULL,             -- feed | html | watch
    enabled INTEGER NOT NULL DEFAULT 1,
    added TEXT NOT NULL,
    last_polled TEXT,
    last_success TEXT,
    last_status TEXT,               -- ok | not modified | error
    last_error TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    poll_interval REAL,             -- the daemon's adaptive interval, seconds
    next_poll TEXT                  -- when the daemon polls it next
);

CREATE TABLE http_cache (           -- validators for conditional GET, per URL
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    body_digest TEXT,               -- of the body last read in full: unchanged bytes are skipped
    fetched TEXT NOT NULL
);

CREATE TABLE articles (            -- and watched pages (content_origin 'watch')
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL REFERENCES sources(name),
    url TEXT NOT NULL UNIQUE,       -- where it is now (earlier URLs: article_aliases)
    entry_id TEXT NOT NULL UNIQUE,  -- the Atom id, fixed when first seen
    guid TEXT,
    title TEXT NOT NULL,
    published TEXT,
    updated TEXT,
    sort_time TEXT NOT NULL,        -- UTC; published, else first seen: the feed order
    authors TEXT NOT NULL DEFAULT '[]',
    credits TEXT NOT NULL DEFAULT '[]',
    source_outlet TEXT,             -- the outlet the article credits (来源)
    publisher TEXT,                 -- who runs the site
    section TEXT,
    summary TEXT,
    body_html TEXT,
    body_text TEXT,
    images TEXT NOT NULL DEFAULT '[]',
    language TEXT,
    content_hash TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    changed_at TEXT,                -- when the latest version was recorded, if ever edited
    removed_at TEXT,                -- taken down: first found gone, confirmed by a later check
    title_terms TEXT,               -- title and body as indexed for search (CJK bigrams)
    body_terms TEXT,
    story_id INTEGER REFERENCES stories(id),   -- every article has one, alone or shared
    story_match TEXT,               -- how it joined: original | repost | excerpt
    story_similarity REAL,          -- share of the shorter text found in the longer
    content_origin TEXT NOT NULL DEFAULT 'feed',  -- feed | page | watch: whence the content
    checked_at TEXT,                -- the change monitor's last check of its page
    next_check TEXT,                -- its next one (UTC); NULL: no more
    missing_since TEXT              -- a 404 / 410 not confirmed yet (or not over yet)
);
CREATE INDEX articles_sort_time ON articles (sort_time);
CREATE INDEX articles_next_check ON articles (source, next_check);
CREATE INDEX articles_source_sort_time ON articles (source, sort_time);
CREATE INDEX articles_story ON articles (story_id);

CREATE TABLE stories (              -- one story per article, however many sites carry it
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: the older id survives a merge
    entry_id TEXT NOT NULL UNIQUE,  -- the story's Atom id: its first article's
    canonical_article_id INTEGER NOT NULL REFERENCES articles(id),   -- the original
    first_published TEXT,           -- the earliest published of its members
    sort_time TEXT NOT NULL,        -- UTC: the combined feed's order
    member_count INTEGER NOT NULL,
    updated TEXT NOT NULL           -- when its canonical article last changed or was replaced
);
CREATE INDEX stories_sort_time ON stories (sort_time);
CREATE INDEX stories_canonical  -- a story by its original; the foreign-key check of inserts
    ON stories (canonical_article_id);

CREATE TABLE article_versions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    version INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    title TEXT NOT NULL,
    body_text TEXT,
    authors TEXT NOT NULL DEFAULT '[]',
    source_outlet TEXT,
    content_hash TEXT NOT NULL,
    diff TEXT,                      -- against the previous version, paragraph by paragraph
    UNIQUE (article_id, version)
);

CREATE TABLE article_events (      -- what the change monitor saw happen: changes.atom
    id INTEGER PRIMARY KEY,
    entry_id TEXT NOT NULL UNIQUE,  -- its Atom id in changes.atom
    article_id INTEGER NOT NULL REFERENCES articles(id),
    kind TEXT NOT NULL,             -- edited | removed | restored | moved
    at TEXT NOT NULL,
    version INTEGER,                -- the article's version after the event
    detail TEXT                     -- removed / restored: the HTTP answer; moved: the old URL
);
CREATE INDEX article_events_at ON article_events (at);
CREATE INDEX article_events_article ON article_events (article_id);

CREATE TABLE article_aliases (     -- earlier URLs of articles that moved (301 to the same article)
    url TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    moved_at TEXT NOT NULL
);
CREATE INDEX article_aliases_article ON article_aliases (article_id);

CREATE TABLE fetches (
    id INTEGER PRIMARY KEY,
    source TEXT REFERENCES sources(name),
    url TEXT NOT NULL,
    started TEXT NOT NULL,
    http_status INTEGER,
    bytes INTEGER,
    elapsed_ms INTEGER,
    error TEXT,
    dropped INTEGER                 -- entries the source's include / exclude filters dropped
);
CREATE INDEX fetches_source_started ON fetches (source, started);

CREATE TABLE dedupe_signatures (  -- MinHash signature of each article's text
    article_id INTEGER PRIMARY KEY,
    signature BLOB NOT NULL
);

CREATE TABLE dedupe_bands (       -- LSH band keys: the repost candidate lookup
    band_key INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;

CREATE TABLE dedupe_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

_SOURCE_STATUS_VIEW = """
CREATE VIEW source_status AS
SELECT
    sources.name,
    sources.type,
    sources.url,
    sources.enabled,
    sources.last_polled,
    sources.last_success,
    sources.last_status,
    sources.last_error,
    sources.consecutive_failures,
    sources.poll_interval,
    sources.next_poll,
    (SELECT count(*) FROM articles WHERE articles.source = sources.name) AS articles
FROM sources
"""


# sqlite-utils' "articles_au" trigger, made to fire only when the indexed columns change.
_FTS_UPDATE_TRIGGER = """
CREATE TRIGGER "articles_au" AFTER UPDATE OF "title_terms", "body_terms" ON "articles" BEGIN
  INSERT INTO "articles_fts" ("articles_fts", rowid, "title_terms", "body_terms")
    VALUES('delete', old.rowid, old."title_terms", old."body_terms");
  INSERT INTO "articles_fts" (rowid, "title_terms", "body_terms")
    VALUES (new.rowid, new."title_terms", new."body_terms");
END"""


def _add_stories(db: sqlite_utils.Database) -> None:
    """Version 1 -> 2: stories of reposts. Existing articles are filed on the next open."""
    for column in (
        "story_id INTEGER REFERENCES stories(id)",
        "story_match TEXT",
        "story_similarity REAL",
    ):
        db.execute(f"ALTER TABLE articles ADD COLUMN {column}")
    for statement in _TABLES.split(";\n"):
        if statement.strip().startswith(
            (
                "CREATE TABLE stories",
                "CREATE INDEX stories_",
                "CREATE INDEX articles_story",
                "CREATE TABLE dedupe_",
            )
        ):
            db.execute(statement)


def _add_daemon_state(db: sqlite_utils.Database) -> None:
    """2 -> 3: the daemon's schedule per source, filter drops per fetch, a fuller view."""
    db.execute("ALTER TABLE sources ADD COLUMN poll_interval REAL")
    db.execute("ALTER TABLE sources ADD COLUMN next_poll TEXT")
    db.execute("ALTER TABLE fetches ADD COLUMN dropped INTEGER")
    db.execute("DROP VIEW source_status")
    db.execute(_SOURCE_STATUS_VIEW)


def _add_monitor(db: sqlite_utils.Database) -> None:
    """3 -> 4: the change monitor: content origin and check state, events, aliases.

    Articles of html sources came from their pages; all others are taken to have come from
    their feed (a page-completed feed entry cannot be told apart any more), which only
    means their rechecks look for take-downs and moves, not edits. Existing articles get
    no next check: their first days, when rechecks matter, are mostly over.
    """
    for column in (
        "content_origin TEXT NOT NULL DEFAULT 'feed'",
        "checked_at TEXT",
        "next_check TEXT",
        "missing_since TEXT",
    ):
        db.execute(f"ALTER TABLE articles ADD COLUMN {column}")
    db.execute(
        "UPDATE articles SET content_origin = 'page' "
        "WHERE source IN (SELECT name FROM sources WHERE type = 'html')"
    )
    for statement in _TABLES.split(";\n"):
        if statement.strip().startswith(
            (
                "CREATE INDEX articles_next_check",
                "CREATE TABLE article_events",
                "CREATE INDEX article_events_",
                "CREATE TABLE article_aliases",
                "CREATE INDEX article_aliases_",
            )
        ):
            db.execute(statement)


def _add_body_digest(db: sqlite_utils.Database) -> None:
    """4 -> 5: a digest of each URL's last body, so unchanged bytes are not parsed again."""
    db.execute("ALTER TABLE http_cache ADD COLUMN body_digest TEXT")


def _index_only_indexed_updates(db: sqlite_utils.Database) -> None:
    """5 -> 6: the search index is rewritten only when an article's indexed text changes.

    sqlite-utils' update trigger fires on *any* update of a row: filing an article in its
    story, a recheck's timestamps, a take-down each deleted and re-inserted the article's
    whole bigram text in the index (a third of the cost of storing a new article).
    """
    db.execute('DROP TRIGGER IF EXISTS "articles_au"')
    db.execute(_FTS_UPDATE_TRIGGER)


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    1: _add_stories,
    2: _add_daemon_state,
    3: _add_monitor,
    4: _add_body_digest,
    5: _index_only_indexed_updates,
}


class SchemaError(Exception):
    """The database cannot be used by this version of the code."""


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the schema in an empty database, or migrate an older one forward."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"database schema version {version} is newer than this aggregator "
            f"({SCHEMA_VERSION}); upgrade aggregator"
        )
    if version == 0:
        if db.table_names():
            raise SchemaError(
                "database has tables but no aggregator schema version: not an aggregator "
                "archive, or its creation was interrupted; point storage.database elsewhere"
            )
        _create(db)
        return
    for step in range(version, SCHEMA_VERSION):
        db.execute("BEGIN IMMEDIATE")
        MIGRATIONS[step](db)
        db.execute(f"PRAGMA user_version = {step + 1}")
        db.execute("COMMIT")


def _create(db: sqlite_utils.Database) -> None:
    db.execute("BEGIN IMMEDIATE")
    for statement in _TABLES.split(";\n"):
        if statement.strip():
            db.execute(statement)
    db.execute(_SOURCE_STATUS_VIEW)
    db.execute("COMMIT")
    # sqlite-utils' own FTS set-up, so `sqlite-utils search` and datasette find it; its
    # triggers keep the index in step with every insert, update and delete -- the update
    # one narrowed to the indexed columns (see `_index_only_indexed_updates`).
    db["articles"].enable_fts(["title_terms", "body_terms"], create_triggers=True)
    _index_only_indexed_updates(db)
    # The version is written last: a creation cut short is recognisable as version 0.
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
