"""A page as the reader sees it: a list of visible text lines, each tied to its element.

Every later step (title, dates, credits, main content) reasons about these lines rather than
raw markup, because Chinese CMS templates differ wildly in tags but agree on what a line of
text says ("来源：…", "发布时间：…", "记者 …"). A line ends wherever a browser would break one:
at block elements and `<br>`. Link text is counted per line, since navigation, related-article
lists and share bars are mostly links. A row of a data table (results, prices, a schedule:
short cells, few links, no table inside) is one line, its cells separated by spaces, as a
reader reads it; layout tables, whose cells hold whole articles or menus, are not rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "caption",
    ]
)
HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
# Never visible, or form widgets whose labels are not article text.
SKIPPED_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "select",
        "option",
        "textarea",
        "button",
        "input",
        "svg",
        "canvas",
        "map",
        "audio",
        "video",
        "head",
        "title",
        "meta",
        "link",
    ]
)
_CELL_TAGS = frozenset(["td", "th"])
_MIN_DATA_ROWS = 2
_MAX_DATA_CELL_CHARS = 200
_MAX_DATA_LINK_SHARE = 0.5
_LABEL_CELL = re.compile(r"[:：]\s*$")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u3000\xa0\u2002\u2003\u2009\u200b\ufeff]+")


@dataclass(eq=False)
class Line:
    """One visible line: its text, how much of it is link text, and the block it sits in."""

    text: str
    link_chars: int
    owner: HtmlElement
    index: int = 0
    in_heading: bool = False
    table_row: bool = False
    chars: int = field(init=False)

    def __post_init__(self) -> None:
        self.chars = len(self.text.replace(" ", ""))

    @property
    def link_density(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


def squash_spaces(text: str) -> str:
    """Collapse every run of (ideographic, no-break…) whitespace to one space."""
    return _SPACES.sub(" ", text).strip()


def is_hidden(element: HtmlElement) -> bool:
    """Whether the element is hidden by markup (not by a stylesheet, which we do not run)."""
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def is_data_table(table: HtmlElement) -> bool:
    """A table of data rather than layout: several rows of several short cells, few links.

    Portals lay pages out in tables whose cells hold a menu, a list of links or the whole
    article; a table of results or prices has short cells and no table inside it. Government
    pages put a document's fields in a table of label and value cells ("成文日期：" |
    "2022年01月27日"): those are fields, read one cell at a time like any header.
    """
    if next(table.iterdescendants("table"), None) is not None:
        return False
    rows = [row for row in table.iter("tr") if sum(1 for c in row if c.tag in _CELL_TAGS) >= 2]
    if len(rows) < _MIN_DATA_ROWS:
        return False
    chars = link_chars = labels = cells = 0
    for row in rows:
        for cell in row:
            if cell.tag not in _CELL_TAGS:
                continue
            text = squash_spaces(cell.text_content())
            if len(text) > _MAX_DATA_CELL_CHARS:
                return False
            cells += 1
            chars += len(text)
            labels += bool(_LABEL_CELL.search(text))
            link_chars += sum(len(squash_spaces(a.text_content())) for a in cell.iter("a"))
    return chars > 0 and link_chars <= _MAX_DATA_LINK_SHARE * chars and labels * 4 < cells


def page_lines(root: HtmlElement) -> list[Line]:
    """The visible lines of the tree under `root`, in reading order."""
    builder = _LineBuilder()
    body = root.find("body")
    builder.walk(body if body is not None else root, owner=root, in_link=False, in_heading=False)
    builder.flush()
    for index, line in enumerate(builder.lines):
        line.index = index
    return builder.lines


class _LineBuilder:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._pieces: list[tuple[str, bool]] = []
        self._owner: HtmlElement | None = None
        self._heading = False
        self._in_data_table = False
        self._row: HtmlElement | None = None  # the data-table row being read as one line

    def add(self, text: str | None, owner: HtmlElement, in_link: bool, in_heading: bool) -> None:
        if not text:
            return
        if self._owner is None and text.strip():
            self._owner = owner
            self._heading = in_heading
        self._pieces.append((text, in_link))

    def flush(self) -> None:
        if self._owner is not None:
            text = squash_spaces("".join(piece for piece, _ in self._pieces))
            if text:
                link_chars = sum(
                    len(piece.replace(" ", "")) for piece, in_link in self._pieces if in_link
                )
                link_chars = min(link_chars, len(text.replace(" ", "")))
                self.lines.append(
                    Line(
                        text,
                        link_chars,
                        self._owner,
                        in_heading=self._heading,
                        table_row=self._owner is self._row,
                    )
                )
        self._pieces = []
        self._owner = None
        self._heading = False

    def walk(
        self, element: HtmlElement, owner: HtmlElement, in_link: bool, in_heading: bool
    ) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in SKIPPED_TAGS or not tag or is_hidden(element):
            return
        if tag == "br":
            self.flush()
            return
        if tag == "img":
            return
        if tag == "tr" and self._in_data_table:
            self.flush()
            self._row = element
            self._walk_in_row(element, tag, element, in_link, in_heading)
            self.flush()
            self._row = None
            return
        data_table = tag == "table" and not self._in_data_table and is_data_table(element)
        self._in_data_table = self._in_data_table or data_table
        is_block = tag in BLOCK_TAGS
        if is_block:
            self.flush()
            owner = element
        in_link = in_link or tag == "a"
        in_heading = in_heading or tag in HEADING_TAGS
        self.add(element.text, owner, in_link, in_heading)
        for child in element:
            self.walk(child, owner, in_link, in_heading)
            self.add(child.tail, owner, in_link, in_heading)
        if is_block:
            self.flush()
        if data_table:
            self._in_data_table = False

    def _walk_in_row(
        self, element: HtmlElement, tag: str, owner: HtmlElement, in_link: bool, in_heading: bool
    ) -> None:
        """Inside a data-table row every cell, paragraph and break is a space, not a line."""
        if tag in BLOCK_TAGS or tag == "br":
            self.add(" ", owner, in_link, in_heading)
        if tag in ("br", "img"):
            return
        in_link = in_link or tag == "a"
        in_heading = in_heading or tag in HEADING_TAGS
        self.add(element.text, owner, in_link, in_heading)
        for child in element:
            element_child = isinstance(child.tag, str)
            if element_child and child.tag not in SKIPPED_TAGS and not is_hidden(child):
                self._walk_in_row(child, child.tag, owner, in_link, in_heading)
            self.add(child.tail, owner, in_link, in_heading)
