"""Turning any article page into one clean Record.

    bytes/str -> decode (aggregator.encoding) -> HTML or plain-text capture?
      HTML: html_article.read_html_article   text: text_capture.read_text_capture

Modules, one job each: `page` (decoding, sniffing, parsing), `lines` (visible text lines),
`linekinds` (running text or links), `metadata` (meta tags, JSON-LD), `title`, `content`
(main block by text density), `teasers` (cards of other articles),
`paragraphs` (header/list trimming), `boilerplate` (furniture line filters), `datetext`
and `published` (dates), `names` and `credits` (people), `outlets` (source, publisher,
section), `images`, `sanitize` (body HTML), `language`, `record`, `summary`; the two
readers `html_article` and `text_capture` walk them in order.
"""

from __future__ import annotations

from aggregator.dates import zone
from aggregator.normalize.html_article import read_html_article
from aggregator.normalize.page import parse_html, read_document
from aggregator.normalize.record import Record
from aggregator.normalize.summary import render_summary
from aggregator.normalize.text_capture import read_text_capture

__all__ = ["Record", "normalize", "render_summary"]


def normalize(
    content: bytes | str,
    url: str | None = None,
    *,
    content_type: str | None = None,
    timezone: str = "Asia/Shanghai",
    article_selector: str | None = None,
) -> Record:
    """Read an article page (HTML or a plain-text capture) into a Record.

    Never raises on page content: what cannot be found is None/empty and explained in
    `Record.notes`. Raises `aggregator.dates.UnknownTimezoneError` for a bad `timezone`.
    """
    tz = zone(timezone)
    document = read_document(content, content_type)
    notes: list[str] = []
    if document.encoding_reason and "fewest errors" in document.encoding_reason:
        notes.append(
            f"charset unclear: decoded as {document.encoding} ({document.encoding_reason})"
        )
    if document.is_html:
        root = parse_html(document.text)
        if root is not None:
            return read_html_article(root, url, tz, article_selector, notes)
        notes.append("the document holds no parsable HTML")
    return read_text_capture(document.text, url, tz, notes)
