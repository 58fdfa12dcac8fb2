"""Deciding exactly whether two articles are copies: reposts, excerpts, never digests or
notices from one template."""

from pathlib import Path

import numpy as np

from aggregator.dedupe.match import Comparable, MatchKind, compare, find_matches, is_composite

DATA = Path(__file__).parent / "data" / "dedupe"
POTATO_TITLE = "西吉土豆“洋”起来"


def paragraphs(name: str) -> list[str]:
    return [p.strip() for p in (DATA / name).read_text("utf-8").splitlines() if p.strip()]


def article(name: str, title: str | None = None) -> Comparable:
    return Comparable.of("\n".join(paragraphs(name)), title)


def test_a_repost_with_the_usual_edits_is_a_repost():
    original = paragraphs("cwced-3e1af229.txt")
    repost = "\n".join(
        ["来源：固原日报", "编者按：本网转载此文。", *original[:-1], "（责任编辑：王五）"]
    ).replace("，", ",")
    new = Comparable.of(repost, "【转载】" + POTATO_TITLE)
    match = compare(new, article("cwced-3e1af229.txt"), 7)
    assert match is not None
    assert (match.article_id, match.kind) == (7, MatchKind.REPOST)
    assert match.similarity > 0.95


def test_an_english_repost_is_a_repost():
    original = paragraphs("aeb-624fcd903d56.txt")
    repost = "Editor's note: republished with permission.\n" + " ".join(original[:-1])
    match = compare(Comparable.of(repost), article("aeb-624fcd903d56.txt"), 1)
    assert match is not None and match.kind == MatchKind.REPOST


def excerpt_of(name: str, count: int) -> str:
    return "\n".join([*paragraphs(name)[:count], "阅读原文"])


def test_an_excerpt_with_the_same_title_is_an_excerpt_of_its_original():
    excerpt = Comparable.of(excerpt_of("cwced-3e1af229.txt", 3), POTATO_TITLE + "_西吉县融媒体中心")
    original = article("cwced-3e1af229.txt", "【转载】" + POTATO_TITLE)
    match = compare(excerpt, original, 3)
    assert match is not None
    assert (match.kind, match.new_is_excerpt) == (MatchKind.EXCERPT, True)
    # And the other way round, when the original arrives after its excerpt.
    reverse = compare(original, excerpt, 4)
    assert reverse is not None
    assert (reverse.kind, reverse.new_is_excerpt) == (MatchKind.EXCERPT, False)


def test_an_excerpt_needs_the_titles_to_agree():
    excerpt = Comparable.of(excerpt_of("cwced-3e1af229.txt", 3), "今日推荐")
    assert compare(excerpt, article("cwced-3e1af229.txt", POTATO_TITLE), 3) is None


def test_paragraphs_from_the_middle_are_not_an_excerpt():
    middle = Comparable.of("\n".join(paragraphs("cwced-3e1af229.txt")[4:7]), POTATO_TITLE)
    assert compare(middle, article("cwced-3e1af229.txt", POTATO_TITLE), 3) is None


DIGEST_SOURCES = ("cwced-3e1af229.txt", "cwced-500b350d.txt", "cwced-bbdf5079.txt")


def digest(full: str | None = None) -> Comparable:
    lines = ["今日要闻"]
    for number, name in enumerate(DIGEST_SOURCES, start=1):
        lines += [f"{number}. 第{number}条新闻的标题", paragraphs(name)[0][:150] + "……详情>>"]
    if full:
        lines += ["4. 全文", *paragraphs(full)]
    return Comparable.of("\n".join(lines), "今日要闻（第12期）")


def test_a_digest_of_openings_is_a_copy_of_none_of_its_stories():
    candidates = {number: article(name) for number, name in enumerate(DIGEST_SOURCES, start=1)}
    new = digest()
    assert all(compare(new, candidate, 1) is None for candidate in candidates.values())
    assert find_matches(new, candidates) == ()


def test_a_digest_quoting_one_story_in_full_matches_nothing_when_its_others_are_known():
    candidates = {
        number: article(name)
        for number, name in enumerate([*DIGEST_SOURCES, "cwced-47f387e6.txt"], start=1)
    }
    new = digest(full="cwced-47f387e6.txt")
    assert is_composite(new, candidates.values())
    assert find_matches(new, candidates) == ()


def test_a_full_repost_is_not_a_composite_of_its_original_and_its_excerpt():
    original = article("cwced-3e1af229.txt", POTATO_TITLE)
    excerpt = Comparable.of(excerpt_of("cwced-3e1af229.txt", 2), POTATO_TITLE)
    repost = Comparable.of("\n".join(paragraphs("cwced-3e1af229.txt")), "【转载】" + POTATO_TITLE)
    matches = find_matches(repost, {1: original, 2: excerpt})
    assert [(m.article_id, m.kind) for m in matches] == [
        (1, MatchKind.REPOST),
        (2, MatchKind.EXCERPT),
    ]


