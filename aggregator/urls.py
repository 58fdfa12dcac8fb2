"""Canonical article URLs, so one article reached by two spellings of its URL is stored once.

w3lib makes the URL safe (percent-encoding, IDNA host, lower-case scheme and host); we then
drop what never identifies a page: the fragment, a default port and tracking parameters.
The order of the remaining query parameters is kept, since some CMS scripts read them by
position.
"""

from __future__ import annotations

import uuid
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_NAMES = frozenset({"spm", "fbclid", "gclid", "isappinstalled"})


def canonical_url(url: str, base: str | None = None) -> str:
    """The canonical form of `url` (resolved against `base` when relative)."""
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(safe_url_string(url))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not _is_tracking(pair.split("=", 1)[0])
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def is_http_url(url: str) -> bool:
    """Whether `url` is an absolute http(s) URL with a host."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def site_of(url: str) -> str:
    """The host (and any explicit port) of `url` without "www.", used to tell sites apart."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}:{parts.port}" if parts.port else host


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(_TRACKING_PREFIXES) or lowered in _TRACKING_NAMES


def stable_id(url: str) -> str:
    """A URN that names the article first seen at `url`, forever (its Atom entry id)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}"
