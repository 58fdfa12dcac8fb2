"""Poll throughput against a loopback web: ours (`poll_many`) beside lemon24/reader.

    python bench/poll.py [--sources 1000] [--runs 3] [--workers 4]
    python bench/poll.py --scaling 100,1000,10000 [--runs 1]
    python bench/poll.py --province [--sources 9000] [--cycles 2]
    python bench/poll.py --html [--sources 1000]
    python bench/poll.py --daemon 50,100,200
    python bench/poll.py --profile first|304|200 [--sources 300]
    python bench/poll.py --latency 300 [--worker-counts 4,16,64] [--html] [--sites 50]

``--bodies news`` (the default) serves distinct article texts, a tenth of them reposts;
``--bodies long`` the same at four times the length (the median of real portal articles);
``--bodies template`` one templated family, the worst case for repost matching (see
`bench/loopback.py`). Reader does no repost matching, so only our figures move with it.

The loopback web (`bench/loopback.py`) runs in its own process; each poller runs in its own
fresh process too, one per run, so no cache or import is shared. In that process the phases
follow each other as in a long-running daemon:

- ``first``: every source new (20 entries each stored); reader's `update_search` (its
  full-text index, a step of its own there; ours indexes while polling) is timed apart
  and printed as a like-for-like row;
- ``304``: a re-poll, nothing changed, the server answers 304 to the conditional GET;
- ``200`` (with ``--unchanged-200``; always in ``--scaling``): a re-poll, nothing changed,
  but the server sends no validators (many portals send none), so every page comes back
  whole and is read again.

Measured per phase, inside the poller process and around the poll call only: wall time,
process CPU time (all threads; user + system), and the peak RSS so far (ru_maxrss). Printed:
the median over ``--runs`` runs for both, the ratio reader / ours, and CPU ms per source.
Our fetch config for the loopback: ``delay = 0`` and ``per_host = workers`` (every source
is on 127.0.0.1, so the per-host politeness gate would otherwise serialize the run; reader
has no such gate). Our poll is timed without `publish_all`; ``--publish`` times it too.

``--province``: a province of ``--sources`` (default 9,000) sources, a first fill, then
``--cycles`` cycles in which every source has 3 new entries; prints sources/s and the
share of two cores a 15-minute cycle would use. Html list sources (each new entry an
article page fetched and extracted), feed sources if this tree could not poll html ones.

``--daemon SIZES``: the real daemon (`aggregator run`, APScheduler, a `publish_all` after
every poll that stored something) from start until every source was polled once, beside
`poll_many` followed by one `publish_all` on the same sources.

``--latency MS``: every answer after the fill waits MS, as a real portal's does; a re-poll
(304) and a cycle of new entries for each of ``--worker-counts``, to show how many polls
must be in flight to keep up a province's 10 sources a second. ``--sites N`` spreads the
sources over N sites of the loopback, listed site by site, each polite (2 requests at once,
0.5 s apart), as a province's portals are.

``--html``: html list pages (and their article pages) instead of feeds, ours only.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from loopback import BODIES, RunningWeb  # noqa: E402

CYCLE_SECONDS = 15 * 60
CORES = os.cpu_count() or 1
web_bodies = "news"  # the loopback's article texts (--bodies)


# -- the poller processes -----------------------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _source_url(base: str, number: int, html: bool) -> str:
    return f"{base}/list/{number}.html" if html else f"{base}/feed/{number}.xml"


def write_config(folder: Path, base: str, sources: int, workers: int, html: bool) -> Path:
    """A config of `sources` on the loopback web.

    `base` is one URL, or several separated by commas: the loopback's sites. On one site
    the politeness gate is opened to the workers (every source is on it; reader has no such
    gate); over several, the sources are listed site by site, as a province's config lists
    each portal's columns, with the default politeness (2 at once, 0.5 s apart per site).
    """
    kind = "html" if html else "feed"
    sites = base.split(",")
    politeness = ["per_host = 2", 'delay = "0.5s"'] if len(sites) > 1 else []
    lines = [
        "[schedule]",  # for the daemon: one poll of each source, all due at once
        'interval = "1h"',
        "jitter = 0",
        "[storage]",
        'database = "aggregator.db"',
        "[publish]",
        'directory = "feeds"',
        "[fetch]",
        f"workers = {workers}",
        *(politeness or [f"per_host = {workers}", "delay = 0"]),
        'timeout = "30s"',
        "",
    ]
    for number in range(sources):
        site = sites[number * len(sites) // sources]
        lines += [
            "[[sources]]",
            f'name = "s{number}"',
            f'url = "{_source_url(site, number, html)}"',
            f'type = "{kind}"',
            "",
        ]
    path = folder / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _control(base: str, path: str) -> None:
    """A control request to the loopback web (its first site, when `base` lists several)."""
    with urllib.request.urlopen(base.split(",")[0] + path, timeout=10) as response:
        response.read()


def _prepare_phase(base: str, phase: str, latency_ms: int = 0) -> None:
    """Set the loopback web up for `phase` (first, 304, 200 or cycleN).

    Every phase but the first (the fill) is answered `latency_ms` late.
    """
    _control(base, f"/_latency?ms={0 if phase == 'first' else latency_ms}")
    if phase == "first":
        _control(base, "/_gen?g=0")
        _control(base, "/_validators?on=1")
    elif phase == "304":
        _control(base, "/_validators?on=1")
    elif phase == "200":
        _control(base, "/_validators?on=0")
    elif phase.startswith("cycle"):
        _control(base, "/_validators?on=1")
        _control(base, f"/_gen?g={int(phase.removeprefix('cycle'))}")


def child_ours(args: argparse.Namespace) -> None:
    from aggregator.config import load_config
    from aggregator.poll import poll_many
    from aggregator.publish import publish_all
    from aggregator.store import Store

    folder = Path(args.dir)
    config = load_config(write_config(folder, args.base, args.sources, args.workers, args.html))
    for phase in args.phases.split(","):
        _prepare_phase(args.base, phase, args.latency)
        wall, cpu = time.perf_counter(), time.process_time()
        reports = poll_many(config, config.sources)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        statuses: dict[str, int] = {}
        for report in reports:
            statuses[report.status] = statuses.get(report.status, 0) + 1
        errors = sorted({error for report in reports for error in report.errors})[:3]
        result = {
            "phase": phase,
            "wall": wall,
            "cpu": cpu,
            "rss_mb": _peak_rss_mb(),
            "new": sum(report.new for report in reports),
            "statuses": statuses,
            "errors": errors,
        }
        if args.publish and (phase == "first" or phase.startswith("cycle")):
            with Store(config.storage.database) as store:
                started = time.perf_counter()
                publish_all(config, store)
                result["publish"] = time.perf_counter() - started
            result["rss_mb"] = _peak_rss_mb()
        print(json.dumps(result), flush=True)


def child_daemon(args: argparse.Namespace) -> None:
    """The real daemon (`aggregator run`) until every source has been polled once."""
    import signal
    import sqlite3
    import threading

    from aggregator.config import load_config
    from aggregator.daemon import Daemon

    config = load_config(write_config(Path(args.dir), args.base, args.sources, args.workers, False))
    _prepare_phase(args.base, "first")

    def stop_when_all_polled() -> None:
        while True:
            time.sleep(0.2)
            try:
                with sqlite3.connect(config.storage.database) as connection:
                    (polled,) = connection.execute(
                        "SELECT count(*) FROM sources WHERE last_polled IS NOT NULL"
                    ).fetchone()
            except sqlite3.OperationalError:
                continue  # the schema is not there yet
            if polled >= args.sources:
                os.kill(os.getpid(), signal.SIGTERM)  # the daemon lets running jobs finish
                return

    wall, cpu = time.perf_counter(), time.process_time()
    threading.Thread(target=stop_when_all_polled, daemon=True).start()
    Daemon(config).run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    result = {"phase": "daemon", "wall": wall, "cpu": cpu, "rss_mb": _peak_rss_mb(), "new": 0}
    print(json.dumps(result), flush=True)


def child_reader(args: argparse.Namespace) -> None:
    from reader import make_reader

    reader = make_reader(str(Path(args.dir) / "reader.sqlite"))
    for number in range(args.sources):
        reader.add_feed(_source_url(args.base, number, False))
    for phase in args.phases.split(","):
        _prepare_phase(args.base, phase)
        wall, cpu = time.perf_counter(), time.process_time()
        reader.update_feeds(scheduled=False, workers=args.workers)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        result = {
            "phase": phase,
            "wall": wall,
            "cpu": cpu,
            "rss_mb": _peak_rss_mb(),
            "new": reader.get_entry_counts().total,
        }
        if phase == "first":
            # reader indexes for search in a step of its own; we index while polling. Timed
            # apart, so `update_feeds` stays the figure and the sum is like for like.
            search_wall, search_cpu = time.perf_counter(), time.process_time()
            reader.enable_search()
            reader.update_search()
            result["search_wall"] = time.perf_counter() - search_wall
            result["search_cpu"] = time.process_time() - search_cpu
            result["rss_mb"] = _peak_rss_mb()
        print(json.dumps(result), flush=True)
    reader.close()


def run_child(
    system: str,
    web: RunningWeb,
    sources: int,
    phases: list[str],
    workers: int,
    *,
    html: bool = False,
    publish: bool = False,
    latency_ms: int = 0,
) -> dict[str, dict]:
    """Run one poller process through `phases`; its figures and the server's, by phase."""
    with tempfile.TemporaryDirectory(prefix=f"bench-poll-{system}-") as folder:
        command = [
            sys.executable,
            __file__,
            "--child",
            system,
            "--dir",
            folder,
            "--base",
            ",".join(web.base_urls),
            "--sources",
            str(sources),
            "--workers",
            str(workers),
            "--phases",
            ",".join(phases),
            "--latency",
            str(latency_ms),
        ]
        command += ["--html"] if html else []
        command += ["--publish"] if publish else []
        server_cpu = web.cpu_seconds()
        web.take_statuses()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        results: dict[str, dict] = {}
        assert process.stdout is not None
        for line in process.stdout:
            result = json.loads(line)
            now = web.cpu_seconds()
            result["server_cpu"], server_cpu = now - server_cpu, now
            result["http"] = web.take_statuses()
            results[result["phase"]] = result
            failed = result.get("statuses", {}).get("error", 0)
            if failed:  # figures of a run with failures are not comparable: say so
                print(
                    f"  WARNING {system} {result['phase']}: {failed} sources failed:"
                    f" {result['errors']}",
                    flush=True,
                )
        if process.wait() != 0:
            raise RuntimeError(f"{system} poller failed (exit {process.returncode})")
    return results


