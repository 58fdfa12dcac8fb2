"""Finding the article list on a page that has no feed, without selectors.

A list page is mostly chrome — navigation, column menus, "hot" sidebars, footers — around
one repeated block of article links. The block shows itself by repetition: sibling
records (``li``, ``tr``, ``div``…) of one container, each holding a link at the same
place, to URLs of the same shape (``art_#_#.html``, ``t#_#.html``, ``c_#.htm``). So:

1. collect the links that could be articles (http(s), on the site, not "more", paging,
   login or sharing links);
2. find each link's record: the nearest ancestor that has a sibling of the same tag
   holding a link of the same URL template; its parent is the list's container;
3. group links by (container, record tag, path from record to link, URL template) —
   one "column" of one list — and score each column: many links, titles of real length,
   URLs carrying ids or dates, dates beside the links, and not inside a nav, header,
   footer or sidebar;
4. take the best column, merge the same column of split or nested copies of the list,
   and fill in records of the chosen list whose title link has another shape (a photo
   set among articles).

Pure functions over an lxml tree; the caller resolves URLs and applies site rules via
`collect_anchors`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from lxml.html import HtmlElement

from aggregator.dates import parse_datetime, to_iso
from aggregator.urls import canonical_url, is_http_url

# Link texts that are never article titles: "more", paging, account and sharing links.
_UTILITY_TEXT = re.compile(
    r"^(?:[>»›<«‹\s]*"
    r"(?:更多|更多内容|查看更多|more|read more|详细|详情|全文|"
    r"首页|尾页|末页|上一页|下一页|上页|下页|前页|后页|上一頁|下一頁|第\s*\d+\s*页|"
    r"first|last|prev|previous|next|next page|older|newer|"
    r"登录|登陆|注册|退出|注销|login|log in|logout|sign in|sign up|register|"
    r"分享|分享到|微博|新浪微博|微信|qq空间|qq|豆瓣|人人网|facebook|twitter|weibo|wechat|"
    r"打印|关闭|关闭窗口|返回|返回顶部|收藏|加入收藏|设为首页|top|\d+)"
    r"[>»›<«‹\s]*)$",
    re.IGNORECASE,
)
_NON_PAGE_SCHEMES = ("javascript:", "mailto:", "tel:", "sms:", "data:", "#")
_BULLETS = "·•●○■□◆◇▪▫▶►>»›-—*"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_ID_TOKEN = re.compile(r"[A-Za-z0-9]*\d[A-Za-z0-9]*")
_LIST_FILE = re.compile(r"(?:index|default|list|main|home)(?:[_-]\d+)?\.\w+", re.IGNORECASE)
_DATE_IN_URL = re.compile(r"(?:19|20)\d{2}(?:[-/_]?\d{1,2}){2}|(?:19|20)\d{2}[-/_]?[01]\d")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# A date as lists print it: 2023-02-14, 2023/2/14, 2023.02.14, 2023年2月14日, with an
# optional time. Year-less dates ("02-14") are left out: guessing the year is worse
# than no fallback date.
_LIST_DATE = re.compile(
    r"(?<!\d)(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}\s*[:：时]\s*\d{1,2}(?:\s*[:：分]\s*\d{1,2})?)?(?!\d)"
)
# Where links are chrome, not content: a strong and a mild penalty, matched on the tag
# names and the id/class words of a list's container and its ancestors.
_CHROME_WORDS = _word_set(
    "nav navbar navigation menu menus dh daohang header head footer foot breadcrumb "
    "breadcrumbs crumb crumbs position location copyright share login topbar toolbar "
    "sitemap friendlink friendlinks yqlj"
)
_SIDE_WORDS = _word_set("side sidebar aside rank ranking hot related recommend tuijian")
_CHROME_TAGS = frozenset({"nav", "header", "footer"})
_CHROME_PENALTY = 0.1
_SIDE_PENALTY = 0.5
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
# A list is only taken when most of its links read like titles.
_MIN_TITLE_SHARE = 0.5
_MIN_LINKS = 2
# Columns whose score is this close to the best are scored again with dates.
_RESCORE_SHARE = 0.25
# Class names that say how an element is laid out, not what it is.
_LAYOUT_CLASSES = _word_set(
    "clearfix cf clear fl fr left right first last odd even active on cur current hover"
)
# A text this short holding a date is a date column, not prose mentioning a date.
_SHORT_TEXT = 40
_ANY = "*"  # template key matching every link, to find records without a URL shape


@dataclass(frozen=True)
class Anchor:
    """A link that may point to an article.

    `title` is what the list calls it (text, or the `title` attribute when the text is cut
    or missing); `titled` says whether its visible text reads as a title; `kind` joins
    that to the URL template — links of one list column share a kind, so a record's title
    link is not mistaken for the icon links beside it.
    """

    element: HtmlElement
    url: str
    title: str
    titled: bool
    template: str
    order: int

    @property
    def kind(self) -> str:
        return f"{self.template} {'T' if self.titled else '-'}"


@dataclass
class _Column:
    container: HtmlElement
    record_tag: str
    relpath: str
    template: str
    members: list[tuple[Anchor, HtmlElement]] = field(default_factory=list)
    score: float = 0.0

    @property
    def signature(self) -> tuple[str, str, str]:
        return (self.record_tag, self.relpath, self.template)


@dataclass(frozen=True)
class FoundLink:
    """An article link chosen from the page, with the record it sits in."""

    anchor: Anchor
    record: HtmlElement | None


def collect_anchors(
    elements: Iterable[HtmlElement],
    base_url: str,
    keep: Callable[[str], bool],
) -> list[Anchor]:
    """The `a` elements that may be article links, in document order.

    `keep` decides on the canonical URL (http(s), site, include/exclude); links without a
    usable href and "more", paging, login or sharing links are dropped here.
    """
    anchors = []
    for order, element in enumerate(elements):
        href = (element.get("href") or "").strip()
        if not href or href.lower().startswith(_NON_PAGE_SCHEMES):
            continue
        try:
            url = canonical_url(href, base_url)
        except ValueError:
            continue
        if not is_http_url(url) or not keep(url):
            continue
        text = clean_text(element.text_content())
        title = anchor_title(element)
        if title and _UTILITY_TEXT.match(title):
            continue
        anchors.append(Anchor(element, url, title, is_title_like(text), url_template(url), order))
    return anchors


def anchor_title(element: HtmlElement) -> str:
    """The title a list gives a link: its text, or the full `title` attribute when cut short."""
    text = clean_text(element.text_content())
    attribute = clean_text(element.get("title") or "")
    if attribute and (not text or _is_cut_from(text, attribute)):
        return attribute
    if not text:
        alts = [clean_text(img.get("alt") or "") for img in element.iter("img")]
        text = next((alt for alt in alts if alt), "")
    return text


def clean_text(text: str) -> str:
    """Whitespace collapsed, list bullets removed."""
    return " ".join(text.split()).strip(_BULLETS + " ")


def url_template(url: str) -> str:
    """The shape of a URL's path and query: every token holding a digit becomes ``#``."""
    parts = urlsplit(url)
    path = _ID_TOKEN.sub("#", parts.path)
    query = "&".join(
        f"{key}={_ID_TOKEN.sub('#', value)}" for key, value in parse_qsl(parts.query, True)
    )
    return f"{path}?{query}" if query else path


