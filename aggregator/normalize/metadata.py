"""What a page says about itself in markup: `<meta>` tags, JSON-LD and the document language.

Names are compared case-insensitively because Chinese government CMSs spell them freely
(`PubDate`, `pubdate`, `publishdate`, `ContentSource`, `SiteName`, `ColumnName`…). Values are
kept as strings; deciding which one to trust is left to the field finders.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from aggregator.normalize.lines import squash_spaces

_JSONLD_ARTICLE_TYPES = re.compile(r"Article|Posting|Report|BlogPosting|WebPage", re.IGNORECASE)


@dataclass
class PageMeta:
    """Meta tags by lower-cased name/property (first value wins) plus JSON-LD fields."""

    tags: dict[str, str] = field(default_factory=dict)
    jsonld: dict[str, object] = field(default_factory=dict)
    html_title: str = ""
    language: str | None = None
    canonical_url: str | None = None

    def first(self, *names: str) -> str | None:
        """The first non-empty meta value among `names` (lower-case), in the order given."""
        for name in names:
            value = self.tags.get(name)
            if value:
                return value
        return None


def read_meta(root: HtmlElement) -> PageMeta:
    """Collect meta tags, JSON-LD article fields, `<title>`, language and canonical link."""
    meta = PageMeta()
    for element in root.iter("meta"):
        key = (
            (
                element.get("property")
                or element.get("name")
                or element.get("itemprop")
                or element.get("http-equiv")
                or ""
            )
            .strip()
            .lower()
        )
        value = squash_spaces(element.get("content") or "")
        if key and value and key not in meta.tags:
            meta.tags[key] = value
    for element in root.iter("time"):
        prop = (element.get("itemprop") or "").lower()
        value = element.get("datetime")
        if prop in ("datepublished", "datemodified") and value and prop not in meta.tags:
            meta.tags[prop] = value
    title = root.find(".//title")
    if title is not None:
        meta.html_title = squash_spaces(title.text_content())
    meta.language = _language(root, meta)
    for link in root.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            meta.canonical_url = link.get("href").strip()
            break
    meta.jsonld = _jsonld_article(root)
    return meta


def _language(root: HtmlElement, meta: PageMeta) -> str | None:
    for value in (
        root.get("lang"),
        root.get("xml:lang"),
        meta.first("content-language", "language"),
    ):
        if value and re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", value.strip()):
            return value.strip().replace("_", "-")
    return None


def _jsonld_article(root: HtmlElement) -> dict[str, object]:
    """The first JSON-LD object that describes an article (searching @graph and lists)."""
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for item in _flatten(data):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and _JSONLD_ARTICLE_TYPES.search(k) for k in kinds):
                return item
    return {}


def _flatten(data: object) -> list[dict[str, object]]:
    if isinstance(data, list):
        return [item for entry in data for item in _flatten(entry)]
    if isinstance(data, dict):
        graph = data.get("@graph")
        return [data, *(_flatten(graph) if graph else [])]
    return []


def jsonld_text(value: object) -> str | None:
    """A plain string from a JSON-LD value: a string, an object with a name, or a list."""
    if isinstance(value, str):
        return squash_spaces(value) or None
    if isinstance(value, dict):
        return jsonld_text(value.get("name"))
    if isinstance(value, list) and value:
        return jsonld_text(value[0])
    return None


def jsonld_names(value: object) -> list[str]:
    """Every name in a JSON-LD author/creator value."""
    if isinstance(value, list):
        return [name for item in value for name in jsonld_names(item)]
    name = jsonld_text(value)
    return [name] if name else []
