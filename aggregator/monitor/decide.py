"""What one check of a stored article's page means — pure decisions over plain values.

- The answer: a 2xx or 304 says the page is there, a 404 or 410 that it is gone; a
  timeout, a connection error, a 5xx, a 429 or any other status says nothing either way.
- A page found gone is only *missing* until a second check, at least `confirm_after`
  later, finds it gone again: then the take-down is confirmed and recorded. A page that
  answers again is available (a missing blip is forgotten) or, if it had been removed,
  restored.
- A permanent redirect to a page carrying the same article (same title, or the same text)
  is a move: the old URL becomes an alias. A redirect to anything else (a home page,
  another stored article) is the page going away.

The store applies the resulting `Check`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from aggregator.config import MonitorConfig
from aggregator.dates import to_iso
from aggregator.dedupe.match import Comparable, compare
from aggregator.dedupe.text import titles_agree
from aggregator.models import Article
from aggregator.monitor.plan import confirmation_check, next_check

GONE_STATUSES = frozenset({404, 410})


class Origin(StrEnum):
    """Where an article's stored content came from; only like is compared with like."""

    FEED = "feed"  # the feed entry (a recheck of its page looks for take-downs and moves)
    PAGE = "page"  # the article's page, normalized (a recheck compares it again)
    WATCH = "watch"  # a watched page's watched part (checked by its source's own poll)


class Answer(StrEnum):
    PRESENT = "present"  # 2xx, or 304 to our conditional GET
    GONE = "gone"  # 404 or 410
    NO_ANSWER = "no answer"  # timeout, connection error, 5xx, 429, other 4xx


class Availability(StrEnum):
    AVAILABLE = "available"
    MISSING = "missing"  # gone, not confirmed yet
    REMOVED = "removed"  # gone again on a later check: the take-down is confirmed now
    STILL_REMOVED = "still removed"
    RESTORED = "restored"  # was removed, answers again
    UNKNOWN = "unknown"  # no answer worth concluding from


@dataclass(frozen=True)
class Check:
    """What one check found, for the store to apply (the intent between monitor and store).

    `content` is the article as its page reads now (page-origin articles and watched
    pages only): the store compares it with the stored version.
    """

    article_id: int
    checked_at: str
    availability: Availability
    next_check: str | None
    detail: str | None = None  # the answer as logged, e.g. "HTTP 404 Not Found"
    moved_to: str | None = None  # the article's new URL, after a permanent redirect
    content: Article | None = None


def answer_of(status: int | None, error: str | None) -> Answer:
    """What a fetch's outcome says about the page."""
    if status in GONE_STATUSES:
        return Answer.GONE
    if status == 304 or (status is not None and 200 <= status < 300 and error is None):
        return Answer.PRESENT
    return Answer.NO_ANSWER


def availability(
    answer: Answer,
    *,
    missing_since: datetime | None,
    removed: bool,
    now: datetime,
    confirm_after: float,
) -> Availability:
    """The page's availability after this answer, given what earlier checks found."""
    if answer is Answer.NO_ANSWER:
        return Availability.UNKNOWN
    if answer is Answer.PRESENT:
        return Availability.RESTORED if removed else Availability.AVAILABLE
    if removed:
        return Availability.STILL_REMOVED
    if missing_since is not None and now - missing_since >= timedelta(seconds=confirm_after):
        return Availability.REMOVED
    return Availability.MISSING


def decide(
    article_id: int,
    answer: Answer,
    *,
    first_seen: datetime,
    missing_since: datetime | None,
    removed: bool,
    now: datetime,
    monitor: MonitorConfig,
    detail: str | None = None,
    moved_to: str | None = None,
    content: Article | None = None,
) -> Check:
    """The full outcome of one check: availability, and when to check next.

    A missing page (and one missing whose check got no answer) is checked again after
    `confirm_after`; otherwise the schedule goes on (`plan.next_check`).
    """
    state = availability(
        answer,
        missing_since=missing_since,
        removed=removed,
        now=now,
        confirm_after=monitor.confirm_after,
    )
    confirming = state is Availability.MISSING or (
        state is Availability.UNKNOWN and missing_since is not None and not removed
    )
    if confirming:
        following: datetime | None = confirmation_check(now, monitor.confirm_after)
    else:
        gone = state in (Availability.REMOVED, Availability.STILL_REMOVED) or (
            state is Availability.UNKNOWN and removed
        )
        following = next_check(first_seen, now, monitor.recheck, removed=gone)
    return Check(
        article_id=article_id,
        checked_at=to_iso(now),
        availability=state,
        next_check=to_iso(following) if following else None,
        detail=detail,
        moved_to=moved_to,
        content=content if state in (Availability.AVAILABLE, Availability.RESTORED) else None,
    )


def same_article(stored: Article, page: Article) -> bool:
    """Whether `page` (read at a redirect's target) carries the `stored` article.

    The titles agree, or one text is a copy of the other (the repost test of
    `aggregator.dedupe`, which also accepts a feed's excerpt against the full page).
    """
    if titles_agree(stored.title, page.title):
        return True
    old = Comparable.of(stored.body_text, stored.title)
    new = Comparable.of(page.body_text, page.title)
    return compare(new, old, 0) is not None