def is_title_like(title: str) -> bool:
    """Whether a link text is long enough to be an article title rather than a menu item."""
    cjk = len(_CJK.findall(title))
    words = len(_LATIN_WORD.findall(title))
    return cjk >= 6 or words >= 4 or (cjk >= 3 and cjk + words >= 6)


def find_article_links(anchors: list[Anchor]) -> tuple[list[FoundLink], str]:
    """The links of the page's article list, in document order, and a note on the choice."""
    index = _kinds_below(anchors)
    columns = _columns(anchors, index)
    best = _best(columns) if columns else None
    if best is None or not _acceptable(best) or _region_factor(best.container) < 1:
        # A list of one (the last page) has no repetition to show; a sidebar list must not
        # win over it.
        lone = _lone_links(anchors, columns)
        if lone:
            return lone, f"no repeated list; {len(lone)} lone dated article links"
        if best is None or not _acceptable(best):
            return [], "no list of article-like links found"
    merged = [c for c in columns[1:] if c.signature == best.signature and _belongs(c, best)]
    containers = {best.container, *(c.container for c in merged)}
    # Other links of the same list and URL shape that read as titles (pinned items).
    alike = [
        c
        for c in columns[1:]
        if c not in merged
        and c.container in containers
        and c.template == best.template
        and _title_share(c) >= _MIN_TITLE_SHARE
    ]
    found: dict[str, FoundLink] = {}
    for column in [best, *merged, *alike]:
        for anchor, record in column.members:
            seen = found.get(anchor.url)
            # An image link and a text link to one article: keep the one with a title.
            if seen is None or (not seen.anchor.titled and anchor.titled):
                found[anchor.url] = FoundLink(anchor, record)
    for link in _fill_in([best, *merged], anchors, found):
        found.setdefault(link.anchor.url, link)
    links = sorted(found.values(), key=lambda link: link.anchor.order)
    note = (
        f"list of {len(links)} links at {_describe(best.container)}"
        f" > {best.record_tag} (score {best.score:.1f})"
    )
    return links, note


