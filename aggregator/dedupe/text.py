"""Article text and titles reduced to what two copies of one article share.

A repost differs from its original in ways that say nothing about the article: full-width or
half-width punctuation, other paragraph breaks, a different source line or byline, an
editor's note, a "阅读原文" tail, a 【转载】 prefix or a site suffix in the title. We drop those
here so that the comparison in `match` sees only the article: punctuation and whitespace go
entirely (so width and line breaks cannot matter), and whole lines that are credits or
page furniture go when they are short and start with a known label.

What is left is a sequence of tokens: every CJK character is a token of its own (Chinese has
no spaces), every run of letters of other scripts is one lower-cased token, and so is every run of
digits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

import numpy as np

# Characters written without spaces between words: each one is a token.
_CJK_RANGES = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
_TOKEN = re.compile(rf"[{_CJK_RANGES}]|[^\W\d_{_CJK_RANGES}]+|\d+")
_COMPATIBILITY_FORMS = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u2460-\u24ff\u3000]")

# Labels that open a credit or page-furniture line: "来源：湖南日报", "责任编辑：张三",
# "发布时间：2024-05-03 来源：新华网 作者：李四", "字号：大 中 小". Generic labels such as
# 时间/地点 are left out on purpose: in a notice they introduce the very fields that tell two
# notices of one template apart.
_META_LABELS = (
    "来源|稿源|文章来源|信息来源|新闻来源|稿件来源|内容来源|消息来源|来源于|出处|转载自|本文转载自"
    "|本文来源|图片来源|图源|原标题|原文链接|原文地址|作者|记者|通讯员|撰稿|撰文|摄影|摄像|视频"
    "|责任编辑|责编|编辑|主编|审核|审校|审签|校对|终审|初审|复审|监制|值班编辑|编审"
    "|发布时间|发布日期|发表时间|发表日期|更新时间|时间来源|上传时间|录入时间|刊发时间"
    "|浏览次数|浏览量|点击数|点击量|点击率|阅读数|阅读量|访问量|访问次数|字号|字体|分享到|分享"
    "|打印|关闭|扫一扫|纠错|【?打印本页"
)
_META_LINE = rf"[\s【\[（(<《]*(?:{_META_LABELS})\s*(?:[:：|｜/]|\s|$)"
# Latin-script credit lines need the colon: "Source: Reuters", "Updated: May 3, 2024".
_META_LINE_LATIN = (
    r"\s*(?:source|sources|credit|credits|photo|photos|image|editing by|reporting by"
    r"|published|updated|posted|filed)\s*:"
)
_META_LINE_MAX = 80

# A whole paragraph that is an editor's note or a repost notice.
_NOTE_PARAGRAPH = (
    r"[\s【\[（(<《]*(?:编者按|编者的话|编者注|编辑按|编辑注|编者|按语|导读|本文转载|转载说明"
    r"|版权声明|免责声明|声明|editor['’]?s['’]? note|note from the editors?)"
    r"(?:\s*[】\]）)>》]\s*[:：]?|\s*[:：])"
)
# Both kinds of line in one anchored match per line (a body has dozens of lines): `note`
# is furniture at any length, `credit` only up to _META_LINE_MAX characters. The note is
# tried first, so a line that could be read as either is a note. Case is ignored for the
# Latin labels; the Chinese ones have none.
_FURNITURE_LINE = re.compile(
    rf"(?P<note>{_NOTE_PARAGRAPH})|(?P<credit>{_META_LINE}|{_META_LINE_LATIN})", re.IGNORECASE
)

# The tail of an excerpt: "阅读原文", "点击查看全文>>", "原文链接：…".
_EXCERPT_TAIL = re.compile(
    r"(?:点击|点此|请)?(?:阅读|查看|浏览|进入)(?:原文|全文|详情|更多)|原文链接|全文链接|详见原文"
    r"|\b(?:read (?:more|the full (?:story|article))|continue reading|full story)\b",
    re.IGNORECASE,
)
_EXCERPT_TAIL_MAX = 40
# Only a link among the last lines ends an excerpt; one mid-text is just a stray link.
_EXCERPT_TAIL_LINES = 3

# Bracketed credits inside a paragraph: "（来源：新华社）", "【责任编辑：张三】", "(编辑 李四)".
_INLINE_CREDIT = re.compile(
    r"[【\[（(](?:来源|稿源|责任编辑|责编|编辑|校对|审核|作者|记者|通讯员|摄影|图片来源)"
    r"[^】\]）)]{0,40}[】\]）)]"
)
# End marks of wire copy: "（完）", "【完】", "-END-". Written to open with one class of
# characters (the lookbehinds tell which alternative began) so that the regex engine skips
# to the next bracket or dash instead of trying every alternative at every position of the
# body: ~30x faster, the same matches as `[【\[（(]\s*(?:完|终|end)\s*[】\]）)]|-+\s*end\s*-+`.
_END_MARK = re.compile(
    r"[【\[（(\-](?:(?<=[【\[（(])\s*(?:完|终|end)\s*[】\]）)]|(?<=-)-*\s*end\s*-+)", re.IGNORECASE
)
# A line that is only a date and/or time near the top is the page's publication time
# ("2024-05-03 10:23"); further down, as the date of a notice, it is content.
_DATE_LINE_LEADING = 3
_DATE_LINE = re.compile(
    r"^[\s\d年月日时分秒:：/.\-]*\d{4}\s*[年\-/.]\s*\d{1,2}[\s\d年月日时分秒:：/.\-]*$"
)

# Title furniture: leading tags such as 【转载】, [原创], 转载：, and site suffixes after a
# separator ("标题_湖南省人民政府门户网站", "标题 - 新华网", "标题|人民网").
_TITLE_TAG = re.compile(
    r"^\s*(?:[【\[（(<《][^】\]）)>》]{1,8}[】\]）)>》]|转载\s*[:：]|转\s*[:：])\s*"
)
_TITLE_SEPARATOR = re.compile(r"\s*(?:_|\||｜|\s[-—–－]+\s|——|--)\s*")
_TITLE_MIN_CHARS = 4


@dataclass(frozen=True)
class TokenSpans:
    """Where the tokens of a text are: start and end (exclusive) indices, and their kind.

    The fingerprint reads these rather than token strings: made with numpy over the code
    points, they cost a fraction of the token regex, which was most of a text's
    normalization; a token string is cut out only where it is needed (words, numbers).
    """

    starts: np.ndarray
    ends: np.ndarray
    kinds: np.ndarray  # CJK, LETTERS or DIGITS

    def __len__(self) -> int:
        return len(self.starts)


# The kinds of character, as the token regex's alternatives tell them apart.
OTHER, CJK, LETTERS, DIGITS = 0, 1, 2, 3
_CHARACTER_KINDS = (
    (CJK, re.compile(rf"[{_CJK_RANGES}]")),
    (LETTERS, re.compile(rf"[^\W\d_{_CJK_RANGES}]")),
    (DIGITS, re.compile(r"\d")),
)


@dataclass(frozen=True)
class NormalizedText:
    """The comparable form of one article body: its lower-cased text without furniture,
    read as tokens (each CJK character, each run of other letters, each run of digits)."""

    body: str

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        return _tokens(self.body)

    @cached_property
    def points(self) -> np.ndarray:
        """The body's code points (uint32): what the spans and the token ids are read from."""
        return np.frombuffer(self.body.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)

    @cached_property
    def spans(self) -> TokenSpans:
        """The same tokens as `tokens`, as spans: see `TokenSpans`."""
        return _token_spans(self.points)

    @property
    def length(self) -> int:
        return len(self.spans)


