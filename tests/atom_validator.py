"""Checks an Atom document against RFC 4287 and the W3C Feed Validator's rules.

The W3C validator is not installable here, so this applies what it checks for our kind of
feed: the RFC 4287 RELAX NG grammar (tests/data/atom/rfc4287.rnc), the RFC's rules the
grammar cannot express (authors, alternate links or content, one self link), and the
validator's warnings we could trigger (ids not in canonical form, duplicate ids, dates
without a time zone, relative references and unsafe markup in HTML content, bad language
tags, unregistered link relations).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree as etree
import lxml.html
import rnc2rng

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_GRAMMAR = Path(__file__).parent / "data" / "atom" / "rfc4287.rnc"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_UUID_URN = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TAG_URI = re.compile(r"^tag:[a-z0-9.\-@]+,\d{4}(-\d{2}(-\d{2})?)?:\S*$")
_REGISTERED_RELS = {"alternate", "related", "self", "enclosure", "via"}
_UNSAFE_ELEMENTS = {"script", "iframe", "object", "embed", "style", "form", "meta", "link"}


@cache
def _schema() -> etree.RelaxNG:
    rng = rnc2rng.dumps(rnc2rng.load(str(_GRAMMAR)))
    # rnc2rng declares the empty "local" namespace as a prefix, which XML forbids.
    rng = rng.replace('xmlns:local=""', "")
    return etree.RelaxNG(etree.fromstring(rng.encode("utf-8")))


def validate_atom(document: bytes) -> list[str]:
    """Every problem found in `document`; an empty list means it validates."""
    root = etree.fromstring(document)
    schema = _schema()
    problems = [] if schema.validate(root) else [str(e) for e in schema.error_log]
    problems += _feed_rules(root)
    return problems


def _feed_rules(feed: etree._Element) -> list[str]:
    problems: list[str] = []
    feed_has_author = feed.find(f"{ATOM}author") is not None
    self_links = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if len(self_links) != 1:
        problems.append(f"feed has {len(self_links)} rel=self links, expected 1")
    for link in self_links:
        if not urlsplit(link.get("href", "")).scheme:
            problems.append("rel=self link is relative")
    problems += _check_id(feed.findtext(f"{ATOM}id"), "feed")
    problems += _check_date(feed.findtext(f"{ATOM}updated"), "feed updated")
    seen_ids: set[str] = set()
    for position, entry in enumerate(feed.findall(f"{ATOM}entry")):
        where = f"entry {position}"
        entry_id = entry.findtext(f"{ATOM}id") or ""
        if entry_id in seen_ids:
            problems.append(f"{where}: duplicate id {entry_id}")
        seen_ids.add(entry_id)
        problems += _check_id(entry_id, where)
        if not feed_has_author and entry.find(f"{ATOM}author") is None:
            problems.append(f"{where}: no author and the feed has none")
        for name in entry.findall(f"{ATOM}author/{ATOM}name"):
            if not (name.text or "").strip():
                problems.append(f"{where}: empty author name")
        links = entry.findall(f"{ATOM}link")
        alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
        kinds = [(link.get("type"), link.get("hreflang")) for link in alternates]
        if len(kinds) != len(set(kinds)):
            problems.append(f"{where}: two alternate links of the same type and language")
        if entry.find(f"{ATOM}content") is None and not alternates:
            problems.append(f"{where}: neither content nor an alternate link")
        for link in links:
            rel = link.get("rel", "alternate")
            if rel not in _REGISTERED_RELS and not urlsplit(rel).scheme:
                problems.append(f"{where}: unregistered link relation {rel!r}")
            if not urlsplit(link.get("href", "")).scheme:
                problems.append(f"{where}: relative link {link.get('href')!r}")
        if not (entry.findtext(f"{ATOM}title") or "").strip():
            problems.append(f"{where}: empty title")
        for tag in ("updated", "published"):
            value = entry.findtext(f"{ATOM}{tag}")
            if value is not None:
                problems += _check_date(value, f"{where} {tag}")
        for tag in ("content", "summary"):
            element = entry.find(f"{ATOM}{tag}")
            if element is not None and element.get("type") == "html" and element.text:
                problems += [f"{where} {tag}: {p}" for p in _check_html(element.text)]
        lang = entry.get(XML_LANG)
        if lang is not None and not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang):
            problems.append(f"{where}: bad xml:lang {lang!r}")
    return problems


def _check_id(value: str | None, where: str) -> list[str]:
    if not value:
        return [f"{where}: missing id"]
    if value != value.strip():
        return [f"{where}: id has surrounding whitespace"]
    parts = urlsplit(value)
    if not parts.scheme:
        return [f"{where}: id {value!r} is not an absolute URI"]
    if parts.scheme != parts.scheme.lower():
        return [f"{where}: id {value!r} not canonical (scheme case)"]
    if parts.scheme in ("http", "https") and parts.netloc != parts.netloc.lower():
        return [f"{where}: id {value!r} not canonical (host case)"]
    if (
        parts.scheme == "urn"
        and value.lower().startswith("urn:uuid:")
        and not _UUID_URN.match(value)
    ):
        return [f"{where}: id {value!r} is not a canonical uuid URN"]
    if parts.scheme == "tag" and not _TAG_URI.match(value):
        return [f"{where}: id {value!r} is not a valid tag URI"]
    return []


def _check_date(value: str | None, where: str) -> list[str]:
    if not value or not _RFC3339.match(value):
        return [f"{where}: {value!r} is not an RFC 3339 date-time with a time zone"]
    return []


def _check_html(markup: str) -> list[str]:
    problems = []
    fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
    for element in fragment.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in _UNSAFE_ELEMENTS:
            problems.append(f"unsafe element <{element.tag}>")
        for attribute, value in element.attrib.items():
            if attribute.startswith("on") or attribute == "style":
                problems.append(f"unsafe attribute {attribute} on <{element.tag}>")
            if attribute in ("href", "src") and not urlsplit(value).scheme:
                problems.append(f"relative reference {value!r} in <{element.tag}>")
    return problems
