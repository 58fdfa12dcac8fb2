"""The `aggregator` command line.

Exit codes: 0 when the command ran (a poll that met failing sources still ran: they are
reported and logged), 2 for a configuration or usage error, 1 for anything else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import urllib3
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
from aggregator.daemon import AlreadyRunning, Daemon, running_daemon, scheduler_state_of_other
from aggregator.dates import DEFAULT_TIMEZONE, UnknownTimezoneError, zone
from aggregator.fetch import Fetcher
from aggregator.logs import LOG_FORMATS, setup_logging
from aggregator.monitor.diffs import (
    DiffLine,
    LineKind,
    VersionFields,
    diff_lines,
    field_changes,
)
from aggregator.normalize import normalize, render_summary
from aggregator.opml import OpmlError, add_sources_to_config, export_opml, plan_import, read_opml
from aggregator.poll import ERROR, SourceReport, poll_many
from aggregator.publish import publish_all
from aggregator.serve import ServeError, serve_until_stopped
from aggregator.store import ArticleHistory, Store, StoredVersion
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
@click.option(
    "--log-format",
    type=click.Choice(LOG_FORMATS),
    default="text",
    show_default=True,
    help="Log lines for people (text) or for log collectors (json).",
)
@click.version_option(__version__, prog_name="aggregator")
@click.pass_context
def main(ctx: click.Context, config_path: Path, verbose: int, log_format: str) -> None:
    """Aggregate provincial news sources into one deduplicated Atom feed and an archive."""
    setup_logging(verbose, log_format)
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


@main.group(invoke_without_command=True)
@click.pass_context
def sources(ctx: click.Context) -> None:
    """Each source with its last poll, status, failures in a row, last error and articles.

    A source whose polls keep failing stays scheduled (with a growing backoff) and shows
    here with its count of failures in a row until a poll works again.
    """
    if ctx.invoked_subcommand is not None:
        return
    context: _Context = ctx.obj
    with context.store() as store:
        store.sync_sources(context.config.sources)
        rows = [
            [
                row["name"],
                row["type"],
                "yes" if row["enabled"] else "no",
                row["last_polled"] or "never",
                row["last_status"] or "",
                row["consecutive_failures"],
                _shorten(row["last_error"] or ""),
                row["articles"],
            ]
            for row in store.source_overview()
        ]
    headers = ["source", "type", "enabled", "last poll", "status", "failures", "last error"]
    headers.append("articles")
    click.echo(tabulate(rows, headers=headers))


@sources.command("import")
@click.argument("opml_file", metavar="FILE.opml", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def import_sources(context: _Context, opml_file: Path) -> None:
    """Add the feeds listed in an OPML file to the config as sources.

    Feeds whose URL is already configured are skipped. The config file gets one
    [[sources]] table per new feed, at its end; comments and layout are kept.
    """
    config = context.config
    try:
        feeds = read_opml(opml_file)
    except OpmlError as exc:
        _fail(str(exc), code=2)
    plan = plan_import(feeds, config.sources)
    for url, reason in plan.skipped:
        click.echo(f"skipped {url}: {reason}", err=True)
    if not plan.added:
        click.echo("no new sources")
        return
    try:
        add_sources_to_config(config.path, plan.added, origin=opml_file.name)
    except ConfigError as exc:
        _fail(f"the config would not be valid with these sources, left unchanged: {exc}", 2)
    for source in plan.added:
        click.echo(f"added {source.name}: {source.url}")
    click.echo(
        f"{len(plan.added)} sources added to {config.path}; "
        "a running daemon picks them up on SIGHUP (systemctl reload aggregator)"
    )


@sources.command("export")
@click.pass_obj
def export_sources(context: _Context) -> None:
    """Write every configured source as OPML 2.0 on standard output."""
    config = context.config
    click.echo(export_opml(config.sources, title=config.publish.title), nl=False)


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


@main.command()
@click.argument("target", metavar="URL|ID")
@click.pass_obj
def history(context: _Context, target: str) -> None:
    """Every version of one article (by id or URL) with what changed, and its take-downs,
    returns and moves.

    Coloured on a terminal; elsewhere plain, with changed characters marked [-removed-]
    and {+added+}.
    """
    with context.store() as store:
        found = store.article_history(target)
    if found is None:
        _fail(f"no article {target}", code=1)
    marks = not sys.stdout.isatty()
    for line in _history_lines(found, marks):
        click.echo(line)


_ORIGINS = {
    "feed": "content from its feed (rechecks look for take-downs)",
    "page": "content from its page",
    "watch": "a watched page",
}
_CONTEXT_WIDTH = 60


def _history_lines(found: ArticleHistory, marks: bool) -> list[str]:
    """The article's header, then its versions and events in time order."""
    monitored = found.article
    stored = monitored.stored
    lines = [
        click.style(stored.article.title, bold=True),
        stored.article.url,
        f"id {stored.id}, source {stored.source}, "
        f"{_ORIGINS.get(monitored.content_origin, monitored.content_origin)}, "
        f"first seen {stored.first_seen}",
    ]
    lines += [f"earlier address: {url}" for url in found.aliases]
    if stored.removed_at:
        lines.append(click.style(f"removed: gone since {stored.removed_at}", fg="red"))
    if monitored.checked_at or monitored.next_check:
        lines.append(
            f"last checked {monitored.checked_at or 'never'}, "
            f"next check {monitored.next_check or 'none planned'}"
        )
    # A check that found a move or a return and an edit recorded them at one time; the
    # move or return came first.
    timeline: list[tuple[str, int, list[str]]] = []
    previous: StoredVersion | None = None
    for version in found.versions:
        timeline.append((version.fetched_at, 1, _version_lines(version, previous, marks)))
        previous = version
    for event in found.events:
        if event.kind == "edited":
            continue  # shown with its version
        detail = f" ({event.detail})" if event.detail else ""
        colour = {"removed": "red", "restored": "green"}.get(event.kind, "yellow")
        text = click.style(f"{event.kind} {event.at}{detail}", fg=colour, bold=True)
        timeline.append((event.at, 0, ["", text]))
    for _, _, block in sorted(timeline, key=lambda item: (item[0], item[1])):
        lines += block
    return lines


