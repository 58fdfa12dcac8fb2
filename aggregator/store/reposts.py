"""The repost index: LSH over MinHash signatures, kept in the archive's SQLite file.

It only proposes candidates, in time that does not grow with the archive (one B-tree seek
per band); `stories.assign_story` decides on their texts. What the store calls, and when:

- a new article: ``ids = index.candidates(text, exclude=id)``, load those articles,
  ``assign_story(new, loaded)``, apply the decision, then ``index.add(id, text)``;
- an article's text changed: ``index.add(id, text)`` (it replaces the old rows);
- an article removed: ``index.remove(id)``.
"""

from __future__ import annotations

from functools import lru_cache

import sqlite_utils

from aggregator.dedupe.fingerprint import FINGERPRINT_VERSION, Fingerprint, fingerprint
from aggregator.dedupe.text import normalize_text
from aggregator.store import fingerprints

# Templated families (one warning per county) can share a band with hundreds of articles;
# the ones sharing the most bands are the likeliest copies and the only ones worth a look.
MAX_CANDIDATES = 20


class RepostIndex:
    """Candidate lookup for reposts and excerpts of a new article.

    `stale` is True when the stored fingerprints were made by another version of this code
    and have been dropped: the caller must `add` every stored article again.
    """

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.stale = fingerprints.ensure_schema(db, FINGERPRINT_VERSION)

    def add(self, article_id: int, text: str | None) -> None:
        """Index an article's text, replacing what was indexed for it before."""
        new = _fingerprint_of(text or "")
        old_keys = self._stored_band_keys(article_id)
        if new is None:
            if old_keys:
                fingerprints.delete(self.db, article_id, old_keys)
            return
        fingerprints.replace(self.db, article_id, new.to_bytes(), new.band_keys(), old_keys)

    def remove(self, article_id: int) -> None:
        fingerprints.delete(self.db, article_id, self._stored_band_keys(article_id))

    def candidates(self, text: str | None, exclude: int | None = None) -> list[int]:
        """Ids of stored articles that may be copies of `text` (or of which it may be one)."""
        new = _fingerprint_of(text or "")
        if new is None:
            return []
        found = fingerprints.candidates(self.db, new.band_keys(), MAX_CANDIDATES + 1)
        return [article_id for article_id, _ in found if article_id != exclude][:MAX_CANDIDATES]

    def __len__(self) -> int:
        return fingerprints.count(self.db)

    def _stored_band_keys(self, article_id: int) -> list[int]:
        stored = fingerprints.load_signature(self.db, article_id)
        return Fingerprint.from_bytes(stored).band_keys() if stored else []


@lru_cache(maxsize=64)
def _fingerprint_of(text: str) -> Fingerprint | None:
    # Cached: a new article is looked up and then added with the same text.
    return fingerprint(normalize_text(text))
