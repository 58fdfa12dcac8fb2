"""The normalized article: one immutable record, whatever the page looked like.

`to_dict` is the JSON printed by `aggregator parse --json` (a public interface: keys and
shapes only ever grow); `to_article` is what the store keeps.
"""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.models import Article, Credit, Image


@dataclass(frozen=True)
class Record:
    """An article page read into fields; `notes` say what could not be found and why."""

    url: str | None
    title: str | None
    published: str | None
    updated: str | None
    source: str | None
    publisher: str | None
    authors: tuple[str, ...]
    credits: tuple[Credit, ...]
    section: str | None
    language: str | None
    paragraphs: tuple[str, ...]
    body: str
    body_html: str
    images: tuple[Image, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "url": self.url,
            "title": self.title,
            "published": self.published,
            "updated": self.updated,
            "source": self.source,
            "publisher": self.publisher,
            "authors": list(self.authors),
            "credits": [{"name": c.name, "role": c.role} for c in self.credits],
            "section": self.section,
            "language": self.language,
            "paragraphs": list(self.paragraphs),
            "body": self.body,
            "body_html": self.body_html,
            "images": [{"src": i.src, "caption": i.caption} for i in self.images],
            "notes": list(self.notes),
        }

    def to_article(self, guid: str | None = None) -> Article:
        """The store's Article (source -> source_outlet, body -> body_text)."""
        return Article(
            url=self.url or "",
            title=self.title or "",
            guid=guid,
            published=self.published,
            updated=self.updated,
            authors=self.authors,
            credits=self.credits,
            source_outlet=self.source,
            publisher=self.publisher,
            section=self.section,
            body_html=self.body_html or None,
            body_text=self.body or None,
            images=self.images,
            language=self.language,
        )
