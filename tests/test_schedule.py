"""When to poll next: adaptive intervals within bounds, backoff after failures, Retry-After.

Pure decisions, so every rule is checked without a server or a clock.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.config import ConfigError
from aggregator.schedule import Bounds, NextPoll, Outcome, next_poll

MINUTE = 60.0
HOUR = 3600.0
BOUNDS = Bounds.around(
    15 * MINUTE, min_interval=5 * MINUTE, max_interval=2 * HOUR, backoff_max=6 * HOUR
)
QUIET = Outcome(failed=False, changed=False)
BUSY = Outcome(failed=False, changed=True)


def failed(times: int, retry_after: float | None = None) -> Outcome:
    return Outcome(failed=True, consecutive_failures=times, retry_after=retry_after)


def test_a_new_source_starts_at_its_interval() -> None:
    assert next_poll(BOUNDS, None, BUSY).interval == 7.5 * MINUTE
    assert next_poll(BOUNDS, None, QUIET).interval == 22.5 * MINUTE


def test_quiet_polls_stretch_the_interval_up_to_the_maximum() -> None:
    interval, delays = None, []
    for _ in range(10):
        decision = next_poll(BOUNDS, interval, QUIET)
        interval = decision.interval
        delays.append(decision.delay / MINUTE)
        assert decision.delay == decision.interval
        assert decision.reason == "nothing new"
    assert delays[:4] == [22.5, 33.75, 50.625, 75.9375]
    assert delays[-1] == 120 and delays == sorted(delays)


def test_new_articles_bring_a_slowed_source_straight_back_to_its_interval() -> None:
    decision = next_poll(BOUNDS, 2 * HOUR, BUSY)
    assert (decision.interval, decision.delay, decision.reason) == (
        15 * MINUTE,
        15 * MINUTE,
        "new articles",
    )


def test_a_busy_source_speeds_up_down_to_the_minimum() -> None:
    delays = []
    interval = None
    for _ in range(4):
        interval = next_poll(BOUNDS, interval, BUSY).interval
        delays.append(interval / MINUTE)
    assert delays == [7.5, 5, 5, 5]


def test_without_a_minimum_a_busy_source_keeps_its_interval() -> None:
    bounds = Bounds.around(15 * MINUTE, max_interval=2 * HOUR)
    assert next_poll(bounds, None, BUSY).delay == 15 * MINUTE
    assert next_poll(bounds, 15 * MINUTE, BUSY).delay == 15 * MINUTE


def test_failures_back_off_exponentially_up_to_the_cap_and_keep_the_interval() -> None:
    delays = [next_poll(BOUNDS, 30 * MINUTE, failed(n)).delay / MINUTE for n in range(1, 8)]
    assert delays == [15, 30, 60, 120, 240, 360, 360]
    decision = next_poll(BOUNDS, 30 * MINUTE, failed(3))
    assert decision.interval == 30 * MINUTE  # the adaptive interval waits for a success
    assert decision.reason == "backoff after 3 failures in a row"
    assert next_poll(BOUNDS, None, failed(1)).reason == "backoff after 1 failure in a row"


def test_an_enormous_failure_count_is_capped_not_overflowed() -> None:
    assert next_poll(BOUNDS, None, failed(10_000)).delay == 6 * HOUR


def test_retry_after_is_honoured_when_longer_than_the_backoff() -> None:
    decision = next_poll(BOUNDS, None, failed(1, retry_after=HOUR))
    assert decision.delay == HOUR
    assert decision.reason == "server asked to retry after 3600s"
    shorter = next_poll(BOUNDS, None, failed(1, retry_after=10))
    assert shorter.delay == 15 * MINUTE and shorter.reason.startswith("backoff")


def test_retry_after_is_capped_at_the_backoff_maximum() -> None:
    assert next_poll(BOUNDS, None, failed(1, retry_after=30 * 86400)).delay == 6 * HOUR


def test_fixed_interval_when_adaptive_polling_is_off() -> None:
    bounds = Bounds.around(15 * MINUTE, max_interval=2 * HOUR, adaptive=False)
    for outcome in (QUIET, BUSY):
        assert next_poll(bounds, HOUR, outcome) == NextPoll(
            15 * MINUTE, 15 * MINUTE, "fixed interval"
        )
    assert next_poll(bounds, None, failed(3)).delay == HOUR


def test_bounds_always_contain_the_configured_interval() -> None:
    """A global minimum above a source's own interval does not slow that source down."""
    fast = Bounds.around(30, min_interval=5 * MINUTE, max_interval=2 * HOUR, backoff_max=HOUR)
    assert (fast.min_interval, fast.interval) == (30, 30)
    slow = Bounds.around(6 * HOUR, max_interval=2 * HOUR, backoff_max=HOUR)
    assert (slow.max_interval, slow.backoff_max) == (6 * HOUR, 6 * HOUR)
    assert Bounds.around(60).backoff_max == 60


