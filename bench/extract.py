"""Side-by-side extraction benchmark: aggregator.normalize vs trafilatura vs GNE.

Scores each extractor on the CWCED dev pages (Chinese: date, author, body) and the Zyte
article-extraction-benchmark dev pages (English: body), with the scoring described in
the corpus README:

- date: the numbers of the labelled date (year, month, day, hour, minute as far as given)
  must equal the first numbers of the extracted published time; UNKNOWN labels (and labels
  without digits) are skipped;
- author: after removing spaces and punctuation, one contains the other (an empty
  extraction is wrong); UNKNOWN labels are skipped. For us the extracted author is the
  credited authors, or the credited editors when a page credits no author;
- body: F1 of character-bigram multisets, whitespace removed.

Every page is decoded with `aggregator.encoding.decode` for all three extractors, so they
are compared on extraction, not on charset handling. Pages/s covers decoding and
extraction. Usage:

    python bench/extract.py [CORPUS_DIR] [--only ours,trafilatura,gne] [--show-misses]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aggregator.encoding import decode  # noqa: E402
from aggregator.normalize import normalize  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
_WRAPPER_URL = re.compile(rb"""^\s*<text\s[^>]*?\bid\s*=\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class Page:
    name: str
    content: bytes
    url: str | None
    date: str | None = None
    author: str | None = None
    body: str = ""


@dataclass(frozen=True)
class Extraction:
    date: str | None
    author: str | None
    body: str


@dataclass
class Score:
    dates: list[bool] = field(default_factory=list)
    authors: list[bool] = field(default_factory=list)
    f1: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0
    misses: list[str] = field(default_factory=list)


def load_cwced(folder: Path) -> list[Page]:
    pages = []
    for path in sorted((folder / "original").glob("*.html")):
        content = path.read_bytes()
        wrapper = _WRAPPER_URL.match(content)
        # The dataset wraps each page in <text id="URL" …>: the URL a fetcher would know.
        url = wrapper.group(1).decode("ascii", "ignore") if wrapper else None
        label = {
            kind: (folder / kind / f"{path.stem}.txt").read_text("utf-8").strip()
            for kind in ("date", "author", "cleaned")
        }
        pages.append(
            Page(path.stem, content, url, label["date"], label["author"], label["cleaned"])
        )
    return pages


def load_aeb(folder: Path) -> list[Page]:
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    pages = []
    for key, item in sorted(truth.items()):
        path = folder / "html" / f"{key}.html.gz"
        if path.exists():
            pages.append(
                Page(
                    key,
                    gzip.decompress(path.read_bytes()),
                    item.get("url"),
                    body=item["articleBody"],
                )
            )
    return pages


def run_ours(page: Page) -> Extraction:
    record = normalize(page.content, page.url)
    names = record.authors or tuple(c.name for c in record.credits if c.role == "editor")
    return Extraction(record.published, " ".join(names) or None, record.body)


def run_trafilatura(page: Page) -> Extraction:
    import trafilatura

    html = decode(page.content).text
    document = trafilatura.bare_extraction(html, url=page.url, with_metadata=True)
    if document is None:
        return Extraction(None, None, "")
    return Extraction(document.date, document.author, document.text or "")


def run_gne(page: Page) -> Extraction:
    from gne import GeneralNewsExtractor

    html = decode(page.content).text
    result = GeneralNewsExtractor().extract(html)
    return Extraction(
        result.get("publish_time") or None,
        result.get("author") or None,
        result.get("content") or "",
    )


EXTRACTORS: dict[str, Callable[[Page], Extraction]] = {
    "ours": run_ours,
    "trafilatura": run_trafilatura,
    "gne": run_gne,
}


def date_correct(label: str, extracted: str | None) -> bool | None:
    expected = [int(n) for n in re.findall(r"\d+", label)][:5]
    if not expected or label.upper() == "UNKNOWN":
        return None
    got = [int(n) for n in re.findall(r"\d+", extracted or "")]
    return got[: len(expected)] == expected


def author_correct(label: str, extracted: str | None) -> bool | None:
    if not label or label.upper() == "UNKNOWN":
        return None
    a, b = _letters_only(label), _letters_only(extracted or "")
    return bool(a and b) and (a in b or b in a)


def _letters_only(text: str) -> str:
    return "".join(
        ch
        for ch in text
        if not ch.isspace() and not unicodedata.category(ch).startswith(("P", "S"))
    )


def body_f1(expected: str, extracted: str) -> float:
    a, b = _bigrams(expected), _bigrams(extracted)
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(b.values()), overlap / sum(a.values())
    return 2 * precision * recall / (precision + recall)


def _bigrams(text: str) -> Counter[str]:
    squeezed = re.sub(r"\s+", "", text)
    return Counter(squeezed[i : i + 2] for i in range(len(squeezed) - 1))


def score(pages: list[Page], extractor: Callable[[Page], Extraction], with_meta: bool) -> Score:
    result = Score()
    for page in pages:
        started = time.perf_counter()
        try:
            got = extractor(page)
        except Exception as exc:  # a crash scores as an empty extraction
            result.errors += 1
            result.misses.append(f"{page.name}: error {exc!r}")
            got = Extraction(None, None, "")
        result.seconds += time.perf_counter() - started
        f1 = body_f1(page.body, got.body)
        result.f1.append(f1)
        if f1 < 0.8:
            result.misses.append(f"{page.name}: body F1 {f1:.2f}")
        if not with_meta:
            continue
        date_ok = date_correct(page.date or "", got.date)
        if date_ok is not None:
            result.dates.append(date_ok)
            if not date_ok:
                result.misses.append(f"{page.name}: date {page.date!r} got {got.date!r}")
        author_ok = author_correct(page.author or "", got.author)
        if author_ok is not None:
            result.authors.append(author_ok)
            if not author_ok:
                result.misses.append(f"{page.name}: author {page.author!r} got {got.author!r}")
    return result


def _mean(values: list) -> str:
    return f"{sum(values) / len(values):.3f}" if values else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--only", default="ours,trafilatura,gne")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    sets = [("cwced-dev", load_cwced, True), ("aeb-dev", load_aeb, False)]
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}: nothing to benchmark", file=sys.stderr)
        return 2
    names = [name.strip() for name in args.only.split(",") if name.strip()]
    print("| set | extractor | date | author | body F1 | pages/s | errors |")
    print("|---|---|---|---|---|---|---|")
    for set_name, loader, with_meta in sets:
        folder = args.corpus / set_name
        if not folder.is_dir():
            print(f"| {set_name} | (missing: {folder}) | | | | | |")
            continue
        pages = loader(folder)
        for name in names:
            result = score(pages, EXTRACTORS[name], with_meta)
            rate = len(pages) / result.seconds if result.seconds else 0.0
            print(
                f"| {set_name} ({len(pages)}) | {name} | {_mean(result.dates)} "
                f"| {_mean(result.authors)} | {_mean(result.f1)} | {rate:.1f} | {result.errors} |"
            )
            if args.show_misses:
                for miss in result.misses:
                    print(f"    {name}: {miss}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