# -- what the parent prints ----------------------------------------------------------------


def _median(runs: list[dict[str, dict]], phase: str, key: str) -> float:
    return statistics.median(run[phase][key] for run in runs if key in run[phase])


def side_by_side(sources: int, runs: int, workers: int, publish: bool, full_200: bool) -> dict:
    phases = ["first", "304", "200"] if full_200 else ["first", "304"]
    figures: dict[str, list[dict[str, dict]]] = {"ours": [], "reader": []}
    with RunningWeb(bodies=web_bodies) as web:
        for run in range(runs):
            for system in ("ours", "reader"):
                result = run_child(
                    system, web, sources, phases, workers, publish=publish and system == "ours"
                )
                figures[system].append(result)
                first = result["first"]
                print(
                    f"  run {run + 1} {system:6s}: "
                    + "  ".join(
                        f"{phase} {result[phase]['wall']:.2f}s/{result[phase]['cpu']:.2f}cpu"
                        for phase in phases
                    )
                    + f"  stored {first['new']}  rss {result[phases[-1]]['rss_mb']:.0f} MB"
                    + f"  http {[result[p]['http'] for p in phases]}",
                    flush=True,
                )
    print()
    print(f"poll of {sources} feed sources x 20 entries, {workers} workers, median of {runs}")
    header = (
        f"{'phase':<7}{'ours s':>9}{'reader s':>10}{'ratio':>7}"
        f"{'ours CPU ms/src':>17}{'reader CPU ms/src':>19}{'CPU ratio':>10}"
    )
    print(header)
    summary: dict = {"sources": sources, "workers": workers, "runs": runs}
    for phase in phases:
        ours_wall = _median(figures["ours"], phase, "wall")
        reader_wall = _median(figures["reader"], phase, "wall")
        ours_cpu = _median(figures["ours"], phase, "cpu") / sources * 1e3
        reader_cpu = _median(figures["reader"], phase, "cpu") / sources * 1e3
        print(
            f"{phase:<7}{ours_wall:>9.2f}{reader_wall:>10.2f}{reader_wall / ours_wall:>7.2f}"
            f"{ours_cpu:>17.2f}{reader_cpu:>19.2f}{reader_cpu / ours_cpu:>10.2f}"
        )
        summary[phase] = {
            "ours_s": ours_wall,
            "reader_s": reader_wall,
            "ours_cpu_ms": ours_cpu,
            "reader_cpu_ms": reader_cpu,
        }
    search_cpu = _median(figures["reader"], "first", "search_cpu") / sources * 1e3
    indexed_cpu = summary["first"]["reader_cpu_ms"] + search_cpu
    ratio = indexed_cpu / summary["first"]["ours_cpu_ms"]
    print(
        f"first poll like for like (reader's update_feeds + update_search, its full-text"
        f" index): reader {indexed_cpu:.2f} CPU ms/src, ratio {ratio:.2f}"
    )
    summary["first"]["reader_with_search_cpu_ms"] = indexed_cpu
    ours_rss = max(run[phases[-1]]["rss_mb"] for run in figures["ours"])
    reader_rss = max(run[phases[-1]]["rss_mb"] for run in figures["reader"])
    print(f"peak RSS after all phases: ours {ours_rss:.0f} MB, reader {reader_rss:.0f} MB")
    server = _median(figures["ours"], "first", "server_cpu")
    print(f"loopback server CPU (first poll, its own process): {server:.2f} s")
    summary.update(ours_rss_mb=ours_rss, reader_rss_mb=reader_rss)
    if publish:
        seconds = _median(figures["ours"], "first", "publish")
        print(f"publish_all after the first poll ({sources + 1} feeds): {seconds:.2f} s")
        summary["publish_s"] = seconds
    return summary


