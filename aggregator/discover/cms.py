"""The list pages of TRS WCM and Hanweb (大汉), the two CMSs behind most government portals.

Both hide what a plain link scan needs:

- TRS WCM writes its pager with a script call only, ``createPageHTML(countPage,
  currentPage, "index", "html")`` (newer templates put a pager element id first and the
  record count last). Page 0 is ``index.html``, page n is ``index_n.html``, relative to
  the list page.
- Hanweb's jpage component puts the first group of records inside
  ``<script type="text/xml"><datastore>…<recordset><record><![CDATA[<li>…</li>]]>
  </record>…</recordset></datastore></script>`` and fetches the rest from its data proxy
  (``/module/web/jpage/dataproxy.jsp``): a POST with ``startrecord``, ``endrecord`` and
  ``perpage`` in the query string and the column's parameters from the page's
  ``$('#id').jpage({… ajaxParam: {col, appid, webid, path, columnid, sourceContentType,
  unitid, webname, permissiontype}})`` call as form fields. One request returns
  ``perPage * groupSize`` records in the same ``<datastore>`` XML. Some templates instead
  give the next group as a GET link in ``<nextgroup>``.

Everything here reads text and returns values; nothing fetches.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin

from aggregator.discover.listpage import PageRequest

# More follow-up pages than this from one script pager would be a runaway loop, not a list.
MAX_SCRIPT_PAGES = 1000

_TRS_CALL = re.compile(r"(?<![\w.$])createPageHTML\s*\(")
_JPAGE_CALL = re.compile(r"""(?:\$|jQuery)\(\s*['"]#?([^'"]*)['"]\s*\)\s*\.jpage\(\s*(?=\{)""")
_RECORD = re.compile(r"<record\b[^>]*>(.*?)</record\s*>", re.S | re.I)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_NEXT_GROUP = re.compile(r"<nextgroup>(.*?)</nextgroup\s*>", re.S | re.I)
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)


# --- TRS WCM ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrsPager:
    """The arguments of a ``createPageHTML`` call: page count, current page (from 0), names."""

    count: int
    current: int
    name: str
    ext: str

    def page_name(self, index: int) -> str:
        """The file name of page `index` (0 is the first page)."""
        suffix = "" if index == 0 else f"_{index}"
        return f"{self.name}{suffix}.{self.ext}"


def find_trs_pager(scripts: Iterable[str]) -> TrsPager | None:
    """The TRS pager called in `scripts` (the page's script texts), if any."""
    texts = list(scripts)
    whole = "\n".join(texts)
    for text in texts:
        for match in _TRS_CALL.finditer(text):
            if re.search(r"function\s*$", text[: match.start()]):
                continue  # the function's own definition, not a call
            args = _call_arguments(text, match.end())
            pager = _trs_pager_from(args, whole)
            if pager:
                return pager
    return None


def trs_next_pages(pager: TrsPager, base_url: str) -> list[PageRequest]:
    """The pages after the current one, resolved against the list page's base URL."""
    last = min(pager.count, pager.current + 1 + MAX_SCRIPT_PAGES)
    return [
        PageRequest(urljoin(base_url, pager.page_name(index)))
        for index in range(pager.current + 1, last)
    ]


def _trs_pager_from(args: list[object], script_text: str) -> TrsPager | None:
    values = [_resolve_number(arg, script_text) if isinstance(arg, _Name) else arg for arg in args]
    numbers = [i for i, value in enumerate(values) if isinstance(value, int)]
    if len(numbers) < 2:
        return None
    count, current = values[numbers[0]], values[numbers[1]]
    names = [v for v in values[numbers[1] + 1 :] if isinstance(v, str)]
    if len(names) < 2 or not isinstance(count, int) or not isinstance(current, int):
        return None
    if count < 1 or current < 0 or not re.fullmatch(r"[\w.-]+", names[0] + names[1]):
        return None
    return TrsPager(count=count, current=current, name=names[0], ext=names[1])


def _resolve_number(name: _Name, script_text: str) -> int | None:
    match = re.search(
        rf"(?<![\w.]){re.escape(name.text)}\s*=\s*(\d+)(?=\s*(?:[;,\n]|//|/\*|$))", script_text
    )
    return int(match.group(1)) if match else None


# --- Hanweb jpage -------------------------------------------------------------------------


@dataclass(frozen=True)
class Datastore:
    """A Hanweb ``<datastore>``: record HTML fragments, the total count, a next-group link."""

    records: tuple[str, ...]
    total: int | None = None
    next_group: str | None = None


@dataclass(frozen=True)
class JpageCall:
    """The settings of a ``$('#id').jpage({...})`` call that matter for fetching more records."""

    target: str | None
    proxy_url: str | None
    per_page: int | None
    group_size: int | None
    total: int | None
    params: tuple[tuple[str, str], ...]


def is_datastore_document(text: str) -> bool:
    """Whether `text` is a data-proxy answer (a bare ``<datastore>`` XML), not an HTML page."""
    head = text.lstrip("\ufeff \t\r\n")[:400].lower()
    return "<datastore" in head and "<html" not in head


def parse_datastore(text: str) -> Datastore | None:
    """The records of a ``<datastore>`` found in `text`, or None when there is none."""
    if "<datastore" not in text.lower():
        return None
    records = tuple(_unwrap(raw) for raw in _RECORD.findall(text))
    total_match = _TOTAL_RECORD.search(text)
    next_match = _NEXT_GROUP.search(text)
    next_group = None
    if next_match:
        href = _HREF.search(_unwrap(next_match.group(1)))
        next_group = html.unescape(href.group(1)).strip() if href else None
    return Datastore(
        records=tuple(record for record in records if record.strip()),
        total=int(total_match.group(1)) if total_match else None,
        next_group=next_group or None,
    )


def find_jpage_calls(scripts: Iterable[str]) -> list[JpageCall]:
    """Every jpage call in `scripts`, with its proxy URL, paging sizes and ``ajaxParam``."""
    calls = []
    for text in scripts:
        for match in _JPAGE_CALL.finditer(text):
            options = _JsReader(text, match.end()).read_value()
            if not isinstance(options, dict):
                continue
            params = options.get("ajaxParam")
            calls.append(
                JpageCall(
                    target=match.group(1) or None,
                    proxy_url=_as_text(options.get("proxyUrl")),
                    per_page=_as_int(options.get("perPage")),
                    group_size=_as_int(options.get("groupSize")),
                    total=_as_int(options.get("totalRecord")),
                    params=tuple(
                        (str(key), _form_value(value))
                        for key, value in (params.items() if isinstance(params, dict) else ())
                        if _form_value(value) is not None
                    ),
                )
            )
    return calls


def dataproxy_requests(
    call: JpageCall | None, store: Datastore, base_url: str
) -> tuple[list[PageRequest], str | None]:
    """The data-proxy requests for the groups after the one embedded in the page.

    Returns the requests and a note. Without a jpage call (or without its proxy URL) the
    datastore's ``<nextgroup>`` link is the only way on.
    """
    if call is None or not call.proxy_url:
        if store.next_group:
            return [PageRequest(urljoin(base_url, store.next_group))], "hanweb next group link"
        return [], None
    shown = len(store.records)
    per_page = call.per_page or shown or 1
    group = call.group_size or max(1, math.ceil(shown / per_page))
    step = per_page * group
    total = call.total if call.total is not None else store.total
    if total is None:
        # Unknown size: ask for one more group when this one came back full.
        starts = [step + 1] if shown >= step else []
        last = None
    else:
        starts = list(range(step + 1, total + 1, step))[:MAX_SCRIPT_PAGES]
        last = total
    proxy = urljoin(base_url, call.proxy_url)
    requests = []
    for start in starts:
        end = start + step - 1 if last is None else min(start + step - 1, last)
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": per_page})
        separator = "&" if "?" in proxy else "?"
        requests.append(PageRequest(f"{proxy}{separator}{query}", "POST", call.params))
    note = f"hanweb jpage: {shown} records shown, {total if total is not None else '?'} in all"
    return requests, note


def _unwrap(raw: str) -> str:
    """The content of a CDATA-wrapped element, or its unescaped text."""
    parts = _CDATA.findall(raw)
    return "".join(parts) if parts else html.unescape(raw)


def _as_text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _form_value(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    return None


# --- a little JavaScript literal reader ---------------------------------------------------


_NOT_A_LITERAL = object()


@dataclass(frozen=True)
class _Name:
    """A bare identifier or expression in JavaScript source, kept as written."""

    text: str


def _call_arguments(text: str, position: int) -> list[object]:
    """The literal arguments of a call whose ``(`` ends just before `position`."""
    reader = _JsReader(text, position)
    args: list[object] = []
    while True:
        reader.skip_space()
        if reader.at_end() or reader.peek() == ")":
            return args
        args.append(reader.read_value())
        reader.skip_space()
        if reader.peek() == ",":
            reader.advance()
        elif reader.peek() != ")":
            return args


class _JsReader:
    """Reads the JavaScript literals CMS templates write: strings, numbers, objects, arrays.

    Anything else (a variable, a concatenation, a function) comes back as a `_Name` holding
    its source text, so one odd option does not lose the others.
    """

    def __init__(self, text: str, position: int) -> None:
        self.text = text
        self.pos = position

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def advance(self) -> None:
        self.pos += 1

    def skip_space(self) -> None:
        while not self.at_end():
            if self.text.startswith("//", self.pos):
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end + 1
            elif self.text.startswith("/*", self.pos):
                end = self.text.find("*/", self.pos + 2)
                self.pos = len(self.text) if end < 0 else end + 2
            elif self.peek().isspace():
                self.advance()
            else:
                return

    def read_value(self) -> object:
        self.skip_space()
        start = self.pos
        char = self.peek()
        if char in "'\"":
            value: object = self._read_string()
        elif char == "{":
            value = self._read_object()
        elif char == "[":
            value = self._read_array()
        else:
            match = re.compile(r"-?\d+(?:\.\d+)?(?![\w.])").match(self.text, self.pos)
            if match:
                self.pos = match.end()
                number = match.group(0)
                value = float(number) if "." in number else int(number)
            else:
                match = re.compile(r"(true|false|null)(?![\w$])").match(self.text, self.pos)
                if match:
                    self.pos = match.end()
                    value = {"true": True, "false": False, "null": None}[match.group(1)]
                else:
                    value = _NOT_A_LITERAL
        # A literal followed by more expression (`'a' + b`) is an expression after all.
        self.skip_space()
        if value is _NOT_A_LITERAL or self.peek() not in ",}])":
            self._skip_expression()
            return _Name(self.text[start : self.pos].strip())
        return value

    def _read_string(self) -> str:
        quote = self.peek()
        self.advance()
        out = []
        while not self.at_end():
            char = self.peek()
            self.advance()
            if char == quote:
                break
            if char == "\\" and not self.at_end():
                escaped = self.peek()
                self.advance()
                if escaped == "u" and re.fullmatch(
                    r"[0-9a-fA-F]{4}", self.text[self.pos : self.pos + 4]
                ):
                    out.append(chr(int(self.text[self.pos : self.pos + 4], 16)))
                    self.pos += 4
                else:
                    out.append({"n": "\n", "t": "\t", "r": "\r"}.get(escaped, escaped))
            else:
                out.append(char)
        return "".join(out)

    def _read_object(self) -> dict[str, object]:
        self.advance()  # {
        result: dict[str, object] = {}
        while True:
            self.skip_space()
            if self.at_end():
                return result
            if self.peek() == "}":
                self.advance()
                return result
            if self.peek() in "'\"":
                key = self._read_string()
            else:
                match = re.compile(r"[\w$]+").match(self.text, self.pos)
                if not match:
                    self._skip_expression()
                    if self.peek() != ",":
                        return result if self.peek() != "}" else self._close(result)
                    self.advance()
                    continue
                key = match.group(0)
                self.pos = match.end()
            self.skip_space()
            if self.peek() != ":":
                self._skip_expression()
            else:
                self.advance()
                result[key] = self.read_value()
            self.skip_space()
            if self.peek() == ",":
                self.advance()
            elif self.peek() != "}":
                return result  # unbalanced source: stop rather than loop

    def _read_array(self) -> list[object]:
        self.advance()  # [
        items: list[object] = []
        while True:
            self.skip_space()
            if self.at_end():
                return items
            if self.peek() == "]":
                self.advance()
                return items
            items.append(self.read_value())
            self.skip_space()
            if self.peek() == ",":
                self.advance()
            elif self.peek() != "]":
                return items  # unbalanced source: stop rather than loop

    def _close(self, result: dict[str, object]) -> dict[str, object]:
        self.advance()  # }
        return result

    def _skip_expression(self) -> None:
        """Move to the next `,` `}` `]` or `)` outside brackets and strings."""
        depth = 0
        while not self.at_end():
            char = self.peek()
            if char in "'\"":
                self._read_string()
                continue
            if char in "([{":
                depth += 1
            elif char in ")]}":
                if depth == 0:
                    return
                depth -= 1
            elif char == "," and depth == 0:
                return
            self.advance()
