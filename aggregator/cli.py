"""The `aggregator` command line.

Exit codes: 0 when the command ran (a poll that met failing sources still ran: they are
reported and logged), 2 for a configuration or usage error, 1 for anything else.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click
from tabulate import tabulate

from aggregator import __version__
from aggregator.config import (
    DEFAULT_CONFIG,
    Config,
    ConfigError,
    FetchConfig,
    SourceConfig,
    load_config,
)
from aggregator.daemon import Daemon
from aggregator.dates import DEFAULT_TIMEZONE, UnknownTimezoneError, zone
from aggregator.fetch import Fetcher
from aggregator.normalize import normalize, render_summary
from aggregator.poll import ERROR, SourceReport, poll_many
from aggregator.publish import publish_all
from aggregator.store import Store
from aggregator.store.schema import SchemaError
from aggregator.store.stories import ORIGINAL
from aggregator.urls import is_http_url

_ERROR_WIDTH = 70


class _Context:
    """What every command needs: where the config is, loaded on first use."""

    def __init__(self, config_path: Path):
        self.config_path = config_path
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            try:
                self._config = load_config(self.config_path)
            except ConfigError as exc:
                _fail(str(exc), code=2)
        return self._config

    def store(self) -> Store:
        try:
            return Store(self.config.storage.database)
        except SchemaError as exc:
            _fail(f"{self.config.storage.database}: {exc}", code=2)


def _fail(message: str, code: int) -> None:
    click.echo(f"aggregator: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_CONFIG,
    show_default=True,
    envvar="AGGREGATOR_CONFIG",
    help="Config file (or set AGGREGATOR_CONFIG).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(__version__, prog_name="aggregator")
@click.pass_context
def main(ctx: click.Context, config_path: Path, verbose: int) -> None:
    """Aggregate provincial news sources into one deduplicated Atom feed and an archive."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = _Context(config_path)


@main.command()
@click.option(
    "--source", "names", multiple=True, metavar="NAME", help="Poll only this source (repeatable)."
)
@click.pass_obj
def poll(context: _Context, names: tuple[str, ...]) -> None:
    """Poll every enabled source once (or those named), store, then publish the feeds."""
    config = context.config
    try:
        sources = config.select(names)
    except ConfigError as exc:
        _fail(str(exc), code=2)
    reports = _poll_with_progress(config, sources)
    with context.store() as store:
        written = publish_all(config, store)
    order = {source.name: index for index, source in enumerate(sources)}
    reports.sort(key=lambda report: order[report.name])
    click.echo(_summary_table(reports))
    failed = sum(report.status == ERROR for report in reports)
    click.echo(f"{len(reports)} sources polled, {failed} failed; feeds in {written[0].parent}")


def _poll_with_progress(config: Config, sources: tuple[SourceConfig, ...]) -> list[SourceReport]:
    if not sys.stderr.isatty():
        return poll_many(config, sources)
    with click.progressbar(length=len(sources), label="polling", file=sys.stderr) as bar:
        return poll_many(config, sources, on_report=lambda _report: bar.update(1))


def _summary_table(reports: list[SourceReport]) -> str:
    rows = [
        [
            report.name,
            report.status,
            report.new,
            report.updated,
            _shorten("; ".join(report.errors)),
        ]
        for report in reports
    ]
    return tabulate(rows, headers=["source", "status", "new", "updated", "errors"])


def _shorten(text: str) -> str:
    return text if len(text) <= _ERROR_WIDTH else text[: _ERROR_WIDTH - 1] + "…"


@main.command()
@click.pass_obj
def publish(context: _Context) -> None:
    """Regenerate the Atom feeds from the archive."""
    with context.store() as store:
        store.sync_sources(context.config.sources)
        for path in publish_all(context.config, store):
            click.echo(str(path))


