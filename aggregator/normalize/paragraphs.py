"""From the lines of the article block to the article's paragraphs.

The block found by `content` still carries the headline, the date/source line, a share bar,
sometimes "相关新闻" lists and the pager. Above the first paragraph of running text, lines
that are the title, carry a date or a 来源/作者 label, or are credits alone are the article
header, not body, and so is everything in the headline's own box (a standfirst, the
byline). Below it, furniture and link lists are dropped and a "related articles" header
skips the box it opens (the end of the body, or a rail embedded in it). Anywhere, photo
captions (a figure, a box named like a caption, a line ending in its photo credit), time
stamps ("Updated at 1:23 p.m."), the headline shown again and cards of other articles are
not text. Short lines among paragraphs (subheadings, "编者按") and closing lines (a
signature, a date, "来源：… 编辑：…") are kept: they are part of what was written.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from aggregator.dates import zone
from aggregator.normalize.boilerplate import is_furniture, starts_list
from aggregator.normalize.credits import credits_in_line
from aggregator.normalize.datetext import find_dates
from aggregator.normalize.linekinds import is_link_line, is_running_text
from aggregator.normalize.lines import Line, squash_spaces

# A label is a word standing alone before its value: "时间：", "来源 新华网", "发布时间2023…".
# The same word inside a sentence runs into the next Han character ("被打时间频繁发生",
# "来源于", "编辑部"), so it is no label there. English label words are words of prose too
# ("hit by the plague", "up to date"): they label a line they open, or before a colon.
_HEADER_LABEL = re.compile(
    r"(?:来源|来自|出处|作者|(?:发布|发表|更新)于?|时间|日期|编辑|责编|字号|原标题"
    r"|(?:浏览|阅读|点击)(?:量|数|次数)?)(?![\u4e00-\u9fff])"
    r"|^\W*(?:Source|Posted|Published|Updated|By|Date)\b"
    r"|\b(?:Source|Posted|Published|Updated|Date)\s*:",
    re.IGNORECASE,
)
_MAX_HEADER_LINE = 100
_STANDFIRST_LINES = 3
_MIN_REPEATED_CHARS = 15
_REPEAT_DISTANCE = 8
_CAPTION_NAMES = re.compile(r"(?<![a-z])(?:caption|credit)s?(?![a-z])", re.IGNORECASE)
_CAPTION_BOX_DEPTH = 3
_MAX_HEADER_BOX_LINES = 8
_MAX_STANDFIRST_CHARS = 300
_MIN_PARAGRAPH_CHARS = 40  # shorter lines with a comma are datelines and bylines
_MAX_CAPTION_CHARS = 600
_STAMP_LABEL = re.compile(
    r"(?:Published|Updated|Posted|Modified|Last (?:updated|modified)|First published)"
    r"(?:\s+(?:on|at))?\s*:?\s*",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"\b[0-2]?\d:[0-5]\d\b")
# What a time stamp holds besides its date: the clock, a zone, a weekday, "at".
_STAMP_WORDS = re.compile(
    r"\b(?:[0-2]?\d:[0-5]\d|[ap]\.?m\.?|(?-i:[A-Z]{1,2}[SD]?T|UTC|GMT)|at|on"
    r"|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Mon|Tue|Wed|Thu|Fri|Sat|Sun)(?![\w])",
    re.IGNORECASE,
)
_MAX_STAMP_CHARS = 80
# A caption ends with its photo credit: "(Image: GETTY )", "(AP Photo/Alan Diaz, File)",
# or the credit run into it by the markup: "…isn't easy.Kathrin Ziegler/Getty".
_PHOTO_AGENCIES = r"(?-i:Getty(?: Images)?|Reuters|AP|AFP|EPA|Shutterstock|iStock(?:photo)?)"
_PHOTO_CREDIT_END = re.compile(
    r"\((?:Image|Photo|Picture|Pic|Photograph|Credit)s?(?: credit)?\s*:[^()]{1,60}\)\s*$"
    rf"|\({_PHOTO_AGENCIES}(?: Photo)?\b[^()]{{0,60}}\)\s*$"
    rf"|[a-z][.!?][\"”’]?(?:[A-Z][\w'’-]*\s){{0,3}}[A-Z][\w'’-]*/{_PHOTO_AGENCIES}\s*$"
    rf"|[a-z][.!?][\"”’]?{_PHOTO_AGENCIES}\s*$",
    re.IGNORECASE,
)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_UTC = zone("UTC")


def article_paragraphs(
    block: tuple[Line, ...],
    title: Line | None,
    title_text: str | None,
    teasers: frozenset[int] = frozenset(),
) -> list[Line]:
    """The lines of `block` that are the article's own paragraphs, in order; `teasers` are
    the ids of lines of other articles' cards (see `content`)."""
    lines = list(block)
    headline_box = None
    if title is not None and title in lines[:12]:
        lines = lines[lines.index(title) + 1 :]
        headline_box = _headline_box(title, list(block))
    else:  # the headline worded apart from <title>: the <h1> at the top of the block
        heading = next((line for line in lines[:12] if _in_main_heading(line)), None)
        headline_box = _headline_box(heading, list(block)) if heading is not None else None
    repeated = _repeated_nearby(lines)
    kept: list[Line] = []
    in_body = False
    list_box = None  # the element holding a "related articles" list being skipped
    for line in lines:
        if list_box is not None:
            if not is_running_text(line) or _inside(line.owner, list_box):
                continue
            list_box = None  # the article resumes after a box embedded in it
        if is_furniture(line.text) or is_link_line(line) or id(line) in teasers:
            continue
        if (
            _in_figure_caption(line)
            or id(line) in repeated
            or _is_time_stamp(line.text)
            or _PHOTO_CREDIT_END.search(line.text)
            or (title_text and _key(line.text) == _key(title_text))
        ):
            continue  # the headline shown again (a print header, a gallery title) is no text
        if not in_body:
            if (
                _is_header_line(line.text, title_text)
                or _in_main_heading(line)
                or (headline_box is not None and _inside(line.owner, headline_box))
            ):
                continue
            in_body = is_running_text(line)
            if not in_body and not _HAN.search(line.text):
                # Above the first paragraph, Latin-script fragments are bylines, datelines,
                # photo credits and gallery counters; Chinese pages put a kicker or
                # subheading there ("【新春走基层】", "编者按"), which is kept.
                continue
        elif starts_list(line.text):
            list_box = _list_box(line, kept[-1] if kept else None)
            continue
        elif (
            len(kept) < _STANDFIRST_LINES
            and not is_running_text(line)
            and (_is_header_line(line.text, title_text) or line.text.lower() == "by")
        ):
            continue  # the byline/date block under a standfirst ("By", name, "Nov. 19, 2019")
        kept.append(line)
    return kept


