"""The change monitor's configuration: [monitor] and watch sources, checked like the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.config import ConfigError, MonitorConfig, load_config

BASE = """\
[storage]
database = "data/aggregator.db"

[publish]
directory = "data/feeds"
"""
WATCH = """
[[sources]]
name = "notices"
url = "https://www.example.gov.cn/tzgg/index.html"
type = "watch"
"""


def load(tmp_path: Path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_defaults_are_the_documented_schedule(tmp_path: Path) -> None:
    monitor = load(tmp_path, BASE).monitor
    assert monitor == MonitorConfig()
    assert monitor.recheck == (3600, 6 * 3600, 86400, 3 * 86400, 7 * 86400)
    assert (monitor.budget, monitor.confirm_after) == (20, 600)


def test_the_monitor_table(tmp_path: Path) -> None:
    text = BASE + '[monitor]\nrecheck = ["30m", "2h", "2d"]\nbudget = 5\nconfirm_after = "0s"\n'
    assert load(tmp_path, text).monitor == MonitorConfig((1800, 7200, 172800), 5, 0)


def test_an_empty_schedule_turns_rechecks_off(tmp_path: Path) -> None:
    assert load(tmp_path, BASE + "[monitor]\nrecheck = []\n").monitor.recheck == ()


def test_a_watch_source(tmp_path: Path) -> None:
    text = BASE + WATCH + 'select = "div.list"\nignore = ["浏览次数：\\\\d+", "更新时间.*"]\n'
    [source] = load(tmp_path, text).sources
    assert (source.type, source.select) == ("watch", "div.list")
    assert source.ignore == (r"浏览次数：\d+", "更新时间.*")
    one = load(tmp_path, BASE + WATCH + 'ignore = "\\\\d+次"\n').sources[0]
    assert one.ignore == (r"\d+次",)


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        (BASE + '[monitor]\nrecheck = "1h"\n', "monitor.recheck", "list of durations"),
        (BASE + '[monitor]\nrecheck = ["1h", "soon"]\n', "monitor.recheck", "bad duration"),
        (BASE + '[monitor]\nrecheck = ["1d", "1h"]\n', "monitor.recheck", "must grow"),
        (BASE + "[monitor]\nbudget = -1\n", "monitor.budget", "non-negative integer"),
        (BASE + '[monitor]\nconfirm_after = "x"\n', "monitor.confirm_after", "bad duration"),
        (BASE + "[monitor]\nforever = true\n", "monitor.forever", "unknown key"),
        (BASE + WATCH + 'ignore = ["("]\n', "sources[0].ignore", "bad regular expression"),
        (BASE + WATCH + "ignore = [1]\n", "sources[0].ignore", "list of regular expressions"),
        (BASE + WATCH + 'links = "a"\n', "sources[0].links", 'only applies to type = "html"'),
        (BASE + WATCH + 'article = "div"\n', "sources[0].article", "does not apply"),
        (BASE + WATCH + 'include = "x"\n', "sources[0].include", "does not apply"),
        (
            BASE + WATCH.replace('"watch"', '"html"') + 'select = "div"\n',
            "sources[0].select",
            'only applies to type = "watch"',
        ),
    ],
)
def test_each_mistake_is_one_located_line(tmp_path: Path, text: str, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    message = str(caught.value)
    assert f": {key}: " in message and words in message
    assert "\n" not in message
