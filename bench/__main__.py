"""`python -m bench`: a quick run of every benchmark, then one table of their figures.

    python -m bench [--corpus ../shared/corpus] [--only poll,publish,...] [--keep-output DIR]

Each benchmark runs as its own script in its own process, with small sizes (the full sizes
are each script's defaults; see bench/README.md). Their complete output goes to
``--keep-output`` (default: a temporary folder, named at the end); the table holds the
headline figures. A benchmark whose corpus or code is missing is listed as skipped, with
the reason its script gave.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tabulate import tabulate

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
STEP_TIMEOUT = 20 * 60

Row = tuple[str, str, str]


@dataclass(frozen=True)
class Step:
    """One benchmark script: how to run it quickly and which figures to show."""

    name: str
    script: str
    arguments: Callable[[Path, Path], list[str]]  # (corpus, output folder) -> arguments
    figures: Callable[[str, Path], list[Row]]  # (its stdout, output folder) -> rows


def _json_file(folder: Path, name: str) -> dict:
    path = folder / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _result_line(output: str) -> dict:
    for line in reversed(output.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line.removeprefix("RESULT "))
    return {}


def _search(pattern: str, output: str) -> str | None:
    match = re.search(pattern, output, re.MULTILINE)
    return match.group(1) if match else None


def poll_rows(_output: str, folder: Path) -> list[Row]:
    figures = _json_file(folder, "poll")
    if not figures:
        return []
    size = f"{figures['sources']} feeds"
    rows = []
    for phase, label in (("first", "first poll"), ("304", "re-poll, 304"), ("200", "re-poll, 200")):
        if phase not in figures:
            continue
        phase_figures = figures[phase]
        rows += [
            (
                "poll",
                f"{label}, {size}: ours / reader s",
                f"{phase_figures['ours_s']:.2f} / {phase_figures['reader_s']:.2f}"
                f"  (reader/ours {phase_figures['reader_s'] / phase_figures['ours_s']:.2f}x)",
            ),
            (
                "poll",
                f"{label}: CPU ms per source, ours / reader",
                f"{phase_figures['ours_cpu_ms']:.2f} / {phase_figures['reader_cpu_ms']:.2f}",
            ),
        ]
    rows.append(
        (
            "poll",
            "peak RSS MB, ours / reader",
            f"{figures['ours_rss_mb']:.0f} / {figures['reader_rss_mb']:.0f}",
        )
    )
    if "publish_s" in figures:
        rows.append(
            (
                "poll",
                f"publish_all, {figures['sources'] + 1} feeds, s",
                f"{figures['publish_s']:.2f}",
            )
        )
    return rows


def scaling_rows(_output: str, folder: Path) -> list[Row]:
    rows = []
    for row in _json_file(folder, "scaling").get("scaling", []):
        rows.append(
            (
                "scaling",
                f"{row['sources']} sources, {row['phase']}: s, CPU ms/src, RSS MB",
                f"{row['wall']:.2f}, {row['cpu'] / row['sources'] * 1e3:.2f}, {row['rss_mb']:.0f}",
            )
        )
    return rows


def province_rows(output: str, folder: Path) -> list[Row]:
    figures = _json_file(folder, "province")
    rows = []
    for phase, values in figures.items():
        if isinstance(values, dict):
            rows.append(
                (
                    "province",
                    f"{figures['sources']} {figures['kind']} sources, {phase}",
                    f"{values['sources_per_s']:.0f} sources/s, CPU {values['cpu']:.1f} s"
                    f" ({values['cpu_share']:.1%} of a 15-min cycle on all cores)",
                )
            )
    note = _search(r"^(province run with FEED sources.*)$", output)
    if note:
        rows.append(("province", "note", "feed sources stand in for html list pages"))
    return rows


def latency_rows(_output: str, folder: Path) -> list[Row]:
    return [
        (
            "latency",
            f"300 ms a request, {row['workers']} workers, {row['phase']}:"
            " sources/s (ceiling), CPU ms/src, RSS MB",
            f"{row['sources_per_s']:.1f} ({row['workers'] / 0.3:.1f}),"
            f" {row['cpu_ms_per_source']:.2f}, {row['rss_mb']:.0f}",
        )
        for row in _json_file(folder, "latency").get("latency", [])
    ]


def html_rows(output: str, folder: Path) -> list[Row]:
    skipped = _search(r"SKIPPED: (.*)$", output)
    if skipped:
        return [("html", "skipped", skipped[:90])]
    figures = _json_file(folder, "html") or {}
    return [
        ("html", f"{phase}: s, CPU s", f"{values['wall']:.2f}, {values['cpu']:.2f}")
        for phase, values in figures.items()
    ]


def publish_rows(output: str, _folder: Path) -> list[Row]:
    return [
        (
            "publish",
            f"archive of {row['articles']:,}: publish_all s, newest-200 query ms",
            f"{row['publish_s']:.2f}, {row['newest_ms']:.1f}",
        )
        for row in _result_line(output).get("publish", [])
    ]


def hotspot_rows(output: str, _folder: Path) -> list[Row]:
    return [
        ("hotspots", f"{name} (CPU ms)", f"{ms:.3f}")
        for name, ms in _result_line(output).get("hotspots_ms", {}).items()
    ]


def discover_rows(output: str, _folder: Path) -> list[Row]:
    rows = []
    for label in ("GNE list pages", "Fixture web"):
        found = _search(rf"^{label}: (micro P .*)$", output)
        rows.append(("discover", label, found or "skipped"))
    return rows


def reposts_rows(output: str, _folder: Path) -> list[Row]:
    scores = _search(r"^(PRECISION .*?)\s+\(targets", output)
    per_article = _search(r"^time per article .*?: (.*)$", output)
    return [
        ("reposts", "precision / recall", scores or "skipped"),
        ("reposts", "time per article", per_article or "-"),
    ]


def match_cost_rows(output: str, _folder: Path) -> list[Row]:
    rows = []
    for line in output.splitlines():
        parts = line.split()
        # stored, build s, DB MB, lookup, p95, copy, mean, found, cached copy, mean, new, ...
        if len(parts) >= 11 and parts[0].isdigit():
            rows.append(
                (
                    "match_cost",
                    f"{int(parts[0]):,} stored: lookup, new, copy (cached), copy ms",
                    f"{parts[3]}, {parts[10]}, {parts[8]}, {parts[5]}",
                )
            )
    return rows


def extract_rows(output: str, _folder: Path) -> list[Row]:
    rows = []
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 7 and cells[1] == "ours":
            rows.append(
                ("extract", f"{cells[0]}: date, author, body F1, pages/s", ", ".join(cells[2:6]))
            )
    return rows or [("extract", "skipped", "no figures (see its output)")]


STEPS = (
    Step(
        "poll",
        "poll.py",
        lambda corpus, out: [
            "--sources",
            "100",
            "--runs",
            "1",
            "--unchanged-200",
            "--publish",
            "--json",
            str(out / "poll.json"),
        ],
        poll_rows,
    ),
    Step(
        "scaling",
        "poll.py",
        lambda corpus, out: [
            "--scaling",
            "100,300",
            "--runs",
            "1",
            "--json",
            str(out / "scaling.json"),
        ],
        scaling_rows,
    ),
    Step(
        "province",
        "poll.py",
        lambda corpus, out: [
            "--province",
            "--sources",
            "300",
            "--cycles",
            "1",
            "--json",
            str(out / "province.json"),
        ],
        province_rows,
    ),
    Step(
        "latency",
        "poll.py",
        lambda corpus, out: [
            "--latency",
            "300",
            "--sources",
            "100",
            "--worker-counts",
            "4,16",
            "--json",
            str(out / "latency.json"),
        ],
        latency_rows,
    ),
    Step(
        "html",
        "poll.py",
        lambda corpus, out: [
            "--html",
            "--sources",
            "100",
            "--runs",
            "1",
            "--json",
            str(out / "html.json"),
        ],
        html_rows,
    ),
    Step(
        "publish",
        "publish.py",
        lambda corpus, out: ["--sizes", "10000,100000", "--sources", "20", "--repeat", "1"],
        publish_rows,
    ),
    Step(
        "hotspots",
        "hotspots.py",
        lambda corpus, out: ["--sources", "100"],
        hotspot_rows,
    ),
    Step(
        "discover",
        "discover.py",
        lambda corpus, out: ["--corpus", str(corpus / "gne" / "test_list_page")],
        discover_rows,
    ),
    Step("reposts", "reposts.py", lambda corpus, out: [str(corpus)], reposts_rows),
    Step(
        "match_cost",
        "match_cost.py",
        lambda corpus, out: [str(corpus), "--sizes", "10000"],
        match_cost_rows,
    ),
    Step("extract", "extract.py", lambda corpus, out: [str(corpus)], extract_rows),
)


def run_step(step: Step, corpus: Path, folder: Path) -> list[Row]:
    script = BENCH / step.script
    if not script.is_file():
        return [(step.name, "skipped", f"bench/{step.script} is not in this tree")]
    command = [sys.executable, str(script), *step.arguments(corpus, folder)]
    print(f"== {step.name}: {' '.join(command[1:])}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    log = folder / f"{step.name}.txt"
    try:
        completed = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=STEP_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return [(step.name, "failed", f"no result within {STEP_TIMEOUT // 60} minutes")]
    log.write_text(completed.stdout + completed.stderr, encoding="utf-8")
    elapsed = time.perf_counter() - started
    rows = step.figures(completed.stdout, folder)
    if completed.returncode != 0:
        lines = (completed.stdout + completed.stderr).strip().splitlines()
        reason = lines[-1][:100] if lines else ""
        rows.append((step.name, f"exit {completed.returncode}", reason))
    elif not rows:
        rows.append((step.name, "no figures", "see its output (--keep-output DIR)"))
    rows.append((step.name, "benchmark's own run time", f"{elapsed:.0f} s"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--only", default="", help=f"comma-separated, of: {','.join(s.name for s in STEPS)}"
    )
    parser.add_argument("--keep-output", type=Path, default=None)
    args = parser.parse_args()
    wanted = {name for name in args.only.split(",") if name}
    unknown = wanted - {step.name for step in STEPS}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    if not args.corpus.is_dir():
        print(f"corpus missing: {args.corpus} (corpus benchmarks will say so)", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="bench-") as temporary:
        folder = args.keep_output or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        rows: list[Row] = []
        for step in STEPS:
            if not wanted or step.name in wanted:
                rows += run_step(step, args.corpus.resolve(), folder)
        print(
            f"machine: {os.cpu_count()} cores, Python "
            f"{sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M')}"
        )
        print(tabulate(rows, headers=["benchmark", "figure", "value"]))
        if args.keep_output:
            print(f"full output of each benchmark in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
