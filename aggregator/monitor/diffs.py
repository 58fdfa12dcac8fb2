"""Showing a recorded change to people — pure, no I/O.

A version's `diff` (aggregator.changes.paragraph_diff) is a unified diff of paragraphs.
Here it is read back into a list of `DiffLine`s; a paragraph replaced by one other
paragraph carries the characters that changed (`Segment`s), because in Chinese text an
edit is often a few characters in a long paragraph and a whole-paragraph diff hides it.
`change_html` turns that into escaped HTML for the changes feed (<del> / <ins>), and
`aggregator history` into coloured terminal lines.
"""

from __future__ import annotations

import difflib
import html
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class LineKind(StrEnum):
    CONTEXT = "context"  # an unchanged paragraph shown around the change
    REMOVED = "removed"
    ADDED = "added"
    CHANGED = "changed"  # one paragraph replaced by another: see `segments`
    GAP = "gap"  # unchanged paragraphs left out between two changes


@dataclass(frozen=True)
class Segment:
    """A run of characters of a changed paragraph: kept, removed or added."""

    kind: LineKind  # CONTEXT, REMOVED or ADDED
    text: str


@dataclass(frozen=True)
class DiffLine:
    kind: LineKind
    text: str = ""  # the paragraph (the new one, for CHANGED)
    old_text: str = ""  # CHANGED only: the paragraph it replaced
    segments: tuple[Segment, ...] = ()  # CHANGED only


@dataclass(frozen=True)
class VersionFields:
    """The parts of a version compared besides its body."""

    title: str
    source_outlet: str | None = None
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


def field_changes(before: VersionFields, after: VersionFields) -> list[FieldChange]:
    """What changed in the title, the credited source and the authors."""
    pairs = (
        ("Title", before.title, after.title),
        ("Source", before.source_outlet or "", after.source_outlet or ""),
        ("Authors", "、".join(before.authors), "、".join(after.authors)),
    )
    return [FieldChange(label, old, new) for label, old, new in pairs if old != new]


def diff_lines(diff: str | None) -> list[DiffLine]:
    """The lines of a stored paragraph diff, with one-for-one replacements paired."""
    lines: list[DiffLine] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        if len(removed) == len(added):
            for old, new in zip(removed, added, strict=True):
                lines.append(DiffLine(LineKind.CHANGED, new, old, inline_diff(old, new)))
        else:
            lines.extend(DiffLine(LineKind.REMOVED, text) for text in removed)
            lines.extend(DiffLine(LineKind.ADDED, text) for text in added)
        removed.clear()
        added.clear()

    in_hunk = False
    for raw in (diff or "").splitlines():
        if not in_hunk and raw.startswith(("--- ", "+++ ")):  # the file header
            continue
        if raw.startswith("-"):
            if added:  # a removal after additions starts a new block
                flush()
            removed.append(raw[1:])
            continue
        if raw.startswith("+"):
            added.append(raw[1:])
            continue
        flush()
        if raw.startswith("@@"):
            in_hunk = True
            if lines:  # the first hunk needs no separator
                lines.append(DiffLine(LineKind.GAP))
        else:
            lines.append(DiffLine(LineKind.CONTEXT, raw[1:] if raw.startswith(" ") else raw))
    flush()
    return lines


def inline_diff(old: str, new: str) -> tuple[Segment, ...]:
    """`old` turned into `new`, as kept, removed and added runs of characters."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    segments: list[Segment] = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            segments.append(Segment(LineKind.CONTEXT, old[old_start:old_end]))
            continue
        if old_end > old_start:
            segments.append(Segment(LineKind.REMOVED, old[old_start:old_end]))
        if new_end > new_start:
            segments.append(Segment(LineKind.ADDED, new[new_start:new_end]))
    return tuple(segments)


def change_html(diff: str | None, fields: Sequence[FieldChange] = ()) -> str:
    """A version's changes as HTML: changed fields, then the paragraphs, all escaped."""
    parts = [
        f"<p>{_escape(change.label)}: <del>{_escape(change.before)}</del> → "
        f"<ins>{_escape(change.after)}</ins></p>"
        for change in fields
    ]
    for line in diff_lines(diff):
        if line.kind is LineKind.GAP:
            parts.append("<p>…</p>")
        elif line.kind is LineKind.CONTEXT:
            parts.append(f"<p>{_escape(line.text)}</p>")
        elif line.kind is LineKind.REMOVED:
            parts.append(f"<p><del>{_escape(line.text)}</del></p>")
        elif line.kind is LineKind.ADDED:
            parts.append(f"<p><ins>{_escape(line.text)}</ins></p>")
        else:
            parts.append(f"<p>{''.join(_segment_html(s) for s in line.segments)}</p>")
    return "".join(parts)


def _segment_html(segment: Segment) -> str:
    text = _escape(segment.text)
    if segment.kind is LineKind.REMOVED:
        return f"<del>{text}</del>"
    if segment.kind is LineKind.ADDED:
        return f"<ins>{text}</ins>"
    return text


def _escape(text: str) -> str:
    return html.escape(text, quote=False)
