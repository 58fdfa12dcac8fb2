"""Reading publication times as time-zone-aware datetimes.

Feeds and pages give times in many shapes (RFC 822, ISO 8601, ``2023年02月14日 10:21``,
``2023/2/14``) and often without an offset. A time without an offset is read in the
source's own time zone (Asia/Shanghai by default) rather than UTC, because that is what a
provincial portal means by it. Every time leaves this module aware and is stored as ISO 8601
with its offset.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateutil_parser

DEFAULT_TIMEZONE = "Asia/Shanghai"

# Named zones dateutil does not know by itself. "CST" is left out on purpose: on Chinese
# sites it means China Standard Time, elsewhere US Central; the source's zone decides.
_TZ_ABBREVIATIONS: dict[str, int] = {
    "UT": 0,
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "EST": -5 * 3600,
    "EDT": -4 * 3600,
    "CDT": -5 * 3600,
    "MST": -7 * 3600,
    "MDT": -6 * 3600,
    "PST": -8 * 3600,
    "PDT": -7 * 3600,
    "BJT": 8 * 3600,
}

# 2023年02月14日 10:21(:00) and 2023-02-14 10:21:00 / 2023/2/14 / 2023.02.14, with an
# optional time; full-width colons are common on Chinese pages.
_NUMERIC_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(?P<m>\d{1,2})\s*(?:月|-|/|\.)\s*(?P<d>\d{1,2})"
    r"\s*日?"
    r"(?:\s*T?\s*(?P<H>\d{1,2})\s*(?:[:：时])\s*(?P<M>\d{1,2})"
    r"(?:\s*(?:[:：分])\s*(?P<S>\d{1,2}))?\s*秒?)?"
    r"(?P<tz>\s*(?:Z|[+-]\d{2}:?\d{2}))?"
)


_NO_YEAR = datetime(1, 1, 1)
# A numeric offset or GMT only: other named zones ("EST") are left to dateutil's table.
_RFC822 = re.compile(
    r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"\s+(?:[+-]\d{4}|GMT|UTC?)$"
)


class UnknownTimezoneError(ValueError):
    """A configured time zone name that the tz database does not know."""


@cache
def zone(name: str) -> tzinfo:
    """The tz database zone called `name` (cached: sources share a handful of zones)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownTimezoneError(f"unknown time zone {name!r}") from exc


def parse_datetime(
    text: str | None, default_tz: tzinfo | str = DEFAULT_TIMEZONE
) -> datetime | None:
    """Parse `text` as a point in time; a time without an offset is read in `default_tz`.

    Returns None when `text` holds no recognisable date, never the current time.
    """
    if not text or not text.strip():
        return None
    tz = zone(default_tz) if isinstance(default_tz, str) else default_tz
    value = text.strip()
    parsed = (
        _parse_iso(value)
        or _parse_rfc822(value)
        or _parse_numeric(value)
        or _parse_with_dateutil(value)
    )
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


def _parse_iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _parse_rfc822(value: str) -> datetime | None:
    """RSS's date form ("Tue, 14 Feb 2023 10:21:00 +0800"), 25 times faster than dateutil."""
    if not _RFC822.match(value):
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _parse_numeric(value: str) -> datetime | None:
    match = _NUMERIC_DATE.search(value)
    if not match:
        return None
    parts = match.groupdict()
    try:
        parsed = datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
        )
    except ValueError:
        return None
    offset = (parts["tz"] or "").strip()
    if offset:
        parsed = parsed.replace(tzinfo=offset_zone(offset))
    return parsed


def offset_zone(offset: str) -> tzinfo:
    """The fixed zone of an ISO 8601 offset: "Z", "+08:00" or "+0800"."""
    if offset == "Z":
        return UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def _parse_with_dateutil(value: str) -> datetime | None:
    with warnings.catch_warnings():
        # An unknown zone name leaves the time naive, which is what we want: the
        # source's zone then applies.
        warnings.simplefilter("ignore")
        try:
            parsed = dateutil_parser.parse(value, default=_NO_YEAR, tzinfos=_TZ_ABBREVIATIONS)
        except (ValueError, OverflowError, TypeError):
            return None
    # dateutil fills what the text lacks from `default`; a text without a year is not a
    # date we can trust ("10" would otherwise become the 10th of this month).
    return None if parsed.year == _NO_YEAR.year else parsed


def to_iso(moment: datetime | None) -> str | None:
    """ISO 8601 with offset and whole seconds, the one form times are stored in."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("refusing to format a naive datetime")
    return moment.replace(microsecond=0).isoformat()


def utc_now() -> datetime:
    """The current time in UTC, whole seconds (the crawl clock, never a publish time)."""
    return datetime.now(UTC).replace(microsecond=0)
