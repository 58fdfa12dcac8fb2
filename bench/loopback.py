"""A loopback web of many news sources for the throughput benchmarks.

    python bench/loopback.py [--port 0]      (prints "PORT <n>" once it listens)

It runs in its own process so that its CPU never counts against the poller being measured.
It serves, for source number I (0-based) at the current generation G:

- ``/feed/I.xml``: RSS 2.0 with ``--entries`` items (default 20), full HTML bodies in
  ``content:encoded``, Chinese text, an ETag and a Last-Modified that change with G;
- ``/list/I.html``: an html list page (a government-portal column) with the same items as
  links to ``/article/I/K.html``, each with a date;
- ``/article/I/K.html``: the article page, with a 来源 line and a TRS_Editor body.

Bodies (``--bodies``): ``news`` (the default) gives every article its own text, as a news
stream has -- sentences of pseudo-random words over a Zipf-weighted stock of 3,000 Chinese
characters, seeded by (source, item) -- and makes every tenth item a repost of the item of
the same number on the previous source, with an editor's note on top, so that stories
form. ``long`` is ``news`` with twenty paragraphs instead of five (~1,800 characters, about
the median of real portal articles; ``news`` bodies are ~450). ``template`` gives every
article the same five of six paragraphs, rotated, with only
numbers differing: one templated family of notices as large as the web, the worst case
for repost matching (every article a near-copy of every other).

Each generation adds ``--new`` items per source (default 3) on top, so after ``/_gen?g=G+1``
every source has a few new articles and the rest unchanged: one poll cycle of a province.
``/_validators?on=0`` stops sending ETag / Last-Modified and answering 304, like the many
portals that send neither (every re-poll is then a full 200 of an unchanged page).
``/_latency?ms=N`` makes every answer wait N ms before it is sent, as a distant or busy
portal does: the loopback otherwise answers at once, which hides how many polls must be in
flight to keep up a province's rate.

``--sites N`` serves the same web on N ports, each a site of its own to a poller (politeness
is per host and port), for the sources to be spread over like a province's portals.

The stdlib threading server (HTTP/1.1, keep-alive) is enough: its cost is printed by the
benchmarks from its own process CPU time, and it is never the bottleneck at these sizes.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import json
import random
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from email.utils import formatdate
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import accumulate
from urllib.parse import parse_qs, urlsplit

_PARAGRAPHS = (
    "近日，省政府召开常务会议，研究部署进一步优化营商环境、促进民营经济发展壮大等工作。"
    "会议指出，要坚持问题导向，聚焦企业反映强烈的堵点难点，持续深化“放管服”改革。",
    "会议强调，各地各部门要把思想和行动统一到党中央决策部署上来，压实工作责任，"
    "细化落实举措，确保各项政策措施落地见效，切实增强企业获得感。",
    "据统计，今年以来全省新设立经营主体同比增长百分之十二点三，其中民营企业占比超过九成，"
    "市场活力持续释放，发展质量稳步提升。",
    "下一步，有关部门将围绕项目审批、要素保障、融资服务等重点领域，推出一批务实管用的"
    "改革举措，为高质量发展营造良好环境。",
    "与会人员表示，将以此次会议为契机，结合本地实际抓好贯彻落实，以钉钉子精神推动各项"
    "任务落细落实，以实际成效取信于民。",
    "会议还研究了其他事项。省政府有关部门负责同志参加会议，各市州政府负责同志以视频形式列席会议。",
)
_TITLES = ("省政府召开常务会议", "全省营商环境工作推进会召开", "我省出台支持民营经济发展措施")
_LAST_MODIFIED_BASE = 1_714_694_400  # 2024-05-03 00:00 UTC


class Web:
    """What the loopback web serves; generation and validator mode are shared state."""

    def __init__(self, entries: int, new_per_generation: int, bodies: str):
        self.entries = entries
        self.new = new_per_generation
        self.bodies = bodies
        self.generation = 0
        self.validators = True
        self.latency = 0.0  # seconds each answer waits
        self.lock = threading.Lock()
        self.statuses: Counter[int | str] = Counter()

    def item_numbers(self, generation: int) -> range:
        """The item numbers listed at `generation`, newest first."""
        newest = self.entries + generation * self.new - 1
        return range(newest, newest - self.entries, -1)


_CHARACTERS = [chr(0x4E00 + (code * 7) % 20_000) for code in range(3_000)]
_CUMULATIVE_WEIGHTS = list(accumulate(1 / rank for rank in range(1, len(_CHARACTERS) + 1)))
BODIES = ("news", "long", "template")
_REPOST_EVERY = 10


def _body(source: int, item: int, bodies: str) -> str:
    if bodies == "template":
        return _template_body(source, item)
    paragraphs = 20 if bodies == "long" else 5
    if source > 0 and (source + item) % _REPOST_EVERY == 0:
        note = f"<p>（编者按：本文转载自第{source - 1}号来源。）</p>"
        return note + _news_body(source - 1, item, paragraphs)
    return _news_body(source, item, paragraphs)


@lru_cache(maxsize=4096)
def _template_body(source: int, item: int) -> str:
    start = (source + item) % len(_PARAGRAPHS)
    paragraphs = [_PARAGRAPHS[(start + k) % len(_PARAGRAPHS)] for k in range(5)]
    return "".join(f"<p>{text}（第{source}号来源第{item}条）</p>" for text in paragraphs)


def _word(rng: random.Random) -> str:
    return "".join(rng.choices(_CHARACTERS, cum_weights=_CUMULATIVE_WEIGHTS, k=rng.randint(1, 4)))


@lru_cache(maxsize=4096)
def _news_body(source: int, item: int, count: int) -> str:
    rng = random.Random(source * 1_000_003 + item)
    paragraphs = []
    for _ in range(count):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            words = [_word(rng) for _ in range(rng.randint(6, 14))]
            if rng.random() < 0.3:
                words.insert(rng.randrange(len(words)), str(rng.randint(2, 2024)))
            sentences.append("，".join("".join(words[i : i + 3]) for i in range(0, len(words), 3)))
        paragraphs.append("。".join(sentences) + "。")
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _title(source: int, item: int) -> str:
    return f"{_TITLES[item % len(_TITLES)]}（{source}-{item}）"


def _date(item: int) -> str:
    day = 1 + item % 28
    hour = item % 24
    return f"2024-05-{day:02d} {hour:02d}:{item % 60:02d}:00"


def _rss_date(item: int) -> str:
    return formatdate(_LAST_MODIFIED_BASE + item * 3600, usegmt=True)


@lru_cache(maxsize=8192)
def feed_document(
    base: str, source: int, generation: int, web_entries: int, new: int, bodies: str
) -> bytes:
    newest = web_entries + generation * new - 1
    items = []
    for item in range(newest, newest - web_entries, -1):
        link = f"{base}/article/{source}/{item}.html"
        items.append(
            "<item>"
            f"<title>{html.escape(_title(source, item))}</title>"
            f'<link>{link}</link><guid isPermaLink="true">{link}</guid>'
            f"<pubDate>{_rss_date(item)}</pubDate>"
            f"<description>{html.escape(_PARAGRAPHS[item % len(_PARAGRAPHS)][:60])}</description>"
            f"<content:encoded>{html.escape(_body(source, item, bodies))}</content:encoded>"
            "</item>"
        )
    document = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>来源 {source}</title><link>{base}/list/{source}.html</link>"
        f"<description>loopback source {source}</description><language>zh-cn</language>"
        + "".join(items)
        + "</channel></rss>"
    )
    return document.encode("utf-8")


@lru_cache(maxsize=8192)
def list_document(base: str, source: int, generation: int, web_entries: int, new: int) -> bytes:
    newest = web_entries + generation * new - 1
    rows = "".join(
        f'<li><a href="/article/{source}/{item}.html" target="_blank">'
        f"{html.escape(_title(source, item))}</a><span>{_date(item)[:10]}</span></li>"
        for item in range(newest, newest - web_entries, -1)
    )
    document = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>工作动态</title></head><body>'
        '<div class="nav"><a href="/">首页</a> <a href="/about.html">关于我们</a></div>'
        f'<div class="list"><ul>{rows}</ul></div>'
        '<div class="footer">主办单位：示例省人民政府办公厅</div></body></html>'
    )
    return document.encode("utf-8")


def article_document(source: int, item: int, bodies: str) -> bytes:
    document = (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(_title(source, item))}</title></head><body>"
        '<div class="nav"><a href="/">首页</a></div>'
        f"<h1>{html.escape(_title(source, item))}</h1>"
        f'<div class="info">发布时间：{_date(item)} 来源：示例日报</div>'
        f'<div class="TRS_Editor">{_body(source, item, bodies)}</div>'
        '<div class="footer">主办单位：示例省人民政府办公厅</div></body></html>'
    )
    return document.encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits for the
    # client's delayed ACK (40 ms on Linux) and every 200 looks 40 ms slow.
    disable_nagle_algorithm = True
    web: Web

    def log_message(self, format: str, *args: object) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        with self.web.lock:  # one handler per TCP connection: count them
            self.web.statuses["connections"] += 1

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        segments = parts.path.strip("/").split("/")
        query = parse_qs(parts.query)
        web = self.web
        if segments[0] == "_gen":
            with web.lock:
                web.generation = int(query["g"][0])
            return self._send(200, b"ok", "text/plain")
        if segments[0] == "_validators":
            with web.lock:
                web.validators = query["on"][0] == "1"
            return self._send(200, b"ok", "text/plain")
        if segments[0] == "_latency":
            with web.lock:
                web.latency = int(query["ms"][0]) / 1000
            return self._send(200, b"ok", "text/plain")
        if segments[0] == "_stats":  # answers so far by status, then start counting anew
            with web.lock:
                counts, web.statuses = dict(web.statuses), Counter()
            return self._send(200, json.dumps(counts).encode(), "application/json")
        generation, validators = web.generation, web.validators
        if web.latency:
            time.sleep(web.latency)
        base = f"http://{self.headers.get('Host', 'localhost')}"
        try:
            if segments[0] == "feed" and len(segments) == 2:
                source = int(segments[1].removesuffix(".xml"))
                body = feed_document(base, source, generation, web.entries, web.new, web.bodies)
                kind = "application/rss+xml; charset=utf-8"
            elif segments[0] == "list" and len(segments) == 2:
                source = int(segments[1].removesuffix(".html"))
                body = list_document(base, source, generation, web.entries, web.new)
                kind = "text/html; charset=utf-8"
            elif segments[0] == "article" and len(segments) == 3:
                source, item = int(segments[1]), int(segments[2].removesuffix(".html"))
                page = article_document(source, item, web.bodies)
                return self._send(200, page, "text/html; charset=utf-8")
            else:
                return self._send(404, b"not found", "text/plain")
        except ValueError:
            return self._send(404, b"not found", "text/plain")
        if not validators:
            return self._send(200, body, kind)
        etag = f'"{hashlib.blake2b(body, digest_size=8).hexdigest()}"'
        last_modified = formatdate(_LAST_MODIFIED_BASE + generation * 900, usegmt=True)
        extra = {"ETag": etag, "Last-Modified": last_modified}
        if self.headers.get("If-None-Match") == etag or (
            not self.headers.get("If-None-Match")
            and self.headers.get("If-Modified-Since") == last_modified
        ):
            return self._send(304, b"", None, extra)
        return self._send(200, body, kind, extra)

    def _send(
        self, status: int, body: bytes, kind: str | None, extra: dict[str, str] | None = None
    ) -> None:
        if not self.path.startswith("/_"):
            with self.web.lock:
                self.web.statuses[status] += 1
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


class RunningWeb:
    """The loopback web in a child process, for as long as the `with` block lasts."""

    def __init__(self, entries: int = 20, new: int = 3, bodies: str = "news", sites: int = 1):
        self.arguments = ["--entries", str(entries), "--new", str(new), "--bodies", bodies]
        self.arguments += ["--sites", str(sites)]
        self.process: subprocess.Popen[str] | None = None
        self.base_urls: list[str] = []  # one per site; the first also takes the control paths
        self.base_url = ""

    def __enter__(self) -> RunningWeb:
        self.process = subprocess.Popen(
            [sys.executable, __file__, *self.arguments], stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.process.kill()
            raise RuntimeError(f"loopback web did not start: {line!r}")
        self.base_urls = [f"http://127.0.0.1:{int(port)}" for port in line.split()[1:]]
        self.base_url = self.base_urls[0]
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)

    def control(self, path: str) -> str:
        with urllib.request.urlopen(self.base_url + path, timeout=10) as response:
            return response.read().decode()

    def take_statuses(self) -> dict[str, int]:
        """Answers given since the last call, by HTTP status."""
        return json.loads(self.control("/_stats"))

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far."""
        import psutil

        assert self.process is not None
        times = psutil.Process(self.process.pid).cpu_times()
        return times.user + times.system


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--entries", type=int, default=20, help="items per source")
    parser.add_argument("--new", type=int, default=3, help="new items per source per generation")
    parser.add_argument("--bodies", choices=BODIES, default="news", help="see the docstring")
    parser.add_argument("--sites", type=int, default=1, help="ports: sites, to a poller")
    args = parser.parse_args()
    Handler.web = Web(args.entries, args.new, args.bodies)
    servers = [Server(("127.0.0.1", args.port), Handler)]
    servers += [Server(("127.0.0.1", 0), Handler) for _ in range(args.sites - 1)]
    for extra in servers[1:]:
        threading.Thread(target=extra.serve_forever, daemon=True).start()
    print("PORT " + " ".join(str(server.server_address[1]) for server in servers), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        servers[0].serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