def scaling(sizes: list[int], runs: int, workers: int, phases: list[str]) -> list[dict]:
    rows = []
    print(
        f"{'sources':>8} {'phase':<6}{'wall s':>8}{'CPU s':>8}{'CPU ms/src':>11}"
        f"{'src/s':>8}{'peak RSS MB':>12}{'publish s':>10}"
    )
    with RunningWeb(bodies=web_bodies) as web:
        for size in sizes:
            results = [
                run_child("ours", web, size, phases, workers, publish=True) for _ in range(runs)
            ]
            for phase in phases:
                wall = _median(results, phase, "wall")
                cpu = _median(results, phase, "cpu")
                rss = max(result[phase]["rss_mb"] for result in results)
                publish = (
                    f"{_median(results, phase, 'publish'):>10.2f}"
                    if "publish" in results[0][phase]
                    else f"{'':>10}"
                )
                print(
                    f"{size:>8} {phase:<6}{wall:>8.2f}{cpu:>8.2f}{cpu / size * 1e3:>11.2f}"
                    f"{size / wall:>8.0f}{rss:>12.0f}{publish}",
                    flush=True,
                )
                rows.append(
                    {"sources": size, "phase": phase, "wall": wall, "cpu": cpu, "rss_mb": rss}
                )
    return rows