def _best(columns: list[_Column]) -> _Column:
    """Score every column and sort them best first; dates are read for the leaders only."""
    for column in columns:
        column.score = _score(column, with_dates=False)
    columns.sort(key=lambda column: column.score, reverse=True)
    top = columns[0].score
    for column in columns:
        if column.score >= top * _RESCORE_SHARE:
            column.score = _score(column, with_dates=True)
    columns.sort(key=lambda column: column.score, reverse=True)
    return columns[0]


def _lone_links(anchors: list[Anchor], columns: list[_Column]) -> list[FoundLink]:
    """Without a repeated list (a last page with one item): title links to article-like
    URLs, outside page chrome, with a date beside them."""
    in_columns = {
        anchor.element
        for column in columns
        if len({anchor.url for anchor, _ in column.members}) > 1
        for anchor, _ in column.members
    }
    lone = {}
    for anchor in anchors:
        parent = anchor.element.getparent()
        if (
            anchor.element in in_columns
            or not anchor.titled
            or parent is None
            or _url_articleness(anchor.url) < 0.7
            or _region_factor(parent) < 1
            or listed_date(parent, anchor.element, "UTC") is None
        ):
            continue
        lone.setdefault(anchor.url, FoundLink(anchor, parent))
    return list(lone.values())


def record_finder(root: HtmlElement) -> Callable[[HtmlElement], HtmlElement | None]:
    """A function giving the repeated record around a link (chosen by selector), for dates."""
    index: dict[HtmlElement, set[str]] = defaultdict(set)
    for anchor in root.iter("a"):
        index[anchor].add(_ANY)
        for ancestor in anchor.iterancestors():
            index[ancestor].add(_ANY)

    def record_of(element: HtmlElement) -> HtmlElement | None:
        found = _record_and_container(element, _ANY, index)
        return found[0] if found else None

    return record_of


def listed_date(record: HtmlElement | None, anchor: HtmlElement, timezone: str) -> str | None:
    """The date printed beside a link in its list record, ISO 8601 with offset.

    A ``<time datetime>`` wins; then a date standing in a short text of its own (a
    ``<span>``, a table cell) over one inside running text such as a summary; then the text
    after the record, where lists that are bare links keep their dates.
    """
    pieces = _record_texts(record, anchor) if record is not None else []
    if record is None or record is anchor:
        pieces.append(_following_text(anchor if record is None else record))
    for machine in _machine_dates(record, anchor) if record is not None else []:
        moment = parse_datetime(machine, timezone)
        if moment is not None:
            return to_iso(moment)
    short = [piece for piece in pieces if len(piece.strip()) <= _SHORT_TEXT]
    long = [piece for piece in pieces if len(piece.strip()) > _SHORT_TEXT]
    if record is not None and record is not anchor:
        long.append(_following_text(record))
    for text in short + long:
        for match in _LIST_DATE.finditer(text):
            moment = parse_datetime(match.group(0), timezone)
            if moment is not None:
                return to_iso(moment)
    return None


