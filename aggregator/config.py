"""Reading and validating `config.toml`.

Every operational default lives here with its documented value, and the whole file is
validated before anything runs: a typo in a key or an impossible interval is reported as
one line naming the file, the line and the key, never as a traceback or a silently
ignored setting.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aggregator.dates import DEFAULT_TIMEZONE, UnknownTimezoneError, zone
from aggregator.urls import is_http_url

DEFAULT_CONFIG = "config.toml"

SOURCE_TYPES = ("feed", "html", "watch")
_HTML_ONLY_KEYS = ("links", "next", "max_pages", "allow_offsite")
_WATCH_ONLY_KEYS = ("select", "ignore")
# A watched page is one page, not a stream of articles: these mean nothing on it.
_NOT_ON_WATCH_KEYS = ("fetch_pages", "article", "include", "exclude")
# Output feed names that would overwrite the combined feed or the change monitor's feed.
_RESERVED_FEED_NAMES = ("feed", "changes")

_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_DURATION = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[smhd]\s*)+$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class ConfigError(Exception):
    """An invalid configuration; `str()` is the one line shown to the user."""

    def __init__(self, path: Path, key: str | None, problem: str, line: int | None = None):
        self.path = path
        self.key = key
        self.problem = problem
        self.line = line
        location = f"{path}:{line}" if line else str(path)
        super().__init__(f"{location}: {key}: {problem}" if key else f"{location}: {problem}")


@dataclass(frozen=True)
class StorageConfig:
    database: Path


@dataclass(frozen=True)
class PublishConfig:
    directory: Path
    title: str = "Gansu provincial news"
    base_url: str = "http://127.0.0.1:8080/"
    max_entries: int = 200
    id: str | None = None


@dataclass(frozen=True)
class FetchConfig:
    """How politely and patiently we fetch."""

    timeout: float = 30.0  # whole request, seconds
    connect_timeout: float = 10.0
    max_bytes: int = 15 * 1024 * 1024
    retries: int = 2  # extra attempts after a connection error or 5xx
    backoff: float = 1.0  # seconds before the first retry, doubled after each
    max_redirects: int = 5
    per_host: int = 2  # concurrent requests to one host
    delay: float = 0.5  # seconds between requests to one host
    workers: int = 4  # sources polled at once
    user_agent: str = "aggregator/0.1 (+https://github.com/aggregator; feed aggregator)"


@dataclass(frozen=True)
class ScheduleConfig:
    interval: float = 15 * 60.0  # seconds between polls of a source
    jitter: float = 30.0  # seconds of random delay added to each run
    # The daemon's adaptive polling (see aggregator/schedule.py): a quiet source is polled
    # less often, up to max_interval; a busy one more often, down to min_interval (default:
    # its interval); failures back off exponentially up to backoff_max.
    adaptive: bool = True
    min_interval: float | None = None
    max_interval: float = 2 * 3600.0
    backoff_max: float = 6 * 3600.0
    publish_delay: float = 5.0  # after a poll that changed something, publish this much later
    stop_timeout: float = 30.0  # on SIGTERM, how long running polls may take to finish


@dataclass(frozen=True)
class ServerConfig:
    """Where `aggregator run` and `aggregator serve` serve the feeds, health and metrics."""

    host: str = "127.0.0.1"
    port: int = 8080  # 0: any free port (logged, and recorded for `aggregator status`)


@dataclass(frozen=True)
class MonitorConfig:
    """The change monitor: when stored articles are fetched again to find edits and take-downs."""

    # Seconds after an article is first seen at which its page is fetched again; after the
    # last one it is left alone (a removed article keeps being checked at the last step's
    # pace, to notice its return). Empty: no rechecks.
    recheck: tuple[float, ...] = (3600.0, 6 * 3600.0, 86400.0, 3 * 86400.0, 7 * 86400.0)
    budget: int = 20  # rechecks per source poll, oldest due first, after its new articles
    # A 404 / 410 is a take-down only when a check at least this much later confirms it.
    confirm_after: float = 600.0


@dataclass(frozen=True)
class OutputFeedConfig:
    """An extra output feed (`[[feeds]]`): some sources' articles, filtered."""

    name: str
    sources: tuple[str, ...] = ()  # empty: every source
    include: str | None = None
    exclude: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class SourceConfig:
    """One source: a feed, (type "html") a list page of article links, or (type "watch") a
    page whose changes are recorded."""

    name: str
    url: str
    type: str = "feed"
    interval: float | None = None
    timezone: str = DEFAULT_TIMEZONE
    enabled: bool = True
    # Fetch and normalize the article page when an entry carries only a summary.
    fetch_pages: bool | None = None
    article: str | None = None  # CSS selector of the body, for the normalizer
    links: str | None = None
    next: str | None = None
    max_pages: int = 1
    include: str | None = None
    exclude: str | None = None
    allow_offsite: bool = False
    min_interval: float | None = None  # adaptive bounds for this source ([schedule] default)
    max_interval: float | None = None
    # "watch" sources: the part of the page watched (CSS selector; default the whole page)
    # and regular expressions whose matches are removed from its text (volatile parts).
    select: str | None = None
    ignore: tuple[str, ...] = ()

    @property
    def wants_pages(self) -> bool:
        """Whether article pages are fetched (on by default for html sources only)."""
        return self.type == "html" if self.fetch_pages is None else self.fetch_pages