def test_a_stored_interval_outside_new_bounds_is_clamped() -> None:
    """After the config narrowed the bounds, the remembered interval obeys the new ones."""
    assert next_poll(BOUNDS, 10 * HOUR, QUIET).delay == 2 * HOUR
    assert next_poll(BOUNDS, 1.0, QUIET).delay == 7.5 * MINUTE


durations = st.floats(min_value=1, max_value=7 * 86400, allow_nan=False)


@given(
    interval=durations,
    low=durations,
    high=durations,
    cap=durations,
    current=st.none() | durations,
    failures=st.integers(min_value=0, max_value=100),
    retry_after=st.none() | st.floats(min_value=0, max_value=1e9),
    changed=st.booleans(),
    adaptive=st.booleans(),
)
def test_every_decision_stays_within_the_bounds(
    interval: float,
    low: float,
    high: float,
    cap: float,
    current: float | None,
    failures: int,
    retry_after: float | None,
    changed: bool,
    adaptive: bool,
) -> None:
    bounds = Bounds.around(
        interval, min_interval=low, max_interval=high, backoff_max=cap, adaptive=adaptive
    )
    assert bounds.min_interval <= bounds.interval <= bounds.max_interval
    assert bounds.interval <= bounds.backoff_max
    outcome = Outcome(
        failed=failures > 0,
        changed=changed,
        consecutive_failures=failures,
        retry_after=retry_after,
    )
    decision = next_poll(bounds, current, outcome)
    assert bounds.min_interval <= decision.interval <= bounds.max_interval
    assert decision.delay > 0
    assert decision.delay <= max(bounds.max_interval, bounds.backoff_max)
    if retry_after is not None:
        assert decision.delay >= min(retry_after, bounds.backoff_max)
    if failures:
        assert decision.delay >= min(bounds.interval, bounds.backoff_max)


def test_schedule_keys_are_read_and_checked(make_config) -> None:
    config = make_config(
        [{"name": "a", "url": "http://a.cn/rss", "min_interval": "1m", "max_interval": "1d"}],
        schedule={
            "interval": "10m",
            "adaptive": False,
            "min_interval": "2m",
            "max_interval": "3h",
            "backoff_max": "12h",
            "publish_delay": 0,
            "stop_timeout": "5s",
        },
    )
    schedule = config.schedule
    assert (schedule.adaptive, schedule.min_interval, schedule.max_interval) == (False, 120, 10800)
    assert (schedule.backoff_max, schedule.publish_delay, schedule.stop_timeout) == (43200, 0, 5)
    assert (config.sources[0].min_interval, config.sources[0].max_interval) == (60, 86400)
    with pytest.raises(ConfigError, match=r"schedule\.max_interval: bad duration"):
        make_config([], schedule={"max_interval": "soon"})
    with pytest.raises(ConfigError, match=r"schedule\.adaptive: must be true or false"):
        make_config([], schedule={"adaptive": "yes"})
