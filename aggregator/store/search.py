"""Full-text search that works for Chinese with SQLite's stock FTS5.

FTS5's unicode61 tokenizer treats a run of Chinese characters as one token, and the
trigram tokenizer cannot find two-character words — the common case in Chinese. So the
indexed columns hold the text with every run of CJK characters rewritten as overlapping
character bigrams plus its last character: "甘肃省" is indexed as "甘肃 肃省 省". A
two-character word is then one token (so `sqlite-utils search db articles 甘肃` works with
no extension loaded), a longer word is a phrase of consecutive bigrams, and a single
character is a prefix query. Latin-script text is left for unicode61 as it is.
"""

from __future__ import annotations

import re

_CJK_RUN = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\u3040-\u30ff\uac00-\ud7af]+"
)
_WORD = re.compile(r"\w+")


def index_terms(text: str | None) -> str:
    """`text` as stored in an indexed column: CJK runs become bigrams, the rest is kept."""
    if not text:
        return ""
    return _CJK_RUN.sub(lambda match: f" {' '.join(_bigrams(match.group()))} ", text)


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression finding every word of `query`, or None if it has none.

    Each word must occur (AND); a Chinese word must occur as written (a phrase of its
    bigrams). Every token is quoted, so user input never reaches FTS5 as syntax.
    """
    clauses = []
    for word in _WORD.findall(query):
        for part in _split_scripts(word):
            if _CJK_RUN.fullmatch(part):
                if len(part) == 1:
                    clauses.append(f'"{part}"*')
                else:
                    clauses.append('"' + " ".join(_bigrams(part)[:-1]) + '"')
            else:
                clauses.append(f'"{part}"')
    return " AND ".join(clauses) or None


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def _split_scripts(word: str) -> list[str]:
    """Split a \\w+ word where it changes between CJK and other characters."""
    parts: list[str] = []
    position = 0
    for match in _CJK_RUN.finditer(word):
        if match.start() > position:
            parts.append(word[position : match.start()])
        parts.append(match.group())
        position = match.end()
    if position < len(word):
        parts.append(word[position:])
    return parts
