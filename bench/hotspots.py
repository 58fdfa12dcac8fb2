"""Where the poller's CPU goes, stage by stage, and what each proposed change would save.

    python bench/hotspots.py [--sources 300]

The profiles (``bench/poll.py --profile first|304|200``) say which functions dominate; this
script times those functions alone, per feed entry or per source, on the loopback web's
documents, and beside each one the replacement proposed in bench/README.md, written here
as a prototype (the pipeline in `aggregator/` is not changed by the benchmarks). Each
prototype's output is compared with the current function's, so a saving is only claimed
for an equivalent result. (html_to_text on lxml and RFC 822 dates through email.utils were
prototypes here; they are now the pipeline's own.)
"""

from __future__ import annotations

import argparse
import hashlib
import html
import http.client
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import urllib3  # noqa: E402
from loopback import RunningWeb, feed_document  # noqa: E402

from aggregator.changes import content_hash  # noqa: E402
from aggregator.config import FetchConfig, SourceConfig  # noqa: E402
from aggregator.dates import parse_datetime, utc_now  # noqa: E402
from aggregator.discover.feed import parse_feed  # noqa: E402
from aggregator.fetch import Fetcher  # noqa: E402
from aggregator.poll import poll_source  # noqa: E402
from aggregator.sanitize import clean_html, html_to_text  # noqa: E402
from aggregator.store import Store  # noqa: E402
from aggregator.store.search import index_terms  # noqa: E402

FEED_HEADERS = {"content-type": "application/rss+xml; charset=utf-8"}


