"""When the article was published and last updated.

In order of trust: the page's own metadata (article:published_time, PubDate, publishdate,
firstpublishedtime, JSON-LD datePublished…), the date line under the headline ("发布时间：
2023-02-14 10:21", "2023年02月14日 10:21 来源：…"), a date in the URL (t20230214_,
/2023-02/14/, /20230214/), a date inside the article block ("《北京之春》1998年3月号"). A
visible line refines a metadata date of the same day that lacks the time. Dates in lists and
sidebars are never consulted, and the crawl time is never a publication time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from aggregator.dates import parse_datetime
from aggregator.normalize.datetext import PRECISIONS, FoundDate, find_dates
from aggregator.normalize.lines import Line
from aggregator.normalize.metadata import PageMeta

_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "firstpublishedtime",
    "publication_date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "dcterms.issued",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "weibo: article:create_at",
    "releasedate",
    "date",
)
_UPDATED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "lastmodifiedtime",
    "dc.date.modified",
    "dcterms.modified",
    "weibo: article:update_at",
    "last-modified",
)
_DATE_LABEL = re.compile(
    r"发布|发表|日期|时间|来源|Published|Posted|Date|Updated|更新|First published", re.IGNORECASE
)
_UPDATED_LABEL = re.compile(
    r"(?:最后)?(?:更新|修改)(?:时间|日期)\s*[:：]|Updated\s*:?|Last modified", re.IGNORECASE
)
_URL_DATES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})[-_/]?(?P<m>[01]?\d)[-_/](?P<d>[0-3]?\d)(?!\d)"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>[01]\d)(?P<d>[0-3]\d)/"),
)
_MAX_DATE_LINE = 120
_EARLIEST_YEAR = 1900  # as in page text (datetext): earlier years in metadata are blanks
_CLOSING_LINES = 3
_LABEL_CELL = re.compile(r"^[^\d:：]{2,8}[:：]$")
_DOCUMENT_DATE_LABEL = re.compile(r"(?:成文|印发|发文|签发)(?:日期|时间)\s*[:：]")


@dataclass(frozen=True)
class ArticleDates:
    published: datetime | None
    updated: datetime | None


def find_article_dates(
    meta: PageMeta,
    lines: list[Line],
    header: list[Line],
    *,
    body_start: int | None,
    body_end: int | None,
    url: str | None,
    tz: tzinfo,
    month_first: bool,
) -> ArticleDates:
    meta_published = _meta_date(meta, _PUBLISHED_META, "datePublished", tz)
    meta_updated = _meta_date(meta, _UPDATED_META, "dateModified", tz)
    header = _join_label_cells(header)
    document_date = _document_date(header, tz, month_first)
    visible = _visible_date(header, tz, month_first)
    visible_updated = _labelled_update(header, tz, month_first)

    published = None
    if document_date:
        # An official document's own date (成文日期) is its date of issue; the CMS
        # publish time (PubDate, 发布日期) is when the web copy went up.
        published = document_date
    elif (
        meta_published
        and visible
        and visible.moment.date() == meta_published.moment.date()
        and (PRECISIONS.index(visible.precision) > PRECISIONS.index(meta_published.precision))
    ):
        published = visible
    elif meta_published:
        published = _as_shown(meta_published, lines, tz, month_first)
    elif visible:
        published = visible
    else:
        from_url = _url_date(url, tz)
        if from_url:
            published = from_url
        elif body_start is not None and body_end is not None:
            # The article's own closing lines count too ("——《北京之春》1998年3月号").
            closing = lines[body_start : body_end + 1 + _CLOSING_LINES]
            inside = _visible_date(closing, tz, month_first, max_chars=None)
            if inside:
                published = inside
    updated = meta_updated or visible_updated
    return ArticleDates(
        published.moment if published else None,
        updated.moment
        if updated and (not published or updated.moment >= published.moment)
        else None,
    )


def _meta_date(
    meta: PageMeta, names: tuple[str, ...], jsonld_key: str, tz: tzinfo
) -> FoundDate | None:
    values = [meta.tags.get(name) for name in names]
    values.append(
        meta.jsonld.get(jsonld_key) if isinstance(meta.jsonld.get(jsonld_key), str) else None
    )
    for value in values:
        if not value:
            continue
        found = find_dates(value, tz)
        if found:
            return found[0]
        moment = parse_datetime(value, tz)
        if moment and moment.year >= _EARLIEST_YEAR:  # "0001-01-01T00:00:00Z": a blank
            return FoundDate(moment, "minute" if (moment.hour or moment.minute) else "day", 0, 0)
    return None


def _as_shown(found: FoundDate, lines: list[Line], tz: tzinfo, month_first: bool) -> FoundDate:
    """The metadata instant in the offset the page itself shows it in, when a labelled date
    line gives the same instant as local wall-clock time (meta 12:48Z, page "13:48" → +01:00).
    """
    if found.moment.utcoffset() is None:
        return found
    instant = found.moment.astimezone(UTC).replace(tzinfo=None, second=0)
    for line in lines:
        if line.link_density > 0.5 or len(line.text) > _MAX_DATE_LINE:
            continue
        if not _DATE_LABEL.search(line.text):
            continue
        for shown in find_dates(line.text, tz, month_first=month_first):
            if not shown.has_time or shown.moment.tzinfo is not tz:
                continue
            offset = shown.moment.replace(tzinfo=None, second=0) - instant
            quarters, remainder = divmod(offset.total_seconds(), 900)
            if remainder == 0 and abs(offset) <= timedelta(hours=14):
                local = found.moment.astimezone(timezone(timedelta(minutes=15 * quarters)))
                return FoundDate(local, found.precision, found.start, found.end)
    return found


def _join_label_cells(lines: list[Line]) -> list[Line]:
    """Label and value in separate cells ("成文日期：" | "2022年01月27日") read as one line."""
    joined: list[Line] = []
    skip = False
    for position, line in enumerate(lines):
        if skip:
            skip = False
            continue
        following = lines[position + 1] if position + 1 < len(lines) else None
        if following is not None and _LABEL_CELL.match(line.text):
            joined.append(
                Line(
                    f"{line.text}{following.text}",
                    line.link_chars + following.link_chars,
                    line.owner,
                    line.index,
                )
            )
            skip = True
        else:
            joined.append(line)
    return joined


def _document_date(lines: list[Line], tz: tzinfo, month_first: bool) -> FoundDate | None:
    for line in lines:
        label = _DOCUMENT_DATE_LABEL.search(line.text)
        if label:
            found = find_dates(line.text[label.end() :], tz, month_first=month_first)
            if found:
                return found[0]
    return None


def _visible_date(
    lines: list[Line], tz: tzinfo, month_first: bool, *, max_chars: int | None = _MAX_DATE_LINE
) -> FoundDate | None:
    """The first labelled date ("发布时间：…") among `lines`, else the first date at all."""
    first: FoundDate | None = None
    for line in lines:
        if line.link_density > 0.5 or (max_chars is not None and len(line.text) > max_chars):
            continue
        found = find_dates(line.text, tz, month_first=month_first)
        if not found:
            continue
        if _DATE_LABEL.search(line.text) and not _UPDATED_LABEL.search(line.text[: found[0].start]):
            return found[0]
        first = first or found[0]
    return first


def _labelled_update(lines: list[Line], tz: tzinfo, month_first: bool) -> FoundDate | None:
    for line in lines:
        label = _UPDATED_LABEL.search(line.text)
        if label:
            found = find_dates(line.text[label.end() :], tz, month_first=month_first)
            if found:
                return found[0]
    return None


def _url_date(url: str | None, tz: tzinfo) -> FoundDate | None:
    if not url:
        return None
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    for pattern in _URL_DATES:
        match = pattern.search("/" + path)
        if match:
            try:
                moment = datetime(int(match["y"]), int(match["m"]), int(match["d"]), tzinfo=tz)
            except ValueError:
                continue
            return FoundDate(moment, "day", 0, 0)
    return None
