"""Whether a new article is a copy of stored ones, decided exactly on the normalized text.

The LSH lookup only proposes candidates; this module decides, from plain values, with no
I/O. Containment is measured in both directions on the shingle sets: for the shorter text S
and the longer L, ``covered = |S ∩ L| / |S|`` (how much of S is in L) and
``coverage = |S ∩ L| / |L|`` (how much of L that is).

- **repost**: S is nearly all in L and is most of L (covered >= 0.8, coverage >= 0.8): the
  same article with a trimmed paragraph, an editor's note, other furniture.
- **excerpt**: S is all in L (covered >= 0.9) but a smaller part of it, and that part is
  L's *opening* (a county site's first paragraphs and "阅读原文", or a copy trimmed hard).
  L having much that S lacks, one more piece of evidence is needed: the two titles agree.
  Title agreement never makes a match alone.
- **digest** ("今日要闻"): quotes the openings of several stories. Against any one of them it
  is neither: the digest is mostly *not* in the story (so no repost), and the story is not
  contained in the digest's opening with an agreeing title (so no excerpt). When the new
  article's text is covered by several candidates in *different* parts, it is a composite
  of them and matches none, so it can never bridge their stories.
- **templated texts** (weather warnings, meeting notices from one template) share most
  shingles but differ in the fields. Copies of one article differ by *insertions and
  deletions* (a note added, a paragraph dropped, a source line changed at the top);
  templated texts differ by *substitutions* inside the text, typically of numbers. So we
  align the two texts on their shared shingles and count the places where both sides have
  tokens of their own: a substitution of numbers is never allowed, in a short text no
  substitution at all, in a long one a few.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from aggregator.dedupe.fingerprint import SHINGLE, ShingledText, shingled
from aggregator.dedupe.text import titles_agree

REPOST_COVERED = 0.8
REPOST_COVERAGE = 0.8
EXCERPT_COVERED = 0.9
# The excerpt's text must lie within the long text's first len(excerpt)*slack + margin tokens.
EXCERPT_OPENING_SLACK = 1.25
EXCERPT_OPENING_MARGIN = 30
# Texts shorter than this (in tokens) are too short to call copies at all.
MIN_TOKENS = 40
# Below this length any substitution marks a template; above it a few are edits.
SHORT_TOKENS = 300
SUBSTITUTIONS_PER_TOKENS = 1000
# Composite (digest) test: other candidates, each quoting at least a sentence of the new
# text, together explain this share of it that the best candidate does not.
COMPOSITE_EXTRA_SHARE = 0.15
COMPOSITE_MIN_SHINGLES = 20


class MatchKind(StrEnum):
    REPOST = "repost"
    EXCERPT = "excerpt"


@dataclass(frozen=True)
class Comparable:
    """One article's text and title, prepared for exact comparison."""

    text: ShingledText
    title: str | None = None

    @classmethod
    def of(cls, text: str | None, title: str | None = None) -> Comparable:
        """Normalized and shingled once per text: see `fingerprint.shingled`."""
        return cls(shingled(text or ""), title)

    @property
    def shingles(self) -> np.ndarray:
        return self.text.shingles

    @property
    def unique_shingles(self) -> np.ndarray:
        """The distinct shingle values, sorted."""
        return self.text.unique_shingles

    @property
    def first_positions(self) -> np.ndarray:
        """Where each of `unique_shingles` first occurs in the text."""
        return self.text.first_positions

    def slots_in(self, other: Comparable) -> np.ndarray:
        """For each of `unique_shingles`, its index in `other.unique_shingles`, -1 if absent.

        Both sorted: one search of sorted keys, cheaper than a set intersection of the two
        (and than searching every shingle of the text in text order).
        """
        values, others = self.unique_shingles, other.unique_shingles
        if not others.size:
            return np.full(values.size, -1, dtype=np.intp)
        slots = np.minimum(np.searchsorted(others, values), others.size - 1)
        return np.where(others[slots] == values, slots, -1)

    def numbers_between(self, start: int, end: int | None = None) -> set[str]:
        """The distinct number-bearing tokens of positions start..end (end excluded)."""
        return self.text.numbers_between(start, end)


@dataclass(frozen=True)
class Match:
    """A stored article that the new one is a copy of, or that is a copy of the new one."""

    article_id: int
    kind: MatchKind
    similarity: float  # share of the shorter text found in the longer one
    new_is_excerpt: bool = False  # EXCERPT only: the new article is the short side


@dataclass(frozen=True)
class _Alignment:
    covered: float
    coverage: float
    last_long_position: int  # last position of the long text that the short one matched


