"""Feed sources: RSS 0.9x/1.0/2.0 and Atom read by feedparser, and JSON Feed.

feedparser gets the raw bytes and the response headers, so it applies the charset the
server declared (and its own fallbacks) exactly as for a feed fetched by itself. feedparser
6 does not read JSON Feed, so JSON documents are read here. Both formats are first reduced
to the same `_Entry`, and one function turns an entry into an `Article`.

Times without an offset are read in the source's time zone: feedparser would assume UTC,
so we parse the original date strings ourselves and use feedparser's parsed values only
when we cannot.
"""

from __future__ import annotations

import calendar
import html
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from aggregator.dates import parse_datetime, to_iso
from aggregator.models import Article
from aggregator.sanitize import clean_html, html_to_text, paragraphs_to_html
from aggregator.urls import canonical_url, is_http_url

_SUMMARY_CHARS = 300


class FeedError(Exception):
    """The fetched document is not a feed we can read."""


@dataclass(frozen=True)
class ParsedFeed:
    """The articles of one fetched feed, and what could not be read from it."""

    title: str | None
    articles: tuple[Article, ...]
    # URLs of entries that carry only a summary: their page is worth fetching.
    summary_only: frozenset[str]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class _Entry:
    """One feed entry, whatever the format, before it becomes an `Article`."""

    link: str  # absolute, or "" when the entry has none
    guid: str | None
    title: str | None  # plain text
    content_html: str  # the full content; "" when the entry carries only a summary
    summary_html: str
    published: datetime | None
    updated: datetime | None
    authors: tuple[str, ...]
    source_outlet: str | None
    language: str | None


@dataclass(frozen=True)
class _Feed:
    title: str | None
    publisher: str | None
    language: str | None
    entries: tuple[_Entry, ...]
    problems: tuple[str, ...]


def parse_feed(content: bytes, headers: Mapping[str, str], url: str, timezone: str) -> ParsedFeed:
    """Read the feed in `content` fetched from `url`; raise `FeedError` if it is none."""
    if content.lstrip()[:1] == b"{":
        feed = _read_json_feed(content, headers, url, timezone)
    else:
        feed = _read_xml_feed(content, headers, url, timezone)
    articles: list[Article] = []
    summary_only: set[str] = set()
    problems = list(feed.problems)
    for entry in feed.entries:
        if not is_http_url(entry.link):
            problems.append(f"entry {(entry.title or '(untitled)')[:60]!r} has no usable link")
            continue
        article = _article(entry, feed)
        articles.append(article)
        if not entry.content_html:
            summary_only.add(article.url)
    return ParsedFeed(
        title=feed.title,
        articles=tuple(articles),
        summary_only=frozenset(summary_only),
        problems=tuple(problems),
    )


def _article(entry: _Entry, feed: _Feed) -> Article:
    url = canonical_url(entry.link)
    body_html = clean_html(entry.content_html or entry.summary_html, url)
    body_text = html_to_text(body_html)
    summary_text = html_to_text(clean_html(entry.summary_html, url)) if entry.summary_html else ""
    updated = to_iso(entry.updated)
    return Article(
        url=url,
        title=entry.title or body_text[:80] or url,
        guid=entry.guid,
        # Many feeds (Atom without published, RSS 1.0's dc:date) give one time only.
        published=to_iso(entry.published) or updated,
        updated=updated,
        authors=entry.authors,
        source_outlet=entry.source_outlet,
        publisher=feed.publisher,
        summary=(summary_text or body_text)[:_SUMMARY_CHARS] or None,
        body_html=body_html or None,
        body_text=body_text or None,
        language=entry.language or feed.language,
    )


# -- RSS, Atom and RDF through feedparser ------------------------------------------------


