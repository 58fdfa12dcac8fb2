"""From fetched bytes (or text) to something the normalizer can read: a parsed HTML tree or
the lines of a plain-text capture.

Bytes go through `aggregator.encoding.decode`, so the charset rules live in one place. Whether
a document is HTML is decided from the Content-Type when it says so, otherwise by sniffing for
markup near the start: a saved text capture of a page (like the seed report) has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from aggregator.encoding import decode

_MARKUP = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|meta|title|div|p|table|article|text\s)\b", re.IGNORECASE
)
_SNIFF_CHARS = 4096
# libxml2 refuses str input that carries its own encoding declaration.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Pages stitched from server-side includes close </body></html> mid-page; browsers read on,
# libxml2 drops everything after. Without them libxml2 closes both at the end, as it should.
_DOCUMENT_END_TAGS = re.compile(r"</\s*(?:body|html)\s*>", re.IGNORECASE)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Document:
    """A decoded document and how it was read (the encoding choice is reported in notes)."""

    text: str
    is_html: bool
    encoding: str | None
    encoding_reason: str | None


def read_document(content: bytes | str, content_type: str | None = None) -> Document:
    """Decode `content` if it is bytes and decide whether it is HTML or a text capture."""
    if isinstance(content, bytes):
        decoded = decode(content, content_type)
        text, encoding, reason = decoded.text, decoded.encoding, decoded.reason
    else:
        text, encoding, reason = content, None, None
    text = _CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return Document(text, _is_html(text, content_type), encoding, reason)


def _is_html(text: str, content_type: str | None) -> bool:
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type in ("text/html", "application/xhtml+xml"):
        return True
    if media_type == "text/plain":
        return False
    return bool(_MARKUP.search(text[:_SNIFF_CHARS]))


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """The page as an lxml tree (libxml2 repairs broken markup); None if nothing parses."""
    text = _DOCUMENT_END_TAGS.sub("", _XML_DECLARATION.sub("", text, count=1))
    if not text.strip():
        return None
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return None
    return root
