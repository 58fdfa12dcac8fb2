"""The repost index: LSH over MinHash signatures, kept in the archive's SQLite file.

It only proposes candidates, in time that does not grow with the archive (one B-tree seek
per band and at most CROWDED_POSTINGS rows per band, however many articles share it);
`stories.assign_story` decides on their texts. What the store calls, and when:

- a new article: ``ids = index.candidates(text, exclude=id)``, load those articles,
  ``assign_story(new, loaded)``, apply the decision, then ``index.add(id, text)``;
- an article's text changed: ``index.add(id, text)`` (it replaces the old rows);
- an article removed: ``index.remove(id)``.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import sqlite_utils

from aggregator.dedupe.fingerprint import FINGERPRINT_VERSION, Fingerprint, fingerprint, shingled
from aggregator.store import fingerprints

# The articles sharing the most bands with the new one are the likeliest copies and the only
# ones worth the exact comparison.
MAX_CANDIDATES = 20
# A band key shared by this many articles is *crowded*: a templated family (one weather
# warning per county, one meeting notice per week) or an article reposted by a great many
# sites. Such a key is no evidence of a copy: only its newest postings are read, and the
# articles found through crowded keys alone take at most MAX_CROWDED_CANDIDATES places
# (enough to find some member of a much-reposted story; a family of notices gets no more
# comparisons than that). An article that shares one uncrowded key too -- a real copy in a
# templated family shares the bands its own numbers make -- is ranked as before.
CROWDED_POSTINGS = 32
CROWDED_SAMPLE = 8
MAX_CROWDED_CANDIDATES = 3
# Crowded keys stay crowded (postings only go with their articles), so they are remembered
# for the life of the index rather than found again by reading CROWDED_POSTINGS of them.
_CROWDED_MEMORY = 200_000


class RepostIndex:
    """Candidate lookup for reposts and excerpts of a new article.

    `stale` is True when the stored fingerprints were made by another version of this code
    and have been dropped: the caller must `add` every stored article again.
    """

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.stale = fingerprints.ensure_schema(db, FINGERPRINT_VERSION)
        self._crowded: set[int] = set()

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
        keys = new.band_keys()
        known = [key for key in keys if key in self._crowded]
        rows = fingerprints.postings(self.db, known, [CROWDED_SAMPLE] * len(known))
        crowded = {key for key, _ in rows}
        fresh_rows, newly_crowded = self._fresh_postings([k for k in keys if k not in crowded])
        if len(self._crowded) + len(newly_crowded) > _CROWDED_MEMORY:
            self._crowded.clear()
        self._crowded |= newly_crowded
        return rank_candidates(rows + fresh_rows, crowded | newly_crowded, exclude)

    def _fresh_postings(self, keys: list[int]) -> tuple[list[tuple[int, int]], set[int]]:
        """The postings of keys not known to be crowded, and those of them found crowded.

        Ordinary news shares no crowded key: one statement bounded overall reads them all.
        Only when it reaches its bound (some key is crowded) are the keys read again one
        bounded range each; otherwise a crowded key's rows are all there, and its newest
        CROWDED_POSTINGS are kept, as the per-key read would have returned.
        """
        bound = len(keys) * CROWDED_POSTINGS
        rows = fingerprints.postings_up_to(self.db, keys, bound)
        if len(rows) >= bound:
            rows = fingerprints.postings(self.db, keys, [CROWDED_POSTINGS] * len(keys))
        per_key = Counter(key for key, _ in rows)
        crowded = {key for key, count in per_key.items() if count >= CROWDED_POSTINGS}
        if any(per_key[key] > CROWDED_POSTINGS for key in crowded):
            newest = {
                key: sorted(a for k, a in rows if k == key)[-CROWDED_POSTINGS] for key in crowded
            }
            rows = [(k, a) for k, a in rows if k not in newest or a >= newest[k]]
        return rows, crowded

    def __len__(self) -> int:
        return fingerprints.count(self.db)

    def _stored_band_keys(self, article_id: int) -> list[int]:
        stored = fingerprints.load_signature(self.db, article_id)
        return Fingerprint.from_bytes(stored).band_keys() if stored else []


def rank_candidates(
    rows: list[tuple[int, int]], crowded: set[int], exclude: int | None = None
) -> list[int]:
    """Article ids from (band key, article id) postings, most bands in common first.

    At most MAX_CANDIDATES, of which at most MAX_CROWDED_CANDIDATES share only crowded keys;
    ties go to the older (smaller) id.
    """
    hits: dict[int, int] = {}
    evidence: set[int] = set()  # articles sharing an uncrowded key
    for key, article_id in rows:
        hits[article_id] = hits.get(article_id, 0) + 1
        if key not in crowded:
            evidence.add(article_id)
    if exclude is not None:
        hits.pop(exclude, None)
    chosen, crowded_only = [], 0
    for article_id, _ in sorted(hits.items(), key=lambda item: (-item[1], item[0])):
        if article_id not in evidence:
            if crowded_only == MAX_CROWDED_CANDIDATES:
                continue
            crowded_only += 1
        chosen.append(article_id)
        if len(chosen) == MAX_CANDIDATES:
            break
    return chosen


@lru_cache(maxsize=64)
def _fingerprint_of(text: str) -> Fingerprint | None:
    # Cached: a new article is looked up and then added with the same text. Its shingled
    # form is cached too (`shingled`): the exact comparison reads the same one.
    return fingerprint(shingled(text))
