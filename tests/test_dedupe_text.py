"""Normalizing article text and titles so that copies of one article compare equal."""

import random
import re
import unicodedata
from pathlib import Path

import pytest

from aggregator.dedupe import text as rules
from aggregator.dedupe.text import NormalizedText, normalize_text, normalize_title, titles_agree

DATA = Path(__file__).parent / "data" / "dedupe"


def body(name: str) -> str:
    return (DATA / name).read_text("utf-8")


def tokens(text: str) -> tuple[str, ...]:
    return normalize_text(text).tokens


def test_full_width_and_half_width_compare_equal():
    assert tokens("ＧＤＰ增长５．２％，“稳中有进”。") == tokens('GDP增长5.2%,"稳中有进".')


def test_punctuation_whitespace_and_paragraph_breaks_do_not_matter():
    original = body("cwced-3e1af229.txt")
    rebroken = original.replace("。", "。\n\n").replace("\n　　", "")
    assert "\n" in rebroken and rebroken != original
    assert tokens(rebroken) == tokens(original)


def test_tokens_are_cjk_characters_and_runs_of_letters_or_digits():
    assert tokens("Hello, World! x86架构jpg2014") == (
        "hello", "world", "x", "86", "架", "构", "jpg", "2014",
    )  # fmt: skip


def test_source_lines_editor_notes_credits_and_read_more_tail_are_dropped():
    article = body("cwced-3e1af229.txt")
    repost = "\n".join(
        [
            "发布时间：2024-05-03 10:23  来源：西吉县融媒体中心  浏览次数：120",
            "2024-05-03 10:23",
            "【编者按】近日，本网转载此文，以飨读者。",
            article,
            "（来源：新华社）",
            "责任编辑：李四",
            "（完）",
            "点击阅读原文>>",
        ]
    )
    assert tokens(repost) == tokens(article)


def test_latin_script_furniture_is_dropped():
    article = body("aeb-624fcd903d56.txt")
    repost = f"Editor's note: republished with permission.\nSource: Wire\n{article}\nRead more"
    assert tokens(repost) == tokens(article)


def test_a_link_in_the_middle_is_dropped_but_the_text_after_it_kept():
    text = "第一段讲了一件事。\n查看详情\n第二段继续讲。\n第三段。\n第四段。"
    assert "".join(tokens(text)) == "第一段讲了一件事第二段继续讲第三段第四段"


def test_fields_of_a_notice_are_content_not_furniture():
    # 时间/地点 lines and a closing date are what tell two notices of one template apart.
    notice = (
        "一、会议时间\n时间：2024年5月6日上午9:30\n地点：县委大礼堂\n县政府办公室\n2024年5月3日"
    )
    expected = "一会议时间时间2024年5月6日上午930地点县委大礼堂县政府办公室2024年5月3日"
    assert "".join(tokens(notice)) == expected


@pytest.mark.parametrize(
    "title",
    [
        "【转载】西吉土豆“洋”起来",
        "[转载] 西吉土豆“洋”起来",
        "转载：西吉土豆“洋”起来",
        "西吉土豆“洋”起来_西吉县人民政府门户网站",
        "西吉土豆“洋”起来 - 宁夏新闻网",
        "西吉土豆“洋”起来|固原日报",
        "【原创】西吉土豆‘洋’起来",
    ],
)
def test_title_prefixes_and_site_suffixes_are_dropped(title):
    assert normalize_title(title) == "西吉土豆洋起来"


def test_titles_agree_despite_furniture_and_a_word_more():
    assert titles_agree("【转载】西吉土豆“洋”起来_门户网站", "西吉土豆“洋”起来了 - 新闻网")
    assert titles_agree(
        "Hong Kong protests: police siege", "Hong Kong protests: police siege | Exp"
    )


def test_different_titles_and_missing_titles_do_not_agree():
    assert not titles_agree("西吉土豆“洋”起来", "西吉马铃薯产业大会开幕")
    assert not titles_agree("长沙市气象台发布暴雨预警", "株洲市气象台发布暴雨预警")
    assert not titles_agree(None, "西吉土豆“洋”起来")
    assert not titles_agree("今日", "今日")  # too short to name an article


def cut_by_spans(normalized: NormalizedText) -> tuple[str, ...]:
    spans = normalized.spans
    bounds = zip(spans.starts.tolist(), spans.ends.tolist(), strict=True)
    return tuple(normalized.body[start:end] for start, end in bounds)


@pytest.mark.parametrize(
    "text",
    [
        "据新华社北京5月3日电（记者 张三）2024年一季度GDP增长5.3%，jpg2014。",
        "Ab12cd 三4五 x_y é ǅ ① ½ ٣٤ 𠀀𠀁 😀 Ⅻ 〇 ＡＢ１２ ĳ",
        "",
        "。。！",
        "中",
    ],
)
def test_token_spans_cut_the_tokens_the_regex_finds(text):
    normalized = NormalizedText(text.lower())
    assert cut_by_spans(normalized) == normalized.tokens
    assert normalized.length == len(normalized.tokens)


