"""Dates written in page text: "2023年02月14日 10:21", "2023-02-14 10:21:00", "2023/2/14",
"2023.01.20 16:31", "14/2/2023 9:23:57 PM", "February 13, 2023", "1998年3月号".

Each match keeps how precise it is (a month-only "2003年5月" is not the 1st of May), and
numeric day/month orders are resolved the way the page's language writes them: month first
in English, day first elsewhere (Chinese pages write year first; the rare D/M/Y line on a
Chinese site comes from a server with a British or Hong Kong locale).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import datetime, tzinfo

from dateutil import parser as dateutil_parser

from aggregator.dates import offset_zone

_TIME = (
    r"(?:\s*(?:T|\s|\s*[-–,|@]\s*)?\s*(?P<H>[0-2]?\d)\s*[:：时]\s*(?P<M>[0-5]\d)"
    r"(?:\s*[:：分]\s*(?P<S>[0-5]\d)(?:\.\d+)?)?\s*秒?"
    r"(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?"
    r"(?P<tz>\s*(?:Z|[+-][01]\d:?[0-5]\d)(?![\d]))?)?"
)
_YMD = re.compile(
    r"(?<![\d])(?P<y>(?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(?P<m>[01]?\d)\s*(?:月|-|/|\.)\s*"
    r"(?P<d>[0-3]?\d)(?![\d])\s*日?" + _TIME
)
_DMY = re.compile(
    r"(?<![\d/.-])(?P<a>[0-3]?\d)\s*[/.-]\s*(?P<b>[0-3]?\d)\s*[/.-]\s*(?P<y>(?:19|20)\d{2})(?![\d])"
    + _TIME
)
_YM = re.compile(r"(?<![\d])(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>[01]?\d)\s*月(?!\s*\d{1,2}\s*日)")
_MONTHS = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t|tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
_ENGLISH = re.compile(
    rf"\b(?:(?P<mon1>{_MONTHS})\.?\s+(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d{{2}})"
    rf"|(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<mon2>{_MONTHS})\.?,?\s+(?P<y2>(?:19|20)\d{{2}}))\b"
    r"(?:,?\s*(?:at\s+)?(?P<clock>[0-2]?\d:[0-5]\d(?::[0-5]\d)?\s*(?:[AaPp]\.?[Mm]\.?)?))?",
    re.IGNORECASE,
)

PRECISIONS = ("year", "month", "day", "minute", "second")


@dataclass(frozen=True)
class FoundDate:
    """A date found in text, with the position of its match and how precise it is."""

    moment: datetime
    precision: str
    start: int
    end: int

    @property
    def has_time(self) -> bool:
        return self.precision in ("minute", "second")


def find_dates(text: str, tz: tzinfo, *, month_first: bool = False) -> list[FoundDate]:
    """Every date in `text`, in order of position; times without an offset are read in `tz`."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for finder in (_find_ymd, _find_dmy, _find_english, _find_year_month):
        for item in finder(text, tz, month_first):
            if not any(item.start < end and start < item.end for start, end in taken):
                found.append(item)
                taken.append((item.start, item.end))
    return sorted(found, key=lambda item: item.start)


def _find_ymd(text: str, tz: tzinfo, month_first: bool) -> list[FoundDate]:
    results = []
    for match in _YMD.finditer(text):
        found = _build(match, int(match["y"]), int(match["m"]), int(match["d"]), tz)
        if found:
            results.append(found)
    return results


def _find_dmy(text: str, tz: tzinfo, month_first: bool) -> list[FoundDate]:
    results = []
    for match in _DMY.finditer(text):
        first, second = int(match["a"]), int(match["b"])
        if first > 12 or (second <= 12 and not month_first):
            day, month = first, second
        else:
            day, month = second, first
        found = _build(match, int(match["y"]), month, day, tz)
        if found:
            results.append(found)
    return results


def _find_year_month(text: str, tz: tzinfo, month_first: bool) -> list[FoundDate]:
    results = []
    for match in _YM.finditer(text):
        month = int(match["m"])
        if 1 <= month <= 12:
            moment = datetime(int(match["y"]), month, 1, tzinfo=tz)
            results.append(FoundDate(moment, "month", match.start(), match.end()))
    return results


def _find_english(text: str, tz: tzinfo, month_first: bool) -> list[FoundDate]:
    results = []
    for match in _ENGLISH.finditer(text):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                moment = dateutil_parser.parse(match.group(0).replace(" at ", " "), fuzzy=True)
            except (ValueError, OverflowError):
                continue
        precision = "minute" if match["clock"] else "day"
        results.append(FoundDate(moment.replace(tzinfo=tz), precision, match.start(), match.end()))
    return results


def _build(match: re.Match[str], year: int, month: int, day: int, tz: tzinfo) -> FoundDate | None:
    hour = int(match["H"]) if match["H"] else 0
    minute = int(match["M"]) if match["M"] else 0
    second = int(match["S"]) if match["S"] else 0
    ampm = (match["ampm"] or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    offset = (match["tz"] or "").strip()
    moment = moment.replace(tzinfo=offset_zone(offset) if offset else tz)
    if match["S"]:
        precision = "second"
    elif match["H"]:
        precision = "minute"
    else:
        precision = "day"
    return FoundDate(moment, precision, match.start(), match.end())
