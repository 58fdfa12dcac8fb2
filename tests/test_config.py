"""Config loading and validation: every mistake is one located line and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.config import ConfigError, load_config, parse_duration

from helpers import run_cli

VALID = """\
[storage]
database = "data/aggregator.db"

[publish]
directory = "data/feeds"
title = "Gansu provincial news"
base_url = "http://127.0.0.1:8080/"
max_entries = 200

[schedule]
interval = "15m"

[[sources]]
name = "example"
url = "https://example.org/rss.xml"
type = "feed"
interval = "10m"
timezone = "Asia/Shanghai"
enabled = true
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_documented_example_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, VALID))
    assert config.storage.database == tmp_path / "data" / "aggregator.db"
    assert config.publish.directory == tmp_path / "data" / "feeds"
    assert config.publish.max_entries == 200
    assert config.schedule.interval == 900
    [source] = config.sources
    assert (source.name, source.type, source.interval) == ("example", "feed", 600)
    assert config.interval_of(source) == 600
    assert not source.wants_pages


def test_the_shipped_config_is_valid() -> None:
    config = load_config(Path(__file__).parent.parent / "config.toml")
    assert config.sources, "the shipped config has sources"
    assert all(source.url.startswith("http") for source in config.sources)


@pytest.mark.parametrize(
    ("text", "key", "line", "words"),
    [
        (VALID.replace('title = "Gansu', "title = Gansu"), None, 6, "not valid TOML"),
        (VALID + 'colour = "red"\n', "sources[0].colour", 20, "unknown key"),
        (VALID.replace("[schedule]", "[schedule]\nspeed = 3"), "schedule.speed", 11, "unknown key"),
        (VALID.replace('name = "example"\n', ""), "sources[0].name", 13, "required"),
        (
            VALID.replace('url = "https://example.org/rss.xml"\n', ""),
            "sources[0].url",
            13,
            "required",
        ),
        (VALID.replace('"feed"', '"podcast"'), "sources[0].type", 16, "must be one of"),
        (
            VALID.replace('interval = "10m"', 'interval = "10 minutes"'),
            "sources[0].interval",
            17,
            "bad duration",
        ),
        (
            VALID.replace('interval = "15m"', 'interval = "-5m"'),
            "schedule.interval",
            11,
            "bad duration",
        ),
        (
            VALID.replace('"Asia/Shanghai"', '"Asia/Lanzhou"'),
            "sources[0].timezone",
            18,
            "unknown time zone",
        ),
        (
            VALID + '\n[[sources]]\nname = "example"\nurl = "https://example.org/b.xml"\n',
            "sources[1].name",
            22,
            "duplicate source name",
        ),
        (
            VALID.replace("https://example.org/rss.xml", "ftp://example.org/rss.xml"),
            "sources[0].url",
            15,
            "not an http(s) URL",
        ),
        (
            VALID.replace("max_entries = 200", "max_entries = 0"),
            "publish.max_entries",
            8,
            "positive integer",
        ),
        (VALID + 'links = "ul a"\n', "sources[0].links", 20, "only applies"),
    ],
)
def test_each_mistake_is_one_located_line(
    tmp_path: Path, text: str, key: str | None, line: int, words: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line}: ")
    if key:
        assert f": {key}: " in message
    assert words in message


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "absent.toml")


def test_relative_paths_are_relative_to_the_config_folder(tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    config = load_config(write(folder, VALID))
    assert config.storage.database.parent.parent == folder.resolve()


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("15m", 900), ("1h30m", 5400), ("1d", 86400), (90, 90)]
)
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "15", "m", "1w", "-1m", True, 0])
def test_bad_durations(text: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_cli_exits_2_with_one_line_on_a_bad_config(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace('"feed"', '"podcast"'))
    result = run_cli("--config", str(path), "poll")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"{path}:16: sources[0].type: must be one of feed, html" in lines[0]


def test_env_var_names_the_config(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("[schedule]", "[schedule]\nspeed = 3"))
    result = run_cli("sources", cwd=tmp_path, env={"AGGREGATOR_CONFIG": str(path)})
    assert result.returncode == 2
    assert "schedule.speed: unknown key" in result.stderr
