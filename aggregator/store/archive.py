"""The `Store`: every read and write of the archive goes through here.

One `Store` is one SQLite connection, used by one thread. Writes that belong together
(all articles of one poll of one source) happen in one `BEGIN IMMEDIATE` transaction, so
a crash or a kill leaves either all of them or none, and an article already stored is
never lost: a changed article gets a new row in `article_versions` before its latest
state is updated, and an event in `article_events` (what changes.atom shows).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from aggregator.changes import Change, classify, content_hash, paragraph_diff
from aggregator.config import SourceConfig
from aggregator.dates import to_iso, utc_now
from aggregator.fetch import FetchResult, Validators
from aggregator.models import Article, Credit, Image
from aggregator.monitor.decide import Availability, Check, Origin
from aggregator.store import monitor, stories
from aggregator.store.monitor import ArticleEvent, StoredVersion
from aggregator.store.reposts import RepostIndex
from aggregator.store.schema import ensure_schema
from aggregator.store.search import index_terms, match_expression
from aggregator.urls import canonical_url, stable_id

_BUSY_TIMEOUT_MS = 30_000
# SQLite's page cache per connection (its default is 2 MB), unless the opener says otherwise
# (the poll threads share a budget: poll.stores_per_thread). The OS caches the file for all
# connections: a first poll of 1,000 feeds took the same CPU with 512 KB and peaked 6.5 MB
# lower (bench/README.md).
_PAGE_CACHE_KIB = 512

# What reading an article needs: every `articles` column but the search terms, which are
# the body again with every CJK character doubled (the largest columns of the row) and
# are only ever read by FTS5.
_ARTICLE_FIELDS = """
    articles.id, articles.source, articles.url, articles.entry_id, articles.guid,
    articles.title, articles.published, articles.updated, articles.authors,
    articles.credits, articles.source_outlet, articles.publisher, articles.section,
    articles.summary, articles.body_html, articles.body_text, articles.images,
    articles.language, articles.version, articles.first_seen, articles.changed_at,
    articles.removed_at, articles.content_origin, articles.checked_at,
    articles.next_check, articles.missing_since
"""
_ARTICLE_BY_ID = f"SELECT {_ARTICLE_FIELDS} FROM articles WHERE id = ?"


@dataclass(frozen=True)
class SaveCounts:
    """What saving a batch of articles did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class CheckCounts:
    """What applying the change monitor's checks recorded."""

    edited: int = 0
    removed: int = 0
    restored: int = 0
    moved: int = 0

    @property
    def events(self) -> int:
        """Take-downs, returns and moves (edits are counted as updates)."""
        return self.removed + self.restored + self.moved


@dataclass(frozen=True)
class PollTarget:
    """What a poll of a source starts from (see `Store.poll_target`)."""

    url: str  # where the source is fetched from now (after permanent redirects)
    validators: Validators  # for the conditional GET
    rechecks_due: bool  # some of its stored articles are due for a recheck


@dataclass(frozen=True)
class ScheduleState:
    """What the daemon remembers of a source between polls and across restarts."""

    poll_interval: float | None = None  # the adaptive interval, seconds
    consecutive_failures: int = 0
    next_poll: str | None = None  # ISO 8601


@dataclass(frozen=True)
class StoredArticle:
    """An article as read back from the archive, for publishing and display."""

    id: int
    source: str
    entry_id: str
    article: Article
    first_seen: str
    changed_at: str | None
    removed_at: str | None
    version: int


@dataclass(frozen=True)
class MonitoredArticle:
    """A stored article with what the change monitor knows of it."""

    stored: StoredArticle
    content_origin: str  # feed | page | watch (see aggregator.monitor.decide.Origin)
    missing_since: str | None
    next_check: str | None
    checked_at: str | None


@dataclass(frozen=True)
class ArticleHistory:
    """Everything recorded of one article, for `aggregator history`."""

    article: MonitoredArticle
    versions: list[StoredVersion]
    events: list[ArticleEvent]
    aliases: list[str]  # URLs it had before it moved


