"""Feed sources: RSS 0.9x/1.0/2.0 and Atom read by feedparser, and JSON Feed.

feedparser gets the raw bytes and the response headers, so it applies the charset the
server declared (and its own fallbacks) exactly as for a feed fetched by itself. feedparser
6 does not read JSON Feed, so JSON documents are read here, with the same rules. Each
entry becomes an `Article`. Times without an offset are read in the source's time zone:
feedparser would assume UTC, so we parse the original date strings ourselves and use
feedparser's parsed values only when we cannot.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from aggregator.dates import parse_datetime, to_iso
from aggregator.models import Article
from aggregator.sanitize import clean_html, html_to_text
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


def parse_feed(content: bytes, headers: Mapping[str, str], url: str, timezone: str) -> ParsedFeed:
    """Read the feed in `content` fetched from `url`; raise `FeedError` if it is none."""
    if content.lstrip()[:1] == b"{":
        return _parse_json_feed(content, headers, url, timezone)
    response_headers = {**headers, "content-location": url}
    parsed = feedparser.parse(content, response_headers=response_headers, sanitize_html=False)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        detail = f": {_one_line(reason)}" if reason else ""
        kind = headers.get("content-type", "unknown type")
        raise FeedError(f"not an RSS, Atom or JSON feed ({kind}){detail}")
    feed = parsed.feed
    language = _language(feed.get("language") or headers.get("content-language"))
    publisher = _text(feed.get("publisher")) or _text(feed.get("title"))
    articles: list[Article] = []
    summary_only: set[str] = set()
    problems: list[str] = []
    if parsed.bozo and parsed.get("bozo_exception"):
        problems.append(
            f"feed is not well-formed, read leniently: {_one_line(parsed.bozo_exception)}"
        )
    for entry in parsed.entries:
        article, has_content = _article(entry, timezone, language, publisher)
        if article is None:
            title = _text(entry.get("title")) or "(untitled)"
            problems.append(f"entry {title[:60]!r} has no usable link")
            continue
        articles.append(article)
        if not has_content:
            summary_only.add(article.url)
    return ParsedFeed(
        title=_text(feed.get("title")),
        articles=tuple(articles),
        summary_only=frozenset(summary_only),
        problems=tuple(problems),
    )


def _article(
    entry: Any, timezone: str, language: str | None, publisher: str | None
) -> tuple[Article | None, bool]:
    link = entry.get("link") or ""
    guid = entry.get("id") or None
    if not is_http_url(link) and guid and is_http_url(guid):
        link = guid
    if not is_http_url(link):
        return None, False
    url = canonical_url(link)
    content_html = _content_html(entry)
    summary_html = entry.get("summary") or ""
    body_html = clean_html(content_html or summary_html, url)
    body_text = html_to_text(body_html)
    summary_text = html_to_text(clean_html(summary_html, url)) if summary_html else ""
    title = _title(entry) or body_text[:80] or url
    source = entry.get("source") or {}
    updated = _time(entry, "updated", timezone)
    article = Article(
        url=url,
        title=title,
        guid=guid,
        # Many feeds (Atom without published, RSS 1.0's dc:date) give one time only.
        published=_time(entry, "published", timezone) or updated,
        updated=updated,
        authors=_authors(entry),
        source_outlet=_text(source.get("title")) if isinstance(source, dict) else None,
        publisher=publisher,
        summary=(summary_text or body_text)[:_SUMMARY_CHARS] or None,
        body_html=body_html or None,
        body_text=body_text or None,
        language=_language(_entry_language(entry)) or language,
    )
    return article, bool(content_html)


def _parse_json_feed(
    content: bytes, headers: Mapping[str, str], url: str, timezone: str
) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        feed = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError(f"not a JSON feed: {_one_line(exc)}") from exc
    if not isinstance(feed, dict) or "jsonfeed.org" not in str(feed.get("version", "")):
        raise FeedError("JSON document is not a JSON Feed (no jsonfeed.org version)")
    language = _language(feed.get("language") or headers.get("content-language"))
    publisher = _text(feed.get("title"))
    articles: list[Article] = []
    summary_only: set[str] = set()
    problems: list[str] = []
    for item in feed.get("items") or []:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or (item.get("id") if is_http_url(str(item.get("id"))) else "")
        if not isinstance(link, str) or not is_http_url(urljoin(url, link)):
            problems.append(
                f"entry {str(item.get('title') or '(untitled)')[:60]!r} has no usable link"
            )
            continue
        article_url = canonical_url(link, base=url)
        raw_html = item.get("content_html") or ""
        if not raw_html and item.get("content_text"):
            raw_html = "".join(
                f"<p>{_escape(line)}</p>" for line in str(item["content_text"]).splitlines() if line
            )
        summary = _text(item.get("summary"))
        body_html = clean_html(raw_html or _escape(summary or ""), article_url)
        body_text = html_to_text(body_html)
        updated = to_iso(parse_datetime(item.get("date_modified"), timezone))
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        articles.append(
            Article(
                url=article_url,
                title=_text(item.get("title")) or body_text[:80] or article_url,
                guid=str(item.get("id")) if item.get("id") is not None else None,
                published=to_iso(parse_datetime(item.get("date_published"), timezone)) or updated,
                updated=updated,
                authors=tuple(
                    name
                    for name in (_text(a.get("name")) for a in authors if isinstance(a, dict))
                    if name
                ),
                publisher=publisher,
                summary=(summary or body_text)[:_SUMMARY_CHARS] or None,
                body_html=body_html or None,
                body_text=body_text or None,
                language=_language(item.get("language")) or language,
            )
        )
        if not raw_html:
            summary_only.add(article_url)
    return ParsedFeed(
        title=publisher,
        articles=tuple(articles),
        summary_only=frozenset(summary_only),
        problems=tuple(problems),
    )


def _content_html(entry: Any) -> str:
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
            if "html" in (content.get("type") or ""):
                return value
            return "".join(f"<p>{_escape(line)}</p>" for line in value.splitlines() if line)
    return ""


def _time(entry: Any, key: str, timezone: str) -> str | None:
    # feedparser answers entry.get("updated") with the published date when there is no
    # updated element; only a real element counts here.
    if key not in entry:
        return None
    moment = parse_datetime(entry[key], timezone)
    if moment is None and entry.get(f"{key}_parsed"):
        moment = datetime.fromtimestamp(calendar.timegm(entry[f"{key}_parsed"]), UTC)
    return to_iso(moment)


def _authors(entry: Any) -> tuple[str, ...]:
    names: list[str] = []
    for author in entry.get("authors") or []:
        name = _text(author.get("name")) if isinstance(author, dict) else None
        if name and name not in names:
            names.append(name)
    if not names and entry.get("author"):
        names.append(_text(entry["author"]) or "")
    return tuple(name for name in names if name)


def _entry_language(entry: Any) -> str | None:
    for detail in ("content", "summary_detail", "title_detail"):
        value = entry.get(detail)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict) and value.get("language"):
            return value["language"]
    return None


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


def _title(entry: Any) -> str | None:
    detail = entry.get("title_detail") or {}
    if "html" in (detail.get("type") or ""):
        return html_to_text(entry.get("title")) or None
    return _text(entry.get("title"))


def _text(value: Any) -> str | None:
    """Plain text with its whitespace collapsed (feedparser has decoded the entities)."""
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _one_line(value: object) -> str:
    return " ".join(str(value).split())[:200]
