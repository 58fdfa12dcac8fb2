"""A site that fails in the ways real ones do, one path per failure.

``/error`` 500 · ``/busy`` 429 with ``Retry-After: 120`` · ``/loop`` a redirect loop
(``/loop`` -> ``/loop/again`` -> ``/loop``) · ``/huge`` 16 MiB streamed with no
Content-Length · ``/huge-declared`` the same with its Content-Length · ``/lying-charset.html``
an article whose header says utf-8 while the bytes are GBK · ``/slow`` answers after
`slow_seconds` · ``/empty.html`` a list page with no article links · ``/gone.html`` 410.
"""

from __future__ import annotations

import time
from html import escape

from fixtureweb.articlesite import ArticleSite
from fixtureweb.content import FixtureArticle
from fixtureweb.server import Request, Response, not_found, repeated

HUGE_BYTES = 16 * 1024 * 1024  # over the 15 MiB a client should stop at
RETRY_AFTER = "120"
_FILLER = ("<p>" + "无用的填充内容。" * 60 + "</p>\n").encode("utf-8")


class BrokenSite(ArticleSite):
    name = "broken"
    outlet_name = "broken"

    def __init__(self, articles: list[FixtureArticle]) -> None:
        super().__init__(articles)
        self.slow_seconds = 5.0

    def new_path(self, number: int, published) -> str:
        return f"/article-{number}.html"

    def handle(self, request: Request) -> Response:
        path = request.path
        if path == "/":
            return _html(_index())
        if path == "/error":
            return Response(
                500, [("Content-Type", "text/html")], b"<h1>500 Internal Server Error</h1>"
            )
        if path == "/busy":
            return Response(
                429,
                [("Content-Type", "text/html"), ("Retry-After", RETRY_AFTER)],
                b"<h1>429 Too Many Requests</h1>",
            )
        if path == "/loop":
            return Response(302, [("Location", "/loop/again")])
        if path == "/loop/again":
            return Response(302, [("Location", "/loop")])
        if path == "/huge":
            return Response(200, [("Content-Type", "text/html; charset=utf-8")], _huge())
        if path == "/huge-declared":
            headers = [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(HUGE_BYTES)),
            ]
            return Response(200, headers, _huge())
        if path == "/slow":
            time.sleep(self.slow_seconds)
            return _html("<html><body><p>终于来了</p></body></html>")
        if path == "/empty.html":
            return _html(_empty_list())
        if path == "/gone.html":
            return Response(410, [("Content-Type", "text/html")], b"<h1>410 Gone</h1>")
        article = self.by_path(path)
        if article is not None:
            # The header promises UTF-8; the bytes are GBK.
            body = _lying_article(article).encode("gbk")
            return Response(200, [("Content-Type", "text/html; charset=utf-8")], body)
        return not_found()


def _huge():
    yield b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>huge</title></head><body>\n"
    yield from repeated(_FILLER, HUGE_BYTES - 100)


def _html(text: str) -> Response:
    return Response(200, [("Content-Type", "text/html; charset=utf-8")], text.encode("utf-8"))


def _index() -> str:
    links = "\n".join(
        f'<li><a href="{path}">{path}</a></li>'
        for path in ("/error", "/busy", "/loop", "/huge", "/lying-charset.html", "/empty.html")
    )
    return f"<html><body><h1>故障站点</h1><ul>{links}</ul></body></html>"


def _empty_list() -> str:
    return """<html><head><meta charset="utf-8"><title>通知公告</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/about.html">关于</a>
<a href="/contact.html">联系</a></div>
<div class="list"><p>暂无信息</p></div>
<div class="footer">版权所有</div></body></html>"""


def _lying_article(article: FixtureArticle) -> str:
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    return f"""<html><head><title>{escape(article.title)}</title>
<meta name="ArticleTitle" content="{escape(article.title)}">
<meta name="PubDate" content="{article.time}">
<meta name="ContentSource" content="{escape(article.source)}">
</head><body>
<h1>{escape(article.title)}</h1>
<div class="info">来源：{escape(article.source)}　发布时间：{article.time}</div>
<div class="content">{paragraphs}</div>
</body></html>"""