def daemon_cycle(sizes: list[int], workers: int) -> list[dict]:
    """The real daemon's first cycle beside `poll_many` + one `publish_all`, per size."""
    print(
        f"{'sources':>8}{'daemon s':>10}{'CPU s':>8}{'RSS MB':>8}"
        f"{'poll_many s':>13}{'+ publish_all s':>17}"
    )
    rows = []
    with RunningWeb(bodies=web_bodies) as web:
        for size in sizes:
            daemon = run_child("daemon", web, size, ["daemon"], workers)["daemon"]
            batch = run_child("ours", web, size, ["first"], workers, publish=True)["first"]
            print(
                f"{size:>8}{daemon['wall']:>10.1f}{daemon['cpu']:>8.1f}{daemon['rss_mb']:>8.0f}"
                f"{batch['wall']:>13.1f}{batch['publish']:>17.1f}",
                flush=True,
            )
            rows.append({"sources": size, "daemon": daemon, "poll_many": batch})
    return rows


def html_supported() -> str | None:
    """None when this tree polls html list sources; else why not (from the poller itself)."""
    from aggregator.config import FetchConfig, SourceConfig
    from aggregator.fetch import Fetcher
    from aggregator.poll import ERROR, poll_source
    from aggregator.store import Store

    with RunningWeb(bodies=web_bodies) as web, tempfile.TemporaryDirectory() as folder:
        source = SourceConfig(name="probe", url=f"{web.base_url}/list/0.html", type="html")
        with Store(Path(folder) / "probe.db") as store, Fetcher(FetchConfig(delay=0)) as fetcher:
            store.sync_sources([source])
            report = poll_source(source, store, fetcher)
    if report.status == ERROR:
        return "; ".join(report.errors)
    return None


