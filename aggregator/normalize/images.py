"""Images of the article body, with absolute URLs and captions.

Lazy-loading templates keep the real address in data-src / data-original; icons, spacers
and tracking pixels are skipped. A caption is a figcaption, else a short line in the same
block as the image, else the next block when it reads like a caption (centred, named like
one, or ending in a photo credit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml.html import HtmlElement

from aggregator.models import Image
from aggregator.normalize.lines import BLOCK_TAGS, squash_spaces

_SOURCE_ATTRIBUTES = ("data-src", "data-original", "data-lazy-src", "data-url", "src")
_ICON_NAMES = re.compile(
    r"spacer|blank|pixel|icon|logo|loading|share|qrcode|erweima|\.svg$", re.IGNORECASE
)
_CAPTION_NAMES = re.compile(
    r"caption|desc|note|pic[-_]?(?:text|title|info)|img[-_]?(?:text|title)|tuzhu", re.IGNORECASE
)
_CENTERED = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
_PHOTO_CREDIT_END = re.compile(
    r"(?:摄|摄影|供图|图片来源\S*|photo\S*|reporter\s+[A-Z][\w\s]+)\s*[)）]?$", re.IGNORECASE
)
_MAX_CAPTION_CHARS = 300
# A centred block or one named like a caption may be longer (translated captions are).
_MAX_MARKED_CAPTION_CHARS = 600
_MIN_SIDE = 40


@dataclass(frozen=True)
class FoundImage:
    image: Image
    caption_element: HtmlElement | None


def article_images(parts: tuple, base_url: str | None) -> list[FoundImage]:
    """The images inside the body's parts (elements), in order, without duplicates."""
    found: list[FoundImage] = []
    seen: set[str] = set()
    imgs = [img for part in parts if isinstance(part, HtmlElement) for img in part.iter("img")]
    for img in imgs:
        src = image_source(img)
        if not src or src.startswith("data:") or _ICON_NAMES.search(src) or _is_tiny(img):
            continue
        absolute = urljoin(base_url, src) if base_url else src
        if absolute in seen:
            continue
        seen.add(absolute)
        caption, element = _caption(img)
        found.append(FoundImage(Image(absolute, caption), element))
    return found


def image_source(img: HtmlElement) -> str | None:
    for name in _SOURCE_ATTRIBUTES:
        value = (img.get(name) or "").strip()
        if value:
            return value
    return None


def _is_tiny(img: HtmlElement) -> bool:
    for name in ("width", "height"):
        value = (img.get(name) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < _MIN_SIDE:
            return True
    return False


def _caption(img: HtmlElement) -> tuple[str | None, HtmlElement | None]:
    figure = next((a for a in img.iterancestors("figure")), None)
    if figure is not None:
        caption = figure.find(".//figcaption")
        if caption is not None and squash_spaces(caption.text_content()):
            return squash_spaces(caption.text_content()), caption
    block = next((a for a in img.iterancestors() if a.tag in BLOCK_TAGS), None)
    if block is not None:
        text = squash_spaces(block.text_content())
        if text and len(text) <= _MAX_CAPTION_CHARS and len(block.findall(".//img")) == 1:
            return text, block
        if not text:
            following = block.getnext()
            if (
                following is not None
                and isinstance(following.tag, str)
                and _reads_like_caption(following)
            ):
                return squash_spaces(following.text_content()), following
    alt = squash_spaces(img.get("alt") or img.get("title") or "")
    return (alt if len(alt) >= 4 else None), None


def _reads_like_caption(element: HtmlElement) -> bool:
    text = squash_spaces(element.text_content())
    if not text or len(text) > _MAX_MARKED_CAPTION_CHARS or element.find(".//img") is not None:
        return False
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    centred = (element.get("align") or "").lower() == "center" or bool(
        _CENTERED.search(element.get("style") or "")
    )
    if _CAPTION_NAMES.search(names) or centred:
        return True
    return len(text) <= _MAX_CAPTION_CHARS and bool(_PHOTO_CREDIT_END.search(text))