def _record_texts(record: HtmlElement, anchor: HtmlElement) -> list[str]:
    """The text pieces of a record outside the link itself, in document order."""
    inside = {anchor, *anchor.iterdescendants()}
    pieces = []
    for element in record.iter():
        if element not in inside and isinstance(element.tag, str) and element.text:
            pieces.append(element.text)
        if element is not record and element.getparent() not in inside and element.tail:
            pieces.append(element.tail)
    return pieces


def _machine_dates(record: HtmlElement, anchor: HtmlElement) -> list[str]:
    inside = {anchor, *anchor.iterdescendants()}
    return [
        element.get("datetime") or ""
        for element in record.iter("time")
        if element not in inside and element.get("datetime")
    ]


def _following_text(record: HtmlElement) -> str:
    """Text after a record up to the next record of its kind (dates kept in a sibling)."""
    parts = [record.tail or ""]
    for sibling in record.itersiblings():
        if sibling.tag == record.tag or len(parts) > 3:
            break
        if isinstance(sibling.tag, str):
            parts.append(sibling.text_content())
        parts.append(sibling.tail or "")
    return " ".join(parts)


def _is_cut_from(text: str, full: str) -> bool:
    stem = text.rstrip(".…。 ")
    return len(full) > len(stem) and bool(stem) and full.startswith(stem[: max(1, len(stem) - 1)])


def _kinds_below(anchors: list[Anchor]) -> dict[HtmlElement, set[str]]:
    """For every element, the kinds (URL template, title or not) of candidate links inside."""
    index: dict[HtmlElement, set[str]] = defaultdict(set)
    for anchor in anchors:
        index[anchor.element].add(anchor.kind)
        for ancestor in anchor.element.iterancestors():
            index[ancestor].add(anchor.kind)
    return index


def _record_and_container(
    element: HtmlElement, kind: str, index: dict[HtmlElement, set[str]]
) -> tuple[HtmlElement, HtmlElement] | None:
    """The nearest ancestor-or-self with a same-tag sibling holding a link of the same kind."""
    node = element
    while (parent := node.getparent()) is not None:
        for sibling in parent:
            if sibling is not node and sibling.tag == node.tag and kind in index.get(sibling, ()):
                return node, parent
        node = parent
    return None


def _columns(anchors: list[Anchor], index: dict[HtmlElement, set[str]]) -> list[_Column]:
    columns: dict[tuple[HtmlElement, str, str, str], _Column] = {}
    for anchor in anchors:
        found = _record_and_container(anchor.element, anchor.kind, index)
        if not found:
            continue
        record, container = found
        relpath = _relative_path(anchor.element, record)
        key = (container, record.tag, relpath, anchor.template)
        if key not in columns:
            columns[key] = _Column(container, record.tag, relpath, anchor.template)
        columns[key].members.append((anchor, record))
    return list(columns.values())


def _relative_path(element: HtmlElement, record: HtmlElement) -> str:
    tags = [element.tag]
    node = element
    while node is not record and (node := node.getparent()) is not None:
        tags.append(node.tag)
    return "/".join(reversed(tags))


def _score(column: _Column, *, with_dates: bool) -> float:
    urls = {anchor.url for anchor, _ in column.members}
    titles = [anchor.title for anchor, _ in column.members]
    # The same words on every link ("new reply", a tooltip) are labels, not titles.
    variety = len(set(titles)) / len(titles)
    url_shape = sum(_url_articleness(url) for url in urls) / len(urls)
    score = (
        len(urls)
        * (0.1 + _title_share(column))
        * (0.2 + 0.8 * variety)
        * (0.25 + url_shape)
        * _region_factor(column.container)
    )
    if with_dates:
        dated = sum(
            1 for anchor, record in column.members if listed_date(record, anchor.element, "UTC")
        )
        score *= 1 + dated / len(column.members)
    return score


