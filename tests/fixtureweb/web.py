"""The whole fixture web: six loopback sites started together, plus a small HTTP client.

Each site is its own server on its own 127.0.0.1 port, so sites are different "sites" to
the code under test. State lives in memory and starts fresh with every `FixtureWeb`.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlencode

from fixtureweb.articlesite import ArticleSite
from fixtureweb.broken import BrokenSite
from fixtureweb.content import ExpectedArticle, load_articles
from fixtureweb.county import CountySite
from fixtureweb.hanweb import HanwebPortal
from fixtureweb.outlet import NewsOutlet
from fixtureweb.repost import RepostSite
from fixtureweb.trs import TrsPortal

_SITE_CLASSES: tuple[type[ArticleSite], ...] = (
    TrsPortal,
    HanwebPortal,
    NewsOutlet,
    RepostSite,
    CountySite,
    BrokenSite,
)


class FixtureWeb:
    """Start with ``FixtureWeb()`` (or ``with FixtureWeb() as web``); stop with `close`."""

    def __init__(self) -> None:
        articles = load_articles()
        self.sites: dict[str, ArticleSite] = {}
        try:
            for site_class in _SITE_CLASSES:
                site = site_class([a for a in articles if a.site == site_class.name])
                site.web = self
                site.start()
                self.sites[site.name] = site
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> FixtureWeb:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for site in self.sites.values():
            site.close()

    @property
    def trs(self) -> TrsPortal:
        return self.sites["trs"]  # type: ignore[return-value]

    @property
    def hanweb(self) -> HanwebPortal:
        return self.sites["hanweb"]  # type: ignore[return-value]

    @property
    def outlet(self) -> NewsOutlet:
        return self.sites["outlet"]  # type: ignore[return-value]

    @property
    def repost(self) -> RepostSite:
        return self.sites["repost"]  # type: ignore[return-value]

    @property
    def county(self) -> CountySite:
        return self.sites["county"]  # type: ignore[return-value]

    @property
    def broken(self) -> BrokenSite:
        return self.sites["broken"]  # type: ignore[return-value]

    def site(self, name: str) -> ArticleSite:
        return self.sites[name]

    def site_of_article(self, article_id: str) -> ArticleSite:
        for site in self.sites.values():
            if article_id in site.article_ids():
                return site
        raise KeyError(article_id)

    def url_of(self, article_id: str) -> str:
        site = self.site_of_article(article_id)
        return site.url(site.article(article_id).path)

    def expected(self, article_id: str) -> ExpectedArticle:
        return self.site_of_article(article_id).expected(article_id)

    def expected_articles(self) -> list[ExpectedArticle]:
        """Expected records of every article on every site, as the sites serve them now."""
        return [record for site in self.sites.values() for record in site.expected_articles()]

    def clear_logs(self) -> None:
        for site in self.sites.values():
            site.clear_log()


@dataclass(frozen=True)
class FetchedResponse:
    """A response as `fetch` got it: no redirect followed, errors returned, body raw."""

    url: str
    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(
    url: str,
    *,
    method: str = "GET",
    data: tuple[tuple[str, str], ...] | list[tuple[str, str]] = (),
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> FetchedResponse:
    """One HTTP request for tests that need a page from the fixture web, stdlib only."""
    body = urlencode(list(data)).encode("utf-8") if method == "POST" else None
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return FetchedResponse(url, response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return FetchedResponse(url, error.code, error.headers, error.read())
