"""When a stored article is checked next — pure, no I/O.

Edits and take-downs come mostly in an article's first days, so checks thin out with age:
`[monitor] recheck` lists the moments, counted from when the article was first seen, at
which its page is fetched again (by default 1 h, 6 h, 1 d, 3 d and 7 d). A check that comes
late (the budget was spent on older ones) skips the moments already past. After the last
moment an article is left alone, except a removed one, which keeps being checked at the
pace of the last step so that its return is noticed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta


def first_check(first_seen: datetime, steps: Sequence[float]) -> datetime | None:
    """When a new article is first checked again; None when rechecks are off."""
    return first_seen + timedelta(seconds=steps[0]) if steps else None


def next_check(
    first_seen: datetime, now: datetime, steps: Sequence[float], *, removed: bool = False
) -> datetime | None:
    """The first moment of the schedule after `now`; None once the schedule is over."""
    for step in steps:
        moment = first_seen + timedelta(seconds=step)
        if moment > now:
            return moment
    if removed and steps:
        return now + timedelta(seconds=steps[-1])
    return None


def confirmation_check(now: datetime, confirm_after: float) -> datetime:
    """When a page found gone is checked again to confirm its take-down."""
    return now + timedelta(seconds=confirm_after)
