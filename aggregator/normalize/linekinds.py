"""What kind of text a line holds: running text (a sentence of the article) or links.

Both the vote for the body (`content`) and the choice of its paragraphs (`paragraphs`)
read lines this way; a table row is neither, whatever it says.
"""

from __future__ import annotations

import re

from aggregator.normalize.boilerplate import is_furniture
from aggregator.normalize.lines import Line

_SENTENCE_PUNCTUATION = re.compile(r"[，。！？；、“”,.;!?]")
_MIN_TEXT_CHARS = 10
_LONG_TEXT_CHARS = 40
_LINK_LINE_DENSITY = 0.5
_LONG_LINE_CHARS = 100
_LONG_LINK_LINE_DENSITY = 0.75


def has_sentence_punctuation(text: str) -> bool:
    return bool(_SENTENCE_PUNCTUATION.search(text))


def is_link_line(line: Line) -> bool:
    """A line that is mostly links: navigation, a list of headlines, a share bar.

    A long sentence carrying a linked phrase or two is text, so long punctuated lines may
    hold more link text before they count as links.
    """
    if line.chars >= _LONG_LINE_CHARS and has_sentence_punctuation(line.text):
        return line.link_density > _LONG_LINK_LINE_DENSITY
    return line.link_density > _LINK_LINE_DENSITY


def is_running_text(line: Line) -> bool:
    """A line that reads like article text: enough non-link characters and punctuation.

    A table row is not: it neither starts the body nor votes for it.
    """
    text_chars = line.chars - line.link_chars
    if is_link_line(line) or is_furniture(line.text) or line.table_row:
        return False
    return (
        text_chars >= _MIN_TEXT_CHARS and has_sentence_punctuation(line.text)
    ) or text_chars >= _LONG_TEXT_CHARS
