"""Regression on real pages (tests/data/normalize, MIT): dates, credits and bodies against
the datasets' own labels."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from aggregator.normalize import normalize

DATA = Path(__file__).resolve().parent / "data" / "normalize"
CWCED = DATA / "cwced"
CWCED_IDS = sorted(path.stem for path in (CWCED / "original").glob("*.html"))
AEB_TRUTH = json.loads((DATA / "aeb" / "ground-truth.json").read_text("utf-8"))
_WRAPPER_URL = re.compile(rb"""^\s*<text\s[^>]*?\bid\s*=\s*["']([^"']+)["']""")


def bigram_f1(expected: str, extracted: str) -> float:
    def grams(text: str) -> Counter[str]:
        squeezed = re.sub(r"\s+", "", text)
        return Counter(squeezed[i : i + 2] for i in range(len(squeezed) - 1))

    a, b = grams(expected), grams(extracted)
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(b.values()), overlap / sum(a.values())
    return 2 * precision * recall / (precision + recall)


def cwced(page_id: str):
    content = (CWCED / "original" / f"{page_id}.html").read_bytes()
    wrapper = _WRAPPER_URL.match(content)
    url = wrapper.group(1).decode() if wrapper else None
    labels = {
        k: (CWCED / k / f"{page_id}.txt").read_text("utf-8").strip()
        for k in ("date", "author", "cleaned")
    }
    return normalize(content, url), labels


@pytest.mark.parametrize("page_id", CWCED_IDS)
def test_cwced_date_matches_label(page_id):
    record, labels = cwced(page_id)
    expected = [int(n) for n in re.findall(r"\d+", labels["date"])][:5]
    got = [int(n) for n in re.findall(r"\d+", record.published or "")]
    assert got[: len(expected)] == expected


@pytest.mark.parametrize("page_id", CWCED_IDS)
def test_cwced_body_close_to_label(page_id):
    record, labels = cwced(page_id)
    assert bigram_f1(labels["cleaned"], record.body) >= 0.85


@pytest.mark.parametrize(
    ("page_id", "credits"),
    [
        ("9890f458-7af7-4e96-a507-6eb1b359d675", {("胡晓蓉", "reporter"), ("孙重远", "editor")}),
        ("b26fbb82-9d98-42f0-af75-7439c1706bcd", {("葛灵丹", "reporter")}),
        ("3e1af229-5b3e-4cfc-82b2-481f37d7adf7", {("王建宏", "reporter"), ("张文攀", "reporter")}),
        (
            "ab65832c-15b6-4c9e-b64f-3bc575332499",
            {
                ("刘国栋", "intern"),
                ("周炜", "intern"),
                ("王燕平", "reporter"),
                ("柏建斌", "reporter"),
            },
        ),
        ("5dc3fa2d-6734-41e9-8520-a9c7c91ae1f8", {("胡平", "author")}),
        ("f70d9c97-9d64-415e-a7e4-840c9258eaf5", {("李楠", "editor")}),
    ],
)
def test_cwced_credits(page_id, credits):
    record, _ = cwced(page_id)
    assert credits <= {(c.name, c.role) for c in record.credits}


def test_reporters_come_before_editors_in_authors():
    record, _ = cwced("3e1af229-5b3e-4cfc-82b2-481f37d7adf7")
    assert record.authors[:2] == ("王建宏", "张文攀")
    assert "孙桂芳" not in record.authors  # credited as editor (松花江网编辑)


def test_gbk_page_decodes_and_keeps_its_title_without_site_suffix():
    record, _ = cwced("2bac7fb2-efbd-4444-99c8-51c72acf5c7d")
    assert record.title == "多数夫妻生活有名无实 日本无性婚姻问题严重(图)"
    assert record.language == "zh-CN"
    assert "相关报道" not in record.body and "雅虎中国著作权声明" not in record.body


def test_source_line_is_read():
    record, _ = cwced("9890f458-7af7-4e96-a507-6eb1b359d675")
    assert record.source == "云南日报"


def aeb(key_start: str):
    key = next(key for key in AEB_TRUTH if key.startswith(key_start))
    content = gzip.decompress((DATA / "aeb" / f"{key}.html.gz").read_bytes())
    return normalize(content, AEB_TRUTH[key]["url"]), AEB_TRUTH[key]["articleBody"]


@pytest.mark.parametrize("key", sorted(AEB_TRUTH))
def test_english_article_body(key):
    """Among them: a data table in the body (11ea381a), a comment-rules dialog whose box is
    named "body" (1f765c48), an aside of deals named like excerpts (aade2ec8), promo cards
    of other columns between paragraphs (8634d121)."""
    record, expected = aeb(key)
    assert bigram_f1(expected, record.body) >= 0.94
    assert record.language and record.language.startswith("en")


def test_promo_cards_between_paragraphs_are_not_body():
    record, _ = aeb("8634d1211c3f")
    assert "Among those who believe that the press provides value" not in record.body
    assert "Column:" not in record.body


def test_data_table_rows_are_body_lines():
    record, _ = aeb("11ea381ad92b")
    assert "1 Kyle Busch 5040 5 1 17 27" in record.paragraphs
