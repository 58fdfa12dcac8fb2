"""When to poll a source next: a pure decision from the outcome of its last poll.

The daemon asks this after every poll; nothing here reads a clock, a file or the network,
so every rule is tested on its own (tests/test_schedule.py):

    poll found nothing new          -> interval × 1.5, up to max_interval (a quiet source
                                       is polled less and less often)
    poll found new or changed items -> back to the configured interval at once (news comes
                                       in bursts), or halve it, down to min_interval, when
                                       already there
    poll failed (N times in a row)  -> configured interval × 2^(N-1), up to backoff_max;
                                       the source stays scheduled and shows as failing
    answer carried Retry-After      -> never sooner than the server asked, up to backoff_max

The adaptive interval is state carried from one poll to the next (the daemon keeps it in
the archive, so a restart does not forget it); a failure leaves it as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

QUIET_GROWTH = 1.5  # a quiet poll stretches the interval by this factor
BUSY_SHRINK = 0.5  # a busy poll at or below the configured interval shrinks it by this
_MAX_DOUBLINGS = 40  # beyond this, 2^N only overflows; backoff_max has long capped it


@dataclass(frozen=True)
class Bounds:
    """One source's polling limits, in seconds; `min <= interval <= max <= backoff_max`."""

    interval: float  # as configured: where a source starts and returns to
    min_interval: float
    max_interval: float
    backoff_max: float
    adaptive: bool = True

    @classmethod
    def around(
        cls,
        interval: float,
        *,
        min_interval: float | None = None,
        max_interval: float | None = None,
        backoff_max: float | None = None,
        adaptive: bool = True,
    ) -> Bounds:
        """Bounds that always contain `interval` (a bound on the wrong side of it is moved).

        A source configured to poll every 30 s with a global `min_interval` of 5 min keeps
        its 30 s rather than being slowed down by a default meant for other sources.
        """
        low = interval if min_interval is None else min(min_interval, interval)
        high = interval if max_interval is None else max(max_interval, interval)
        ceiling = high if backoff_max is None else max(backoff_max, interval)
        return cls(interval, low, high, ceiling, adaptive)

    def clamp(self, seconds: float) -> float:
        return min(self.max_interval, max(self.min_interval, seconds))


@dataclass(frozen=True)
class Outcome:
    """What the last poll of a source met."""

    failed: bool
    changed: bool = False  # stored a new article or a new version of one
    consecutive_failures: int = 0  # including this poll
    retry_after: float | None = None  # seconds, from a 429 / 503 answer


@dataclass(frozen=True)
class NextPoll:
    """The decision: the adaptive interval to carry forward and the delay until next time."""

    interval: float
    delay: float
    reason: str


def next_poll(bounds: Bounds, current: float | None, outcome: Outcome) -> NextPoll:
    """When to poll again after `outcome`, given the adaptive interval `current` (if any)."""
    interval = bounds.clamp(bounds.interval if current is None else current)
    if outcome.failed:
        failures = max(1, outcome.consecutive_failures)
        doublings = min(failures - 1, _MAX_DOUBLINGS)
        delay = min(bounds.interval * 2.0**doublings, bounds.backoff_max)
        reason = f"backoff after {failures} failure{'s' if failures > 1 else ''} in a row"
    elif not bounds.adaptive:
        interval = delay = bounds.interval
        reason = "fixed interval"
    elif outcome.changed:
        if interval > bounds.interval:
            interval = bounds.interval
        else:
            interval = max(bounds.min_interval, interval * BUSY_SHRINK)
        delay = interval
        reason = "new articles"
    else:
        interval = delay = min(bounds.max_interval, interval * QUIET_GROWTH)
        reason = "nothing new"
    if outcome.retry_after is not None:
        asked = min(outcome.retry_after, bounds.backoff_max)
        if asked > delay:
            delay = asked
            reason = f"server asked to retry after {outcome.retry_after:g}s"
    return NextPoll(interval=interval, delay=delay, reason=reason)