def _is_time_stamp(text: str) -> bool:
    """A "Published 11:11 PM EST Nov 19, 2019" / "Updated at 1:23 p.m." line: the page's
    record of when it went up, wherever the template puts it, not a sentence of the text."""
    label = _STAMP_LABEL.match(text)
    if label is None or len(text) > _MAX_STAMP_CHARS:
        return False
    rest = text[label.end() :]
    dates = find_dates(rest, _UTC, month_first=True)
    if not dates and not _CLOCK.search(rest):
        return False
    for found in reversed(dates):
        rest = rest[: found.start] + " " + rest[found.end :]
    return not _STAMP_WORDS.sub(" ", rest).strip(" \t,.|·-–—()")


def _repeated_nearby(lines: list[Line]) -> set[int]:
    """Lines whose text shows again a few lines away: gallery captions and hidden copies.

    An article does not repeat a sentence word for word next to itself; a recipe or a
    schedule may repeat one further down, which is kept.
    """
    last_seen: dict[str, int] = {}
    repeated: set[int] = set()
    for position, line in enumerate(lines):
        if line.chars < _MIN_REPEATED_CHARS:
            continue
        earlier = last_seen.get(line.text)
        if earlier is not None and position - earlier <= _REPEAT_DISTANCE:
            repeated.update((id(lines[earlier]), id(line)))
        last_seen[line.text] = position
    return repeated


def _list_box(header: Line, last_kept: Line | None) -> HtmlElement:
    """The box a list header opens: its widest ancestor that holds no paragraph before it.

    A "Most read" rail embedded in the article puts its header in a box of its own, and its
    teasers in another box beside it; both sit in the rail, which the article is not in.
    """
    box = header.owner.getparent() if header.owner.getparent() is not None else header.owner
    while (
        last_kept is not None
        and box.getparent() is not None
        and not _inside(last_kept.owner, box.getparent())
    ):
        box = box.getparent()
    return box


def _inside(element, container) -> bool:
    return element is container or any(a is container for a in element.iterancestors())


def _headline_box(title: Line, lines: list[Line]) -> HtmlElement:
    """The box the headline shares with its dek, byline and date, apart from the body.

    It is the headline's widest ancestor that holds neither the end of the article nor more
    than a header's few lines, one of them at most a short paragraph (and date or byline
    lines): a standfirst in it
    ("There are more devices… Here's how to figure out…") introduces the article rather
    than being its text.
    """
    box = title.owner
    while True:
        parent = box.getparent()
        if parent is None or _inside(lines[-1].owner, parent):
            return box
        inside = [line for line in lines if _inside(line.owner, parent)]
        text = [
            line
            for line in inside
            if line is not title and line.chars >= _MIN_PARAGRAPH_CHARS and is_running_text(line)
        ]
        if (
            len(inside) > _MAX_HEADER_BOX_LINES
            or len(text) > 1
            or any(line.chars > _MAX_STANDFIRST_CHARS for line in text)
        ):
            return box
        box = parent


def _in_main_heading(line: Line) -> bool:
    """A line of an <h1>: above the body, the headline, even when worded apart from <title>
    ("HS Roundup: …" in the head, "High School Roundup: …" on the page)."""
    return line.in_heading and (
        line.owner.tag == "h1" or next(line.owner.iterancestors("h1"), None) is not None
    )


def _in_figure_caption(line: Line) -> bool:
    """A line of a photo caption or credit, not a paragraph.

    That is a line of a <figure>/<figcaption>, or of a short box named like a caption or
    a credit ("wp-caption-text", "image-credit"): a box that short is no article body,
    whatever its name.
    """
    owner = line.owner
    if owner.tag in ("figure", "figcaption") or any(
        True for _ in owner.iterancestors("figure", "figcaption")
    ):
        return True
    element: HtmlElement | None = owner
    for _ in range(_CAPTION_BOX_DEPTH):
        if element is None:
            break
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        if _CAPTION_NAMES.search(names):
            return len(squash_spaces(element.text_content())) <= _MAX_CAPTION_CHARS
        element = element.getparent()
    return False


def _is_header_line(text: str, title_text: str | None) -> bool:
    """A headline, date/source line or bare credit above (or a date below) the body."""
    if title_text and _key(text) == _key(title_text):
        return True
    if len(text) > _MAX_HEADER_LINE or text.rstrip().endswith(("。", "！", "？")):
        return False
    return bool(_HEADER_LABEL.search(text) or find_dates(text, _UTC) or credits_in_line(text))


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()
