"""Which story a new article joins, when stories merge, and which member is the original.

Pure decisions over plain values; the store applies them. Every stored article belongs to
exactly one story (a story of one until a copy turns up). Matching is incremental: a new
article is compared with the LSH candidates only, and

- joins the story of what it matched; a new story when it matched nothing;
- when it matched articles of several stories, those stories merge and the *oldest* story
  id (the smallest) survives; story ids never change otherwise;
- an *excerpt* is a repost of its one original: a new excerpt joins one story only and so
  never bridges two. (An original arriving after its excerpts may bridge them: it is what
  they all copy.) A digest matches nothing at all (see `match`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from aggregator.dedupe.match import Comparable, Match, MatchKind, find_matches
from aggregator.urls import site_of


@dataclass(frozen=True)
class ArticleFacts:
    """What the story decisions need to know of one stored (or new) article.

    `site_name` is the configured name of the site the article was fetched from (e.g.
    "湖南日报"), compared with the credited `source_outlet` of the members to find the
    original. `story_id` is None only for the new article.
    """

    id: int
    url: str
    title: str | None
    text: str | None
    first_seen: str
    published: str | None = None
    source_outlet: str | None = None
    site_name: str | None = None
    story_id: int | None = None

    @property
    def site(self) -> str:
        return site_of(self.url)

    def comparable(self) -> Comparable:
        return Comparable.of(self.text, self.title)


@dataclass(frozen=True)
class StoryDecision:
    """Where a new article goes.

    `story_id` None: start a new story with the article alone. Otherwise the article joins
    `story_id`, and the stories in `merged_story_ids` are merged into it (their members move
    to `story_id`, the merged rows are deleted).
    """

    story_id: int | None
    merged_story_ids: tuple[int, ...] = ()
    matches: tuple[Match, ...] = ()


def assign_story(new: ArticleFacts, candidates: Sequence[ArticleFacts]) -> StoryDecision:
    """The story of `new`, given the stored articles the LSH index proposed."""
    story_of: dict[int, int] = {}
    for candidate in candidates:
        if candidate.id == new.id:
            continue
        if candidate.story_id is None:
            raise ValueError(f"candidate article {candidate.id} has no story")
        story_of[candidate.id] = candidate.story_id
    comparables = {c.id: c.comparable() for c in candidates if c.id in story_of}
    matches = find_matches(new.comparable(), comparables)
    matches = _without_second_originals(matches, story_of, comparables)
    if not matches:
        return StoryDecision(story_id=None)
    bridging = [m for m in matches if not (m.kind == MatchKind.EXCERPT and m.new_is_excerpt)]
    if bridging:
        story_ids = {story_of[m.article_id] for m in bridging}
    else:
        # Only excerpt-of matches: the best one names the one original.
        story_ids = {story_of[matches[0].article_id]}
    kept = tuple(m for m in matches if story_of[m.article_id] in story_ids)
    survivor = min(story_ids)
    merged = tuple(sorted(story_ids - {survivor}))
    return StoryDecision(story_id=survivor, merged_story_ids=merged, matches=kept)


def _without_second_originals(
    matches: tuple[Match, ...],
    story_of: dict[int, int],
    comparables: dict[int, Comparable],
) -> tuple[Match, ...]:
    """Drop matches that would make the new article a second original of an excerpt.

    An excerpt is a copy of one original. When the new article contains a stored excerpt's
    text at its opening but that excerpt's story already holds a longer text that the new
    article does not match (the real original: the new one is, say, a follow-up report
    opening with the same paragraph), the new article must not join through the excerpt.
    """
    matched = {m.article_id for m in matches}
    kept = []
    for match in matches:
        if match.kind == MatchKind.EXCERPT and not match.new_is_excerpt:
            excerpt_length = comparables[match.article_id].text.length
            story = story_of[match.article_id]
            if any(
                story_of[other] == story
                and other not in matched
                and comparables[other].text.length > excerpt_length
                for other in story_of
            ):
                continue
        kept.append(match)
    return tuple(kept)


def choose_canonical(members: Sequence[ArticleFacts]) -> int:
    """The id of the story's original.

    The member whose site is the outlet the members credit as source (the most credited
    one, when they disagree), else the earliest published, else the first seen; remaining
    ties go to the smallest id.
    """
    if not members:
        raise ValueError("a story has at least one member")
    credited = _credited_outlet(members)
    pool = [m for m in members if credited and _same_outlet(m.site_name, credited)]
    pool = pool or list(members)
    return min(pool, key=_age_key).id


def _age_key(member: ArticleFacts) -> tuple[bool, str, str, int]:
    # Unknown publication times sort after known ones. Times are ISO 8601 with an offset;
    # the store writes them in one zone, so they compare as text.
    return (member.published is None, member.published or "", member.first_seen, member.id)


def _credited_outlet(members: Sequence[ArticleFacts]) -> str | None:
    # Most credited first; among equals, the one credited by the earliest member.
    keys = [key for m in sorted(members, key=_age_key) if (key := _credit_key(m))]
    if not keys:
        return None
    counts = Counter(keys)
    first_rank: dict[str, int] = {}
    for rank, key in enumerate(keys):
        first_rank.setdefault(key, rank)
    return min(counts, key=lambda key: (-counts[key], first_rank[key]))


def _credit_key(member: ArticleFacts) -> str:
    """The outlet a member credits; "本网"/"原创" and the like credit the member's own site."""
    outlet = _outlet_key(member.source_outlet or "")
    if outlet in _SELF_CREDITS:
        return _outlet_key(member.site_name or "")
    return outlet


def _same_outlet(site_name: str | None, outlet_key: str) -> bool:
    name = _outlet_key(site_name or "")
    if not name:
        return False
    shorter, longer = sorted((name, outlet_key), key=len)
    # "湖南日报" credits the site named "湖南日报社" / "湖南日报网" as well.
    return shorter in longer and len(shorter) >= 2 and len(longer) - len(shorter) <= 2


_OUTLET_NOISE = re.compile(r"[\W_]+")
_SELF_CREDITS = frozenset({"本网", "本站", "本报", "本台", "本刊", "原创", "本网原创", "本站原创"})


def _outlet_key(outlet: str) -> str:
    return _OUTLET_NOISE.sub("", unicodedata.normalize("NFKC", outlet)).lower()
