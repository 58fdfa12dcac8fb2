"""The article's own title, not the site name or the `<title>` suffix.

`<title>` usually reads "标题_栏目_网站" or "Site - Headline", so its parts are candidates,
and the visible line that repeats one of them (a heading above the article) confirms which
part is the headline. Without such a line, og:title and friends, then the first heading,
then the longest part of `<title>` are used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aggregator.normalize.lines import Line, squash_spaces
from aggregator.normalize.metadata import PageMeta, jsonld_text

_TITLE_SEPARATORS = re.compile(r"\s+[-–—|｜·:]+\s+|\s*[_|｜]\s*|\s*-{2,}\s*|\s*—{1,2}\s*|\s+::\s+")
_MIN_TITLE_CHARS = 4
_MAX_TITLE_CHARS = 400
_LINES_ABOVE_BODY = 5
_MIN_PIECE_CHARS = 6
_SHOWN_SHARE = 0.4  # of a <title> part, shown on one line, that confirms it
# A line ending in 。：，； is a sentence or a label; headlines may end in ！ or ？ ("定了！").
_ENDS_SENTENCE = re.compile(r"[。：:，,；;]$")
_NOT_A_HEADLINE = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}|来源|作者|记者|编辑|发布|时间|日期|点击|浏览|字号|打印|首页|当前位置|您的位置|>"
)


@dataclass(frozen=True)
class TitleChoice:
    """The chosen title and the page line that shows it (None if it came from metadata)."""

    text: str | None
    line: Line | None


def find_title(
    lines: list[Line],
    meta: PageMeta,
    body_start: int | None = None,
    body_end: int | None = None,
) -> TitleChoice:
    """The headline; `body_start` and `body_end` bound the article text, if known."""
    html_title = meta.html_title
    parts = [part for part in _TITLE_SEPARATORS.split(html_title) if len(part) >= 2]
    meta_title = meta.first("og:title", "twitter:title", "articletitle", "title", "headline")
    meta_title = meta_title or jsonld_text(meta.jsonld.get("headline"))
    targets = [t for t in (meta_title, html_title, *parts) if t and len(t) >= _MIN_TITLE_CHARS]
    target_keys = {_key(target) for target in targets} - {""}
    meta_key = _key(meta_title or "")

    best: Line | None = None
    # A headline never stands below the article: a line after it that repeats a <title>
    # part is a sidebar heading or a footer naming the site.
    for line in lines[: body_end + 1] if body_end is not None else lines:
        text = line.text
        if not (_MIN_TITLE_CHARS <= len(text) <= _MAX_TITLE_CHARS) or line.link_density > 0.5:
            continue
        if _shows_title(_key(text), target_keys) and (
            best is None or _title_rank(line, meta_key) > _title_rank(best, meta_key)
        ):
            best = line
    longest = max(parts, key=len, default="")
    if best is not None and not _is_piece(_key(best.text), _key(longest)):
        return TitleChoice(best.text, best)
    if meta_title:
        return TitleChoice(_strip_site_suffix(meta_title), None)
    if _shown_broken(lines[:body_start], longest):
        return TitleChoice(longest, None)
    if best is not None:
        return TitleChoice(best.text, best)
    above = _line_above_body(lines, body_start)
    if above is not None:
        # <title> is not shown on the page (a generic "显示", the site name): the headline
        # is the line just above the article text.
        return TitleChoice(above.text, above)
    heading = next(
        (
            line
            for line in lines
            if line.in_heading and line.chars >= _MIN_TITLE_CHARS and line.link_density < 0.5
        ),
        None,
    )
    if heading is not None:
        return TitleChoice(heading.text, heading)
    if parts:
        return TitleChoice(max(parts, key=len), None)
    return TitleChoice(html_title or None, None)


def _shown_broken(lines: list[Line], longest_part: str) -> bool:
    """Whether the page shows the longest <title> part broken over lines (<br> in a heading).

    Each piece is too short a share of the title to confirm it as a visible line does (and
    the first may be the site's name, another <title> part), but a piece of it above the
    article text shows that part is the headline.
    """
    whole = _key(longest_part)
    return len(whole) >= 2 * _MIN_PIECE_CHARS and any(
        _is_piece(_key(line.text), whole) for line in lines if line.link_density < 0.5
    )


def _is_piece(key: str, whole: str) -> bool:
    # Shorter than a share that `_shows_title` would take as the title shown on one line.
    return _MIN_PIECE_CHARS <= len(key) < _SHOWN_SHARE * len(whole) and key in whole


def _line_above_body(lines: list[Line], body_start: int | None) -> Line | None:
    """The first plausible headline among the few lines above the article text."""
    if body_start is None:
        return None
    for line in lines[max(0, body_start - _LINES_ABOVE_BODY) : body_start]:
        text = line.text
        if (
            _MIN_TITLE_CHARS <= len(text) <= _MAX_TITLE_CHARS
            and line.link_density < 0.5
            and not _ENDS_SENTENCE.search(text)
            and not _NOT_A_HEADLINE.search(text)
        ):
            return line
    return None


def _shows_title(key: str, target_keys: set[str]) -> bool:
    """Whether a visible line (as a key) shows one of the titles (whitespace and case aside)."""
    if not key:
        return False
    if key in target_keys:
        return True
    return len(key) >= 6 and any(
        t.startswith(key) and len(key) >= _SHOWN_SHARE * len(t) for t in target_keys
    )


def _title_rank(line: Line, meta_key: str) -> tuple[bool, int, bool]:
    # The line showing the meta headline (og:title, ArticleTitle) wins; otherwise the
    # headline is the longest part of <title> shown on the page (the site name is
    # shorter); a heading tag breaks ties.
    return (bool(meta_key) and _key(line.text) == meta_key, line.chars, line.in_heading)


def _strip_site_suffix(title: str) -> str:
    parts = [part for part in _TITLE_SEPARATORS.split(title) if part]
    return max(parts, key=len) if len(parts) > 1 else title


def _key(text: str) -> str:
    return re.sub(r"\W+", "", squash_spaces(text)).lower()
