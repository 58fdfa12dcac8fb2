"""Reading an HTML article page into a Record, step by step.

meta tags + visible lines -> title -> main block -> paragraphs
  -> header lines (between title and body) -> dates, source, credits
  -> publisher (meta or copyright footer), section (meta or breadcrumb)
  -> images, sanitized body HTML
"""

from __future__ import annotations

import re
from datetime import tzinfo

from lxml.html import HtmlElement

from aggregator.dates import to_iso
from aggregator.models import Credit
from aggregator.normalize.boilerplate import is_furniture
from aggregator.normalize.content import find_content
from aggregator.normalize.credits import (
    authors_of,
    byline_names,
    credits_in_line,
    credits_in_paragraph,
    issuers_in_lines,
    person_named_as_source,
    unique_credits,
)
from aggregator.normalize.images import article_images
from aggregator.normalize.language import article_language
from aggregator.normalize.linekinds import is_running_text
from aggregator.normalize.lines import Line, page_lines
from aggregator.normalize.metadata import PageMeta, jsonld_names, read_meta
from aggregator.normalize.names import is_han_name, split_names
from aggregator.normalize.outlets import (
    corroborated_source,
    publisher_from_meta,
    publisher_in_copyright,
    section_from_meta,
    section_in_breadcrumb,
    source_from_meta,
    source_in_line,
    source_in_marked_element,
)
from aggregator.normalize.paragraphs import article_paragraphs
from aggregator.normalize.published import find_article_dates
from aggregator.normalize.record import Record
from aggregator.normalize.sanitize import body_html
from aggregator.normalize.title import find_title

_TAIL_LINES = 6
_BRACKETED_NAME = re.compile(r"[\[【]\s*([^\[\]【】]{2,12}?)\s*[\]】]")
_LABEL_ONLY = re.compile(r"^(?:作者|记者|撰文|文|编辑|责任编辑|By|Author)\s*[:：]?$", re.IGNORECASE)
_DATELINE = re.compile(
    r"(?:电|讯|消息|报道|news|reports?)\s*[（(]|^[^。]{0,30}(?:电|讯)\s", re.IGNORECASE
)
_NOT_A_PERSON = re.compile(
    r"网|报|社|台|站|局|委|办|院|部|厅|中心|公司|集团|新闻|news|press|media|staff|\.(?:com|net|org|cn)\b|www|http",
    re.IGNORECASE,
)


def read_html_article(
    root: HtmlElement, url: str | None, tz: tzinfo, selector: str | None, notes: list[str]
) -> Record:
    meta = read_meta(root)
    lines = page_lines(root)
    block = find_content(root, lines, selector)
    first_text = _first_running_text(block.lines) if block is not None else None
    block_end = block.lines[-1].index if block is not None and block.lines else None
    title = find_title(lines, meta, first_text, block_end)
    if block is None:
        notes.append("no article body found: the page looks like a list, index or empty page")
        kept: list[Line] = []
    else:
        kept = article_paragraphs(block.lines, title.line, title.text, block.teasers)
        if not kept:
            notes.append("the article block holds no paragraphs")
    paragraphs = tuple(line.text for line in kept)
    body_text = "\n\n".join(paragraphs)
    base_url = url or meta.canonical_url or meta.first("og:url")

    title_index = title.line.index if title.line is not None else None
    body_start = kept[0].index if kept else None
    body_end = kept[-1].index if kept else None
    first_text = next((line.index for line in kept if is_running_text(line)), body_start)
    header = _header(lines, title_index, first_text)
    tail = lines[body_end + 1 : body_end + 1 + _TAIL_LINES] if body_end is not None else []

    language = article_language(
        meta.language, body_text or " ".join(line.text for line in lines[:200])
    )
    dates = find_article_dates(
        meta,
        lines,
        header,
        body_start=body_start,
        body_end=body_end,
        url=url,
        tz=tz,
        month_first=(language or "").startswith("en"),
    )
    images = article_images(block.parts, base_url) if block is not None else []
    caption_elements = {
        id(found.caption_element) for found in images if found.caption_element is not None
    }
    credits = _credits(header, kept, tail, title_index, caption_elements, meta)
    above_body = lines[:first_text] if first_text is not None else header
    credits = unique_credits([*credits, *issuers_in_lines([line.text for line in above_body])])

    source = source_from_meta(meta) or _first(source_in_line(line.text) for line in header)
    if source is None and kept:
        source = source_in_marked_element(root, kept[0].owner)
    source = source or _first(source_in_line(line.text) for line in [*kept[-3:], *tail])
    if source and body_text:
        source = corroborated_source(source, body_text)
    if source and not authors_of(credits):
        credits = [*credits, *person_named_as_source(source)]
    publisher = publisher_from_meta(meta) or publisher_in_copyright(lines)
    section = section_from_meta(meta) or section_in_breadcrumb(
        lines, title_index if title_index is not None else (body_start or 0)
    )
    html = body_html(block, kept, base_url) if block is not None and kept else ""

    if title.text is None:
        notes.append("no title found")
    if dates.published is None:
        notes.append("no publication date found (meta tags, date line or URL)")
    if source is None:
        notes.append("no 来源/source line or ContentSource meta")
    if not credits:
        notes.append("no credited authors found")
    return Record(
        url=url or base_url,
        title=title.text,
        published=to_iso(dates.published),
        updated=to_iso(dates.updated),
        source=source,
        publisher=publisher,
        authors=authors_of(credits),
        credits=tuple(credits),
        section=section,
        language=language,
        paragraphs=paragraphs,
        body=body_text,
        body_html=html,
        images=tuple(found.image for found in images),
        notes=tuple(notes),
    )


