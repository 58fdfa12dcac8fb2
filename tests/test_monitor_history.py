"""`aggregator history URL|ID`: every version with its diff, and the take-downs and moves."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner

from aggregator.cli import main
from aggregator.config import Config
from aggregator.dates import utc_now
from aggregator.fetch import Fetcher
from aggregator.monitor.recheck import recheck_source
from aggregator.poll import poll_many
from aggregator.store import Store

from fixtureweb import FixtureWeb
from helpers import run_cli


def recheck(config: Config, hours: float) -> None:
    with Store(config.storage.database) as store, Fetcher(config.fetch) as fetcher:
        when = utc_now() + timedelta(hours=hours)
        recheck_source(config.sources[0], store, fetcher, config.monitor, when)


def test_history_shows_versions_diffs_and_events(fixture_web: FixtureWeb, make_config) -> None:
    trs = fixture_web.trs
    config = make_config(
        [{"name": "trs", "type": "html", "url": trs.url(trs.list_path())}],
        monitor={"confirm_after": "0s"},
    )
    poll_many(config, config.sources)
    article = trs.article(trs.listed()[0].id)  # a copy: the site changes its own
    old_url = trs.expected(article.id).url
    paragraphs = article.paragraphs
    trs.edit_body(article.id, [paragraphs[0].replace("。", "，全文如下。", 1), *paragraphs[1:]])
    recheck(config, hours=2)
    trs.move(article.id, article.path.replace(".html", "_new.html"))
    trs.edit_title(article.id, "更正：" + article.title)
    trs.edit_body(article.id, trs.article(article.id).paragraphs[:-1])
    recheck(config, hours=7)
    trs.delete(article.id)
    recheck(config, hours=25)
    recheck(config, hours=26)

    shown = run_cli("--config", str(config.path), "history", old_url)  # by its old URL
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "\x1b[" not in out  # plain: not a terminal
    lines = out.splitlines()
    assert lines[0] == "更正：" + article.title
    assert lines[1] == trs.url(trs.article(article.id).path)
    assert f"earlier address: {old_url}" in lines
    assert any(line.startswith("removed: gone since ") for line in lines)
    headers = [line.split()[:2] for line in lines if line.startswith("version ")]
    assert headers == [["version", "1"], ["version", "2"], ["version", "3"]]
    assert "{+，全文如下+}" in out  # the characters added, marked
    assert f"  Title: {article.title} -> 更正：{article.title}" in lines
    assert f"- {paragraphs[-1]}" in lines  # a paragraph removed
    order = [
        line.split()[0]
        for line in lines
        if line.split()[:1] in (["version"], ["moved"], ["removed"])
    ]
    assert order == ["version", "version", "moved", "version", "removed"]

    runner = CliRunner()
    by_id = runner.invoke(main, ["--config", str(config.path), "history", "1"])
    assert by_id.exit_code == 0 and by_id.output == out  # article 1 is the one above
    missing = runner.invoke(main, ["--config", str(config.path), "history", "http://no.cn/"])
    assert missing.exit_code == 1 and "no article" in missing.output

    coloured = runner.invoke(main, ["--config", str(config.path), "history", old_url], color=True)
    assert coloured.exit_code == 0
    assert "\x1b[31m" in coloured.output and "\x1b[32m" in coloured.output  # red and green
