"""The records that pass between pipeline stages.

Small immutable values: a stage returns one, the next stage reads it, and nothing reaches
back into the stage that made it. Times are ISO 8601 strings with an offset (see
`aggregator.dates.to_iso`), so records compare and store without conversion.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Credit:
    """Someone credited on an article, with what they did: a person (reporter, editor,
    photographer…) or, for a government document, the body that issued it (issuer)."""

    name: str
    role: str


@dataclass(frozen=True)
class Image:
    """An image of the article body: absolute URL and its caption, if any."""

    src: str
    caption: str | None = None


@dataclass(frozen=True)
class Article:
    """One article as the store keeps it, whichever kind of source it came from."""

    url: str
    title: str
    guid: str | None = None
    published: str | None = None
    updated: str | None = None
    authors: tuple[str, ...] = ()
    credits: tuple[Credit, ...] = ()
    source_outlet: str | None = None
    publisher: str | None = None
    section: str | None = None
    summary: str | None = None
    body_html: str | None = None
    body_text: str | None = None
    images: tuple[Image, ...] = ()
    language: str | None = None