def _first_running_text(block_lines: tuple[Line, ...]) -> int | None:
    return next((line.index for line in block_lines if is_running_text(line)), None)


def _header(lines: list[Line], title_index: int | None, body_start: int | None) -> list[Line]:
    """Lines between the headline and the first paragraph (or just above the body)."""
    if body_start is None:
        return lines[title_index : title_index + 10] if title_index is not None else []
    if title_index is not None and title_index < body_start and body_start - title_index <= 30:
        return lines[title_index + 1 : body_start]
    return lines[max(0, body_start - 8) : body_start]


def _credits(
    header: list[Line],
    kept: list[Line],
    tail: list[Line],
    title_index: int | None,
    caption_elements: set[int],
    meta: PageMeta,
) -> list[Credit]:
    found: list[Credit] = []
    for position, line in enumerate(header):
        found += credits_in_line(line.text)
        if _LABEL_ONLY.match(line.text) and position + 1 < len(header):
            found += credits_in_line(f"{line.text.rstrip(':：')}：{header[position + 1].text}")
        near_title = title_index is not None and line.index - title_index <= 3
        if near_title or position == len(header) - 1:
            plain = line.link_chars == 0 and not is_furniture(line.text)
            found += byline_names(line.text, under_headline=near_title and plain)
        for bracketed in _BRACKETED_NAME.findall(line.text):
            found += byline_names(bracketed)  # "[ 黄宇 ] 来源：[ 国际金融报 ]"
    dateline = next((i for i, line in enumerate(kept[:6]) if _DATELINE.search(line.text)), None)
    for position, line in enumerate(kept):
        is_caption = id(line.owner) in caption_elements or (
            dateline is not None and position < dateline
        )
        found += credits_in_paragraph(line.text, caption=is_caption, last=position == len(kept) - 1)
        found += credits_in_line(line.text)  # a byline or editor line among the paragraphs
    for line in tail:
        found += credits_in_line(line.text)
    if not any(credit.role != "editor" for credit in found):
        found += [Credit(name, "author") for name in _meta_authors(meta)]
    return unique_credits(found)


def _meta_authors(meta: PageMeta) -> list[str]:
    """Author names from meta tags / JSON-LD, when they name people rather than the site."""
    names = jsonld_names(meta.jsonld.get("author"))
    value = meta.first(
        "citation_author",
        "citation_authors",
        "dc.creator",
        "author",
        "article:author",
        "byl",
        "sailthru.author",
    )
    if not names and value and not value.startswith("http"):
        names = [
            part.strip()
            for part in re.split(r"\s*(?:[,，、;；]|\band\b)\s*", value.removeprefix("By "))
            if part.strip()
        ]
    return [person for name in names for person in _people_in(name) if _person_like(person)]


def _people_in(name: str) -> list[str]:
    """ "王建宏 张文攀" is two people; "王  健" is one name spaced out to line up."""
    if not re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", name):
        return [name]
    return split_names(name) or [re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", name)]


def _person_like(name: str) -> bool:
    if _NOT_A_PERSON.search(name) or len(name) > 40:
        return False
    if re.search(r"[\u4e00-\u9fff]", name):
        return is_han_name(name)
    return bool(re.fullmatch(r"[A-Z][\w'’.-]*(?:\s+[A-Za-z][\w'’.-]*){0,3}", name))


def _first(values) -> str | None:
    return next((value for value in values if value), None)