def _read_xml_feed(content: bytes, headers: Mapping[str, str], url: str, timezone: str) -> _Feed:
    response_headers = {**headers, "content-location": url}
    # nh3 sanitizes each body and makes its links absolute against the entry's URL
    # (`clean_html`); feedparser doing both first cost a third of reading a feed.
    parsed = feedparser.parse(
        content,
        response_headers=response_headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        detail = f": {_one_line(reason)}" if reason else ""
        kind = headers.get("content-type", "unknown type")
        raise FeedError(f"not an RSS, Atom or JSON feed ({kind}){detail}")
    problems = []
    if parsed.bozo and parsed.get("bozo_exception"):
        reason = _one_line(parsed.bozo_exception)
        problems.append(f"feed is not well-formed, read leniently: {reason}")
    feed = parsed.feed
    return _Feed(
        title=_text(feed.get("title")),
        publisher=_text(feed.get("publisher")) or _text(feed.get("title")),
        language=_language(feed.get("language") or headers.get("content-language")),
        entries=tuple(_xml_entry(entry, url, timezone) for entry in parsed.entries),
        problems=tuple(problems),
    )


def _xml_entry(entry: Any, url: str, timezone: str) -> _Entry:
    link = entry.get("link") or ""
    guid = entry.get("id") or None
    if not is_http_url(link) and guid and is_http_url(guid):
        link = guid
    source = entry.get("source")
    return _Entry(
        link=link,
        guid=guid,
        title=_xml_title(entry),
        content_html=_xml_content(entry),
        summary_html=entry.get("summary") or "",
        published=_xml_time(entry, "published", timezone),
        updated=_xml_time(entry, "updated", timezone),
        authors=_names(entry.get("authors") or [], fallback=entry.get("author")),
        source_outlet=_text(source.get("title")) if isinstance(source, dict) else None,
        language=_language(_xml_language(entry)),
    )


def _xml_title(entry: Any) -> str | None:
    detail = entry.get("title_detail") or {}
    if "html" in (detail.get("type") or ""):
        return html_to_text(entry.get("title")) or None
    return _text(entry.get("title"))


def _xml_content(entry: Any) -> str:
    """The entry's full content: HTML preferred over plain text, longest first."""
    contents = entry.get("content") or []
    ranked = sorted(
        contents,
        key=lambda c: ("html" in (c.get("type") or ""), len(c.get("value") or "")),
        reverse=True,
    )
    for content in ranked:
        value = content.get("value") or ""
        if value.strip():
            return (
                value
                if "html" in (content.get("type") or "")
                else paragraphs_to_html(value.splitlines())
            )
    return ""


def _xml_time(entry: Any, key: str, timezone: str) -> datetime | None:
    # feedparser answers entry.get("updated") with the published date when there is no
    # updated element; only a real element counts here.
    if key not in entry:
        return None
    moment = parse_datetime(entry[key], timezone)
    if moment is None and entry.get(f"{key}_parsed"):
        moment = datetime.fromtimestamp(calendar.timegm(entry[f"{key}_parsed"]), UTC)
    return moment


def _xml_language(entry: Any) -> str | None:
    for detail in ("content", "summary_detail", "title_detail"):
        value = entry.get(detail)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict) and value.get("language"):
            return value["language"]
    return None


# -- JSON Feed ---------------------------------------------------------------------------


def _read_json_feed(content: bytes, headers: Mapping[str, str], url: str, timezone: str) -> _Feed:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError(f"not a JSON feed: {_one_line(exc)}") from exc
    if not isinstance(document, dict) or "jsonfeed.org" not in str(document.get("version", "")):
        raise FeedError("JSON document is not a JSON Feed (no jsonfeed.org version)")
    title = _text(document.get("title"))
    return _Feed(
        title=title,
        publisher=title,
        language=_language(document.get("language") or headers.get("content-language")),
        entries=tuple(_json_entries(document.get("items"), url, timezone)),
        problems=(),
    )


def _json_entries(items: Any, url: str, timezone: str) -> Iterator[_Entry]:
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        guid = str(item["id"]) if item.get("id") is not None else None
        link = item.get("url") if isinstance(item.get("url"), str) else ""
        if not link and guid and is_http_url(guid):
            link = guid
        content = item.get("content_html") or ""
        if not content and item.get("content_text"):
            content = paragraphs_to_html(str(item["content_text"]).splitlines())
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        yield _Entry(
            link=canonical_url(link, base=url) if link else "",
            guid=guid,
            title=_text(item.get("title")),
            content_html=content,
            summary_html=html.escape(_text(item.get("summary")) or ""),
            published=parse_datetime(item.get("date_published"), timezone),
            updated=parse_datetime(item.get("date_modified"), timezone),
            authors=_names(authors),
            source_outlet=None,
            language=_language(item.get("language")),
        )


# -- small shared readers ----------------------------------------------------------------


def _names(people: list[Any], fallback: Any = None) -> tuple[str, ...]:
    names: list[str] = []
    for person in people:
        name = _text(person.get("name")) if isinstance(person, dict) else None
        if name and name not in names:
            names.append(name)
    if not names and _text(fallback):
        names.append(_text(fallback) or "")
    return tuple(names)


def _language(tag: str | None) -> str | None:
    """A BCP 47 tag in its usual case ("zh-cn" -> "zh-CN")."""
    if not tag or not isinstance(tag, str):
        return None
    parts = tag.strip().replace("_", "-").split("-")
    if not parts[0].isalpha():
        return None
    head = parts[0].lower()
    tail = [part.upper() if len(part) == 2 else part.title() for part in parts[1:] if part]
    return "-".join([head, *tail])


def _text(value: Any) -> str | None:
    """Plain text with its whitespace collapsed (feedparser has decoded the entities)."""
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _one_line(value: object) -> str:
    return " ".join(str(value).split())[:200]