def test_token_spans_agree_with_the_regex_on_real_bodies():
    for path in sorted((Path(__file__).parent / "data" / "dedupe").glob("*.txt")):
        normalized = normalize_text(path.read_text("utf-8"))
        assert cut_by_spans(normalized) == normalized.tokens, path.name


# The furniture rules as first written, one regex per rule: the fast forms in `text` (one
# match per line, a substring test before the tail's search, an end mark opening with one
# character class) must find the very same lines and marks.
_REFERENCE_META_LINE = re.compile(rf"^[\s【\[（(<《]*(?:{rules._META_LABELS})\s*(?:[:：|｜/]|\s|$)")
_REFERENCE_META_LINE_LATIN = re.compile(rf"^{rules._META_LINE_LATIN}", re.IGNORECASE)
_REFERENCE_NOTE_PARAGRAPH = re.compile(rf"^{rules._NOTE_PARAGRAPH}", re.IGNORECASE)
_REFERENCE_END_MARK = re.compile(
    r"[【\[（(]\s*(?:完|终|end)\s*[】\]）)]|-+\s*end\s*-+", re.IGNORECASE
)

LINES = [
    "来源：湖南日报", "【来源】新华网", "（责任编辑：张三）", "本文来源 人民网", "来源于网络",
    "发布时间：2024-05-03 来源：新华网 作者：李四", "字号：大 中 小", "【打印本页】", "打印本页",
    "编者按：本文转载自某报。", "【编者按】" + "长" * 100, "声明：" + "长" * 100,
    "Editor's note: republished.", "EDITOR’S NOTE: x", "Note from the editors: x",
    "Source: Reuters", "SOURCES : AP", "Photos: x", "Reporting by Jane Doe", "updated: May 3",
    "来源：" + "长" * 90, "Source: " + "x" * 90, "来源地：湖南", "记者节快乐", "时间：上午九时",
    "Sourcery is not a label", "photograph: no colon rule", "2024-05-03 10:23", "——", "★ ★ ★",
    "正文第一段，讲了一件事。", "The council met on Tuesday.", "1", "ſource: long s",
    "点击阅读原文>>", "阅读全文", "查看更多", "原文链接：http://x", "READ MORE", "Continue reading",
    "Read the full story", "The full story", "a full day", "本网讯 详见原文", "请进入详情页",
]  # fmt: skip


@pytest.mark.parametrize("line", LINES)
def test_line_rules_find_what_one_regex_per_rule_finds(line):
    for leading in (True, False):
        reference = bool(
            _REFERENCE_NOTE_PARAGRAPH.match(line)
            or (
                len(line) <= rules._META_LINE_MAX
                and (_REFERENCE_META_LINE.match(line) or _REFERENCE_META_LINE_LATIN.match(line))
            )
            or (leading and rules._DATE_LINE.match(line))
            or not any(ch.isalnum() for ch in line)
        )
        assert rules._is_furniture(line, leading) == reference
    reference_tail = rules._EXCERPT_TAIL.search(line)
    tail = rules._excerpt_tail(line)
    assert (tail and tail.span()) == (reference_tail and reference_tail.span())


@pytest.mark.parametrize(
    "passage",
    ["正文（完）", "正文【 完 】尾", "（终）", "(END)", "[ End ]", "-END-", "--- end ---",
     "a-end-b", "-- e n d --", "-end", "（完", "完）", "- -end-", "x--END--y--end--",
     "（（来源：x）完）"],
)  # fmt: skip
def test_end_marks_are_the_ones_the_plain_regex_finds(passage):
    assert rules._END_MARK.sub(" ", passage) == _REFERENCE_END_MARK.sub(" ", passage)


def test_the_quick_nfkc_is_nfkc():
    """Full-width forms folded first must leave NFKC's result unchanged, whatever follows
    them (combining marks compose with the folded letter), and the rest folds as before."""
    samples = [
        "ＡＢＣ１２３，。！", "Ａ\u0301ｂ\u0308", "①②⑴⒈ ﬁ ² Ⅻ ｶﾞ 　全角　空格", "\ud800 ＡＢ",
        "中文，“引号”（括号）：冒号；１２３", "", "ｅ\u0301\u0323",
    ]  # fmt: skip
    blocks = (
        range(0x20, 0x7F), range(0x300, 0x370), range(0xFF00, 0xFFF0), range(0x3000, 0x3040),
        range(0x4E00, 0x4E20), range(0x2460, 0x2500), range(0xFB00, 0xFB10),
        (0x1100, 0x1161, 0x11A8, 0xAC00),
    )  # fmt: skip
    pool = [chr(point) for block in blocks for point in block]
    generator = random.Random(5)
    samples += ["".join(generator.choices(pool, k=generator.randint(1, 40))) for _ in range(3000)]
    for sample in samples:
        assert rules._nfkc(sample) == unicodedata.normalize("NFKC", sample), repr(sample)