def _acceptable(column: _Column) -> bool:
    urls = {anchor.url for anchor, _ in column.members}
    return len(urls) >= _MIN_LINKS and _title_share(column) >= _MIN_TITLE_SHARE


def _title_share(column: _Column) -> float:
    return sum(anchor.titled for anchor, _ in column.members) / len(column.members)


def _url_articleness(url: str) -> float:
    """1 for URLs carrying an id or a date, 0 for column and index pages, in between else."""
    parts = urlsplit(url)
    path = parts.path
    last = path.rsplit("/", 1)[-1]
    if (path in ("", "/") and not parts.query) or (not last and not parts.query):
        return 0.0
    if _LIST_FILE.fullmatch(last):
        return 0.0
    if re.search(r"\d{3,}", f"{path}?{parts.query}") or _DATE_IN_URL.search(path):
        return 1.0
    return 0.7 if re.search(r"\d", last) else 0.4


def _region_factor(container: HtmlElement) -> float:
    factor = 1.0
    for element in [container, *container.iterancestors()]:
        words = {element.tag} | _words(element.get("class")) | _words(element.get("id"))
        if element.tag in _CHROME_TAGS or words & _CHROME_WORDS:
            factor = min(factor, _CHROME_PENALTY)
        elif element.tag == "aside" or words & _SIDE_WORDS:
            factor = min(factor, _SIDE_PENALTY)
    return factor


def _words(value: str | None) -> set[str]:
    return {word.lower() for word in _WORD_SPLIT.split(value or "") if word}


def _belongs(column: _Column, best: _Column) -> bool:
    """Whether `column` is the same list as `best`: split in parts, or nested in it."""
    mine, theirs = column.container, best.container
    if _same_kind(mine, theirs):
        parent, best_parent = mine.getparent(), theirs.getparent()
        if parent is best_parent:
            return True  # a list cut into several <ul>s side by side
        if (
            parent is not None
            and best_parent is not None
            and parent.getparent() is best_parent.getparent()
            and _same_kind(parent, best_parent)
        ):
            return True  # the same, one wrapper deeper
    ancestors = list(mine.iterancestors())[:3]
    if any(ancestor is theirs for ancestor in ancestors):
        # A nested copy (pinned items inside the first record): records of one kind.
        return bool(_record_classes(column) & _record_classes(best))
    return False


def _same_kind(one: HtmlElement, other: HtmlElement) -> bool:
    return one.tag == other.tag and _classes(one) == _classes(other)


def _record_classes(column: _Column) -> set[str]:
    names: set[str] = set()
    for _, record in column.members:
        names |= _classes(record) - _LAYOUT_CLASSES
    return names


def _classes(element: HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


def _fill_in(
    chosen: list[_Column], anchors: list[Anchor], found: dict[str, FoundLink]
) -> list[FoundLink]:
    """Title links of the chosen list's records that the best column missed.

    Elements are used as keys themselves (never their `id()`): lxml keeps one proxy per
    node only while it is referenced, so ids of dropped proxies get reused.
    """
    covered = {link.record for link in found.values() if link.record is not None}
    chosen_elements = {link.anchor.element for link in found.values()}
    inside: dict[HtmlElement, list[Anchor]] = defaultdict(list)
    for anchor in anchors:
        for ancestor in anchor.element.iterancestors():
            inside[ancestor].append(anchor)
    extra = []
    for column in chosen:
        for record in column.container:
            if record.tag != column.record_tag or record in covered:
                continue
            links = inside.get(record, [])
            if any(anchor.element in chosen_elements for anchor in links):
                continue
            titled = [anchor for anchor in links if anchor.titled]
            if titled:
                extra.append(FoundLink(max(titled, key=lambda anchor: len(anchor.title)), record))
                covered.add(record)
    return extra


def _describe(element: HtmlElement) -> str:
    classes = ".".join(sorted(_words(element.get("class"))))
    ident = element.get("id")
    return f"{element.tag}{'#' + ident if ident else ''}{'.' + classes if classes else ''}"
