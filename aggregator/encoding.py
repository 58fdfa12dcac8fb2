"""Turning fetched bytes into text without mojibake.

Chinese portals are unreliable about their charset: many serve GBK with no charset in the
Content-Type, some put `<meta charset>` after a kilobyte of head, some declare gb2312 and
send UTF-8, some have a header that lies. The rules, in order:

1. a byte-order mark wins;
2. bytes that are valid UTF-8 (with some non-ASCII) are UTF-8 whatever is declared — GBK
   text is almost never valid UTF-8, while UTF-8 decoded as GBK "succeeds" as mojibake;
3. the HTTP header charset, then a meta charset anywhere in the first 64 KiB, are used
   when they decode cleanly;
4. otherwise detection (charset-normalizer), and as a last resort whichever candidate
   decodes with the fewest errors.

GB2312 and GBK are decoded as GB18030, their superset, since sites labelled gb2312 use
characters outside it all the time.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_META_SCAN_BYTES = 64 * 1024
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
# The XML declaration, or an encoding attribute on the first element (archived captures
# such as the CWCED dataset wrap pages in `<text ... encoding="gb2312">`).
_XML_ENCODING = re.compile(rb"""^\s*<[?\w][^>]*?\sencoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Share of undecodable characters a declared charset may leave before we stop trusting it
# (real GBK pages carry the odd byte outside the code page).
_TOLERATED_ERROR_RATE = 0.001
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HIGH_PAIR = re.compile(rb"[\xa1-\xfe][\x40-\xfe]")
_MULTIBYTE = {
    "gb18030",
    "big5",
    "big5hkscs",
    "euc_kr",
    "euc_jp",
    "shift_jis",
    "cp932",
    "cp949",
    "cp950",
}
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312_80": "gb18030", "ascii": "utf-8"}


@dataclass(frozen=True)
class Decoded:
    """Text and the encoding it was decoded with, plus where that choice came from."""

    text: str
    encoding: str
    reason: str


def charset_from_content_type(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, if any."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def declared_in_document(content: bytes) -> str | None:
    """The charset a document declares for itself (XML declaration or HTML meta)."""
    head = content[:_META_SCAN_BYTES]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "ignore") if match else None


def decode(content: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML or XML document following the rules in the module docstring."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return Decoded(content.decode(encoding, errors="replace"), encoding, "bom")

    if _is_utf8(content):
        return Decoded(content.decode("utf-8", errors="replace"), "utf-8", "valid utf-8")

    candidates: list[tuple[str, str]] = []
    for reason, label in (
        ("http header", charset_from_content_type(content_type)),
        ("document declaration", declared_in_document(content)),
    ):
        encoding = normalize_encoding(label)
        if encoding and encoding != "utf-8":
            candidates.append((reason, encoding))
    for reason, encoding in candidates:
        text, errors = _decode_counting_errors(content, encoding)
        if errors <= max(1, len(text) * _TOLERATED_ERROR_RATE):
            return Decoded(text, encoding, reason)

    detected = normalize_encoding(_detect(content))
    if detected not in _MULTIBYTE and _looks_like_gb2312(content):
        # Detectors often name a single-byte code page for short GBK pages; GB2312 byte
        # pairs are distinctive enough to overrule them.
        detected = "gb18030"
    if detected:
        text, errors = _decode_counting_errors(content, detected)
        if errors <= max(1, len(text) * _TOLERATED_ERROR_RATE):
            return Decoded(text, detected, "detected")
        candidates.append(("detected", detected))

    candidates += [("fallback", "gb18030"), ("fallback", "utf-8")]
    best = min(candidates, key=lambda candidate: _decode_counting_errors(content, candidate[1])[1])
    text, _ = _decode_counting_errors(content, best[1])
    return Decoded(text, best[1], f"{best[0]} (fewest errors)")


def normalize_encoding(label: str | None) -> str | None:
    """Python's codec name for a charset label, widened to its superset; None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _is_utf8(content: bytes) -> bool:
    if content.isascii():
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return _is_utf8_cut_short(content)
    return True


def _is_utf8_cut_short(content: bytes) -> bool:
    """Valid UTF-8 but for a character cut at the end (a size-limited or truncated body)."""
    try:
        content[:-3].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return len(content) > 3


def _looks_like_gb2312(content: bytes) -> bool:
    """Whether the non-ASCII bytes are mostly GB2312 pairs (both bytes in 0xA1-0xFE)."""
    pairs = _HIGH_PAIR.findall(content)
    if not pairs:
        return False
    in_gb2312 = sum(1 for pair in pairs if pair[1] >= 0xA1)
    return in_gb2312 >= 0.9 * len(pairs)


def _decode_counting_errors(content: bytes, encoding: str) -> tuple[str, int]:
    text = content.decode(encoding, errors="replace")
    return text, text.count("\ufffd")


def _detect(content: bytes) -> str | None:
    best = from_bytes(content[:200_000]).best()
    return best.encoding if best else None
