"""The normalizer never raises on page content: random, truncated and empty input gives a
record with notes, and so does every page of the shared corpus when it is present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregator.normalize import Record, normalize

SEED_HTML = (
    Path(__file__).resolve().parent.parent / "seeds" / "000_ee651a9b1e5f022e.html"
).read_bytes()
# ../shared/corpus beside the repository, or wherever AGGREGATOR_CORPUS points.
CORPUS = Path(
    os.environ.get("AGGREGATOR_CORPUS")
    or Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
)

_TAGS = [
    "html",
    "body",
    "div",
    "p",
    "td",
    "table",
    "a",
    "span",
    "h1",
    "script",
    "br",
    "img",
    "figure",
]
_markup = st.lists(
    st.one_of(
        st.sampled_from(_TAGS).map(lambda tag: f"<{tag}>"),
        st.sampled_from(_TAGS).map(lambda tag: f"</{tag}>"),
        st.sampled_from(
            ["来源：新华网", "记者 张三 李四", "2023-02-14 10:21", "点击：", "ICP备", "（"]
        ),
        st.text(max_size=40),
    ),
    max_size=60,
).map("".join)

_fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(record: Record) -> None:
    assert isinstance(record, Record)
    assert record.body == "\n\n".join(record.paragraphs)
    record.to_dict()
    record.to_article()


@_fast
@given(st.binary(max_size=2000))
def test_random_bytes(content):
    _check(normalize(content))


@_fast
@given(_markup)
def test_random_markup(text):
    _check(normalize(text, "http://example.com/a/b.html"))


@_fast
@given(st.integers(min_value=0, max_value=len(SEED_HTML)))
def test_truncated_page(cut):
    _check(normalize(SEED_HTML[:cut], "https://www.gansu.gov.cn/x.shtml", content_type="text/html"))


@pytest.mark.parametrize(
    "content", [b"", "", b"   \n", "<html></html>", b"\xff\xfe\x00", "<?xml version='1.0'?>"]
)
def test_empty_input_gives_notes(content):
    record = normalize(content)
    _check(record)
    assert record.paragraphs == ()
    assert record.notes


def test_deeply_nested_markup():
    _check(
        normalize(
            "<html><body>" + "<div>" * 5000 + "正文，很深。" + "</div>" * 5000 + "</body></html>"
        )
    )


def test_list_page_gives_a_record_with_a_note():
    items = "".join(
        f'<li><a href="/n/{i}.html">第{i}条新闻标题比较长一些</a> 2023-02-{i:02d}</li>'
        for i in range(1, 28)
    )
    page = f"<html><head><title>新闻列表_某某网</title></head><body><ul>{items}</ul></body></html>"
    record = normalize(
        page.encode("gbk"), "http://news.example.cn/list.html", content_type="text/html"
    )
    _check(record)
    assert record.paragraphs == ()
    assert any("no article body" in note for note in record.notes)


def test_unknown_timezone_is_a_configuration_error():
    from aggregator.dates import UnknownTimezoneError

    with pytest.raises(UnknownTimezoneError):
        normalize("<p>x</p>", timezone="Mars/Olympus")


def _corpus_pages() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        p for p in CORPUS.rglob("*") if p.suffix in (".html", ".htm", ".gz") and p.is_file()
    )


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present (fresh clone)")
def test_every_corpus_page_normalizes():
    import gzip

    failures = []
    for path in _corpus_pages():
        content = path.read_bytes()
        if path.suffix == ".gz":
            content = gzip.decompress(content)
        try:
            _check(normalize(content, "http://example.com/" + path.name))
        except Exception as exc:  # collect all, report together
            failures.append(f"{path}: {exc!r}")
    assert not failures, "\n".join(failures)
