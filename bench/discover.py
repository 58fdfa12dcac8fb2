"""Precision and recall of automatic list-page discovery (`discover_list` without selectors).

Two sets of pages:

- the GNE list pages (``../shared/corpus/gne/test_list_page/``, GPL-3.0, never copied
  here). Their expected article links were written down by reading the pages; only those
  URLs are kept, in ``bench/data/gne_list_expected.json``. Its shape:
  ``{"pages": {"163/1.html": {"page_url": …, "allow_offsite": bool, "links": [url, …]}}}``.
- the loopback fixture web of ``tests/fixtureweb``, scored against the committed sets in
  ``tests/data/discover/fixtureweb_expected.json`` (list page path -> article paths), each
  list page fetched over HTTP with its next pages followed.

Usage::

    python bench/discover.py [--corpus ../shared/corpus/gne/test_list_page]
                             [--gne-expected bench/data/gne_list_expected.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from aggregator.discover.html import discover_list  # noqa: E402
from aggregator.encoding import decode  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "gne" / "test_list_page"
DEFAULT_GNE_EXPECTED = ROOT / "bench" / "data" / "gne_list_expected.json"
FIXTURE_EXPECTED = ROOT / "tests" / "data" / "discover" / "fixtureweb_expected.json"


def score(found: set[str], expected: set[str]) -> tuple[float, float, int, int]:
    """Precision, recall, true positives and number found."""
    hits = len(found & expected)
    precision = hits / len(found) if found else (1.0 if not expected else 0.0)
    recall = hits / len(expected) if expected else 1.0
    return precision, recall, hits, len(found)


def bench_gne(corpus: Path, expected_file: Path) -> tuple[int, int, int] | None:
    if not corpus.is_dir():
        print(f"GNE list pages: corpus folder {corpus} is missing; skipped.")
        return None
    if not expected_file.is_file():
        print(f"GNE list pages: expected-links file {expected_file} is missing; skipped.")
        return None
    pages = json.loads(expected_file.read_text(encoding="utf-8"))["pages"]
    print("GNE list pages (GPL-3.0 pages in the shared corpus; expected links in bench/data)")
    totals = [0, 0, 0]
    for name, spec in sorted(pages.items()):
        path = corpus / name
        if not path.is_file():
            print(f"  {name}: missing, skipped")
            continue
        raw = path.read_bytes()
        started = time.perf_counter()
        page = discover_list(
            decode(raw).text, spec["page_url"], allow_offsite=spec.get("allow_offsite", False)
        )
        elapsed = time.perf_counter() - started
        found = {link.url for link in page.links}
        expected = set(spec["links"])
        precision, recall, hits, n_found = score(found, expected)
        totals[0] += hits
        totals[1] += n_found
        totals[2] += len(expected)
        print(
            f"  {name:22} P {precision:.3f}  R {recall:.3f}  "
            f"({hits}/{n_found} found, {len(expected)} expected, {elapsed * 1000:.0f} ms)"
        )
    return totals[0], totals[1], totals[2]


def bench_fixture_web() -> tuple[int, int, int]:
    from fixtureweb import FixtureWeb, fetch

    expected_sets = json.loads(FIXTURE_EXPECTED.read_text(encoding="utf-8"))["lists"]
    print("Fixture web (loopback, expected sets in tests/data/discover)")
    totals = [0, 0, 0]
    with FixtureWeb() as web:
        for entry in expected_sets:
            site = web.site(entry["site"])
            found: set[str] = set()
            queue = [(site.url(entry["list"]), "GET", ())]
            done: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()
            while queue and len(done) < entry.get("max_pages", 10):
                url, method, data = queue.pop(0)
                if (url, method, data) in done:
                    continue
                done.add((url, method, data))
                response = fetch(url, method=method, data=data)
                page = discover_list(decode(response.body, response.content_type).text, url)
                found |= {link.url for link in page.links}
                queue += [(r.url, r.method, r.data) for r in page.next_pages]
            expected = {site.url(path) for path in entry["articles"]}
            precision, recall, hits, n_found = score(found, expected)
            totals[0] += hits
            totals[1] += n_found
            totals[2] += len(expected)
            label = f"{entry['site']} {entry['list']}"
            print(
                f"  {label:40} P {precision:.3f}  R {recall:.3f}  "
                f"({hits}/{n_found} found, {len(expected)} expected, {len(done)} pages)"
            )
    return totals[0], totals[1], totals[2]


def summary(label: str, totals: tuple[int, int, int] | None) -> None:
    if totals is None:
        return
    hits, found, expected = totals
    precision = hits / found if found else 0.0
    recall = hits / expected if expected else 0.0
    print(
        f"{label}: micro P {precision:.3f}  R {recall:.3f}"
        f"  ({hits} hits, {found} found, {expected} expected)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--gne-expected", type=Path, default=DEFAULT_GNE_EXPECTED)
    parser.add_argument("--skip-fixture-web", action="store_true")
    args = parser.parse_args()
    gne = bench_gne(args.corpus, args.gne_expected)
    fixture = None if args.skip_fixture_web else bench_fixture_web()
    print()
    summary("GNE list pages", gne)
    summary("Fixture web", fixture)


if __name__ == "__main__":
    main()
