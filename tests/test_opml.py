"""OPML: importing feeds as sources (into config.toml) and exporting the sources."""

from __future__ import annotations

from pathlib import Path

import listparser
import pytest

from aggregator.config import SourceConfig, load_config
from aggregator.opml import (
    NewSource,
    OpmlError,
    OpmlFeed,
    export_opml,
    plan_import,
    read_opml,
    sources_toml,
)

from helpers import run_cli, write_config

SUBSCRIPTIONS = """\
<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>我的订阅</title></head>
  <body>
    <outline text="甘肃">
      <outline type="rss" text="甘肃省人民政府" xmlUrl="https://www.gansu.gov.cn/rss.xml"/>
      <outline type="rss" text="Gansu Daily" title="Gansu Daily"
               xmlUrl="http://www.gansudaily.com.cn/feed"/>
    </outline>
    <outline type="rss" text="Already here" xmlUrl="http://news.example.cn/rss?utm_source=x"/>
    <outline type="rss" text="Gansu Daily" xmlUrl="http://gansudaily.com.cn/other.xml"/>
    <outline type="rss" text="FTP" xmlUrl="ftp://files.example.cn/feed.xml"/>
    <outline type="rss" text="again" xmlUrl="https://www.gansu.gov.cn/rss.xml"/>
  </body>
</opml>
"""


def test_read_and_plan(tmp_path: Path) -> None:
    path = tmp_path / "subscriptions.opml"
    path.write_text(SUBSCRIPTIONS, encoding="utf-8")
    feeds = read_opml(path)
    assert feeds[0] == OpmlFeed("https://www.gansu.gov.cn/rss.xml", "甘肃省人民政府", "feed")
    existing = [SourceConfig(name="news", url="http://news.example.cn/rss")]
    plan = plan_import(feeds, existing)
    assert plan.added == (
        # A Chinese title gives no file-safe name: the host does.
        NewSource("gansu-gov-cn", "https://www.gansu.gov.cn/rss.xml", "feed", "甘肃省人民政府"),
        NewSource("gansu-daily", "http://www.gansudaily.com.cn/feed", "feed", "Gansu Daily"),
        NewSource("gansu-daily-2", "http://gansudaily.com.cn/other.xml", "feed", "Gansu Daily"),
    )
    assert plan.skipped == (
        ("http://news.example.cn/rss?utm_source=x", "already configured as news"),
        ("ftp://files.example.cn/feed.xml", "not an http(s) URL"),
    )  # the list's second https://www.gansu.gov.cn/rss.xml never came out of listparser


def test_sources_toml_is_valid_toml_with_titles_as_comments(tmp_path: Path) -> None:
    text = sources_toml(
        [
            NewSource("odd", 'http://x.cn/a?q="1"\\', "feed", "Title\nwith a newline"),
            NewSource("list", "http://x.cn/list.html", "html", None),
        ],
        origin="subs.opml",
    )
    assert "# Title with a newline\n[[sources]]" in text
    config = write_config(tmp_path, [])
    config.write_text(config.read_text() + "\n" + text, encoding="utf-8")
    loaded = load_config(config).sources
    assert [(s.name, s.url, s.type) for s in loaded] == [
        ("odd", 'http://x.cn/a?q="1"\\', "feed"),
        ("list", "http://x.cn/list.html", "html"),
    ]


def test_export_round_trips_through_a_real_parser() -> None:
    sources = [
        SourceConfig(name="news", url="http://news.example.cn/rss?a=1&b=2"),
        SourceConfig(name="gansu-gov", url="https://www.gansu.gov.cn/list.shtml", type="html"),
    ]
    document = export_opml(sources, title="甘肃 <news>")
    parsed = listparser.parse(document)
    assert not parsed.bozo and parsed.meta.title == "甘肃 <news>"
    assert [(feed.url, feed.title) for feed in parsed.feeds] == [
        ("http://news.example.cn/rss?a=1&b=2", "news"),
        ("https://www.gansu.gov.cn/list.shtml", "gansu-gov"),
    ]
    plan = plan_import(
        [
            OpmlFeed(feed.url, feed.title, "html" if feed.categories else "feed")
            for feed in parsed.feeds
        ],
        [],
    )
    assert [(s.name, s.type) for s in plan.added] == [("news", "feed"), ("gansu-gov", "html")]


def test_unreadable_lists_are_errors(tmp_path: Path) -> None:
    with pytest.raises(OpmlError, match="cannot read"):
        read_opml(tmp_path / "absent.opml")
    junk = tmp_path / "junk.opml"
    junk.write_text("this is not xml", encoding="utf-8")
    with pytest.raises(OpmlError, match="not an OPML subscription list"):
        read_opml(junk)


def test_cli_import_appends_to_the_config_and_export_lists_it(tmp_path: Path) -> None:
    config = write_config(tmp_path, [{"name": "news", "url": "http://news.example.cn/rss"}])
    config.write_text("# my comment stays\n" + config.read_text(), encoding="utf-8")
    opml = tmp_path / "subscriptions.opml"
    opml.write_text(SUBSCRIPTIONS, encoding="utf-8")

    imported = run_cli("--config", str(config), "sources", "import", str(opml))
    assert imported.returncode == 0, imported.stderr
    assert "added gansu-gov-cn: https://www.gansu.gov.cn/rss.xml" in imported.stdout
    assert "3 sources added" in imported.stdout
    assert "skipped ftp://files.example.cn/feed.xml: not an http(s) URL" in imported.stderr
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# my comment stays\n")
    assert "# 甘肃省人民政府\n[[sources]]" in text
    names = [source.name for source in load_config(config).sources]
    assert names == ["news", "gansu-gov-cn", "gansu-daily", "gansu-daily-2"]

    again = run_cli("--config", str(config), "sources", "import", str(opml))
    assert again.returncode == 0 and "no new sources" in again.stdout
    assert config.read_text(encoding="utf-8") == text

    exported = run_cli("--config", str(config), "sources", "export")
    assert exported.returncode == 0
    assert [feed.title for feed in listparser.parse(exported.stdout).feeds] == names


def test_cli_import_leaves_a_config_it_cannot_extend_unchanged(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    original = 'sources = [{ name = "news", url = "http://news.example.cn/rss" }]\n'
    config.write_text(original, encoding="utf-8")
    opml = tmp_path / "subscriptions.opml"
    opml.write_text(SUBSCRIPTIONS, encoding="utf-8")
    result = run_cli("--config", str(config), "sources", "import", str(opml))
    assert result.returncode == 2
    assert "left unchanged" in result.stderr and "not valid TOML" in result.stderr
    assert config.read_text(encoding="utf-8") == original
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "config.toml",
        "subscriptions.opml",
    ]  # no temporary file left behind