def html_variant(sources: int, runs: int, workers: int) -> dict | None:
    problem = html_supported()
    if problem:
        print(f"html list-page variant SKIPPED: this tree cannot poll html sources ({problem}).")
        return None
    phases = ["first", "304", "200", "cycle1"]
    with RunningWeb(bodies=web_bodies) as web:
        results = [run_child("ours", web, sources, phases, workers, html=True) for _ in range(runs)]
    print(f"html list pages: {sources} sources x 20 article links, {workers} workers")
    summary = {}
    for phase in phases:
        wall = _median(results, phase, "wall")
        cpu = _median(results, phase, "cpu")
        print(
            f"  {phase:<7} {wall:8.2f} s  CPU {cpu:7.2f} s  {cpu / sources * 1e3:7.2f} ms/src"
            f"  http {results[0][phase]['http']}"
        )
        summary[phase] = {"wall": wall, "cpu": cpu}
    return summary


def province(sources: int, cycles: int, workers: int) -> dict:
    problem = html_supported()
    kind = "html list" if problem is None else "feed"
    if problem:
        print(
            "province run with FEED sources standing in for html list pages: this tree cannot"
            f" poll html sources ({problem})."
        )
    phases = ["first"] + [f"cycle{number}" for number in range(1, cycles + 1)]
    with RunningWeb(bodies=web_bodies) as web:
        result = run_child(
            "ours", web, sources, phases, workers, html=problem is None, publish=True
        )
    print(f"province: {sources} {kind} sources, {cycles} cycles of 3 new entries per source")
    summary: dict = {"sources": sources, "kind": kind}
    for phase in phases:
        figures = result[phase]
        rate = sources / figures["wall"]
        share = figures["cpu"] / (CYCLE_SECONDS * CORES)
        publish = figures.get("publish", 0.0)
        print(
            f"  {phase:<7} wall {figures['wall']:7.1f} s  CPU {figures['cpu']:7.1f} s"
            f"  {rate:6.0f} sources/s  stored {figures['new']:>7}"
            f"  rss {figures['rss_mb']:.0f} MB  publish_all {publish:.1f} s"
            f"  server CPU {figures['server_cpu']:.1f} s"
        )
        if phase.startswith("cycle"):
            print(
                f"           a 15-min cycle of this would use {share:.1%} of {CORES} cores for"
                f" polling, {(figures['cpu'] + publish) / (CYCLE_SECONDS * CORES):.1%} with"
                " one publish_all"
            )
        summary[phase] = {**figures, "sources_per_s": rate, "cpu_share": share}
    return summary


def latency_sweep(
    sources: int, latency_ms: int, worker_counts: list[int], html: bool, sites: int
) -> list:
    """How many polls must be in flight to keep up a rate when every answer is late.

    The loopback answers at once, so the other figures say nothing about waiting: a real
    portal takes a few hundred ms, and a poll thread waits that long for each request. For
    each worker count: a fill (no latency), then a re-poll answered 304 and a cycle of new
    entries, every answer `latency_ms` late. With `sites` > 1 the sources are spread over that
    many sites, listed site by site, each site polite (2 requests at once, 0.5 s apart).
    """
    rows = []
    with RunningWeb(bodies=web_bodies, sites=sites) as web:
        for workers in worker_counts:
            result = run_child(
                "ours",
                web,
                sources,
                ["first", "304", "cycle1"],
                workers,
                html=html,
                latency_ms=latency_ms,
            )
            for phase in ("304", "cycle1"):
                figures = result[phase]
                rows.append(
                    {
                        "workers": workers,
                        "phase": phase,
                        "wall": figures["wall"],
                        "sources_per_s": sources / figures["wall"],
                        "requests_per_s": sum(
                            count
                            for status, count in figures["http"].items()
                            if status != "connections"  # counted beside the answers
                        )
                        / figures["wall"],
                        "cpu_ms_per_source": figures["cpu"] / sources * 1e3,
                        "rss_mb": figures["rss_mb"],
                    }
                )
    kind = "html list" if html else "feed"
    spread = f", over {sites} polite sites (2 at once, 0.5 s apart)" if sites > 1 else ""
    print(f"{sources} {kind} sources{spread}, every answer {latency_ms} ms late (fill: at once)")
    print(" workers  phase    wall s  sources/s  requests/s  CPU ms/source  RSS MB  ceiling/s")
    for row in rows:
        ceiling = row["workers"] * 1000 / latency_ms
        if sites > 1:
            ceiling = min(ceiling, 2.0 * sites)  # a request every 0.5 s at each site
        print(
            f"{row['workers']:>8}  {row['phase']:<6} {row['wall']:7.1f}"
            f"  {row['sources_per_s']:9.1f}  {row['requests_per_s']:10.1f}"
            f"  {row['cpu_ms_per_source']:13.2f}  {row['rss_mb']:6.0f}  {ceiling:9.1f}"
        )
    print(
        "ceiling: the requests a second that many waiting threads allow (workers / latency)"
        + (", and the sites' politeness (2 a second each)" if sites > 1 else "")
    )
    return rows


