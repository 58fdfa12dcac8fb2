"""The readable (non --json) output of `aggregator parse`: the fields, then the body."""

from __future__ import annotations

from aggregator.normalize.record import Record

_LABEL_WIDTH = 10


def render_summary(record: Record) -> str:
    credits = ", ".join(f"{c.name} ({c.role})" for c in record.credits)
    rows = [
        ("Title", record.title),
        ("URL", record.url),
        ("Published", record.published),
        ("Updated", record.updated),
        ("Source", record.source),
        ("Publisher", record.publisher),
        ("Authors", ", ".join(record.authors)),
        ("Credits", credits),
        ("Section", record.section),
        ("Language", record.language),
        ("Images", "\n".join(_image_line(i.src, i.caption) for i in record.images)),
        ("Paragraphs", str(len(record.paragraphs))),
    ]
    out = [f"{label + ':':<{_LABEL_WIDTH}} {_indent(value)}" for label, value in rows if value]
    out += [f"{'Note:':<{_LABEL_WIDTH}} {note}" for note in record.notes]
    if record.body:
        out += ["", record.body]
    return "\n".join(out) + "\n"


def _image_line(src: str, caption: str | None) -> str:
    return f"{src} — {caption}" if caption else src


def _indent(value: str) -> str:
    return value.replace("\n", "\n" + " " * (_LABEL_WIDTH + 1))
