"""Deciding whether an incoming article is new, changed or unchanged — pure, no I/O.

A change is a difference in what a reader sees as the article (title, body text, credited
source, authors), not in volatile page parts such as hit counters or crawl times, which
never reach the normalized record. Whitespace differences are not changes either.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from enum import Enum

from aggregator.models import Article

_WHITESPACE = re.compile(r"\s+")


class Change(Enum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


def content_hash(article: Article) -> str:
    """A digest of the parts of `article` whose change makes a new version."""
    parts = [
        _squash(article.title),
        [_squash(paragraph) for paragraph in paragraphs(article.body_text)],
        _squash(article.source_outlet),
        list(article.authors),
    ]
    encoded = json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def classify(stored_hash: str | None, incoming_hash: str) -> Change:
    """New when nothing is stored, changed when the digests differ, else unchanged."""
    if stored_hash is None:
        return Change.NEW
    return Change.UNCHANGED if stored_hash == incoming_hash else Change.CHANGED


def paragraphs(text: str | None) -> list[str]:
    """The non-empty paragraphs of a body text (paragraphs are separated by blank lines)."""
    if not text:
        return []
    return [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]


def paragraph_diff(old_text: str | None, new_text: str | None) -> str:
    """A unified diff of two body texts, paragraph by paragraph, for people to read."""
    return "\n".join(
        difflib.unified_diff(
            paragraphs(old_text), paragraphs(new_text), "before", "after", lineterm="", n=1
        )
    )


def _squash(text: str | None) -> str:
    return _WHITESPACE.sub(" ", text or "").strip()
