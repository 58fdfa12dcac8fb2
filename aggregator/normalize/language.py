"""The article's language as a BCP 47 tag.

The `lang` attribute is often a template default (`lang="en"` on Chinese portals), so it is
trusted only when the text agrees with it; otherwise the script of the body decides: mostly
Han characters is Chinese (zh-CN, the sources this tool is for), mostly Latin letters is
English.
"""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_HAN_SHARE = 0.3
_MIN_LETTERS = 20


def article_language(declared: str | None, text: str) -> str | None:
    han = len(_HAN.findall(text))
    latin_words = len(re.findall(r"[A-Za-z]+", text))
    letters = han + latin_words
    if letters < _MIN_LETTERS:
        return declared
    detected = "zh" if han >= _HAN_SHARE * letters else "en" if _LATIN.search(text) else None
    if declared and detected and declared.lower().split("-")[0] == detected:
        return declared
    return {"zh": "zh-CN", "en": "en"}.get(detected or "", declared)
