"""Showing changes: stored paragraph diffs read back, inline character diffs, HTML."""

from __future__ import annotations

import lxml.html

from aggregator.changes import paragraph_diff
from aggregator.monitor.diffs import (
    DiffLine,
    FieldChange,
    LineKind,
    Segment,
    VersionFields,
    change_html,
    diff_lines,
    field_changes,
    inline_diff,
)

OLD = "第一段。\n\n第二段，会议隆重开幕。\n\n第三段。\n\n第四段。\n\n第五段。\n\n第六段。"


def test_a_replaced_paragraph_is_paired_with_its_changed_characters() -> None:
    new = OLD.replace("隆重", "盛大")
    lines = diff_lines(paragraph_diff(OLD, new))
    assert [line.kind for line in lines] == [LineKind.CONTEXT, LineKind.CHANGED, LineKind.CONTEXT]
    changed = lines[1]
    assert (changed.old_text, changed.text) == ("第二段，会议隆重开幕。", "第二段，会议盛大开幕。")
    assert changed.segments == (
        Segment(LineKind.CONTEXT, "第二段，会议"),
        Segment(LineKind.REMOVED, "隆重"),
        Segment(LineKind.ADDED, "盛大"),
        Segment(LineKind.CONTEXT, "开幕。"),
    )


def test_added_and_removed_paragraphs_and_gaps_between_hunks() -> None:
    new = OLD.replace("第一段。\n\n", "") + "\n\n第七段。"
    lines = diff_lines(paragraph_diff(OLD, new))
    assert lines == [
        DiffLine(LineKind.REMOVED, "第一段。"),
        DiffLine(LineKind.CONTEXT, "第二段，会议隆重开幕。"),
        DiffLine(LineKind.GAP),
        DiffLine(LineKind.CONTEXT, "第六段。"),
        DiffLine(LineKind.ADDED, "第七段。"),
    ]


def test_unequal_replacements_are_shown_whole() -> None:
    new = OLD.replace("第三段。\n\n第四段。", "合并后的新段落。")
    lines = diff_lines(paragraph_diff(OLD, new))
    kinds = [(line.kind, line.text) for line in lines if line.kind is not LineKind.CONTEXT]
    assert kinds == [
        (LineKind.REMOVED, "第三段。"),
        (LineKind.REMOVED, "第四段。"),
        (LineKind.ADDED, "合并后的新段落。"),
    ]


def test_paragraphs_that_look_like_diff_headers_are_kept() -> None:
    old = "--- 第一段\n\n+++ 第二段"
    new = "--- 第一段\n\n+++ 第二段改"
    lines = diff_lines(paragraph_diff(old, new))
    assert lines[0] == DiffLine(LineKind.CONTEXT, "--- 第一段")
    assert (lines[1].old_text, lines[1].text) == ("+++ 第二段", "+++ 第二段改")


def test_no_diff_no_lines() -> None:
    assert diff_lines(None) == [] and diff_lines("") == []


def test_inline_diff_of_identical_texts_is_one_kept_run() -> None:
    assert inline_diff("一样", "一样") == (Segment(LineKind.CONTEXT, "一样"),)
    assert inline_diff("", "新") == (Segment(LineKind.ADDED, "新"),)


def test_field_changes_name_title_source_and_authors() -> None:
    before = VersionFields("旧标题", "河西日报", ("张三",))
    after = VersionFields("新标题", "新华社", ("张三", "李四"))
    assert field_changes(before, after) == [
        FieldChange("Title", "旧标题", "新标题"),
        FieldChange("Source", "河西日报", "新华社"),
        FieldChange("Authors", "张三", "张三、李四"),
    ]
    assert field_changes(before, before) == []


def test_change_html_is_escaped_and_marks_deletions_and_insertions() -> None:
    old = "价格 <5 元 & 以下。\n\n第二段。"
    new = "价格 <6 元 & 以下。\n\n第二段。\n\n<script>alert(1)</script>"
    markup = change_html(paragraph_diff(old, new), [FieldChange("Title", "a<b", "a>b")])
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
    assert [el.text for el in fragment.iter("del")] == ["a<b", "5"]
    assert [el.text for el in fragment.iter("ins")] == ["a>b", "6", "<script>alert(1)</script>"]
    assert fragment.text_content().startswith("Title: a<b → a>b")
