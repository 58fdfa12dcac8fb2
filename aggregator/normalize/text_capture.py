"""Reading a plain-text capture of a page (what "save as text" or a reader view gives) into a
Record: the same fields as from HTML, found from the shape of the text alone.

A capture reads top to bottom as: column name ("News center"), headline, the
source/date line ("Source: New Gansu Province 2023-02-14 点击:"), paragraphs, and the
footer (copyright, ICP). The source/date line anchors everything: the line above it is the
headline, short lines above that the column, what follows up to the footer the body.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from aggregator.dates import to_iso
from aggregator.normalize.boilerplate import is_furniture
from aggregator.normalize.credits import (
    authors_of,
    credits_in_line,
    credits_in_paragraph,
    unique_credits,
)
from aggregator.normalize.datetext import find_dates
from aggregator.normalize.language import article_language
from aggregator.normalize.lines import Line, squash_spaces
from aggregator.normalize.outlets import corroborated_source, publisher_in_copyright, source_in_line
from aggregator.normalize.record import Record
from aggregator.sanitize import paragraphs_to_html

_META_LINE = re.compile(
    r"来源|来自|发布|时间|日期|点击|浏览|Source\s*:|Posted|Published|Date\s*:", re.IGNORECASE
)
_MAX_META_LINE = 160
_MAX_SECTION_CHARS = 30
_SEARCHED_LINES = 12
_DATELINE = re.compile(r"(?:电|讯|消息|报道|news|reports?)\s*[（(]", re.IGNORECASE)


def read_text_capture(text: str, url: str | None, tz: tzinfo, notes: list[str]) -> Record:
    lines = [squash_spaces(line) for line in text.split("\n")]
    lines = [line for line in lines if line]
    meta_index = next(
        (
            i
            for i, line in enumerate(lines[:_SEARCHED_LINES])
            if len(line) <= _MAX_META_LINE
            and _META_LINE.search(line)
            and (find_dates(line, tz) or source_in_line(line))
        ),
        None,
    )
    title = section = None
    body_lines = lines
    date_found = []
    source = None
    if meta_index is not None:
        meta_line = lines[meta_index]
        title = lines[meta_index - 1] if meta_index >= 1 else None
        above = [
            line for line in lines[: max(meta_index - 1, 0)] if len(line) <= _MAX_SECTION_CHARS
        ]
        section = above[-1] if above else None
        date_found = find_dates(meta_line, tz)
        source = source_in_line(meta_line)
        body_lines = lines[meta_index + 1 :]
    else:
        notes.append("no source/date line: headline and body taken from the text's order")
        title = lines[0] if lines else None
        body_lines = lines[1:]
    footer_at = next(
        (i for i, line in enumerate(body_lines) if is_furniture(line)), len(body_lines)
    )
    paragraphs = tuple(body_lines[:footer_at])
    footer = [Line(line, 0, None) for line in body_lines[footer_at:]]
    body = "\n\n".join(paragraphs)
    if source and body:
        source = corroborated_source(source, body)

    dateline = next((i for i, p in enumerate(paragraphs[:6]) if _DATELINE.search(p)), None)
    credits = []
    for position, paragraph in enumerate(paragraphs):
        caption = dateline is not None and position < dateline
        credits += credits_in_paragraph(
            paragraph, caption=caption, last=position == len(paragraphs) - 1
        )
    for line in footer:
        credits += credits_in_line(line.text)
    unique = unique_credits(credits)

    published = date_found[0].moment if date_found else None
    if published is None:
        notes.append("no publication date found")
    if source is None:
        notes.append("no 来源/source line")
    if not unique:
        notes.append("no credited authors found")
    if not paragraphs:
        notes.append("no article body found")
    return Record(
        url=url,
        title=title,
        published=to_iso(published),
        updated=None,
        source=source,
        publisher=publisher_in_copyright(footer),
        authors=authors_of(unique),
        credits=tuple(unique),
        section=section,
        language=article_language(None, body),
        paragraphs=paragraphs,
        body=body,
        body_html=paragraphs_to_html(paragraphs),
        images=(),
        notes=tuple(notes),
    )