@dataclass(frozen=True)
class ChangeEvent:
    """One entry of changes.atom: an event, its article, and for an edit the two versions."""

    event: ArticleEvent
    article: StoredArticle
    content_origin: str
    version: StoredVersion | None = None  # edited: the version the edit made
    previous: StoredVersion | None = None  # edited: the one before


@dataclass(frozen=True)
class RelatedLink:
    """Another site carrying a story: its URL and the site's name."""

    url: str
    site: str


@dataclass(frozen=True)
class FeedStory:
    """One story as the combined feed shows it: its original, and the other copies."""

    entry_id: str
    canonical: StoredArticle
    updated: str  # when the story's original last changed or was replaced
    related: tuple[RelatedLink, ...]


class Store:
    """The SQLite archive at `path` (created, or migrated, on open)."""

    def __init__(self, path: str | Path, page_cache_kib: int = _PAGE_CACHE_KIB):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One thread at a time uses a Store, but it may be closed by the thread that made it
        # for another (see poll.stores_per_thread), hence check_same_thread=False.
        connection = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        self.db = sqlite_utils.Database(connection)
        self.db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute(f"PRAGMA cache_size = -{int(page_cache_kib)}")
        ensure_schema(self.db)
        self.reposts = RepostIndex(self.db)
        self._file_unfiled_articles(rebuild=self.reposts.stale)

    def close(self) -> None:
        self.db.close()

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file (a clean file at shutdown)."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction, taken immediately so concurrent writers queue, not fail.

        Inside another one it joins it: a poll puts its bookkeeping writes (fetch log,
        validators, outcome) in one transaction, one commit instead of one per write.
        """
        if self.db.conn.in_transaction:
            yield
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _file_unfiled_articles(self, rebuild: bool) -> None:
        """File articles that have no story yet (all of them again after a `rebuild`).

        Needed once after the upgrade that brought stories, and when the fingerprint code
        changed so that the stored fingerprints had to be dropped.
        """
        if rebuild:
            with self.transaction():
                stories.clear_stories(self.db)
        unfiled = stories.unfiled_articles(self.db)
        now = to_iso(utc_now())
        for start in range(0, len(unfiled), 500):
            with self.transaction():
                for article_id in unfiled[start : start + 500]:
                    stories.file_new_article(self.db, self.reposts, article_id, now)
        if unfiled:  # taken-down articles keep their stories but leave the index again
            with self.transaction():
                for article_id in stories.removed_articles(self.db):
                    self.reposts.remove(article_id)

    # -- sources -------------------------------------------------------------------------

    def sync_sources(self, sources: Iterable[SourceConfig]) -> None:
        """Make the `sources` table match the config; sources dropped from it are disabled.

        A source's fetch URL follows permanent redirects until its configured URL changes.
        """
        now = to_iso(utc_now())
        configured = list(sources)
        with self.transaction():
            for source in configured:
                self.db.execute(
                    """
                    INSERT INTO sources (name, url, config_url, type, enabled, added)
                    VALUES (:name, :url, :url, :type, :enabled, :now)
                    ON CONFLICT (name) DO UPDATE SET
                        url = CASE WHEN sources.config_url = excluded.config_url
                                   THEN sources.url ELSE excluded.url END,
                        config_url = excluded.config_url,
                        type = excluded.type,
                        enabled = excluded.enabled
                    """,
                    {
                        "name": source.name,
                        "url": source.url,
                        "type": source.type,
                        "enabled": int(source.enabled),
                        "now": now,
                    },
                )
            names = [source.name for source in configured]
            self.db.execute(
                f"UPDATE sources SET enabled = 0 WHERE name NOT IN ({_placeholders(names)})",
                names,
            )

    def poll_target(self, source: SourceConfig, now: datetime) -> PollTarget:
        """Where `source` is fetched from now, its validators, and whether any of its
        articles is due for a recheck at `now`.

        One lookup instead of three: a poll answered 304 is mostly bookkeeping, and the
        rechecks are rarely due (their two ordered queries run only when some are).
        """
        due = to_iso(now.astimezone(UTC))
        row = self.db.execute(
            """
            SELECT sources.url, http_cache.etag, http_cache.last_modified, http_cache.body_digest,
                   EXISTS (SELECT 1 FROM articles
                           WHERE articles.source = sources.name AND articles.next_check <= ?)
            FROM sources LEFT JOIN http_cache ON http_cache.url = sources.url
            WHERE sources.name = ?
            """,
            [due, source.name],
        ).fetchone()
        if row is None:
            return PollTarget(source.url, self.validators_for(source.url), rechecks_due=True)
        return PollTarget(row[0], Validators(*row[1:4]), rechecks_due=bool(row[4]))

    def fetch_url(self, source: SourceConfig) -> str:
        """Where `source` is fetched from now (its URL after permanent redirects)."""
        row = self.db.execute("SELECT url FROM sources WHERE name = ?", [source.name]).fetchone()
        return row[0] if row else source.url

    def move_source(self, name: str, new_url: str) -> None:
        """Record a permanent redirect of a source's URL."""
        with self.transaction():
            self.db.execute("UPDATE sources SET url = ? WHERE name = ?", [new_url, name])

    def record_poll(self, name: str, status: str, error: str | None = None) -> None:
        """Note the outcome of one poll of source `name`."""
        now = to_iso(utc_now())
        failed = status == "error"
        with self.transaction():
            self.db.execute(
                """
                UPDATE sources SET
                    last_polled = :now,
                    last_status = :status,
                    last_error = :error,
                    last_success = CASE WHEN :failed THEN last_success ELSE :now END,
                    consecutive_failures = CASE WHEN :failed
                                                THEN consecutive_failures + 1 ELSE 0 END
                WHERE name = :name
                """,
                {"now": now, "status": status, "error": error, "failed": failed, "name": name},
            )

    def schedule_state(self, name: str) -> ScheduleState:
        row = self.db.execute(
            "SELECT poll_interval, consecutive_failures, next_poll FROM sources WHERE name = ?",
            [name],
        ).fetchone()
        return ScheduleState(*row) if row else ScheduleState()

    def record_schedule(self, name: str, poll_interval: float, next_poll: datetime) -> None:
        """Note the daemon's adaptive interval for source `name` and when it polls next."""
        with self.transaction():
            self.db.execute(
                "UPDATE sources SET poll_interval = ?, next_poll = ? WHERE name = ?",
                [poll_interval, to_iso(next_poll), name],
            )

    def source_overview(self) -> list[dict[str, Any]]:
        """Every source with its last poll, status, last error and article count."""
        cursor = self.db.execute("SELECT * FROM source_status ORDER BY name")
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    # -- fetch log and conditional GET -----------------------------------------------------

    def validators_for(self, url: str) -> Validators:
        row = self.db.execute(
            "SELECT etag, last_modified, body_digest FROM http_cache WHERE url = ?", [url]
        ).fetchone()
        return Validators(*row) if row else Validators()

    def record_fetch(self, source: str | None, result: FetchResult) -> int:
        """Log one fetch in `fetches`; returns the log row's id."""
        started = to_iso(datetime.fromtimestamp(result.started, UTC))
        with self.transaction():
            cursor = self.db.execute(
                """
                INSERT INTO fetches (source, url, started, http_status, bytes, elapsed_ms, error)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    source,
                    result.url,
                    started,
                    result.status,
                    len(result.content),
                    result.elapsed_ms,
                    result.error,
                ],
            )
        return int(cursor.lastrowid or 0)

    def remember_validators(self, url: str, validators: Validators) -> None:
        """Keep what tells `url`'s next answer unchanged (see `Validators`).

        Called only once what was fetched is safely stored: validators saved earlier would
        turn the next poll into a 304 and lose whatever the failed run did not store.
        """
        if not (validators.etag or validators.last_modified or validators.body_digest):
            return
        with self.transaction():
            self.db.execute(
                """
                INSERT INTO http_cache (url, etag, last_modified, body_digest, fetched)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,
                    last_modified = excluded.last_modified,
                    body_digest = excluded.body_digest, fetched = excluded.fetched
                """,
                [
                    url,
                    validators.etag,
                    validators.last_modified,
                    validators.body_digest,
                    to_iso(utc_now()),
                ],
            )

    def note_fetch_dropped(self, fetch_id: int, dropped: int) -> None:
        """Count on a fetch's log row the entries the source's filters dropped."""
        with self.transaction():
            self.db.execute("UPDATE fetches SET dropped = ? WHERE id = ?", [dropped, fetch_id])

    def note_fetch_error(self, fetch_id: int, error: str) -> None:
        """Attach a problem found after the fetch (e.g. an unparseable feed) to its log row."""
        with self.transaction():
            self.db.execute("UPDATE fetches SET error = ? WHERE id = ?", [error, fetch_id])

    # -- articles ------------------------------------------------------------------------

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """Which of `urls` are already in the archive (an article moved away counts)."""
        wanted = list(urls)
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = _placeholders(chunk)
            rows = self.db.execute(
                f"SELECT url FROM articles WHERE url IN ({marks}) "
                f"UNION SELECT url FROM article_aliases WHERE url IN ({marks})",
                chunk + chunk,
            )
            found.update(row[0] for row in rows)
        return found

    def save_articles(
        self,
        source: str,
        articles: Sequence[Article],
        origins: Mapping[str, str] | None = None,
        next_check: str | None = None,
    ) -> SaveCounts:
        """Insert new articles and record changed ones, all in one transaction.

        `origins` says, by URL, where each article's content came from ("feed" when not
        given; see `aggregator.monitor.decide.Origin`); content is compared only with
        content of the same origin, since a feed's text and the page's normalized text of
        one article differ without any edit. `next_check` is when the change monitor
        first checks the new articles again (None: never).

        Unchanged articles write nothing. A changed article keeps every earlier version in
        `article_versions` and gets an `edited` event; its row in `articles` shows the
        latest. An article is found by its URL or by a URL it had before it moved.
        """
        now = to_iso(utc_now())
        new = updated = unchanged = 0
        unique = _unique_by_url(articles)
        with self.transaction():
            stored = self._content_rows([article.url for article in unique])
            for article in unique:
                origin = (origins or {}).get(article.url, Origin.FEED)
                digest = content_hash(article)
                row = stored.get(article.url)
                if row is not None and row["content_origin"] != origin:
                    unchanged += 1
                    continue
                change = classify(row["content_hash"] if row else None, digest)
                if change is Change.NEW:
                    self._insert_new(source, article, digest, origin, next_check, now)
                    new += 1
                elif change is Change.CHANGED:
                    assert row is not None
                    self._record_edit(row, article, digest, now)
                    updated += 1
                else:
                    unchanged += 1
        return SaveCounts(new=new, updated=updated, unchanged=unchanged)

    def _insert_new(
        self,
        source: str,
        article: Article,
        digest: str,
        origin: str,
        next_check: str | None,
        now: str,
    ) -> None:
        article_id = self._insert_article(source, article, digest, now, origin, next_check)
        self._insert_version(article_id, 1, article, digest, now, diff=None)
        if origin != Origin.WATCH:  # a watched page is no article: it joins no story
            stories.file_new_article(self.db, self.reposts, article_id, now)

    def _content_rows(self, urls: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The stored rows of the articles at `urls` (or that moved away from them), by URL.

        One query for a whole batch; only the URLs not found are looked up among aliases.
        """
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            cursor = self.db.execute(
                f"""
                SELECT id, url, content_hash, version, body_text, content_origin, removed_at
                FROM articles WHERE url IN ({_placeholders(chunk)})
                """,
                chunk,
            )
            found.update((row["url"], row) for row in _dict_rows(cursor))
            missing = [url for url in chunk if url not in found]
            for url, article_id in monitor.aliased_articles(self.db, missing).items():
                row = self._content_row(article_id)
                if row is not None:
                    found[url] = row
        return found

    def _content_row(self, article_id: int | None) -> dict[str, Any] | None:
        if article_id is None:
            return None
        cursor = self.db.execute(
            """
            SELECT id, url, content_hash, version, body_text, content_origin, removed_at
            FROM articles WHERE id = ?
            """,
            [article_id],
        )
        return next(_dict_rows(cursor), None)

    def _record_edit(self, row: dict[str, Any], article: Article, digest: str, now: str) -> None:
        """A new version of a stored article (`row`), and its `edited` event."""
        article_id, version = row["id"], row["version"] + 1
        diff = paragraph_diff(row["body_text"], article.body_text)
        self._insert_version(article_id, version, article, digest, now, diff)
        self._update_article(article_id, article, digest, version, now)
        if row["content_origin"] != Origin.WATCH:
            stories.article_text_changed(self.db, self.reposts, article_id, article.body_text, now)
        monitor.record_event(self.db, article_id, monitor.EDITED, now, version)

    def _insert_article(
        self,
        source: str,
        article: Article,
        digest: str,
        now: str,
        origin: str,
        next_check: str | None,
    ) -> int:
        values = _article_columns(article)
        values.update(
            source=source,
            url=article.url,
            entry_id=stable_id(article.url),
            sort_time=_sort_time(article.published, now),
            content_hash=digest,
            first_seen=now,
            last_seen=now,
            content_origin=str(origin),
            next_check=next_check,
        )
        columns = ", ".join(values)
        cursor = self.db.execute(
            f"INSERT INTO articles ({columns}) VALUES ({_placeholders(values)})",
            list(values.values()),
        )
        return int(cursor.lastrowid or 0)

    def _update_article(
        self, article_id: int, article: Article, digest: str, version: int, now: str
    ) -> None:
        values = _article_columns(article)
        values.update(content_hash=digest, version=version, last_seen=now, changed_at=now)
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.db.execute(
            f"UPDATE articles SET {assignments}, sort_time = coalesce(?, sort_time) WHERE id = ?",
            [*values.values(), _sort_time(article.published, None), article_id],
        )

    def _insert_version(
        self,
        article_id: int,
        version: int,
        article: Article,
        digest: str,
        now: str,
        diff: str | None,
    ) -> None:
        self.db.execute(
            """
            INSERT INTO article_versions
                (article_id, version, fetched_at, title, body_text, authors, source_outlet,
                 content_hash, diff)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                article_id,
                version,
                now,
                article.title,
                article.body_text,
                json.dumps(list(article.authors), ensure_ascii=False),
                article.source_outlet,
                digest,
                diff,
            ],
        )

    # -- the change monitor ----------------------------------------------------------------

    def due_rechecks(self, source: str, now: datetime, limit: int) -> list[MonitoredArticle]:
        """Articles of `source` whose next check is due at `now`: at most `limit`.

        Confirmations of missing pages come first, then the oldest due.
        """
        # Two walks of the (source, next_check) index in its own order rather than one
        # sorted query: a sort would read every due article of the source each poll.
        due = to_iso(now.astimezone(UTC))
        missing = self.db.execute(
            f"""
            SELECT {_ARTICLE_FIELDS} FROM articles
            WHERE source = ? AND next_check <= ? AND missing_since IS NOT NULL
            ORDER BY next_check LIMIT ?
            """,
            [source, due, limit],
        )
        chosen = [_monitored(row) for row in _dict_rows(missing)]
        if len(chosen) < limit:
            others = self.db.execute(
                f"""
                SELECT {_ARTICLE_FIELDS} FROM articles
                WHERE source = ? AND next_check <= ? AND missing_since IS NULL
                ORDER BY next_check LIMIT ?
                """,
                [source, due, limit - len(chosen)],
            )
            chosen += [_monitored(row) for row in _dict_rows(others)]
        return chosen

    def monitored_article(self, url: str) -> MonitoredArticle | None:
        """The article at `url` (or that moved away from it), with its monitor state."""
        article_id = monitor.article_id_for_url(self.db, url)
        if article_id is None:
            return None
        cursor = self.db.execute(_ARTICLE_BY_ID, [article_id])
        return _monitored(next(_dict_rows(cursor)))

    def apply_checks(self, checks: Sequence[Check]) -> CheckCounts:
        """Record what the change monitor's checks found, all in one transaction.

        A move re-homes the article (its old URL becomes an alias), a confirmed take-down
        or a return is recorded and updates the repost index and the story, a changed page
        makes a new version; each of these is an event. Every check notes when the page
        is checked next.
        """
        edited = removed = restored = moved = 0
        with self.transaction():
            for check in checks:
                row = self._content_row(check.article_id)
                if row is None:  # gone from the archive since the check was planned
                    continue
                at = check.checked_at
                watched = row["content_origin"] == Origin.WATCH
                if check.moved_to and check.moved_to != row["url"]:
                    monitor.move_article(self.db, row["id"], row["url"], check.moved_to, at)
                    monitor.record_event(
                        self.db, row["id"], monitor.MOVED, at, row["version"], row["url"]
                    )
                    moved += 1
                state = check.availability
                if state is Availability.MISSING:
                    self.db.execute(
                        "UPDATE articles SET missing_since = coalesce(missing_since, ?) "
                        "WHERE id = ?",
                        [at, row["id"]],
                    )
                elif state is Availability.REMOVED:
                    monitor.mark_removed(self.db, self.reposts, row["id"], at)
                    monitor.record_event(
                        self.db, row["id"], monitor.REMOVED, at, row["version"], check.detail
                    )
                    removed += 1
                elif state is Availability.RESTORED:
                    monitor.mark_restored(self.db, self.reposts, row["id"], at, watched)
                    monitor.record_event(
                        self.db, row["id"], monitor.RESTORED, at, row["version"], check.detail
                    )
                    row["removed_at"] = None
                    restored += 1
                elif state is Availability.AVAILABLE:
                    self.db.execute(
                        "UPDATE articles SET missing_since = NULL WHERE id = ?", [row["id"]]
                    )
                if check.content is not None:
                    digest = content_hash(check.content)
                    if classify(row["content_hash"], digest) is Change.CHANGED:
                        self._record_edit(row, check.content, digest, at)
                        edited += 1
                self.db.execute(
                    "UPDATE articles SET checked_at = ?, next_check = ? WHERE id = ?",
                    [at, check.next_check, row["id"]],
                )
        return CheckCounts(edited=edited, removed=removed, restored=restored, moved=moved)

    def article_history(self, key: str) -> ArticleHistory | None:
        """An article by id or URL (a URL it had before it moved works too), all recorded."""
        article_id = int(key) if key.strip().isdigit() else None
        if article_id is None:
            article_id = monitor.article_id_for_url(self.db, key.strip())
            if article_id is None:
                article_id = monitor.article_id_for_url(self.db, canonical_url(key))
        if article_id is None:
            return None
        cursor = self.db.execute(_ARTICLE_BY_ID, [article_id])
        row = next(_dict_rows(cursor), None)
        if row is None:
            return None
        return ArticleHistory(
            article=_monitored(row),
            versions=monitor.versions(self.db, article_id),
            events=monitor.events_of(self.db, article_id),
            aliases=monitor.aliases(self.db, article_id),
        )

    def change_events(self, limit: int = 200) -> list[ChangeEvent]:
        """The latest events, newest first, each with its article (and versions, for edits)."""
        found: list[ChangeEvent] = []
        articles: dict[int, MonitoredArticle] = {}
        for event in monitor.latest_events(self.db, limit):
            if event.article_id not in articles:
                cursor = self.db.execute(_ARTICLE_BY_ID, [event.article_id])
                articles[event.article_id] = _monitored(next(_dict_rows(cursor)))
            article = articles[event.article_id]
            current = previous = None
            if event.kind == monitor.EDITED and event.version:
                current = monitor.version(self.db, event.article_id, event.version)
                previous = monitor.version(self.db, event.article_id, event.version - 1)
            found.append(
                ChangeEvent(event, article.stored, article.content_origin, current, previous)
            )
        return found

    def feed_articles(self, source: str | None = None, limit: int = 200) -> list[StoredArticle]:
        """The newest articles (of one source, or all), newest first, for a feed.

        Articles taken down are left out (changes.atom tells of their removal).
        """
        where, parameters = ("AND source = ?", [source]) if source else ("", [])
        cursor = self.db.execute(
            f"""
            SELECT {_ARTICLE_FIELDS} FROM articles WHERE removed_at IS NULL {where}
            ORDER BY sort_time DESC, id DESC LIMIT ?
            """,
            [*parameters, limit],
        )
        return [_stored_article(row) for row in _dict_rows(cursor)]

    def feed_stories(self, limit: int = 200) -> list[FeedStory]:
        """The newest stories, newest first, each with its original and its copies.

        Copies taken down are left out, and so are stories whose every article was.
        """
        cursor = self.db.execute(
            f"""
            SELECT {_ARTICLE_FIELDS}, stories.id AS story_key, stories.entry_id AS story_entry_id,
                   stories.updated AS story_updated
            FROM stories JOIN articles ON articles.id = stories.canonical_article_id
            WHERE articles.removed_at IS NULL
            ORDER BY stories.sort_time DESC, stories.id DESC LIMIT ?
            """,
            [limit],
        )
        rows = list(_dict_rows(cursor))
        related: dict[int, list[RelatedLink]] = {row["story_key"]: [] for row in rows}
        keys = list(related)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            members = self.db.execute(
                f"""
                SELECT articles.story_id, articles.url, articles.publisher, articles.source
                FROM articles JOIN stories ON stories.id = articles.story_id
                WHERE articles.story_id IN ({_placeholders(chunk)})
                  AND articles.id != stories.canonical_article_id
                  AND articles.removed_at IS NULL
                ORDER BY articles.sort_time, articles.id
                """,
                chunk,
            )
            for story_id, url, publisher, source in members:
                related[story_id].append(RelatedLink(url, publisher or source))
        return [
            FeedStory(
                entry_id=row["story_entry_id"],
                canonical=_stored_article(row),
                updated=row["story_updated"],
                related=tuple(related[row["story_key"]]),
            )
            for row in rows
        ]

    def stories(self, min_size: int = 1, limit: int = 100) -> list[stories.StorySummary]:
        """Stories with at least `min_size` members, newest first."""
        return stories.stories(self.db, min_size, limit)

    def story_members(self, story_id: int) -> list[stories.StoryMember]:
        """The members of a story, its original first; empty for an unknown story."""
        return stories.story_members(self.db, story_id)

    def iter_feed_articles(self, sources: Sequence[str] = ()) -> Iterator[StoredArticle]:
        """Articles of `sources` (every source when empty), newest first, read as needed.

        For filtered feeds, which read only as far as they need to fill themselves. Articles
        taken down are left out, and so are watched pages unless their source is named.
        """
        where = (
            f"source IN ({_placeholders(sources)})"
            if sources
            else f"content_origin != '{Origin.WATCH}'"
        )
        cursor = self.db.execute(
            f"""
            SELECT {_ARTICLE_FIELDS} FROM articles WHERE removed_at IS NULL AND {where}
            ORDER BY sort_time DESC, id DESC
            """,
            list(sources),
        )
        for row in _dict_rows(cursor):
            yield _stored_article(row)

    def totals(self) -> dict[str, int]:
        """How many articles, versions and stories the archive holds."""
        return {
            "articles": self.count("articles"),
            "versions": self.count("article_versions"),
            "events": self.count("article_events"),
            "stories": self.count("stories"),
        }

    def search(self, query: str, limit: int = 20) -> list[StoredArticle]:
        """Articles matching every word of `query`, best matches (title weighs most) first."""
        expression = match_expression(query)
        if expression is None:
            return []
        cursor = self.db.execute(
            f"""
            SELECT {_ARTICLE_FIELDS} FROM articles_fts
            JOIN articles ON articles.id = articles_fts.rowid
            WHERE articles_fts MATCH ?
            ORDER BY bm25(articles_fts, 5.0, 1.0), articles.sort_time DESC
            LIMIT ?
            """,
            [expression, limit],
        )
        return [_stored_article(row) for row in _dict_rows(cursor)]

    def count(self, table: str) -> int:
        return self.db[table].count


def _article_columns(article: Article) -> dict[str, Any]:
    """The `articles` columns that come from the article itself."""
    return {
        "guid": article.guid,
        "title": article.title,
        "published": article.published,
        "updated": article.updated,
        "authors": json.dumps(list(article.authors), ensure_ascii=False),
        "credits": json.dumps([asdict(c) for c in article.credits], ensure_ascii=False),
        "source_outlet": article.source_outlet,
        "publisher": article.publisher,
        "section": article.section,
        "summary": article.summary,
        "body_html": article.body_html,
        "body_text": article.body_text,
        "images": json.dumps([asdict(i) for i in article.images], ensure_ascii=False),
        "language": article.language,
        "title_terms": index_terms(article.title),
        "body_terms": index_terms(article.body_text),
    }


def _stored_article(row: dict[str, Any]) -> StoredArticle:
    article = Article(
        url=row["url"],
        title=row["title"],
        guid=row["guid"],
        published=row["published"],
        updated=row["updated"],
        authors=tuple(json.loads(row["authors"])),
        credits=tuple(Credit(**credit) for credit in json.loads(row["credits"])),
        source_outlet=row["source_outlet"],
        publisher=row["publisher"],
        section=row["section"],
        summary=row["summary"],
        body_html=row["body_html"],
        body_text=row["body_text"],
        images=tuple(Image(**image) for image in json.loads(row["images"])),
        language=row["language"],
    )
    return StoredArticle(
        id=row["id"],
        source=row["source"],
        entry_id=row["entry_id"],
        article=article,
        first_seen=row["first_seen"],
        changed_at=row["changed_at"],
        removed_at=row["removed_at"],
        version=row["version"],
    )


def _monitored(row: dict[str, Any]) -> MonitoredArticle:
    return MonitoredArticle(
        stored=_stored_article(row),
        content_origin=row["content_origin"],
        missing_since=row["missing_since"],
        next_check=row["next_check"],
        checked_at=row["checked_at"],
    )


def _sort_time(published: str | None, fallback: str | None) -> str | None:
    """UTC text of `published` (so that text order is time order), else `fallback`."""
    if published:
        try:
            return to_iso(datetime.fromisoformat(published).astimezone(UTC))
        except ValueError:
            pass
    return fallback


def _unique_by_url(articles: Sequence[Article]) -> list[Article]:
    """The last article given for each URL (a feed may list one link twice)."""
    return list({article.url: article for article in articles}.values())


def _dict_rows(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    columns = [column[0] for column in cursor.description]
    for row in cursor:
        yield dict(zip(columns, row, strict=True))


def _placeholders(values: Sequence[object] | dict[str, object]) -> str:
    return ", ".join("?" for _ in values)
