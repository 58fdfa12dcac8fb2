"""Writing the Atom feeds: one combined `feed.atom`, one `<source>.atom` per source, one
`<name>.atom` per extra output feed (`[[feeds]]`: some sources' articles, filtered), and
`changes.atom`, the change monitor's feed (one entry per edit, take-down, return or move).

Feeds are Atom 1.0 (RFC 4287) written by feedgen and meant to pass the W3C Feed
Validator with no warnings: every id is a stable URI fixed when the article was first
seen, every entry has an author, its times carry offsets, its HTML content is sanitized
with absolute URLs, and the feed links to itself. A feed file is replaced atomically
(temporary file, fsync, rename), and left untouched when nothing in it changed, so the
file's modification time is a truthful Last-Modified.

Per-source and extra feeds are served at `feeds/<name>.atom` under `publish.base_url`
(see aggregator/serve.py); their rel="self" links say so.
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedEntry, FeedGenerator
from lxml import etree

from aggregator import __version__
from aggregator.changes import paragraphs
from aggregator.config import Config
from aggregator.dates import utc_now
from aggregator.filters import ArticleFilter
from aggregator.monitor.decide import Origin
from aggregator.monitor.diffs import VersionFields, change_html, field_changes
from aggregator.sanitize import paragraphs_to_html
from aggregator.store import ChangeEvent, RelatedLink, Store, StoredArticle, StoredVersion
from aggregator.store.monitor import EDITED, MOVED, REMOVED, RESTORED
from aggregator.urls import site_of

COMBINED_FEED = "feed.atom"
CHANGES_FEED = "changes.atom"
FEEDS_PATH = "feeds/"  # where per-source and extra feeds live under publish.base_url
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TAG_DATE = "2026"  # the year our tag: URIs were minted; never change it


class _FeedExtras(BaseExtension):
    """The feed half of `_EntryExtras`; it adds nothing to the feed itself."""


class _EntryExtras(BaseEntryExtension):
    """What feedgen 1.0 cannot write on an entry: xml:lang, and links with a rel.

    feedgen's own entry links lose their rel, type and title attributes (a bug in
    `FeedEntry.atom_entry`), which would turn a story's related links into a second
    alternate link. So all entry links are written here.
    """

    def __init__(self) -> None:
        self.language: str | None = None
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry):  # type: ignore[no-untyped-def]
        if self.language:
            entry.set(_XML_LANG, self.language)
        for attributes in self.links:
            etree.SubElement(entry, "link", attributes)
        return entry


@dataclass(frozen=True)
class FeedItem:
    """One Atom entry: an article, or a story shown through its original article."""

    entry_id: str
    stored: StoredArticle
    related: tuple[RelatedLink, ...] = ()  # the story's other copies
    updated_at_least: str | None = None  # when the story's original was last replaced


def publish_all(config: Config, store: Store, changed: Collection[str] | None = None) -> list[Path]:
    """Write the combined feed, the sources' feeds, the `[[feeds]]` feeds and changes.atom.

    With `changed` (names of sources whose articles changed), only the feeds those changes
    can touch are rendered: the combined and changes feeds, the changed sources' own, and
    the `[[feeds]]` drawing on them. A daemon with thousands of sources must not render
    every source's feed after each poll that found something.
    """
    directory = config.publish.directory
    directory.mkdir(parents=True, exist_ok=True)
    limit = config.publish.max_entries
    written = [
        write_feed(
            directory / COMBINED_FEED,
            render_feed(
                feed_id=feed_id(config, COMBINED_FEED),
                title=config.publish.title,
                self_url=config.publish.base_url + COMBINED_FEED,
                alternate_url=config.publish.base_url,
                items=[
                    FeedItem(story.entry_id, story.canonical, story.related, story.updated)
                    for story in store.feed_stories(limit=limit)
                ],
            ),
        )
    ]
    for source in config.sources:
        if changed is not None and source.name not in changed:
            continue
        articles = store.feed_articles(source=source.name, limit=limit)
        written.append(_write_article_feed(config, source.name, source.name, source.url, articles))
    for output in config.feeds:
        if changed is not None and output.sources and not set(output.sources) & set(changed):
            continue
        article_filter = ArticleFilter.of(output.include, output.exclude)
        kept = (
            stored
            for stored in store.iter_feed_articles(output.sources)
            if article_filter.keeps_article(stored.article)
        )
        written.append(
            _write_article_feed(
                config,
                output.name,
                output.title or f"{config.publish.title}: {output.name}",
                config.publish.base_url,
                list(islice(kept, limit)),
            )
        )
    written.append(
        write_feed(
            directory / CHANGES_FEED,
            render_changes(
                feed_id=feed_id(config, CHANGES_FEED),
                title=f"{config.publish.title}: changes",
                self_url=config.publish.base_url + CHANGES_FEED,
                alternate_url=config.publish.base_url,
                changes=store.change_events(limit=limit),
            ),
        )
    )
    return written


def _write_article_feed(
    config: Config, name: str, title: str, alternate_url: str, articles: Sequence[StoredArticle]
) -> Path:
    """Write `<name>.atom`, one entry per article (a source's feed, a `[[feeds]]` feed)."""
    file_name = f"{name}.atom"
    return write_feed(
        config.publish.directory / file_name,
        render_feed(
            feed_id=feed_id(config, file_name),
            title=title,
            self_url=config.publish.base_url + FEEDS_PATH + file_name,
            alternate_url=alternate_url,
            items=[FeedItem(stored.entry_id, stored) for stored in articles],
        ),
    )


def feed_id(config: Config, file_name: str) -> str:
    """The feed's permanent id: from config, else a tag: URI on the base URL's host."""
    if config.publish.id:
        if file_name == COMBINED_FEED:
            return config.publish.id
        return f"{config.publish.id.rstrip('/')}/{file_name}"
    host = site_of(config.publish.base_url).split(":")[0] or "localhost"
    return f"tag:{host},{_TAG_DATE}:aggregator/{file_name}"


def render_feed(
    *,
    feed_id: str,
    title: str,
    self_url: str,
    alternate_url: str,
    items: Sequence[FeedItem],
) -> bytes:
    """The Atom document of `items` (already newest first)."""
    generator = _generator(feed_id, title, self_url, alternate_url)
    newest = None
    # feedgen prepends each new entry; adding oldest first leaves the newest on top.
    for item in reversed(items):
        entry = generator.add_entry()
        updated = _fill_entry(entry, item)
        newest = updated if newest is None or updated > newest else newest
    generator.updated(newest or utc_now())
    return generator.atom_str(pretty=True)


def render_changes(
    *,
    feed_id: str,
    title: str,
    self_url: str,
    alternate_url: str,
    changes: Sequence[ChangeEvent],
) -> bytes:
    """The change monitor's Atom document: one entry per event (already newest first).

    Each entry has the event's own id, links to the article, and says what happened: an
    edit's changed fields and paragraphs (<del> / <ins>), a take-down's or a return's
    HTTP answer, a move's old and new URL.
    """
    generator = _generator(feed_id, title, self_url, alternate_url)
    newest = None
    for change in reversed(changes):
        entry = generator.add_entry()
        at = datetime.fromisoformat(change.event.at)
        article = change.article.article
        entry.id(change.event.entry_id)
        entry.title(_change_title(change))
        entry.aggregator.links.append(
            {"href": article.url, "rel": "alternate", "type": "text/html"}
        )
        entry.published(at)
        entry.updated(at)
        for name in _authors(change.article):
            entry.author({"name": name})
        entry.content(_change_html(change), type="html")
        entry.aggregator.language = article.language
        newest = at if newest is None or at > newest else newest
    generator.updated(newest or utc_now())
    return generator.atom_str(pretty=True)


def _generator(feed_id: str, title: str, self_url: str, alternate_url: str) -> FeedGenerator:
    generator = FeedGenerator()
    generator.register_extension("aggregator", _FeedExtras, _EntryExtras, rss=False)
    generator.id(feed_id)
    generator.title(title)
    generator.link(href=self_url, rel="self", type="application/atom+xml")
    generator.link(href=alternate_url, rel="alternate", type="text/html")
    generator.generator("aggregator", version=__version__)
    return generator


def _change_title(change: ChangeEvent) -> str:
    event = change.event
    title = change.version.title if change.version else change.article.article.title
    if event.kind == EDITED:
        verb = "Changed" if change.content_origin == Origin.WATCH else "Edited"
        return f"{verb} (version {event.version}): {title}"
    labels = {REMOVED: "Removed", RESTORED: "Restored", MOVED: "Moved"}
    return f"{labels.get(event.kind, event.kind.capitalize())}: {title}"


def _change_html(change: ChangeEvent) -> str:
    """What happened, as escaped HTML."""
    event, stored = change.event, change.article
    link = _link(stored.article.url)
    if event.kind == EDITED and change.version is not None:
        fields = (
            field_changes(_fields(change.previous), _fields(change.version))
            if change.previous
            else []
        )
        body = change_html(change.version.diff, fields) or "<p>(no visible difference)</p>"
        return f"{body}<p>Version {event.version} of {link}.</p>"
    answer = html.escape(event.detail or "no answer", quote=False)
    if event.kind == REMOVED:
        return (
            f"<p>{link} is gone: it answered {answer} on two checks. The archive keeps its "
            f"last version ({event.version}).</p>"
        )
    if event.kind == RESTORED:
        return f"<p>{link} is back: it answered {answer}.</p>"
    if event.kind == MOVED:
        old = _link(event.detail) if event.detail else "its old address"
        return f"<p>Moved permanently from {old} to {link}.</p>"
    return f"<p>{html.escape(event.kind, quote=False)}: {link}</p>"


def _fields(version: StoredVersion | None) -> VersionFields:
    if version is None:
        return VersionFields("")
    return VersionFields(version.title, version.source_outlet, version.authors)


def _link(url: str) -> str:
    escaped = html.escape(url)
    return f'<a href="{escaped}">{escaped}</a>'


def _authors(stored: StoredArticle) -> tuple[str, ...]:
    """An entry must name an author; when the article credits nobody, name its outlet,
    else the site, else our source."""
    article = stored.article
    return article.authors or (article.source_outlet or article.publisher or stored.source,)


def _fill_entry(entry: FeedEntry, item: FeedItem) -> datetime:
    """Fill one entry from a stored article; return its atom:updated time."""
    stored = item.stored
    article = stored.article
    published = _datetime(article.published)
    updated = max(
        moment
        for moment in (
            _datetime(article.updated),
            published,
            _datetime(stored.changed_at),
            _datetime(stored.first_seen),
            _datetime(item.updated_at_least),
        )
        if moment is not None
    )
    entry.id(item.entry_id)
    entry.title(article.title)
    extras = entry.aggregator
    extras.links.append({"href": article.url, "rel": "alternate", "type": "text/html"})
    for related in item.related:
        extras.links.append(
            {"href": related.url, "rel": "related", "type": "text/html", "title": related.site}
        )
    if published:
        entry.published(published)
    entry.updated(updated)
    for name in _authors(stored):
        entry.author({"name": name})
    content = _content_html(stored)
    if content:
        entry.content(content, type="html")
    if article.summary:
        entry.summary(article.summary)
    extras.language = article.language
    return updated


def _content_html(stored: StoredArticle) -> str:
    """The entry content: the stored HTML (sanitized when stored), else the text as HTML."""
    article = stored.article
    if article.body_html:
        return article.body_html
    return paragraphs_to_html(paragraphs(article.body_text))


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def write_feed(path: Path, document: bytes) -> Path:
    """Replace `path` with `document` atomically; leave it alone if it is unchanged."""
    try:
        if path.read_bytes() == document:
            return path
    except FileNotFoundError:
        pass
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(document)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
