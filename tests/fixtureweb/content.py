"""The fixture web's articles: their data, their mutable state, and the records tests expect.

`data/articles.json` names every article with the record a correct pipeline must produce
from its page (title, publish time with +08:00, source outlet, body paragraphs); bodies
are real Chinese text in `data/bodies/` (see `data/README.md`). A repost names its
original and the changes the reposting site made, and its expected record follows from
the original's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass
class FixtureArticle:
    """An article as its site currently serves it. Sites change it through their methods."""

    id: str
    site: str
    column: str | None
    path: str
    title: str
    published: str
    source: str
    paragraphs: list[str]
    author: str | None = None
    repost_of: str | None = None
    deleted: bool = False
    modified: datetime | None = field(default=None, compare=False)

    @property
    def published_at(self) -> datetime:
        return datetime.fromisoformat(self.published)

    @property
    def date(self) -> str:
        """The publish date as lists print it (YYYY-MM-DD)."""
        return self.published[:10]

    @property
    def time(self) -> str:
        """The publish time as article pages print it (YYYY-MM-DD HH:MM)."""
        return self.published[:16].replace("T", " ")

    @property
    def last_modified(self) -> datetime:
        return self.modified or self.published_at


@dataclass(frozen=True)
class ExpectedArticle:
    """What the pipeline should make of one fixture article page.

    `author` is set only where the page names one (TRS meta Author, the outlet's byline;
    several people separated by spaces); `source_outlet` is what its 来源 / ContentSource /
    "Source:" line says; `publisher` is the site that runs the page as it names itself
    (SiteName / og:site_name meta, else its copyright line), None where the page names
    none; `language` is the article's (its text's) language, whatever the template says.
    """

    id: str
    site: str
    url: str
    title: str
    published: str
    source_outlet: str
    paragraphs: tuple[str, ...]
    author: str | None = None
    repost_of: str | None = None
    publisher: str | None = None
    language: str | None = None

    @property
    def body_text(self) -> str:
        return "\n".join(self.paragraphs)


def load_articles() -> list[FixtureArticle]:
    """All fixture articles in data order, reposts resolved against their originals."""
    entries = json.loads((DATA / "articles.json").read_text(encoding="utf-8"))["articles"]
    originals: dict[str, FixtureArticle] = {}
    articles = []
    for entry in entries:
        if entry.get("repost_of"):
            article = repost(originals[entry["repost_of"]], entry)
        else:
            article = FixtureArticle(
                id=entry["id"],
                site=entry["site"],
                column=entry.get("column"),
                path=entry["path"],
                title=entry["title"],
                published=entry["published"],
                source=entry["source"],
                paragraphs=read_body(entry["body"]),
                author=entry.get("author"),
            )
        originals[article.id] = article
        articles.append(article)
    return articles


def read_body(name: str) -> list[str]:
    text = (DATA / "bodies" / f"{name}.txt").read_text(encoding="utf-8")
    return [line for line in text.split("\n") if line.strip()]


def repost(original: FixtureArticle, entry: dict[str, object]) -> FixtureArticle:
    """A copy of `original` as another site reposts it (prefix, editor's note, cut ending)."""
    paragraphs = list(original.paragraphs)
    if entry.get("drop_last_paragraph"):
        paragraphs = paragraphs[:-1]
    note = entry.get("editor_note")
    if isinstance(note, str):
        paragraphs = [note, *paragraphs]
    return FixtureArticle(
        id=str(entry["id"]),
        site=str(entry["site"]),
        column=entry.get("column"),  # type: ignore[arg-type]
        path=str(entry["path"]),
        title=f"{entry.get('title_prefix') or ''}{original.title}",
        published=str(entry["published"]),
        source=original.source,
        paragraphs=paragraphs,
        author=None,  # reposting sites drop the byline
        repost_of=original.id,
    )
