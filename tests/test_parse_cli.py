"""`aggregator parse` as a user runs it: files, stdin and URLs; JSON and the summary."""

from __future__ import annotations

import json
from pathlib import Path

from fixtureweb import FixtureWeb
from helpers import REPO_ROOT, run_cli

SEED = REPO_ROOT / "seeds" / "000_ee651a9b1e5f022e"
EXPECTED = json.loads(SEED.with_suffix(".expected.json").read_text("utf-8"))


def test_the_seed_capture_and_page_print_the_expected_record(tmp_path: Path) -> None:
    for path in (SEED.with_suffix(".txt"), SEED.with_suffix(".html")):
        result = run_cli("parse", "--json", str(path), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        record = json.loads(result.stdout)
        for field, value in EXPECTED.items():
            assert record[field] == value, (path.name, field)
        assert set(record) >= {"url", "body_html", "images", "notes"}


def test_the_summary_is_readable_and_names_the_fields(tmp_path: Path) -> None:
    result = run_cli("parse", str(SEED.with_suffix(".txt")), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert EXPECTED["title"] in result.stdout
    for value in ("New Gansu", "2023-02-14", "Zhang Fugui", "Jin Xin"):
        assert value in result.stdout


def test_a_url_is_fetched_and_its_gbk_page_read(fixture_web: FixtureWeb, tmp_path: Path) -> None:
    trs = fixture_web.trs
    expected = trs.expected_articles()[0]
    result = run_cli("parse", "--json", expected.url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert (record["url"], record["title"]) == (expected.url, expected.title)
    assert record["published"] == expected.published
    assert record["source"] == expected.source_outlet
    assert record["paragraphs"] == list(expected.paragraphs)


def test_stdin_and_timezone(tmp_path: Path) -> None:
    page = (
        "<html><head><title>t</title></head><body><h1>测试标题</h1>"
        "<p>发布时间：2023-02-14 10:21</p>"
        "<p>正文第一段，内容足够长，用来确认正文被读出。正文第一段，内容足够长。</p></body></html>"
    )
    result = run_cli("parse", "--json", "--timezone", "Asia/Urumqi", "-", cwd=tmp_path, input=page)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["published"] == "2023-02-14T10:21:00+06:00"


def test_bad_input_is_one_line(tmp_path: Path, fixture_web: FixtureWeb) -> None:
    missing = run_cli("parse", str(tmp_path / "absent.html"), cwd=tmp_path)
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    zone = run_cli("parse", "--timezone", "Mars/Olympus", str(SEED.with_suffix(".txt")))
    assert zone.returncode == 2 and "unknown time zone" in zone.stderr
    gone = run_cli("parse", fixture_web.broken.url("/gone.html"), cwd=tmp_path)
    assert gone.returncode == 1 and "HTTP 410" in gone.stderr