def weather(city: str, day: int, amount: int) -> Comparable:
    text = (
        f"{city}气象台2024年5月{day}日16时发布暴雨橙色预警信号：\n"
        f"预计未来6小时内，{city}城区及周边乡镇将出现{amount}毫米以上降雨，并伴有雷电、短时强降水"
        "等强对流天气，请注意防范。\n防御指南：1.政府及相关部门按照职责做好防暴雨准备工作；"
        "2.学校、幼儿园采取适当措施，保证学生和幼儿安全；3.驾驶人员应当注意道路积水和交通阻塞，"
        "确保安全；4.检查城市、农田、鱼塘排水系统，做好排涝准备。"
    )
    return Comparable.of(text, f"{city}气象台发布暴雨橙色预警")


def test_weather_warnings_from_one_template_are_not_merged():
    assert compare(weather("长沙市", 3, 50), weather("株洲市", 3, 50), 1) is None
    assert compare(weather("长沙市", 3, 50), weather("长沙市", 4, 50), 1) is None
    assert compare(weather("长沙市", 3, 50), weather("长沙市", 3, 80), 1) is None


def test_one_warning_reposted_is_merged():
    copy = compare(weather("长沙市", 3, 50), weather("长沙市", 3, 50), 1)
    assert copy is not None and copy.kind == MatchKind.REPOST


def meeting(name: str, month: int, day: int, place: str) -> Comparable:
    text = (
        "各乡镇人民政府，县直各有关单位：\n"
        f"为做好今年工作，经研究，决定召开{name}。现将有关事项通知如下：\n"
        f"一、会议时间\n2024年{month}月{day}日上午9:30\n二、会议地点\n{place}\n"
        "三、参会人员\n各乡镇分管负责同志，县直各有关单位主要负责同志。\n"
        "四、有关要求\n请各单位高度重视，按时参会，不得缺席。如有特殊情况确需请假的，须提前"
        "向县政府办公室书面请假。请将参会人员名单报送县政府办公室，联系人：张伟。\n"
        f"县政府办公室\n2024年{month}月{day - 3}日"
    )
    return Comparable.of(text, f"关于召开{name}的通知")


def test_meeting_notices_from_one_template_are_not_merged():
    first = meeting("全县防汛抗旱工作会议", 5, 10, "县委大礼堂")
    assert compare(first, meeting("全县教育工作会议", 6, 12, "县政府三楼会议室"), 1) is None
    assert compare(first, meeting("全县防汛抗旱工作会议", 5, 17, "县委大礼堂"), 1) is None


def test_a_follow_up_report_opening_with_the_same_paragraph_is_not_a_copy():
    background = paragraphs("cwced-3e1af229.txt")[:1]
    follow_up = Comparable.of(
        "\n".join([*background, *paragraphs("cwced-bbdf5079.txt")]), POTATO_TITLE + "（续）"
    )
    assert compare(follow_up, article("cwced-3e1af229.txt", POTATO_TITLE), 1) is None


def test_texts_too_short_to_tell_are_never_copies():
    short = Comparable.of("今天天气晴，气温二十度。", "天气")
    assert compare(short, short, 1) is None


def test_distinct_shingles_and_their_places_are_numpys_unique():
    """The packed sort behind `unique_shingles` must give what np.unique gives, for a text
    with repeated shingles (a refrain), for one of a single shingle and for none."""
    refrain = "\n".join([*paragraphs("cwced-47f387e6.txt"), "好好学习天天向上。" * 20])
    for text in (refrain, "一二三四", ""):
        shingled = Comparable.of(text).text
        values, first, inverse = np.unique(
            shingled.shingles, return_index=True, return_inverse=True
        )
        assert np.array_equal(shingled.unique_shingles, values)
        assert np.array_equal(shingled.first_positions, first)
        assert np.array_equal(shingled.unique_index, inverse)


def test_slots_find_the_shared_shingles():
    first, second = (
        article("cwced-3e1af229.txt"),
        Comparable.of("\n".join(paragraphs("cwced-3e1af229.txt")[:3])),
    )
    slots = second.slots_in(first)
    shared = np.intersect1d(first.unique_shingles, second.unique_shingles)
    assert np.array_equal(second.unique_shingles[slots >= 0], shared)
    assert np.array_equal(first.unique_shingles[slots[slots >= 0]], shared)
    assert np.all(first.slots_in(Comparable.of("")) == -1)