@dataclass(frozen=True)
class Config:
    path: Path
    storage: StorageConfig
    publish: PublishConfig
    fetch: FetchConfig = field(default_factory=FetchConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    sources: tuple[SourceConfig, ...] = ()
    server: ServerConfig = field(default_factory=ServerConfig)
    feeds: tuple[OutputFeedConfig, ...] = ()
    monitor: MonitorConfig = field(default_factory=MonitorConfig)

    def interval_of(self, source: SourceConfig) -> float:
        return source.interval if source.interval is not None else self.schedule.interval

    def select(self, names: tuple[str, ...] = ()) -> tuple[SourceConfig, ...]:
        """Enabled sources, or the named ones (enabled or not); unknown names are an error."""
        if not names:
            return tuple(source for source in self.sources if source.enabled)
        known = {source.name: source for source in self.sources}
        missing = [name for name in names if name not in known]
        if missing:
            raise ConfigError(self.path, "sources", f"no source named {', '.join(missing)}")
        return tuple(known[name] for name in names)


def parse_duration(value: Any) -> float:
    """Seconds in a duration such as 90 (seconds), "30s", "15m", "1h30m" or "1d"."""
    if isinstance(value, bool):
        raise ValueError(f"bad duration {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and _DURATION.match(value):
        seconds = sum(
            float(number) * _UNIT_SECONDS[unit] for number, unit in _DURATION_PART.findall(value)
        )
    else:
        raise ValueError(f"bad duration {value!r} (use e.g. 30s, 15m, 1h, 1d)")
    if seconds <= 0:
        raise ValueError(f"duration must be positive, got {value!r}")
    return seconds


def load_config(path: str | Path) -> Config:
    """Read and validate the config file at `path`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read config: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, "config is not UTF-8 text") from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = _split_toml_error(str(exc))
        raise ConfigError(path, None, f"not valid TOML: {message}", line) from exc
    return _Validator(path, text).config(raw)


def _split_toml_error(message: str) -> tuple[str, int | None]:
    match = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
    if not match:
        return message, None
    return message[: match.start()], int(match.group(1))


class _Validator:
    """Turns parsed TOML into a `Config`; raises a located `ConfigError` on the first problem."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()
        self.folder = path.resolve().parent
        self._feed_names: set[str] = set()

    def config(self, raw: dict[str, Any]) -> Config:
        self._check_keys(
            raw,
            {"storage", "publish", "schedule", "fetch", "sources", "server", "feeds", "monitor"},
            "",
        )
        storage = self._table(raw, "storage")
        publish = self._table(raw, "publish")
        schedule = self._table(raw, "schedule")
        fetch = self._table(raw, "fetch")
        sources = raw.get("sources", [])
        if not isinstance(sources, list):
            self._fail("sources", "must be an array of tables ([[sources]])")
        parsed_sources = tuple(self._source(index, item) for index, item in enumerate(sources))
        seen: set[str] = set()
        for index, source in enumerate(parsed_sources):
            if source.name in seen:
                self._fail(
                    f"sources[{index}].name", f"duplicate source name {source.name!r}", index
                )
            seen.add(source.name)
        feeds = raw.get("feeds", [])
        if not isinstance(feeds, list):
            self._fail("feeds", "must be an array of tables ([[feeds]])")
        parsed_feeds = tuple(
            self._output_feed(index, item, seen) for index, item in enumerate(feeds)
        )
        return Config(
            path=self.path,
            storage=self._storage(storage),
            publish=self._publish(publish),
            fetch=self._fetch(fetch),
            schedule=self._schedule(schedule),
            sources=parsed_sources,
            server=self._server(self._table(raw, "server")),
            feeds=parsed_feeds,
            monitor=self._monitor(self._table(raw, "monitor")),
        )

    def _monitor(self, table: Mapping[str, Any]) -> MonitorConfig:
        defaults = MonitorConfig()
        self._check_keys(table, set(defaults.__dataclass_fields__), "monitor")
        steps = table.get("recheck", None)
        recheck = defaults.recheck
        if steps is not None:
            if not isinstance(steps, list):
                self._fail("monitor.recheck", f"must be a list of durations, got {steps!r}")
            try:
                recheck = tuple(parse_duration(step) for step in steps)
            except ValueError as exc:
                self._fail("monitor.recheck", str(exc))
            if list(recheck) != sorted(set(recheck)):
                self._fail("monitor.recheck", "durations must grow from one to the next")
        budget = table.get("budget", defaults.budget)
        if not isinstance(budget, int) or isinstance(budget, bool) or budget < 0:
            self._fail("monitor.budget", f"must be a non-negative integer, got {budget!r}")
        return MonitorConfig(
            recheck=recheck,
            budget=budget,
            confirm_after=self._duration(
                table, "monitor", "confirm_after", defaults.confirm_after, allow_zero=True
            ),
        )

    def _storage(self, table: Mapping[str, Any]) -> StorageConfig:
        self._check_keys(table, {"database"}, "storage")
        database = self._string(table, "storage", "database", "data/aggregator.db")
        return StorageConfig(database=self._resolve(database))

    def _publish(self, table: Mapping[str, Any]) -> PublishConfig:
        self._check_keys(table, {"directory", "title", "base_url", "max_entries", "id"}, "publish")
        base_url = self._string(table, "publish", "base_url", PublishConfig.base_url)
        if not is_http_url(base_url):
            self._fail("publish.base_url", f"not an http(s) URL: {base_url!r}")
        if not base_url.endswith("/"):
            base_url += "/"
        max_entries = table.get("max_entries", PublishConfig.max_entries)
        if not isinstance(max_entries, int) or isinstance(max_entries, bool) or max_entries < 1:
            self._fail("publish.max_entries", f"must be a positive integer, got {max_entries!r}")
        feed_id = table.get("id")
        if feed_id is not None and (not isinstance(feed_id, str) or ":" not in feed_id):
            self._fail("publish.id", f"must be an absolute URI, got {feed_id!r}")
        return PublishConfig(
            directory=self._resolve(self._string(table, "publish", "directory", "data/feeds")),
            title=self._string(table, "publish", "title", PublishConfig.title),
            base_url=base_url,
            max_entries=max_entries,
            id=feed_id,
        )

    def _schedule(self, table: Mapping[str, Any]) -> ScheduleConfig:
        defaults = ScheduleConfig()
        self._check_keys(table, set(defaults.__dataclass_fields__), "schedule")
        where = "schedule"
        return ScheduleConfig(
            interval=self._duration(table, where, "interval", defaults.interval),
            jitter=self._duration(table, where, "jitter", defaults.jitter, allow_zero=True),
            adaptive=bool(self._bool(table, where, "adaptive", defaults.adaptive, None)),
            min_interval=self._duration(table, where, "min_interval", None),
            max_interval=self._duration(table, where, "max_interval", defaults.max_interval),
            backoff_max=self._duration(table, where, "backoff_max", defaults.backoff_max),
            publish_delay=self._duration(
                table, where, "publish_delay", defaults.publish_delay, allow_zero=True
            ),
            stop_timeout=self._duration(
                table, where, "stop_timeout", defaults.stop_timeout, allow_zero=True
            ),
        )

    def _server(self, table: Mapping[str, Any]) -> ServerConfig:
        self._check_keys(table, {"host", "port"}, "server")
        port = table.get("port", ServerConfig.port)
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            self._fail("server.port", f"must be a port number (0 to 65535), got {port!r}")
        host = self._string(table, "server", "host", ServerConfig.host)
        if not host.strip():
            self._fail("server.host", "must not be empty")
        return ServerConfig(host=host, port=port)

    def _output_feed(self, index: int, raw: Any, source_names: set[str]) -> OutputFeedConfig:
        where = f"feeds[{index}]"
        if not isinstance(raw, dict):
            self._fail(where, "must be a table", index)
        self._check_keys(raw, set(OutputFeedConfig.__dataclass_fields__), where, index)
        if "name" not in raw:
            self._fail(f"{where}.name", "is required", index)
        name = self._string(raw, where, "name", "", index)
        if not _PLAIN_NAME.match(name):
            self._fail(
                f"{where}.name", f"must be letters, digits, dashes or underscores: {name!r}", index
            )
        if name in _RESERVED_FEED_NAMES or name in source_names:
            self._fail(f"{where}.name", f"{name!r} is taken by a source or a built-in feed", index)
        if name in self._feed_names:
            self._fail(f"{where}.name", f"duplicate feed name {name!r}", index)
        self._feed_names.add(name)
        sources = raw.get("sources", [])
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            self._fail(f"{where}.sources", "must be a list of source names", index)
        unknown = [source for source in sources if source not in source_names]
        if unknown:
            self._fail(f"{where}.sources", f"no source named {', '.join(unknown)}", index)
        for key in ("include", "exclude"):
            if key in raw:
                self._regex(raw, where, key, index)
        return OutputFeedConfig(
            name=name,
            sources=tuple(sources),
            include=self._optional_string(raw, where, "include", index),
            exclude=self._optional_string(raw, where, "exclude", index),
            title=self._optional_string(raw, where, "title", index),
        )

    def _fetch(self, table: Mapping[str, Any]) -> FetchConfig:
        defaults = FetchConfig()
        self._check_keys(table, set(defaults.__dataclass_fields__), "fetch")
        values: dict[str, Any] = {}
        for key in ("timeout", "connect_timeout", "backoff", "delay"):
            if key in table:
                values[key] = self._duration(table, "fetch", key, 0.0, allow_zero=True)
        for key in ("max_bytes", "retries", "max_redirects", "per_host", "workers"):
            if key in table:
                value = table[key]
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    self._fail(f"fetch.{key}", f"must be a non-negative integer, got {value!r}")
                values[key] = value
        if "user_agent" in table:
            values["user_agent"] = self._string(table, "fetch", "user_agent", defaults.user_agent)
        return FetchConfig(**values)

    def _source(self, index: int, raw: Any) -> SourceConfig:
        where = f"sources[{index}]"
        if not isinstance(raw, dict):
            self._fail(where, "must be a table", index)
        self._check_keys(raw, set(SourceConfig.__dataclass_fields__), where, index)
        for key in ("name", "url"):
            if key not in raw:
                self._fail(f"{where}.{key}", "is required", index)
        name = self._string(raw, where, "name", "", index)
        if not name.strip() or "/" in name or name.startswith("."):
            self._fail(
                f"{where}.name", f"must be a plain name usable as a file name: {name!r}", index
            )
        url = self._string(raw, where, "url", "", index)
        if not is_http_url(url):
            self._fail(f"{where}.url", f"not an http(s) URL: {url!r}", index)
        kind = raw.get("type", "feed")
        if kind not in SOURCE_TYPES:
            self._fail(
                f"{where}.type", f"must be one of {', '.join(SOURCE_TYPES)}, got {kind!r}", index
            )
        if kind != "html":
            for key in _HTML_ONLY_KEYS:
                if key in raw:
                    self._fail(f"{where}.{key}", 'only applies to type = "html" sources', index)
        if kind != "watch":
            for key in _WATCH_ONLY_KEYS:
                if key in raw:
                    self._fail(f"{where}.{key}", 'only applies to type = "watch" sources', index)
        else:
            for key in _NOT_ON_WATCH_KEYS:
                if key in raw:
                    self._fail(f"{where}.{key}", 'does not apply to type = "watch" sources', index)
        ignore = raw.get("ignore", [])
        if isinstance(ignore, str):
            ignore = [ignore]
        if not isinstance(ignore, list) or not all(isinstance(item, str) for item in ignore):
            self._fail(f"{where}.ignore", "must be a list of regular expressions", index)
        for position, pattern in enumerate(ignore):
            try:
                re.compile(pattern)
            except re.error as exc:
                self._fail(
                    f"{where}.ignore", f"bad regular expression #{position + 1}: {exc}", index
                )
        timezone = self._string(raw, where, "timezone", DEFAULT_TIMEZONE, index)
        try:
            zone(timezone)
        except UnknownTimezoneError as exc:
            self._fail(f"{where}.timezone", str(exc), index)
        for key in ("include", "exclude"):
            if key in raw:
                self._regex(raw, where, key, index)
        max_pages = raw.get("max_pages", 1)
        if not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages < 1:
            self._fail(
                f"{where}.max_pages", f"must be a positive integer, got {max_pages!r}", index
            )
        return SourceConfig(
            name=name,
            url=url,
            type=kind,
            interval=self._duration(raw, where, "interval", None, index=index),
            timezone=timezone,
            enabled=self._bool(raw, where, "enabled", True, index),
            fetch_pages=self._bool(raw, where, "fetch_pages", None, index),
            article=self._optional_string(raw, where, "article", index),
            links=self._optional_string(raw, where, "links", index),
            next=self._optional_string(raw, where, "next", index),
            max_pages=max_pages,
            include=self._optional_string(raw, where, "include", index),
            exclude=self._optional_string(raw, where, "exclude", index),
            allow_offsite=bool(self._bool(raw, where, "allow_offsite", False, index)),
            min_interval=self._duration(raw, where, "min_interval", None, index=index),
            max_interval=self._duration(raw, where, "max_interval", None, index=index),
            select=self._optional_string(raw, where, "select", index),
            ignore=tuple(ignore),
        )

    # -- typed getters ---------------------------------------------------------------------

    def _table(self, raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            self._fail(key, "must be a table")
        return value

    def _string(
        self, table: Mapping[str, Any], where: str, key: str, default: str, index: int | None = None
    ) -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            self._fail(f"{where}.{key}", f"must be a string, got {value!r}", index)
        return value

    def _optional_string(
        self, table: Mapping[str, Any], where: str, key: str, index: int | None
    ) -> str | None:
        return self._string(table, where, key, "", index) or None if key in table else None

    def _bool(
        self,
        table: Mapping[str, Any],
        where: str,
        key: str,
        default: bool | None,
        index: int | None,
    ) -> bool | None:
        value = table.get(key, default)
        if value is not None and not isinstance(value, bool):
            self._fail(f"{where}.{key}", f"must be true or false, got {value!r}", index)
        return value

    def _duration(
        self,
        table: Mapping[str, Any],
        where: str,
        key: str,
        default: float | None,
        index: int | None = None,
        allow_zero: bool = False,
    ) -> Any:
        if key not in table:
            return default
        value = table[key]
        if allow_zero and value in (0, "0", "0s"):
            return 0.0
        try:
            return parse_duration(value)
        except ValueError as exc:
            self._fail(f"{where}.{key}", str(exc), index)

    def _regex(self, table: Mapping[str, Any], where: str, key: str, index: int) -> None:
        pattern = self._string(table, where, key, "", index)
        try:
            re.compile(pattern)
        except re.error as exc:
            self._fail(f"{where}.{key}", f"bad regular expression: {exc}", index)

    def _check_keys(
        self, table: Mapping[str, Any], allowed: set[str], where: str, index: int | None = None
    ) -> None:
        for key in table:
            if key not in allowed:
                name = f"{where}.{key}" if where else key
                self._fail(
                    name, f"unknown key (expected one of: {', '.join(sorted(allowed))})", index
                )

    def _resolve(self, value: str) -> Path:
        candidate = Path(value).expanduser()
        return candidate if candidate.is_absolute() else self.folder / candidate

    def _fail(self, key: str, problem: str, index: int | None = None) -> Any:
        raise ConfigError(self.path, key, problem, self._line_of(key, index))

    def _line_of(self, key: str, index: int | None) -> int | None:
        """Best-effort line of `key` ("publish.title", "sources[2].url") in the file."""
        table, _, leaf = key.rpartition(".")
        if not table and index is not None:
            table, leaf = leaf, ""
        table = re.sub(r"\[\d+\]$", "", table)
        start, end = 0, len(self.lines)
        if table:
            header = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*(#.*)?$")
            headers = [n for n, line in enumerate(self.lines) if header.match(line)]
            if index is not None and index < len(headers):
                headers = headers[index:]
            if not headers:
                return None
            start = headers[0]
            following = [
                n
                for n, line in enumerate(self.lines)
                if n > start and line.lstrip().startswith("[")
            ]
            end = following[0] if following else end
            if not leaf:
                return start + 1
        assignment = re.compile(rf"^\s*[\"']?{re.escape(leaf)}[\"']?\s*=")
        for number in range(start, end):
            if assignment.match(self.lines[number]):
                return number + 1
        return start + 1 if table else None