def profile(sources: int, phase: str) -> None:
    """pyinstrument over a sequential poll (one thread, so the profile is complete)."""
    from pyinstrument import Profiler

    from aggregator.config import load_config
    from aggregator.fetch import Fetcher
    from aggregator.poll import poll_source
    from aggregator.store import Store

    with RunningWeb(bodies=web_bodies) as web, tempfile.TemporaryDirectory() as folder:
        config = load_config(write_config(Path(folder), web.base_url, sources, 1, False))
        with Store(config.storage.database) as store, Fetcher(config.fetch) as fetcher:
            store.sync_sources(config.sources)
            for name in ("first", "304", "200"):
                _prepare_phase(web.base_url, name)
                profiler = Profiler(interval=0.0005) if name == phase else None
                if profiler:
                    profiler.start()
                for source in config.sources:
                    poll_source(source, store, fetcher)
                if profiler:
                    profiler.stop()
                    print(profiler.output_text(unicode=False, color=False, show_all=False))
                if name == phase:
                    return


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sources", type=int, default=None, help="default 1000 (9000 province)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--publish", action="store_true", help="also time publish_all")
    parser.add_argument(
        "--unchanged-200", action="store_true", help="also re-poll with no validators (200s)"
    )
    parser.add_argument("--scaling", default=None, help="comma-separated sizes, ours only")
    parser.add_argument("--province", action="store_true")
    parser.add_argument("--cycles", type=int, default=2)
    parser.add_argument("--html", action="store_true")
    parser.add_argument(
        "--daemon", default=None, help="comma-separated sizes: the real daemon's first cycle"
    )
    parser.add_argument("--profile", choices=["first", "304", "200"], default=None)
    parser.add_argument(
        "--latency",
        type=int,
        default=0,
        help="ms each answer waits: re-poll and cycle per worker count of --worker-counts",
    )
    parser.add_argument("--worker-counts", default="4,16,64", help="with --latency")
    parser.add_argument(
        "--sites", type=int, default=1, help="with --latency: sites to spread the sources over"
    )
    parser.add_argument(
        "--bodies",
        choices=BODIES,
        default="news",
        help="article texts: news (distinct, a tenth reposts), long (news x4) or template",
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    # The poller processes this script starts.
    parser.add_argument("--child", choices=["ours", "reader", "daemon"], help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--phases", help="with --scaling: of first,304,200 (default all)")
    args = parser.parse_args()
    global web_bodies
    web_bodies = args.bodies
    if args.child:
        args.sources = args.sources or 1000
        children = {"ours": child_ours, "reader": child_reader, "daemon": child_daemon}
        children[args.child](args)
        return 0
    print(
        f"machine: {CORES} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')};"
        f" loopback bodies: {web_bodies}"
    )
    if args.profile:
        profile(args.sources or 300, args.profile)
        return 0
    if args.province:
        figures = province(args.sources or 9000, args.cycles, args.workers)
    elif args.daemon:
        sizes = [int(size) for size in args.daemon.split(",")]
        figures = {"daemon": daemon_cycle(sizes, args.workers)}
    elif args.scaling:
        sizes = [int(size) for size in args.scaling.split(",")]
        phases = args.phases.split(",") if args.phases else ["first", "304", "200"]
        figures = {"scaling": scaling(sizes, args.runs, args.workers, phases)}
    elif args.latency:
        counts = [int(count) for count in args.worker_counts.split(",")]
        figures = {
            "latency": latency_sweep(
                args.sources or 1000, args.latency, counts, args.html, args.sites
            )
        }
    elif args.html:
        figures = html_variant(args.sources or 1000, args.runs, args.workers)
    else:
        figures = side_by_side(
            args.sources or 1000, args.runs, args.workers, args.publish, args.unchanged_200
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
