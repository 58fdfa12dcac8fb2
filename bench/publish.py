"""Publish time against the archive's size: it must not grow with the number of articles.

    python bench/publish.py [--sizes 10000,100000,1000000] [--sources 50] [--repeat 3]

One archive (a real `Store` file in a temporary folder) grows to each size in turn by
synthetic rows inserted straight into `articles` (one transaction per 50,000 rows, the FTS
triggers firing as usual); their times are spread over five years, over ``--sources``
sources. At each size, printed: the time of `publish_all` (the combined feed and one feed
per source, ``max_entries`` 200 each; median of ``--repeat``), of the two queries behind it
(the newest 200 of all, of one source), of `source_overview` (the `sources` command, which
counts articles per source), and the file size.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aggregator.config import load_config  # noqa: E402
from aggregator.publish import publish_all  # noqa: E402
from aggregator.store import Store  # noqa: E402

EPOCH = datetime(2021, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 5 * 365 * 86400
BATCH = 50_000
BODY = "<p>全省各地认真贯彻落实会议精神，扎实推进各项重点工作，取得积极成效。</p>" * 3


def write_config(folder: Path, sources: int) -> Path:
    lines = ["[storage]", 'database = "archive.db"', "[publish]", 'directory = "feeds"', ""]
    for number in range(sources):
        lines += [
            "[[sources]]",
            f'name = "s{number}"',
            f'url = "http://portal{number}.example.gov.cn/col/list.html"',
            'type = "html"',
            "",
        ]
    path = folder / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def add_rows(store: Store, first: int, count: int, sources: int, rng: random.Random) -> None:
    """Insert `count` synthetic articles numbered from `first`, straight into the table."""
    now = "2026-01-01T00:00:00+00:00"
    for start in range(first, first + count, BATCH):
        rows = []
        for number in range(start, min(start + BATCH, first + count)):
            moment = EPOCH + timedelta(seconds=rng.randrange(SPAN_SECONDS))
            stamp = moment.isoformat(timespec="seconds")
            url = f"http://portal{number % sources}.example.gov.cn/art/{number}.html"
            rows.append(
                (
                    f"s{number % sources}",
                    url,
                    f"urn:uuid:synthetic-{number}",
                    f"省政府召开常务会议研究部署重点工作（{number}）",
                    stamp,
                    stamp,
                    BODY,
                    f"{number:064x}",
                    now,
                    now,
                )
            )
        with store.transaction():
            store.db.conn.executemany(
                """
                INSERT INTO articles (source, url, entry_id, title, published, sort_time,
                                      body_html, content_hash, first_seen, last_seen)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                rows,
            )


def seconds(function, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    rng = random.Random(8)
    print(
        f"{'articles':>9}{'build s':>9}{'DB MB':>7}{'publish_all s':>15}{'feeds':>6}"
        f"{'newest 200 ms':>15}{'of 1 source ms':>16}{'source_overview ms':>20}"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as folder:
        config = load_config(write_config(Path(folder), args.sources))
        with Store(config.storage.database) as store:
            store.sync_sources(config.sources)
            stored = 0
            for size in sizes:
                started = time.perf_counter()
                add_rows(store, stored, size - stored, args.sources, rng)
                stored = size
                store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                built = time.perf_counter() - started
                publish_all(config, store)  # warm: the files exist, as in a running daemon
                publish = seconds(lambda: publish_all(config, store), args.repeat)
                newest = seconds(lambda: store.feed_articles(limit=200), args.repeat * 5)
                one = seconds(lambda: store.feed_articles(source="s1", limit=200), args.repeat * 5)
                overview = seconds(store.source_overview, args.repeat)
                megabytes = config.storage.database.stat().st_size / 2**20
                print(
                    f"{size:>9}{built:>9.1f}{megabytes:>7.0f}{publish:>15.2f}"
                    f"{args.sources + 1:>6}{newest * 1e3:>15.1f}{one * 1e3:>16.1f}"
                    f"{overview * 1e3:>20.1f}",
                    flush=True,
                )
                rows.append(
                    {
                        "articles": size,
                        "publish_s": publish,
                        "newest_ms": newest * 1e3,
                        "one_source_ms": one * 1e3,
                        "overview_ms": overview * 1e3,
                    }
                )
    growth = rows[-1]["publish_s"] / rows[0]["publish_s"]
    print(
        f"publish_all at {sizes[-1]:,} articles / at {sizes[0]:,}: {growth:.2f}x"
        " (flat = indexes used)"
    )
    print("RESULT " + json.dumps({"publish": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
