"""Rechecking a source's stored articles: the change monitor's fetching and reading.

Runs at the end of each poll of a source, after its new articles are stored, so that
rechecks never hold new articles back:

    due articles (at most `[monitor] budget`, missing pages to confirm first, then the
      oldest due) -> conditional GET of each (validators from `http_cache`), a few at a
      time -> log each fetch -> decide (`decide`) -> the store applies every check in one
      transaction -> remember the pages' validators

What is compared depends on where the stored content came from (`Origin`): an article
read from its page is normalized again and compared; an article whose content came from
its feed entry is only watched for take-downs and moves, since the page's text is not
the feed's text and comparing them would report edits nobody made (its feed shows its
edits). Whatever the origin, a redirect to a page that is not the same article is the
article going away, never an edit.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aggregator.config import MonitorConfig, SourceConfig
from aggregator.dates import utc_now
from aggregator.fetch import Fetcher, FetchResult, Validators
from aggregator.models import Article
from aggregator.monitor.decide import (
    Answer,
    Availability,
    Check,
    Origin,
    answer_of,
    decide,
    same_article,
)
from aggregator.pages import PageHint, merge_feed_and_page, read_page
from aggregator.store import CheckCounts, MonitoredArticle, Store
from aggregator.urls import canonical_url

_ANSWERED = (Availability.AVAILABLE, Availability.RESTORED)


@dataclass(frozen=True)
class RecheckReport:
    """What the rechecks of one source's poll did."""

    checked: int = 0
    counts: CheckCounts = field(default_factory=CheckCounts)
    problems: tuple[str, ...] = ()


def recheck_source(
    source: SourceConfig,
    store: Store,
    fetcher: Fetcher,
    monitor: MonitorConfig,
    now: datetime | None = None,
) -> RecheckReport:
    """Check the pages of `source`'s articles that are due at `now` (default: now)."""
    if not monitor.recheck or monitor.budget <= 0:
        return RecheckReport()
    now = (now or utc_now()).astimezone(UTC)
    due = store.due_rechecks(source.name, now, monitor.budget)
    if not due:
        return RecheckReport()
    requests = [(t.stored.article.url, store.validators_for(t.stored.article.url)) for t in due]
    with ThreadPoolExecutor(max_workers=max(1, fetcher.config.per_host)) as pool:
        results = list(pool.map(lambda request: fetcher.fetch(*request), requests))
    checks: list[Check] = []
    problems: list[str] = []
    validators: dict[str, Validators] = {}
    for target, result in zip(due, results, strict=True):
        fetch_id = store.record_fetch(source.name, result)
        redirect = _redirect_target(target, result)
        known_target = bool(redirect and store.known_urls([redirect]))
        check, problem = check_page(target, result, source, monitor, now, known_target)
        checks.append(check)
        if problem:
            problems.append(problem)
            store.note_fetch_error(fetch_id, problem)
        elif result.ok and check.availability in _ANSWERED:
            # Kept only once the page was read: a 304 must never hide an unread version.
            validators[check.moved_to or target.stored.article.url] = result.validators
    counts = store.apply_checks(checks)
    for url, page_validators in validators.items():
        store.remember_validators(url, page_validators)
    return RecheckReport(len(due), counts, tuple(problems))


def check_page(
    target: MonitoredArticle,
    result: FetchResult,
    source: SourceConfig,
    monitor: MonitorConfig,
    now: datetime,
    known_target: bool = False,
) -> tuple[Check, str | None]:
    """What one fetch of a stored article's page found; and a problem worth logging.

    `known_target`: a redirect leads to a URL the archive already holds as another
    article (so the page is not this article any more).
    """
    stored = target.stored.article
    answer = answer_of(result.status, result.error)
    detail = result.error or (f"HTTP {result.status}" if result.status else None)
    moved_to = None
    content: Article | None = None
    problem = None
    if answer is Answer.PRESENT and result.status != 304:
        redirect = _redirect_target(target, result)
        page: Article | None = None
        if redirect or target.content_origin == Origin.PAGE:
            hint = PageHint(stored.url, stored.title, stored.published, stored.guid)
            read = read_page(hint, result, source)
            page, problem = read.article, read.problem
        if redirect:
            if page is not None and not known_target and same_article(stored, page):
                moved_to = redirect if result.moved_to else None  # a 302 is no new home
            else:
                answer, detail, problem = Answer.GONE, f"redirected to {redirect}", None
        if answer is Answer.PRESENT and target.content_origin == Origin.PAGE and page:
            content = _as_stored(page, stored, source)
    check = check_of(target, answer, now, monitor, detail, moved_to=moved_to, content=content)
    return check, problem


def check_of(
    target: MonitoredArticle,
    answer: Answer,
    now: datetime,
    monitor: MonitorConfig,
    detail: str | None,
    *,
    moved_to: str | None = None,
    content: Article | None = None,
) -> Check:
    """`decide` for a stored article, from what the archive knows of it."""
    missing_since = target.missing_since
    return decide(
        target.stored.id,
        answer,
        first_seen=datetime.fromisoformat(target.stored.first_seen),
        missing_since=datetime.fromisoformat(missing_since) if missing_since else None,
        removed=target.stored.removed_at is not None,
        now=now,
        monitor=monitor,
        detail=detail,
        moved_to=moved_to,
        content=content,
    )


def _redirect_target(target: MonitoredArticle, result: FetchResult) -> str | None:
    """Where the page redirected to, when that is another URL."""
    if not result.final_url:
        return None
    final = canonical_url(result.final_url)
    return final if final != canonical_url(target.stored.article.url) else None


def _as_stored(page: Article, stored: Article, source: SourceConfig) -> Article:
    """The page's article as it would have been stored: a feed entry completed by its page
    keeps the entry's identity (title, guid, times, summary)."""
    if source.type == "feed":
        return merge_feed_and_page(stored, page)
    return page
