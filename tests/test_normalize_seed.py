"""The seed report is the reference fixture: its text capture and the HTML page the site
would serve both normalize to the expected record in seeds/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aggregator.normalize import normalize

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TEXT = SEEDS / "000_ee651a9b1e5f022e.txt"
HTML = SEEDS / "000_ee651a9b1e5f022e.html"
EXPECTED = json.loads((SEEDS / "000_ee651a9b1e5f022e.expected.json").read_text("utf-8"))
PAGE_URL = "https://www.gansu.gov.cn/gsszf/c100002/202302/000_ee651a9b1e5f022e.shtml"


@pytest.fixture(scope="module")
def from_text():
    return normalize(TEXT.read_bytes())


@pytest.fixture(scope="module")
def from_html():
    return normalize(HTML.read_bytes(), PAGE_URL, content_type="text/html")


@pytest.mark.parametrize("field", sorted(EXPECTED))
def test_text_capture_matches_expected_record(from_text, field):
    assert from_text.to_dict()[field] == EXPECTED[field]


@pytest.mark.parametrize("field", sorted(EXPECTED))
def test_html_page_matches_expected_record(from_html, field):
    assert from_html.to_dict()[field] == EXPECTED[field]


def test_expected_record_says_what_the_issue_asks():
    assert EXPECTED["published"].startswith("2023-02-14")
    assert EXPECTED["source"] == "New Gansu"
    assert EXPECTED["publisher"] == "Gansu Cultural Tourism Industry Group Co., LTD"
    assert {"name": "Zhang Fugui", "role": "reporter"} in EXPECTED["credits"]
    assert {"name": "Jin Xin", "role": "reporter"} in EXPECTED["credits"]
    assert {"name": "Gao Qiang", "role": "photographer"} in EXPECTED["credits"]
    assert EXPECTED["paragraphs"][0].startswith("On February 13")
    assert EXPECTED["paragraphs"][-1].endswith("sub-meetings were set up in provincial units。")
    assert "要深入贯彻落实党的二十大精神" in EXPECTED["body"]
    for furniture in ("News center", "点击", "Copyright", "ICP", "Source:"):
        assert furniture not in EXPECTED["body"]


def test_text_capture_is_read_as_text_even_without_content_type(from_text):
    assert from_text.body_html.startswith("<p>On February 13")
    assert from_text.images == ()
    assert from_text.notes == ()


def test_html_page_image_is_absolute_with_its_caption(from_html):
    (image,) = from_html.images
    assert image.src == "https://www.gansu.gov.cn/images/2023-02/14/W020230214370612345678.jpg"
    assert image.caption == EXPECTED["paragraphs"][0]


def test_html_body_is_sanitized(from_html):
    html = from_html.body_html
    assert '<img src="https://www.gansu.gov.cn/images/2023-02/14/' in html
    for forbidden in (
        "<script",
        "onerror",
        "style=",
        "javascript:",
        "扫一扫",
        "上一篇",
        "Related news",
    ):
        assert forbidden not in html
    assert "sub-meetings were set up in provincial units" in html


def test_to_article_maps_source_and_body(from_html):
    article = from_html.to_article(guid="seed-0")
    assert article.guid == "seed-0"
    assert article.url == PAGE_URL
    assert article.source_outlet == "New Gansu"
    assert article.body_text == EXPECTED["body"]
    assert article.authors == ("Zhang Fugui", "Jin Xin", "Gao Qiang")