def compare(new: Comparable, old: Comparable, old_id: int) -> Match | None:
    """How `old` relates to `new`, or None when neither is a copy of the other."""
    if min(new.text.length, old.text.length) < MIN_TOKENS:
        return None
    new_is_short = new.unique_shingles.size <= old.unique_shingles.size
    short, long = (new, old) if new_is_short else (old, new)
    alignment = _align(short, long, _allowed_substitutions(short))
    if alignment is None:
        return None
    if alignment.coverage >= REPOST_COVERAGE:
        return Match(old_id, MatchKind.REPOST, round(alignment.covered, 4))
    opening = short.text.length * EXCERPT_OPENING_SLACK + EXCERPT_OPENING_MARGIN
    if (
        alignment.covered >= EXCERPT_COVERED
        and alignment.last_long_position <= opening
        and titles_agree(short.title, long.title)
    ):
        return Match(old_id, MatchKind.EXCERPT, round(alignment.covered, 4), new_is_short)
    return None


def find_matches(new: Comparable, candidates: Mapping[int, Comparable]) -> tuple[Match, ...]:
    """The candidates that `new` is a copy of or that are copies of it, best first.

    Returns nothing when `new` is a composite of several candidates (a digest).
    """
    if not candidates:  # most new articles: then their distinct shingles are never sorted
        return ()
    if is_composite(new, candidates.values()):
        return ()
    matches = [
        match
        for article_id, candidate in candidates.items()
        if (match := compare(new, candidate, article_id)) is not None
    ]
    matches.sort(key=lambda m: (m.kind != MatchKind.REPOST, -m.similarity, m.article_id))
    return tuple(matches)


def is_composite(new: Comparable, candidates: Iterable[Comparable]) -> bool:
    """Whether several candidates each explain a different part of `new` (a digest)."""
    pool = list(candidates)
    if len(pool) < 2:  # a copy's usual case: its original alone
        return False
    total = new.unique_shingles.size
    if not total:
        return False
    covers = [
        cover
        for candidate in pool
        if np.count_nonzero(cover := new.slots_in(candidate) >= 0) >= COMPOSITE_MIN_SHINGLES
    ]
    if len(covers) < 2:
        return False
    best = max(np.count_nonzero(cover) for cover in covers)
    union = np.count_nonzero(np.logical_or.reduce(covers))
    return union - best >= COMPOSITE_EXTRA_SHARE * total


def _allowed_substitutions(short: Comparable) -> int:
    if short.text.length < SHORT_TOKENS:
        return 0
    return 1 + short.text.length // SUBSTITUTIONS_PER_TOKENS


def _align(short: Comparable, long: Comparable, allowed: int) -> _Alignment | None:
    """Align the short text on the long one by their shared shingles.

    None when they share too few, or when the short one differs by a number or by more
    than `allowed` substitutions (templated texts: the walk stops at the first proof).
    """
    slots = short.slots_in(long)
    common = np.count_nonzero(slots >= 0)
    covered = common / max(1, short.unique_shingles.size)
    if covered < REPOST_COVERED:
        return None
    slot_of_position = slots[short.text.unique_index]
    matched = np.flatnonzero(slot_of_position >= 0)  # positions in short
    anchors = long.first_positions[slot_of_position[matched]]  # their first places in long
    k = min(SHINGLE, short.text.length)
    substitutions = 0
    for gap in np.flatnonzero(np.diff(matched) > 1).tolist():
        short_start, short_end = int(matched[gap]) + k, int(matched[gap + 1])
        long_start, long_end = int(anchors[gap]) + k, int(anchors[gap + 1])
        if short_end > short_start and long_end > long_start:
            substitutions += 1
            if substitutions > allowed or _numbers_differ(
                short.numbers_between(short_start, short_end),
                long.numbers_between(long_start, long_end),
            ):
                return None
    # A replaced opening (another place or issuer, a dateline) counts as a substitution. A
    # replaced ending counts only when its numbers differ (a notice's date): a copy that
    # dropped the last paragraph and added its own sign-off is still a copy.
    substitutions += bool(matched[0] > 0 and anchors[0] > 0)
    if substitutions > allowed or _numbers_differ(
        short.numbers_between(int(matched[-1]) + k), long.numbers_between(int(anchors[-1]) + k)
    ):
        return None
    return _Alignment(
        covered=covered,
        coverage=common / long.unique_shingles.size,
        last_long_position=int(anchors.max()),
    )


def _numbers_differ(first: set[str], second: set[str]) -> bool:
    """Whether two passages both hold numbers, and not the same ones."""
    return bool(first and second and first != second)
