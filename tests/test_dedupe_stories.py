"""Story decisions: which story a new article joins, merges keeping the older id, and which
member is the original."""

from pathlib import Path

import pytest

from aggregator.dedupe.match import Comparable, MatchKind, find_matches
from aggregator.dedupe.stories import ArticleFacts, assign_story, choose_canonical

DATA = Path(__file__).parent / "data" / "dedupe"
TITLE = "西吉土豆“洋”起来"


def paragraphs(name: str) -> list[str]:
    return [p.strip() for p in (DATA / name).read_text("utf-8").splitlines() if p.strip()]


def facts(article_id: int, text: str, story_id: int | None = None, **more) -> ArticleFacts:
    values = {
        "url": f"https://site{article_id}.example.cn/a/{article_id}.html",
        "title": TITLE,
        "first_seen": f"2024-05-03T{article_id % 24:02d}:00:00+08:00",
    } | more
    return ArticleFacts(id=article_id, text=text, story_id=story_id, **values)


ORIGINAL = "\n".join(paragraphs("cwced-3e1af229.txt"))
REPOST = "来源：固原日报\n" + "\n".join(paragraphs("cwced-3e1af229.txt")[:-1])
EXCERPT = "\n".join([*paragraphs("cwced-3e1af229.txt")[:3], "阅读原文"])
OTHER = "\n".join(paragraphs("cwced-bbdf5079.txt"))


def test_an_article_matching_nothing_starts_a_story():
    decision = assign_story(facts(9, ORIGINAL), [facts(2, OTHER, story_id=2)])
    assert decision.story_id is None
    assert decision.merged_story_ids == () and decision.matches == ()


def test_a_repost_joins_the_story_of_its_original():
    decision = assign_story(
        facts(9, REPOST, title="【转载】" + TITLE),
        [facts(1, ORIGINAL, story_id=4), facts(2, OTHER, story_id=2)],
    )
    assert decision.story_id == 4
    assert decision.merged_story_ids == ()
    assert [(m.article_id, m.kind) for m in decision.matches] == [(1, MatchKind.REPOST)]


def test_an_article_bridging_two_stories_merges_them_into_the_older():
    # The original arrives after an excerpt and a trimmed repost that each started a story.
    decision = assign_story(
        facts(9, ORIGINAL), [facts(5, REPOST, story_id=7), facts(6, EXCERPT, story_id=3)]
    )
    assert decision.story_id == 3
    assert decision.merged_story_ids == (7,)
    assert {m.article_id for m in decision.matches} == {5, 6}


def test_a_new_excerpt_joins_one_story_only():
    # Two stored full texts that (wrongly or not) sit in two stories: an excerpt of both
    # must not bridge them; it joins the best match's story.
    decision = assign_story(
        facts(9, EXCERPT), [facts(1, ORIGINAL, story_id=8), facts(2, REPOST, story_id=5)]
    )
    # Equal containment in both: the smaller article id decides, deterministically.
    assert decision.story_id == 8
    assert decision.merged_story_ids == ()
    assert all(m.kind == MatchKind.EXCERPT and m.new_is_excerpt for m in decision.matches)


def test_a_digest_never_joins_or_bridges_the_stories_it_quotes():
    sources = ["cwced-3e1af229.txt", "cwced-500b350d.txt", "cwced-bbdf5079.txt"]
    lines = ["今日要闻"]
    for number, name in enumerate(sources, start=1):
        lines += [f"{number}. 标题{number}", paragraphs(name)[0][:150] + "……详情>>"]
    lines += ["4. 全文", *paragraphs("cwced-47f387e6.txt")]
    candidates = [
        facts(number, "\n".join(paragraphs(name)), story_id=number * 10)
        for number, name in enumerate([*sources, "cwced-47f387e6.txt"], start=1)
    ]
    decision = assign_story(facts(9, "\n".join(lines), title="今日要闻（第3期）"), candidates)
    assert decision.story_id is None and decision.merged_story_ids == ()


def test_a_follow_up_opening_like_a_stored_excerpt_is_no_second_original():
    # The follow-up contains the excerpt at its opening, but the excerpt's story already
    # holds its original, which the follow-up does not match.
    follow_up = "\n".join([*paragraphs("cwced-3e1af229.txt")[:3], OTHER])
    excerpt_relation = find_matches(
        Comparable.of(follow_up, TITLE), {2: Comparable.of(EXCERPT, TITLE)}
    )
    assert [m.kind for m in excerpt_relation] == [MatchKind.EXCERPT]
    decision = assign_story(
        facts(9, follow_up), [facts(1, ORIGINAL, story_id=1), facts(2, EXCERPT, story_id=1)]
    )
    assert decision.story_id is None


def test_an_original_arriving_after_its_excerpt_joins_it():
    decision = assign_story(facts(9, ORIGINAL), [facts(2, EXCERPT, story_id=6)])
    assert decision.story_id == 6
    assert decision.matches[0].kind == MatchKind.EXCERPT
    assert not decision.matches[0].new_is_excerpt


def test_candidates_must_have_a_story():
    with pytest.raises(ValueError, match="no story"):
        assign_story(facts(9, REPOST), [facts(1, ORIGINAL)])


def member(article_id: int, **more) -> ArticleFacts:
    return facts(article_id, "", story_id=1, **more)


def test_canonical_is_the_credited_outlet_even_when_published_later():
    members = [
        member(
            1, published="2024-05-03T08:00:00+08:00", site_name="宁夏新闻网", source_outlet="新华社"
        ),
        member(
            2, published="2024-05-03T09:00:00+08:00", site_name="新华网", source_outlet="新华社"
        ),
        member(3, published="2024-05-03T10:00:00+08:00", site_name="新华社", source_outlet="本网"),
    ]
    assert choose_canonical(members) == 3


def test_self_credit_names_the_site_itself():
    members = [
        member(
            1, published="2024-05-03T08:00:00+08:00", site_name="固原日报", source_outlet="原创"
        ),
        member(2, published="2024-05-03T07:00:00+08:00", site_name="西吉县融媒体中心"),
    ]
    assert choose_canonical(members) == 1


def test_the_most_credited_outlet_wins_when_credits_disagree():
    members = [
        member(1, site_name="人民网", source_outlet="人民日报"),
        member(2, site_name="人民日报", source_outlet="人民日报"),
        member(3, site_name="新华网", source_outlet="新华网"),
    ]
    assert choose_canonical(members) == 2


def test_without_credit_the_earliest_published_then_first_seen_then_id():
    members = [
        member(1, published=None, first_seen="2024-05-01T00:00:00+08:00"),
        member(2, published="2024-05-03T09:00:00+08:00", first_seen="2024-05-03T10:00:00+08:00"),
        member(3, published="2024-05-03T09:00:00+08:00", first_seen="2024-05-03T09:30:00+08:00"),
        member(4, published="2024-05-03T09:00:00+08:00", first_seen="2024-05-03T09:30:00+08:00"),
    ]
    assert choose_canonical(members) == 3
    assert choose_canonical(members[:1]) == 1
    assert choose_canonical([member(7, published=None), member(5, published=None)]) == 5


def test_a_credited_outlet_not_among_the_sites_falls_back_to_age():
    members = [
        member(1, published="2024-05-03T09:00:00+08:00", site_name="甲网", source_outlet="新华社"),
        member(2, published="2024-05-03T08:00:00+08:00", site_name="乙网", source_outlet="新华社"),
    ]
    assert choose_canonical(members) == 2
