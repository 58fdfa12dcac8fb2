"""Include / exclude filters: which articles a source keeps, and which an output feed shows.

One meaning everywhere (per-source `include` / `exclude` at poll time, `[[feeds]]` at
publish time): each pattern is a regular expression searched (`re.search`, so unanchored
unless the pattern says `^`) in the article's URL, its title and its body text, each on
its own. An article is kept when `include`, if set, matches at least one of them and
`exclude`, if set, matches none. Write `(?i)` in a pattern for case-insensitive matching.

Pure code: no I/O, no config, so it is tested exhaustively on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from aggregator.models import Article


@dataclass(frozen=True)
class ArticleFilter:
    """A compiled include / exclude pair; either may be absent."""

    include: re.Pattern[str] | None = None
    exclude: re.Pattern[str] | None = None

    @classmethod
    def of(cls, include: str | None, exclude: str | None) -> ArticleFilter:
        """The filter for two optional patterns (compiled once per pattern text)."""
        return cls(_compiled(include), _compiled(exclude))

    @property
    def active(self) -> bool:
        return self.include is not None or self.exclude is not None

    def keeps(self, url: str, title: str | None, body_text: str | None) -> bool:
        """Whether an article with this URL, title and body text passes the filter."""
        fields = (url, title or "", body_text or "")
        if self.include is not None and not any(self.include.search(f) for f in fields):
            return False
        return self.exclude is None or not any(self.exclude.search(f) for f in fields)

    def keeps_article(self, article: Article) -> bool:
        return self.keeps(article.url, article.title, article.body_text)


@dataclass(frozen=True)
class Filtered:
    """The articles a filter kept, and how many it dropped."""

    kept: tuple[Article, ...]
    dropped: int


def filter_articles(articles: Iterable[Article], article_filter: ArticleFilter) -> Filtered:
    """Split `articles` into those `article_filter` keeps (in order) and a count of the rest."""
    articles = tuple(articles)
    if not article_filter.active:
        return Filtered(articles, 0)
    kept = tuple(article for article in articles if article_filter.keeps_article(article))
    return Filtered(kept, len(articles) - len(kept))


@lru_cache(maxsize=256)
def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern) if pattern else None