def per_call_ms(function: Callable[[], object], repeat: int) -> float:
    """CPU milliseconds per call of `function` (best of three batches of `repeat`)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(repeat):
            function()
        best = min(best, (time.process_time() - started) / repeat * 1e3)
    return best


# -- per entry ------------------------------------------------------------------------------


def entry_stages() -> list[tuple[str, float, str]]:
    base = "http://127.0.0.1:1"
    documents = [feed_document(base, source, 0, 20, 3, "news") for source in range(20)]
    parsed = parse_feed(documents[0], FEED_HEADERS, f"{base}/feed/0.xml", "Asia/Shanghai")
    article = parsed.articles[0]
    raw_body = next(iter(re.findall(rb"<content:encoded>(.*?)</content:encoded>", documents[0])))
    body_html = html.unescape(raw_body.decode("utf-8"))
    cleaned = clean_html(body_html, article.url)
    import feedparser

    rows = [
        (
            "parse_feed, whole (per entry)",
            per_call_ms(
                lambda: parse_feed(documents[1], FEED_HEADERS, f"{base}/feed/1.xml", "UTC"), 20
            )
            / 20,
            "",
        ),
        (
            "  feedparser.parse (per entry)",
            per_call_ms(
                lambda: feedparser.parse(
                    documents[1], response_headers=FEED_HEADERS, sanitize_html=False
                ),
                20,
            )
            / 20,
            "",
        ),
        ("  clean_html (nh3)", per_call_ms(lambda: clean_html(body_html, article.url), 500), ""),
        (
            "  html_to_text (lxml; was BeautifulSoup, 0.53 ms)",
            per_call_ms(lambda: html_to_text(cleaned), 500),
            "",
        ),
        (
            "  parse_datetime RFC 822 (email.utils; was dateutil, 0.10 ms)",
            per_call_ms(lambda: parse_datetime("Fri, 03 May 2024 08:00:00 GMT", "UTC"), 2000),
            "",
        ),
        ("content_hash", per_call_ms(lambda: content_hash(article), 2000), ""),
        (
            "index_terms (title + body)",
            per_call_ms(lambda: (index_terms(article.title), index_terms(article.body_text)), 2000),
            "",
        ),
    ]
    return rows


def store_stages() -> list[tuple[str, float, str]]:
    base = "http://127.0.0.1:1"
    feeds = [
        parse_feed(document, FEED_HEADERS, base, "UTC").articles
        for document in (feed_document(base, source, 0, 20, 3, "news") for source in range(100))
    ]
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "bench.db") as store:
        sources = [SourceConfig(name=f"s{n}", url=f"{base}/feed/{n}.xml") for n in range(100)]
        store.sync_sources(sources)
        started = time.process_time()
        for number, articles in enumerate(feeds):
            store.save_articles(f"s{number}", articles)
        insert = (time.process_time() - started) / 2000 * 1e3
        started = time.process_time()
        for number, articles in enumerate(feeds):
            store.save_articles(f"s{number}", articles)
        unchanged = (time.process_time() - started) / 2000 * 1e3
        hashes = [content_hash(a) for articles in feeds for a in articles]
        started = time.process_time()
        for articles in feeds:
            store.known_urls(a.url for a in articles)
        batched = (time.process_time() - started) / 2000 * 1e3
    hash_ms = per_call_ms(lambda: [content_hash(a) for a in feeds[0]], 20) / 20
    return [
        ("save_articles, new entry (insert + FTS)", insert, "per entry"),
        ("save_articles, unchanged entry", unchanged, f"of which content_hash {hash_ms:.3f}"),
        ("  one SELECT ... IN (20 urls) (proposal)", batched, f"{len(hashes)} entries"),
    ]


# -- per source, unchanged (304) ------------------------------------------------------------


def source_stages(sources: int) -> list[tuple[str, float, str]]:
    """A 304 poll's parts: our fetch beside the bare clients under it, the store's part,
    and the whole `poll_source`."""
    rows = []
    with RunningWeb() as web, tempfile.TemporaryDirectory() as folder:
        urls = [f"{web.base_url}/feed/{n}.xml" for n in range(sources)]
        with Fetcher(FetchConfig(delay=0)) as fetcher:
            validators = [fetcher.fetch(url).validators for url in urls]
            web.take_statuses()
            started = time.process_time()
            for url, given in zip(urls, validators, strict=True):
                fetcher.fetch(url, given)
            current = (time.process_time() - started) / sources * 1e3
            stats = web.take_statuses()
        rows.append(
            ("Fetcher.fetch, 304", current, f"{stats.get('connections', 0)} new connections")
        )
        pool = urllib3.PoolManager(maxsize=4)
        started = time.process_time()
        for url, given in zip(urls, validators, strict=True):
            response = pool.urlopen(
                "GET",
                url,
                headers=given.request_headers(),
                redirect=False,
                retries=False,
                preload_content=False,
            )
            response.read()
            response.release_conn()
        bare = (time.process_time() - started) / sources * 1e3
        stats = web.take_statuses()
        rows.append(
            (
                "  urllib3 PoolManager alone (the client's floor)",
                bare,
                f"{stats.get('connections', 0)} new connections",
            )
        )
        address = urlsplit(web.base_url)
        connection = http.client.HTTPConnection(address.hostname, address.port)
        started = time.process_time()
        for url, given in zip(urls, validators, strict=True):
            connection.request("GET", urlsplit(url).path, headers=given.request_headers())
            connection.getresponse().read()
        raw = (time.process_time() - started) / sources * 1e3
        connection.close()
        rows.append(("  http.client, one kept connection (no pool)", raw, "for reference"))
        configs = [SourceConfig(name=f"s{n}", url=url) for n, url in enumerate(urls)]
        with Store(Path(folder) / "bench.db") as store:
            store.sync_sources(configs)
            with Fetcher(FetchConfig(delay=0)) as fetcher:
                result = fetcher.fetch(urls[0], validators[0])
                started = time.process_time()
                for source in configs:
                    store.poll_target(source, utc_now())
                    with store.transaction():
                        store.record_fetch(source.name, result)
                        store.record_poll(source.name, "not modified")
                bookkeeping = (time.process_time() - started) / sources * 1e3
                rows.append(("store part of a 304 (1 lookup, 1 commit)", bookkeeping, ""))
                for source in configs:  # the validators, as a first poll leaves them
                    store.remember_validators(
                        store.poll_target(source, utc_now()).url, validators[int(source.name[1:])]
                    )
                started = time.process_time()
                for source in configs:
                    poll_source(source, store, fetcher)
                whole = (time.process_time() - started) / sources * 1e3
                rows.append(("whole poll_source of a 304", whole, "sequential"))
    return rows


def hash_of_body_ms() -> float:
    document = feed_document("http://127.0.0.1:1", 0, 0, 20, 3, "news")
    return per_call_ms(lambda: hashlib.blake2b(document, digest_size=16).digest(), 2000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=300, help="sources for the 304 figures")
    args = parser.parse_args()
    figures: dict[str, float] = {}
    print(f"{'stage':<52}{'CPU ms':>9}  note")
    print("per feed entry (loopback RSS, 5 Chinese paragraphs per entry)")
    for name, ms, note in entry_stages():
        print(f"{name:<52}{ms:>9.3f}  {note}")
        figures[name.strip()] = ms
    for name, ms, note in store_stages():
        print(f"{name:<52}{ms:>9.3f}  {note}")
        figures[name.strip()] = ms
    print(f"per unchanged source ({args.sources} sources, sequential, one thread)")
    for name, ms, note in source_stages(args.sources):
        print(f"{name:<52}{ms:>9.3f}  {note}")
        figures[name.strip()] = ms
    name = "blake2b of a whole 20-entry feed (proposal: skip parsing)"
    figures[name] = hash_of_body_ms()
    print(f"{name:<52}{figures[name]:>9.3f}  per 200 whose body is unchanged")
    print("RESULT " + json.dumps({"hotspots_ms": figures}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
