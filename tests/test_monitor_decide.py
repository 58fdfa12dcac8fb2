"""The change monitor's pure decisions: when to check, what an answer means, same article."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aggregator.config import MonitorConfig
from aggregator.models import Article
from aggregator.monitor.decide import (
    Answer,
    Availability,
    answer_of,
    availability,
    decide,
    same_article,
)
from aggregator.monitor.plan import confirmation_check, first_check, next_check

HOUR = 3600.0
DAY = 24 * HOUR
STEPS = (HOUR, 6 * HOUR, DAY, 3 * DAY, 7 * DAY)
SEEN = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
MONITOR = MonitorConfig(recheck=STEPS, budget=20, confirm_after=600.0)


def at(hours: float) -> datetime:
    return SEEN + timedelta(hours=hours)


# -- plan ----------------------------------------------------------------------------------


def test_first_check_is_the_first_step_after_first_seen() -> None:
    assert first_check(SEEN, STEPS) == at(1)
    assert first_check(SEEN, ()) is None


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(0), at(1)),
        (at(0.99), at(1)),
        (at(1), at(6)),  # a check exactly at a step moves on to the next
        (at(2), at(6)),
        (at(6), at(24)),
        (at(30), at(72)),
        (at(100), at(168)),
        (at(168), None),  # the schedule is over
        (at(1000), None),
    ],
)
def test_next_check_is_the_next_step_after_now(now: datetime, expected: datetime | None) -> None:
    assert next_check(SEEN, now, STEPS) == expected


def test_a_late_check_skips_the_steps_already_past() -> None:
    # Checked for the first time 2 days in (the budget went to older articles).
    assert next_check(SEEN, at(48), STEPS) == at(72)


def test_a_removed_article_keeps_being_checked_at_the_last_pace() -> None:
    assert next_check(SEEN, at(2), STEPS, removed=True) == at(6)
    assert next_check(SEEN, at(200), STEPS, removed=True) == at(200 + 168)
    assert next_check(SEEN, at(200), (), removed=True) is None


def test_without_steps_nothing_is_checked() -> None:
    assert next_check(SEEN, at(0), ()) is None


def test_confirmation_check_waits_confirm_after() -> None:
    assert confirmation_check(at(2), 600) == at(2) + timedelta(minutes=10)
    assert confirmation_check(at(2), 0) == at(2)


# -- answers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (200, None, Answer.PRESENT),
        (203, None, Answer.PRESENT),
        (304, None, Answer.PRESENT),
        (404, "HTTP 404 Not Found", Answer.GONE),
        (410, "HTTP 410 Gone", Answer.GONE),
        (None, "timed out after 30s", Answer.NO_ANSWER),  # a timeout never takes down
        (None, "connection refused", Answer.NO_ANSWER),
        (500, "HTTP 500 Internal Server Error", Answer.NO_ANSWER),  # nor a 5xx
        (502, "HTTP 502 Bad Gateway", Answer.NO_ANSWER),
        (503, "HTTP 503 Service Unavailable", Answer.NO_ANSWER),
        (429, "HTTP 429 Too Many Requests", Answer.NO_ANSWER),
        (403, "HTTP 403 Forbidden", Answer.NO_ANSWER),
        (401, "HTTP 401 Unauthorized", Answer.NO_ANSWER),
        (200, "body larger than 15 MiB, abandoned", Answer.NO_ANSWER),
    ],
)
def test_what_an_answer_says(status: int | None, error: str | None, expected: Answer) -> None:
    assert answer_of(status, error) is expected


# Every state the archive can be in, against every answer.
NOW = at(2)
STATES = {
    "present": {"missing_since": None, "removed": False},
    "missing recently": {"missing_since": NOW - timedelta(minutes=5), "removed": False},
    "missing long enough": {"missing_since": NOW - timedelta(minutes=10), "removed": False},
    "removed": {"missing_since": NOW - timedelta(hours=1), "removed": True},
}
EXPECTED = {
    ("present", Answer.PRESENT): Availability.AVAILABLE,
    ("present", Answer.GONE): Availability.MISSING,
    ("present", Answer.NO_ANSWER): Availability.UNKNOWN,
    ("missing recently", Answer.PRESENT): Availability.AVAILABLE,
    ("missing recently", Answer.GONE): Availability.MISSING,  # too soon to confirm
    ("missing recently", Answer.NO_ANSWER): Availability.UNKNOWN,
    ("missing long enough", Answer.PRESENT): Availability.AVAILABLE,
    ("missing long enough", Answer.GONE): Availability.REMOVED,
    ("missing long enough", Answer.NO_ANSWER): Availability.UNKNOWN,
    ("removed", Answer.PRESENT): Availability.RESTORED,
    ("removed", Answer.GONE): Availability.STILL_REMOVED,
    ("removed", Answer.NO_ANSWER): Availability.UNKNOWN,
}


@pytest.mark.parametrize(("state", "answer"), sorted(EXPECTED))
def test_availability_after_each_answer_in_each_state(state: str, answer: Answer) -> None:
    result = availability(answer, now=NOW, confirm_after=600, **STATES[state])
    assert result is EXPECTED[(state, answer)]


def test_a_take_down_needs_two_gone_answers_even_with_no_wait() -> None:
    first = availability(Answer.GONE, missing_since=None, removed=False, now=NOW, confirm_after=0)
    second = availability(Answer.GONE, missing_since=NOW, removed=False, now=NOW, confirm_after=0)
    assert (first, second) == (Availability.MISSING, Availability.REMOVED)


# -- the whole decision ---------------------------------------------------------------------

PAGE = Article(url="http://a.example.cn/1.html", title="标题", body_text="正文。")


def check(answer: Answer, now: datetime = NOW, **state: object):
    values = {"missing_since": None, "removed": False, **state}
    return decide(7, answer, first_seen=SEEN, now=now, monitor=MONITOR, content=PAGE, **values)


def test_a_present_page_goes_on_with_the_schedule_and_is_compared() -> None:
    result = check(Answer.PRESENT)
    assert result.availability is Availability.AVAILABLE
    assert result.next_check == at(6).isoformat()
    assert result.checked_at == NOW.isoformat()
    assert result.content == PAGE


def test_a_missing_page_is_checked_again_after_confirm_after_and_not_compared() -> None:
    result = check(Answer.GONE, detail="HTTP 404 Not Found")
    assert result.availability is Availability.MISSING
    assert result.next_check == (NOW + timedelta(minutes=10)).isoformat()
    assert result.content is None and result.detail == "HTTP 404 Not Found"


def test_no_answer_while_missing_tries_to_confirm_again() -> None:
    result = check(Answer.NO_ANSWER, missing_since=NOW - timedelta(minutes=30))
    assert result.availability is Availability.UNKNOWN
    assert result.next_check == (NOW + timedelta(minutes=10)).isoformat()


def test_no_answer_otherwise_goes_on_with_the_schedule() -> None:
    result = check(Answer.NO_ANSWER)
    assert (result.availability, result.next_check) == (Availability.UNKNOWN, at(6).isoformat())
    assert result.content is None


def test_a_confirmed_take_down_keeps_being_checked_after_the_schedule() -> None:
    late = at(200)
    result = check(Answer.GONE, now=late, missing_since=late - timedelta(hours=1))
    assert result.availability is Availability.REMOVED
    assert result.next_check == (late + timedelta(days=7)).isoformat()
    result = check(Answer.NO_ANSWER, now=late, missing_since=late, removed=True)
    assert result.next_check == (late + timedelta(days=7)).isoformat()


def test_a_returning_page_is_restored_and_compared() -> None:
    result = check(Answer.PRESENT, missing_since=at(1), removed=True)
    assert result.availability is Availability.RESTORED and result.content == PAGE


def test_after_the_schedule_a_present_page_is_left_alone() -> None:
    assert check(Answer.PRESENT, now=at(170)).next_check is None


# -- same article --------------------------------------------------------------------------

BODY = "\n\n".join(
    [
        "2月14日，省政府召开常务会议，研究部署春季农业生产和森林草原防灭火工作。",
        "会议指出，今年以来全省经济运行开局良好，主要指标好于预期，为全年目标打下了基础。",
        "会议要求，各地各部门要压实责任，抓好春耕备耕，确保粮食面积稳定、产量不减。",
    ]
)


def test_a_page_with_the_same_title_or_text_is_the_same_article() -> None:
    stored = Article(url="http://a.example.cn/old.html", title="省政府召开常务会议", body_text=BODY)
    retitled = Article(url="http://a.example.cn/new.html", title="常务会议召开", body_text=BODY)
    renamed_text = Article(url="http://a.example.cn/new.html", title="省政府召开常务会议")
    assert same_article(stored, retitled)  # the text is the same
    assert same_article(stored, renamed_text)  # the title is the same


def test_a_home_page_is_not_the_same_article() -> None:
    stored = Article(url="http://a.example.cn/old.html", title="省政府召开常务会议", body_text=BODY)
    home = Article(
        url="http://a.example.cn/",
        title="河西省人民政府门户网站",
        body_text="首页\n\n政务公开\n\n新闻动态\n\n政务服务\n\n互动交流",
    )
    assert not same_article(stored, home)
