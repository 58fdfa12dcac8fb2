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
from datetime import datetime, tzinfo

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
_HEADER_LINES_AFTER_TITLE = 15
_HEADER_LINES_BEFORE_BODY = 8
_MAX_DATE_LINE = 120
_CLOSING_LINES = 3


@dataclass(frozen=True)
class ArticleDates:
    published: datetime | None
    updated: datetime | None
    published_from: str | None


def find_article_dates(
    meta: PageMeta,
    lines: list[Line],
    *,
    title_index: int | None,
    body_start: int | None,
    body_end: int | None,
    url: str | None,
    tz: tzinfo,
    month_first: bool,
) -> ArticleDates:
    meta_published = _meta_date(meta, _PUBLISHED_META, "datePublished", tz)
    meta_updated = _meta_date(meta, _UPDATED_META, "dateModified", tz)
    header = _header_lines(lines, title_index, body_start)
    visible = _visible_date(header, tz, month_first)
    visible_updated = _labelled_update(header, tz, month_first)

    published, origin = None, None
    if (
        meta_published
        and visible
        and visible.moment.date() == meta_published.moment.date()
        and (PRECISIONS.index(visible.precision) > PRECISIONS.index(meta_published.precision))
    ):
        published, origin = visible, "date line"
    elif meta_published:
        published, origin = meta_published, "metadata"
    elif visible:
        published, origin = visible, "date line"
    else:
        from_url = _url_date(url, tz)
        if from_url:
            published, origin = from_url, "url"
        elif body_start is not None and body_end is not None:
            # The article's own closing lines count too ("——《北京之春》1998年3月号").
            closing = lines[body_start : body_end + 1 + _CLOSING_LINES]
            inside = _visible_date(closing, tz, month_first, max_chars=None)
            if inside:
                published, origin = inside, "article text"
    updated = meta_updated or visible_updated
    return ArticleDates(
        published.moment if published else None,
        updated.moment
        if updated and (not published or updated.moment >= published.moment)
        else None,
        origin,
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
        if moment:
            return FoundDate(moment, "minute" if (moment.hour or moment.minute) else "day", 0, 0)
    return None


def _header_lines(lines: list[Line], title_index: int | None, body_start: int | None) -> list[Line]:
    """The lines between the headline and the start of the body, where the date line sits."""
    if title_index is not None:
        end = title_index + 1 + _HEADER_LINES_AFTER_TITLE
        if body_start is not None and body_start > title_index:
            end = min(end, body_start + 2)
        return lines[title_index:end]
    if body_start is not None:
        return lines[max(0, body_start - _HEADER_LINES_BEFORE_BODY) : body_start + 2]
    return []


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
