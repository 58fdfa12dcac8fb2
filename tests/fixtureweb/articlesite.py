"""A fixture site that serves articles, with the state changes tests make to them.

Tests edit a body, retitle, delete (the page answers 404 and leaves the lists), restore,
or add an article (it appears first in its list and feed). Every change moves the site's
`changed_at`, which list pages and feeds send as Last-Modified.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from fixtureweb.content import ExpectedArticle, FixtureArticle
from fixtureweb.server import Site

if TYPE_CHECKING:
    from fixtureweb.web import FixtureWeb

SHANGHAI = ZoneInfo("Asia/Shanghai")


class ArticleSite(Site):
    """A site whose pages are built from `FixtureArticle`s on every request."""

    default_column: str | None = None
    outlet_name = ""
    # Who runs the site, as its pages name it, and the language of its articles: what the
    # expected records say the normalizer should find (see `ExpectedArticle`).
    publisher: str | None = None
    language: str | None = "zh-CN"

    def __init__(self, articles: list[FixtureArticle]) -> None:
        super().__init__()
        self._articles = {article.id: article for article in articles}
        self._added = 0
        self.web: FixtureWeb | None = None
        self.hits: Counter[str] = Counter()
        self.changed_at = max(
            (article.published_at for article in articles),
            default=datetime(2023, 2, 1, tzinfo=SHANGHAI),
        )

    # -- reading state -------------------------------------------------------------------

    def article(self, article_id: str) -> FixtureArticle:
        """A copy of the article's current state."""
        with self.lock:
            return replace(
                self._articles[article_id], paragraphs=list(self._articles[article_id].paragraphs)
            )

    def article_ids(self) -> list[str]:
        with self.lock:
            return list(self._articles)

    def listed(self, column: str | None = None) -> list[FixtureArticle]:
        """The articles a list or feed shows now: not deleted, newest first."""
        with self.lock:
            shown = [
                article
                for article in self._articles.values()
                if not article.deleted and (column is None or article.column == column)
            ]
        return sorted(shown, key=lambda article: article.published_at, reverse=True)

    def by_path(self, path: str) -> FixtureArticle | None:
        with self.lock:
            for article in self._articles.values():
                if article.path == path and not article.deleted:
                    return article
        return None

    def expected(self, article_id: str) -> ExpectedArticle:
        """The record a correct pipeline makes of this article page, as it is now."""
        article = self.article(article_id)
        return ExpectedArticle(
            id=article.id,
            site=self.name,
            url=self.url(article.path),
            title=article.title,
            published=article.published,
            source_outlet=article.source,
            paragraphs=tuple(article.paragraphs),
            author=article.author,
            repost_of=article.repost_of,
            publisher=self.publisher,
            language=self.language,
        )

    def expected_articles(self) -> list[ExpectedArticle]:
        """Expected records of every article not deleted, newest first."""
        return [self.expected(article.id) for article in self.listed()]

    def original_url(self, article: FixtureArticle) -> str | None:
        """Where the original of a repost lives, on its own site."""
        if article.repost_of is None or self.web is None:
            return None
        return self.web.url_of(article.repost_of)

    # -- changing state ------------------------------------------------------------------

    def edit_body(self, article_id: str, paragraphs: list[str]) -> None:
        with self.lock:
            self._articles[article_id].paragraphs = list(paragraphs)
            self._touch(article_id)

    def edit_title(self, article_id: str, title: str) -> None:
        with self.lock:
            self._articles[article_id].title = title
            self._touch(article_id)

    def delete(self, article_id: str) -> None:
        """The page answers 404 and the article leaves lists and feeds."""
        with self.lock:
            self._articles[article_id].deleted = True
            self._touch(article_id)

    def restore(self, article_id: str) -> None:
        with self.lock:
            self._articles[article_id].deleted = False
            self._touch(article_id)

    def move(self, article_id: str, new_path: str, status: int = 301) -> None:
        """The article now lives at `new_path`; its old path redirects there."""
        with self.lock:
            old_path = self._articles[article_id].path
            self._articles[article_id].path = new_path
            self._touch(article_id)
        self.redirect(old_path, new_path, status)

    def add_article(
        self,
        title: str,
        paragraphs: list[str],
        *,
        source: str | None = None,
        published: str | None = None,
        author: str | None = None,
        column: str | None = None,
        article_id: str | None = None,
    ) -> FixtureArticle:
        """A new article, first in its list; `published` defaults to now (+08:00)."""
        with self.lock:
            self._added += 1
            moment = (
                datetime.fromisoformat(published)
                if published
                else datetime.now(SHANGHAI).replace(microsecond=0)
            )
            article = FixtureArticle(
                id=article_id or f"{self.name}-new-{self._added}",
                site=self.name,
                column=column or self.default_column,
                path=self.new_path(self._added, moment),
                title=title,
                published=moment.isoformat(),
                source=source or self.outlet_name,
                paragraphs=list(paragraphs),
                author=author,
            )
            self._articles[article.id] = article
            self._touch(article.id)
            return self.article(article.id)

    def new_path(self, number: int, published: datetime) -> str:
        """The path a newly added article gets on this site."""
        raise NotImplementedError

    def _touch(self, article_id: str) -> None:
        now = datetime.now(UTC).replace(microsecond=0)
        self.changed_at = max(now, self.changed_at)
        self._articles[article_id].modified = self.changed_at

    def count_hit(self, path: str) -> int:
        with self.lock:
            self.hits[path] += 1
            return 1000 + self.hits[path]