def _version_lines(
    version: StoredVersion, previous: StoredVersion | None, marks: bool
) -> list[str]:
    lines = ["", click.style(f"version {version.version}  {version.fetched_at}", bold=True)]
    if previous is None:
        paragraphs = len([p for p in (version.body_text or "").split("\n\n") if p.strip()])
        lines.append(f"  {version.title} ({paragraphs} paragraphs)")
        return lines
    before = VersionFields(previous.title, previous.source_outlet, previous.authors)
    after = VersionFields(version.title, version.source_outlet, version.authors)
    for change in field_changes(before, after):
        lines.append(
            f"  {change.label}: {click.style(change.before, fg='red')} -> "
            f"{click.style(change.after, fg='green')}"
        )
    lines += [_diff_line(line, marks) for line in diff_lines(version.diff)]
    return lines


def _diff_line(line: DiffLine, marks: bool) -> str:
    """One paragraph of a diff: removed red, added green, changed characters underlined
    (or, with `marks`, written [-so-] and {+so+})."""
    if line.kind is LineKind.GAP:
        return "  …"
    if line.kind is LineKind.CONTEXT:
        text = line.text
        short = text if len(text) <= _CONTEXT_WIDTH else text[: _CONTEXT_WIDTH - 1] + "…"
        return click.style(f"  {short}", dim=True)
    if line.kind is LineKind.REMOVED:
        return click.style(f"- {line.text}", fg="red")
    if line.kind is LineKind.ADDED:
        return click.style(f"+ {line.text}", fg="green")
    old = new = ""
    for segment in line.segments:
        text = segment.text
        if segment.kind is LineKind.REMOVED:
            text = f"[-{text}-]" if marks else text
            old += click.style(text, fg="red", underline=True, bold=True)
        elif segment.kind is LineKind.ADDED:
            text = f"{{+{text}+}}" if marks else text
            new += click.style(text, fg="green", underline=True, bold=True)
        else:
            old += click.style(text, fg="red")
            new += click.style(text, fg="green")
    return f"{click.style('- ', fg='red')}{old}\n{click.style('+ ', fg='green')}{new}"


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
    """Run as a daemon: poll each source on its schedule and serve the feeds.

    Until SIGTERM or SIGINT (running polls finish, then exit 0); SIGHUP reloads the config.
    """
    config = context.config
    try:
        code = Daemon(config).run()
    except (AlreadyRunning, ServeError) as exc:
        _fail(str(exc), code=1)
    except SchemaError as exc:
        _fail(f"{config.storage.database}: {exc}", code=2)
    sys.exit(code)


@main.command()
@click.pass_obj
def serve(context: _Context) -> None:
    """Serve the published feeds, /healthz and /metrics (without polling) until SIGTERM."""
    config = context.config
    try:
        serve_until_stopped(config, lambda: scheduler_state_of_other(config.storage.database))
    except ServeError as exc:
        _fail(str(exc), code=1)


@main.command()
@click.pass_obj
def status(context: _Context) -> None:
    """Ask the running daemon how it and each source are doing (exit 1 if none runs)."""
    database = context.config.storage.database
    info = running_daemon(database)
    if info is None:
        _fail(f"no daemon is running on {database}", code=1)
    url = info.get("url")
    click.echo(f"daemon running: pid {info.get('pid', '?')} since {info.get('started', '?')}")
    if not url:
        return
    click.echo(f"feeds at {url}")
    try:
        answer = urllib3.request("GET", url + "healthz", timeout=10, retries=False)
        health = answer.json()
    except (urllib3.exceptions.HTTPError, ValueError) as exc:
        _fail(f"the daemon does not answer at {url}healthz: {exc}", code=1)
    click.echo(f"scheduler: {health.get('scheduler')}; status: {health.get('status')}")
    rows = [
        [
            source["name"],
            source["last_status"] or "",
            source["consecutive_failures"],
            source["last_success"] or "never",
            source["next_poll"] or "",
            _shorten(source["last_error"] or ""),
        ]
        for source in health.get("sources", [])
    ]
    headers = ["source", "status", "failures", "last success", "next poll", "last error"]
    click.echo(tabulate(rows, headers=headers))
    if answer.status != 200:
        sys.exit(1)
