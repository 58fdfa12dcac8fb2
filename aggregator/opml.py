"""OPML subscription lists: import their feeds as sources, export the sources as one.

Reading is listparser's, which copes with the OPML found in the wild (nested folders, odd
encodings, missing attributes). Writing is plain OPML 2.0 from ElementTree.

Sources live in config.toml, so an import appends one `[[sources]]` table per new feed to
that file: text added at the end, never a rewrite, so the user's comments and layout stay.
The new file is loaded and validated before it replaces the old one.

`html` sources (list pages, not feeds) survive a round trip: they are exported with the
OPML category "/aggregator/html" and imported back as html sources.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path

import listparser

from aggregator.config import ConfigError, SourceConfig, load_config
from aggregator.dates import utc_now
from aggregator.urls import canonical_url, is_http_url, site_of

HTML_CATEGORY = "/aggregator/html"
_HTML_CATEGORY_PATH = ["aggregator", "html"]  # as listparser splits it
_NOT_NAME = re.compile(r"[^a-z0-9]+")


class OpmlError(Exception):
    """The file is not an OPML list we can read; `str()` says why."""


@dataclass(frozen=True)
class OpmlFeed:
    """One feed listed in an OPML file."""

    url: str
    title: str | None = None
    type: str = "feed"  # "html" for a list page exported by us


@dataclass(frozen=True)
class NewSource:
    """A source an import will add to the config."""

    name: str
    url: str
    type: str
    title: str | None


@dataclass(frozen=True)
class ImportPlan:
    added: tuple[NewSource, ...]
    skipped: tuple[tuple[str, str], ...]  # (url, why)


def read_opml(path: Path) -> list[OpmlFeed]:
    """The feeds listed in the OPML file at `path`, in document order."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise OpmlError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    parsed = listparser.parse(content)
    if not parsed.get("version") and not parsed.feeds:
        reason = parsed.get("bozo_exception")
        raise OpmlError(f"{path}: not an OPML subscription list{f' ({reason})' if reason else ''}")
    return [
        OpmlFeed(
            url=feed["url"].strip(),
            title=(feed.get("title") or "").strip() or None,
            type="html" if _HTML_CATEGORY_PATH in feed.get("categories", []) else "feed",
        )
        for feed in parsed.feeds
    ]


def plan_import(feeds: Sequence[OpmlFeed], existing: Sequence[SourceConfig]) -> ImportPlan:
    """Which feeds become new sources (with names), and which are skipped and why."""
    known = {canonical_url(source.url): source.name for source in existing}
    names = {source.name for source in existing}
    added: list[NewSource] = []
    skipped: list[tuple[str, str]] = []
    for feed in feeds:
        if not is_http_url(feed.url):
            skipped.append((feed.url, "not an http(s) URL"))
            continue
        key = canonical_url(feed.url)
        if key in known:
            skipped.append((feed.url, f"already configured as {known[key]}"))
            continue
        name = _unique(_name_for(feed), names)
        names.add(name)
        known[key] = name
        added.append(NewSource(name=name, url=feed.url, type=feed.type, title=feed.title))
    return ImportPlan(tuple(added), tuple(skipped))


def _name_for(feed: OpmlFeed) -> str:
    """A source name from the feed's title when it is Latin text, else from its host.

    Names become file names and URLs, so they are lower-case letters, digits and dashes;
    a Chinese title gives none, and the host ("www.gansu.gov.cn" -> "gansu-gov-cn") does.
    """
    from_title = _NOT_NAME.sub("-", (feed.title or "").lower()).strip("-")
    if len(from_title) >= 2:
        return from_title[:40].rstrip("-")
    host = site_of(feed.url).split(":")[0]
    return _NOT_NAME.sub("-", host.lower()).strip("-") or "source"


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}-{number}", number + 1
    return candidate


def sources_toml(sources: Sequence[NewSource], origin: str) -> str:
    """The `[[sources]]` tables for `sources`, each under a comment with its OPML title."""
    lines = [f"# Imported from {origin} on {utc_now():%Y-%m-%d}."]
    for source in sources:
        lines.append("")
        if source.title:
            lines.append(f"# {' '.join(source.title.split())}")
        lines += [
            "[[sources]]",
            f"name = {_toml_string(source.name)}",
            f"url = {_toml_string(source.url)}",
        ]
        if source.type != "feed":
            lines.append(f"type = {_toml_string(source.type)}")
    return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda match: f"\\u{ord(match.group()):04x}", escaped)
    return f'"{escaped}"'


def add_sources_to_config(config_path: Path, sources: Sequence[NewSource], origin: str) -> None:
    """Append `sources` to the config file, atomically, only if the result is valid."""
    text = config_path.read_text(encoding="utf-8")
    updated = text.rstrip("\n") + "\n\n" + sources_toml(sources, origin)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{config_path.name}.", suffix=".toml", dir=config_path.parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(updated)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            load_config(temporary)
        except ConfigError as exc:
            raise ConfigError(config_path, exc.key, exc.problem, exc.line) from exc
        shutil.copymode(config_path, temporary)
        os.replace(temporary, config_path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def export_opml(sources: Sequence[SourceConfig], title: str) -> str:
    """OPML 2.0 listing every source (html ones marked with the category /aggregator/html).

    Watched pages are left out: they are monitored pages, not subscriptions.
    """
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(utc_now(), usegmt=True)
    body = ET.SubElement(opml, "body")
    for source in sources:
        if source.type == "watch":
            continue
        outline = ET.SubElement(
            body, "outline", type="rss", text=source.name, title=source.name, xmlUrl=source.url
        )
        if source.type == "html":
            outline.set("category", HTML_CATEGORY)
    ET.indent(opml)
    return ET.tostring(opml, encoding="unicode", xml_declaration=True) + "\n"
