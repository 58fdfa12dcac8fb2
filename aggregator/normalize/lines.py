"""A page as the reader sees it: a list of visible text lines, each tied to its element.

Every later step (title, dates, credits, main content) reasons about these lines rather than
raw markup, because Chinese CMS templates differ wildly in tags but agree on what a line of
text says ("来源：…", "发布时间：…", "记者 …"). A line ends wherever a browser would break one:
at block elements and `<br>`. Link text is counted per line, since navigation, related-article
lists and share bars are mostly links.
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
                self.lines.append(Line(text, link_chars, self._owner, in_heading=self._heading))
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