@main.command()
@click.pass_obj
def sources(context: _Context) -> None:
    """Each source with its last poll, status, last error and article count."""
    with context.store() as store:
        store.sync_sources(context.config.sources)
        rows = [
            [
                row["name"],
                row["type"],
                "yes" if row["enabled"] else "no",
                row["last_polled"] or "never",
                row["last_status"] or "",
                _shorten(row["last_error"] or ""),
                row["articles"],
            ]
            for row in store.source_overview()
        ]
    headers = ["source", "type", "enabled", "last poll", "status", "last error", "articles"]
    click.echo(tabulate(rows, headers=headers))


@main.command()
@click.argument("query")
@click.option("--limit", default=20, show_default=True, help="At most this many results.")
@click.pass_obj
def search(context: _Context, query: str, limit: int) -> None:
    """Find articles holding every word of QUERY (Chinese or English), best first."""
    with context.store() as store:
        results = store.search(query, limit=limit)
    if not results:
        click.echo("no articles found", err=True)
        return
    rows = [
        [stored.id, (stored.article.published or "")[:16], stored.source, stored.article.title]
        for stored in results
    ]
    click.echo(tabulate(rows, headers=["id", "published", "source", "title"]))


@main.command()
@click.option("--min-size", default=2, show_default=True, help="Only stories this big.")
@click.option("--limit", default=50, show_default=True, help="At most this many stories.")
@click.pass_obj
def stories(context: _Context, min_size: int, limit: int) -> None:
    """Stories carried by several sites (reposts merged), newest first."""
    with context.store() as store:
        found = store.stories(min_size=min_size, limit=limit)
    if not found:
        click.echo(f"no stories with {min_size} or more articles", err=True)
        return
    rows = [
        [story.id, story.member_count, (story.first_published or "")[:16], story.title]
        for story in found
    ]
    click.echo(tabulate(rows, headers=["story", "articles", "first published", "title"]))


@main.command()
@click.argument("story_id", type=int)
@click.pass_obj
def story(context: _Context, story_id: int) -> None:
    """The articles of one story: the original first, then each copy with its similarity."""
    with context.store() as store:
        members = store.story_members(story_id)
    if not members:
        _fail(f"no story {story_id}", code=1)
    rows = [
        [
            _story_role(member.canonical, member.match),
            member.similarity if member.similarity is not None else "",
            member.publisher or member.source,
            (member.published or "")[:16],
            member.title,
            member.url,
        ]
        for member in members
    ]
    headers = ["role", "similarity", "site", "published", "title", "url"]
    click.echo(tabulate(rows, headers=headers))


def _story_role(canonical: bool, match: str | None) -> str:
    """How a member relates to its story's original.

    A member that founded the story but lost the lead to an original found later is a
    copy whose kind was never measured.
    """
    if canonical:
        return "original"
    return "copy" if match in (None, ORIGINAL) else match


@main.command()
@click.argument("target", metavar="PATH_OR_URL")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@click.option("--url", help="The page's URL, for a saved file (resolves its links).")
@click.option(
    "--timezone",
    default=DEFAULT_TIMEZONE,
    show_default=True,
    help="How to read times without an offset.",
)
@click.option("--selector", help="CSS selector of the article body.")
def parse(target: str, as_json: bool, url: str | None, timezone: str, selector: str | None) -> None:
    """Normalize one article page (a file, - for stdin, or a URL) and print its record."""
    try:
        zone(timezone)
    except UnknownTimezoneError as exc:
        _fail(str(exc), code=2)
    content_type = None
    if is_http_url(target):
        with Fetcher(FetchConfig(retries=0)) as fetcher:
            result = fetcher.fetch(target)
        if not result.ok:
            _fail(f"{target}: {result.error}", code=1)
        content, content_type, url = result.content, result.content_type, url or result.final_url
    elif target == "-":
        content = sys.stdin.buffer.read()
    else:
        try:
            content = Path(target).read_bytes()
        except OSError as exc:
            _fail(f"{target}: {exc.strerror or exc}", code=2)
    record = normalize(
        content, url, content_type=content_type, timezone=timezone, article_selector=selector
    )
    if as_json:
        click.echo(json.dumps(record.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_summary(record))


@main.command()
@click.pass_obj
def run(context: _Context) -> None:
    """Run as a daemon: poll each source on its interval until SIGTERM or SIGINT."""
    Daemon(context.config).run()
