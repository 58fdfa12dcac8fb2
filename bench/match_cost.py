"""The cost of matching one new article against 10 k, 100 k and 1 M stored articles.

    python bench/match_cost.py [CORPUS_DIR] [--sizes 10000,100000,1000000] [--repeats 3]

One SQLite file (in a temporary folder, WAL) grows to each size in turn. It holds the real
articles of the corpus (cwced-dev, zh-extra, aeb-dev bodies) with their real fingerprints,
and synthetic articles up to the size: random MinHash signatures, so their band keys are
spread as real ones are (synthetic is fine for the index; their texts are never read,
since a random signature is nobody's candidate). Each query is a real copy of a stored
real article (【转载】 title, editor's note, full-width punctuation, trimmed tail), so the
lookup finds its original and the exact match runs, as it will in the poller.

Half the real articles are stored; copies of them are the "copy" queries, the other half
(stored nowhere) the "new" queries: most articles a poller sees have no copy yet.
Printed per size, per query article: the LSH lookup alone (the part that depends on the
archive's size), and the whole match: normalize + MinHash + lookup + exact match against
the candidates (texts from memory, not from the store) + story decision -- for a copy with
its candidates normalized anew ("copy") and with their shingled forms cached as a running
poller has them ("cand. cached"). Then the time of an index insert (add + commit).
Times are CPU times (`time.process_time`) of this process, each query's least of
`--repeats` runs: the machine is usually shared, and wall time or a single run measures the
neighbours as much as the match. The build time is wall time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from reposts import DEFAULT_CORPUS, edit, load_bases  # noqa: E402

from aggregator.dedupe import fingerprint as fp  # noqa: E402
from aggregator.dedupe.stories import ArticleFacts, assign_story  # noqa: E402
from aggregator.store import fingerprints  # noqa: E402
from aggregator.store import reposts as index_module  # noqa: E402
from aggregator.store.reposts import RepostIndex  # noqa: E402

SYNTHETIC_FIRST_ID = 1_000_000
CHUNK = 100_000


def add_synthetic(db: sqlite_utils.Database, first_id: int, count: int, rng) -> None:
    """`count` articles with random signatures, inserted in chunks sorted by band key."""
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        ids = np.arange(first_id + start, first_id + start + size, dtype=np.int64)
        bodies = rng.integers(0, 2**32, (size, fp.BODY_PERM), dtype=np.uint32)
        heads = rng.integers(0, 2**32, (size, fp.HEAD_PERM), dtype=np.uint32)
        keys = fp.band_keys_of(bodies, heads)
        row_ids = np.repeat(ids, keys.shape[1])
        flat = keys.ravel()
        order = np.argsort(flat, kind="stable")
        signatures = np.concatenate([bodies, heads], axis=1).astype("<u4")
        fingerprints.bulk_insert(
            db,
            zip(ids.tolist(), (row.tobytes() for row in signatures), strict=True),
            zip(flat[order].tolist(), row_ids[order].tolist(), strict=True),
        )


def clear_caches() -> None:
    # Every query must pay for its own normalization, shingling and MinHash, as a new
    # article does.
    fp.shingled.cache_clear()
    index_module._fingerprint_of.cache_clear()


def measure(
    index: RepostIndex,
    queries,
    stored: dict[int, ArticleFacts],
    candidates_cached: bool = False,
    repeats: int = 3,
) -> dict[str, float]:
    """Per query: the lookup alone, then the whole match, each the least CPU time of
    `repeats` runs (the machine is shared: the least is the one least disturbed).

    With `candidates_cached` the stored articles' shingled texts are in the cache, as a
    running poller has those it matched recently (a copy mostly follows its original within
    hours); otherwise every candidate is normalized and shingled again, as after a restart.
    """
    lookups = [float("inf")] * len(queries)
    totals = [float("inf")] * len(queries)
    found = 0
    for _ in range(repeats):
        for number, (facts, _) in enumerate(queries):
            clear_caches()
            index_module._fingerprint_of(facts.text)  # the lookup alone: fingerprint made before
            started = time.process_time()
            index.candidates(facts.text, exclude=facts.id)
            lookups[number] = min(lookups[number], time.process_time() - started)
    for _ in range(repeats):
        found = 0
        for number, (facts, original_id) in enumerate(queries):
            if candidates_cached:  # this query's candidates only: the cache is bounded
                candidate_ids = index.candidates(facts.text, exclude=facts.id)
                clear_caches()
                for candidate_id in candidate_ids:
                    if candidate_id in stored:
                        fp.shingled(stored[candidate_id].text)
            else:
                clear_caches()
            started = time.process_time()
            candidate_ids = index.candidates(facts.text, exclude=facts.id)
            decision = assign_story(facts, [stored[i] for i in candidate_ids if i in stored])
            totals[number] = min(totals[number], time.process_time() - started)
            found += decision.story_id == original_id
    return {
        "lookup_median": statistics.median(lookups) * 1e3,
        "lookup_p95": statistics.quantiles(lookups, n=20)[-1] * 1e3,
        "total_median": statistics.median(totals) * 1e3,
        "total_mean": statistics.fmean(totals) * 1e3,
        "found": found / len(queries),
    }


def measure_insert(index: RepostIndex, queries) -> float:
    started = time.process_time()
    for facts, _ in queries[:50]:
        index.add(facts.id, facts.text)
    elapsed = (time.process_time() - started) / 50 * 1e3
    for facts, _ in queries[:50]:
        index.remove(facts.id)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs per query; the least CPU time is kept"
    )
    args = parser.parse_args()
    if not (args.corpus / "cwced-dev").is_dir() or not (args.corpus / "aeb-dev").is_dir():
        print(f"corpus missing: {args.corpus} (needs cwced-dev/, zh-extra/, aeb-dev/)")
        return 2
    sizes = sorted(int(s) for s in args.sizes.split(","))
    rng = random.Random(5)
    bases = load_bases(args.corpus)
    stored = {
        number: ArticleFacts(
            id=number,
            url=f"https://outlet{number}.example.cn/a.html",
            title=base.title,
            text="\n".join(base.paragraphs),
            first_seen="2024-05-03T08:00:00+08:00",
            story_id=number,
        )
        for number, base in enumerate(bases, start=1)
        if number % 2
    }
    queries = []
    for number, base in enumerate(bases, start=1):
        if not number % 2:
            continue
        for kind in ("title_prefix", "editor_note", "punctuation_width", "trimmed_last_paragraph"):
            title, paragraphs = edit(base, kind, rng, 1)
            facts = ArticleFacts(
                id=500_000 + len(queries),
                url=f"https://county.example.gov.cn/{len(queries)}.html",
                title=title,
                text="\n".join(paragraphs),
                first_seen="2024-05-04T08:00:00+08:00",
            )
            queries.append((facts, number))
    unique = [
        (
            ArticleFacts(
                id=600_000 + number,
                url=f"https://outlet{number}.example.cn/a.html",
                title=base.title,
                text="\n".join(base.paragraphs),
                first_seen="2024-05-04T08:00:00+08:00",
            ),
            None,
        )
        for number, base in enumerate(bases, start=1)
        if not number % 2
    ]
    tokens = statistics.median(fp.shingled(f.text).length for f, _ in queries)
    print(
        f"queries: {len(queries)} real copies of {len(stored)} stored real articles (median"
        f" {tokens:.0f} tokens) and {len(unique)} real articles with no copy stored"
    )
    print(
        f"{'stored':>9} {'build s':>8} {'DB MB':>7} {'lookup ms':>10} {'p95':>6}"
        f" {'copy: match ms':>15} {'mean':>6} {'found':>6} {'cand. cached':>12} {'mean':>6}"
        f" {'new: match ms':>14} {'mean':>6}"
        f" {'insert ms':>9}"
    )

    generator = np.random.default_rng(5)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cost.db"
        db = sqlite_utils.Database(path)
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
        index = RepostIndex(db)
        for facts in stored.values():
            index.add(facts.id, facts.text)
        synthetic = 0
        for size in sizes:
            started = time.perf_counter()
            wanted = size - len(stored)
            add_synthetic(db, SYNTHETIC_FIRST_ID + synthetic, wanted - synthetic, generator)
            synthetic = wanted
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            built = time.perf_counter() - started
            # warm the page cache as a running daemon has it
            measure(index, queries[:40], stored, repeats=1)
            copies = measure(index, queries, stored, repeats=args.repeats)
            cached = measure(index, queries, stored, candidates_cached=True, repeats=args.repeats)
            new = measure(index, unique, stored, repeats=args.repeats)
            insert = measure_insert(index, queries)
            megabytes = path.stat().st_size / 2**20
            print(
                f"{len(index):>9} {built:>8.1f} {megabytes:>7.0f} {copies['lookup_median']:>10.3f}"
                f" {copies['lookup_p95']:>6.3f} {copies['total_median']:>15.3f}"
                f" {copies['total_mean']:>6.2f} {copies['found']:>6.2f}"
                f" {cached['total_median']:>12.3f} {cached['total_mean']:>6.2f}"
                f" {new['total_median']:>14.3f} {new['total_mean']:>6.2f} {insert:>9.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