def normalize_text(text: str) -> NormalizedText:
    """The tokens that identify the article in `text`, without page furniture.

    Not cached here: `fingerprint.shingled` caches what is made of it, without the tokens.
    """
    text = text or ""
    if _COMPATIBILITY_FORMS.search(text):
        # Full-width letters and digits (ＡＢＣ１２３) become ASCII. Punctuation needs no
        # folding: it is dropped below, whatever its width.
        text = _nfkc(text)
    lines = [stripped for line in text.splitlines() if (stripped := line.strip())]
    kept: list[str] = []
    for index, line in enumerate(lines):
        tail = _excerpt_tail(line) if len(line) <= _EXCERPT_TAIL_MAX else None
        if tail:
            if index >= len(lines) - _EXCERPT_TAIL_LINES:
                # Everything from the link on is the excerpting site's, not the article's.
                if head := line[: tail.start()].strip():
                    kept.append(head)
                break
            continue
        if not _is_furniture(line, leading=index < _DATE_LINE_LEADING):
            kept.append(line)
    body = _END_MARK.sub(" ", _INLINE_CREDIT.sub(" ", "\n".join(kept))).lower()
    return NormalizedText(body)


def _nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), in a tenth of the time for the usual text.

    The usual text to fold is Chinese with full-width punctuation, where NFKC rewrites the
    whole string character by character. The full-width forms (U+FF01-FF5E) and the
    ideographic space decompose to one ASCII character each, so replacing them with it first
    (numpy, over the code points) leaves the NFKC form unchanged; what remains is mostly
    already NFKC, which `is_normalized` tells quickly. Anything else goes to NFKC as before.
    """
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    full_width = (points >= 0xFF01) & (points <= 0xFF5E)
    points[full_width] -= np.uint32(0xFEE0)
    points[points == 0x3000] = 0x20
    folded = points.tobytes().decode("utf-32-le", "surrogatepass")
    if unicodedata.is_normalized("NFKC", folded):
        return folded
    return unicodedata.normalize("NFKC", folded)


def _tokens(text: str) -> tuple[str, ...]:
    # Single CJK characters, runs of other letters, runs of digits: "jpg2014" is two tokens,
    # so a number that lost the space or line break before it still compares equal.
    return tuple(_TOKEN.findall(text))


def _token_spans(points: np.ndarray) -> TokenSpans:
    # A token is a CJK character, or a maximal run of letters or of digits: the kind of
    # each character decides it, as in the regex (`_tokens`), which a test holds us to.
    kinds = _kinds_of(points)
    # cut[i]: tokens part just before character i -- at either end, where the kind changes,
    # and around every CJK character.
    cut = np.ones(kinds.size + 1, dtype=bool)
    np.not_equal(kinds[1:], kinds[:-1], out=cut[1:-1])
    single = kinds == CJK
    cut[:-1] |= single
    cut[1:] |= single
    in_token = kinds != OTHER
    starts = np.flatnonzero(cut[:-1] & in_token)
    ends = np.flatnonzero(cut[1:] & in_token) + 1
    return TokenSpans(starts=starts, ends=ends, kinds=kinds[starts])


def _kinds_of(points: np.ndarray) -> np.ndarray:
    kinds = _basic_plane_kinds().take(points, mode="clip")  # beyond the plane: see below
    if points.size and points.max() > 0xFFFF:
        for index in np.flatnonzero(points > 0xFFFF).tolist():
            kinds[index] = _kind_of(chr(int(points[index])))
    return kinds


@cache
def _basic_plane_kinds() -> np.ndarray:
    """The kind of every character of the basic multilingual plane, made once (~20 ms)."""
    plane = "".join(map(chr, range(0x10000)))
    table = np.zeros(0x10000, dtype=np.int8)
    for kind, pattern in _CHARACTER_KINDS:
        marked = pattern.sub("\0", plane).encode("utf-32-le", "surrogatepass")
        table[np.frombuffer(marked, dtype=np.uint32) == 0] = kind
    table[0] = OTHER  # the marker itself
    return table


@lru_cache(maxsize=4096)
def _kind_of(character: str) -> int:
    return next((kind for kind, p in _CHARACTER_KINDS if p.fullmatch(character)), OTHER)


def _excerpt_tail(line: str) -> re.Match[str] | None:
    # Every tail holds one of these words (the Latin ones in any case, and no character but
    # an ASCII capital matches r, e, a, d, f, u or l ignoring case): a line without any
    # cannot hold one, and the substring tests cost a tenth of the regex's search.
    if (
        "原文" in line
        or "全文" in line
        or "详情" in line
        or "更多" in line
        or "read" in (lowered := line.lower())
        or "full" in lowered
    ):
        return _EXCERPT_TAIL.search(line)
    return None


def _is_furniture(line: str, leading: bool) -> bool:
    """Whether a stripped, non-empty line is a note, a credit, a date or an ornament."""
    found = _FURNITURE_LINE.match(line)
    if found and (found.lastgroup == "note" or len(line) <= _META_LINE_MAX):
        return True
    if leading and _DATE_LINE.match(line):
        return True
    # A line with no letter or digit at all: rules, ornaments, lone punctuation.
    return not (line[0].isalnum() or any(ch.isalnum() for ch in line))


def normalize_title(title: str | None) -> str:
    """The words of a title that every copy of the article shares (lower-cased, no punctuation).

    Leading tags (【转载】, [原创]) go; of the parts around a site separator the first one is
    the title proper, provided it is long enough to be one.
    """
    text = unicodedata.normalize("NFKC", title or "").strip()
    previous = None
    while previous != text:
        previous, text = text, _TITLE_TAG.sub("", text, count=1)
    parts = [part for part in _TITLE_SEPARATOR.split(text) if part.strip()]
    if len(parts) > 1 and len(_compact(parts[0])) >= _TITLE_MIN_CHARS:
        text = parts[0]
    return _compact(text)


def _compact(text: str) -> str:
    return "".join(_tokens(text.lower()))


def titles_agree(first: str | None, second: str | None) -> bool:
    """Whether two titles name the same article, allowing a few words added or dropped.

    The character-bigram overlap of the shorter title with the longer one must be high; a
    missing title never agrees.
    """
    a, b = normalize_title(first), normalize_title(second)
    if len(a) < _TITLE_MIN_CHARS or len(b) < _TITLE_MIN_CHARS:
        return False
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    short_bigrams = {shorter[i : i + 2] for i in range(len(shorter) - 1)}
    long_bigrams = {longer[i : i + 2] for i in range(len(longer) - 1)}
    return len(short_bigrams & long_bigrams) >= 0.9 * len(short_bigrams) and (
        len(shorter) >= 0.6 * len(longer)
    )
