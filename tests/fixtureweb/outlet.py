"""A UTF-8 news outlet with an RSS feed (河西日报 / 河西新闻网, fictional).

Every page and the feed carry an ETag and Last-Modified and answer 304 to a matching
If-None-Match (or, without one, If-Modified-Since); responses are gzipped when the client
accepts it. Article URLs have the ``/2023-02/14/c_1129365.htm`` shape; pages carry Open
Graph and JSON-LD metadata. The feed lists every article not deleted, newest first.
"""

from __future__ import annotations

import json
from email.utils import format_datetime
from html import escape

from fixtureweb.articlesite import ArticleSite
from fixtureweb.content import FixtureArticle
from fixtureweb.server import Request, Response, conditional, etag_of, gzipped, not_found

OUTLET = "河西日报"
LIST_PATH = "/news/"
FEED_PATH = "/rss.xml"
HTML_TYPE = [("Content-Type", "text/html; charset=utf-8")]
RSS_TYPE = [("Content-Type", "application/rss+xml; charset=utf-8")]

_HEADER = """<header class="site-header"><a class="logo" href="/">河西新闻网</a>
<nav class="main-nav"><a href="/">首页</a><a href="/news/">要闻</a><a href="/local/">本地</a>
<a href="/finance/">财经</a><a href="/culture/">文化</a><a href="/epaper/">数字报</a></nav>
<div class="user"><a href="/login">登录</a><a href="/register">注册</a></div></header>"""
_FOOTER = """<footer class="site-footer"><p><a href="/about/">关于我们</a> |
<a href="/contact/">联系我们</a> |
<a href="/copyright/">版权声明</a></p><p>河西日报社主办　版权所有</p>
<p>
<a href="https://beian.miit.gov.cn/">陇ICP备12000003号-1</a>
　互联网新闻信息服务许可证：62120170001</p>
</footer>"""


class NewsOutlet(ArticleSite):
    name = "outlet"
    default_column = "news"
    outlet_name = OUTLET
    publisher = "河西新闻网"  # og:site_name: the newspaper's (河西日报) web site

    def list_path(self) -> str:
        return LIST_PATH

    def feed_path(self) -> str:
        return FEED_PATH

    def new_path(self, number: int, published) -> str:
        return f"/{published:%Y-%m}/{published:%d}/c_{1130000 + number}.htm"

    def handle(self, request: Request) -> Response:
        path = request.path
        if path == "/":
            return self._send(request, self._home().encode("utf-8"), HTML_TYPE, self.changed_at)
        if path in (LIST_PATH, LIST_PATH + "index.html"):
            return self._send(request, self._list().encode("utf-8"), HTML_TYPE, self.changed_at)
        if path == FEED_PATH:
            return self._send(request, self.feed().encode("utf-8"), RSS_TYPE, self.changed_at)
        article = self.by_path(path)
        if article is not None:
            html = self._article(article).encode("utf-8")
            return self._send(request, html, HTML_TYPE, article.last_modified)
        return not_found()

    def _send(self, request: Request, body: bytes, headers, last_modified) -> Response:
        response = conditional(
            request, body, list(headers), etag=etag_of(body), last_modified=last_modified
        )
        return gzipped(request, response)

    def feed(self) -> str:
        """The RSS 2.0 document as served now."""
        items = "\n".join(_item(self.url(a.path), a) for a in self.listed())
        return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>河西新闻网 - 要闻</title>
<link>{self.url(LIST_PATH)}</link>
<description>河西日报社主办的新闻网站</description>
<language>zh-cn</language>
<lastBuildDate>{format_datetime(self.changed_at)}</lastBuildDate>
{items}
</channel>
</rss>
"""

    def _home(self) -> str:
        items = "\n".join(
            f'<li><a href="{escape(a.path)}">{escape(a.title)}</a></li>' for a in self.listed()[:4]
        )
        body = f"""{_HEADER}
<main><section class="headline"><h2><a href="{LIST_PATH}">要闻</a></h2><ul>{items}</ul>
<a class="more" href="{LIST_PATH}">更多</a></section></main>
{_FOOTER}"""
        return _document("河西新闻网", body)

    def _list(self) -> str:
        items = "\n".join(
            f"""<div class="item"><h3><a href="{escape(a.path)}">{escape(a.title)}</a></h3>
<p class="summary">{escape(a.paragraphs[0][:80]) if a.paragraphs else ""}</p>
<p class="meta"><span class="source">{escape(a.source)}</span> <time>{a.time}</time></p></div>"""
            for a in self.listed()
        )
        ranking = "\n".join(
            f'<li><a href="{escape(a.path)}">{escape(a.title)}</a></li>'
            for a in sorted(self.listed(), key=lambda a: a.id)[:3]
        )
        body = f"""{_HEADER}
<div class="crumbs"><a href="/">首页</a> &gt; 要闻</div>
<main class="layout"><section class="news-list">
{items}
</section>
<aside class="sidebar"><div class="rank"><h3>热读排行</h3><ol>{ranking}</ol></div>
<div class="follow"><a href="https://weibo.com/hexidaily">微博</a>
<a href="/wechat/">微信</a></div></aside>
</main>
{_FOOTER}"""
        return _document("要闻 - 河西新闻网", body)

    def _article(self, article: FixtureArticle) -> str:
        url = self.url(article.path)
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "datePublished": article.published,
            "publisher": {"@type": "Organization", "name": OUTLET},
        }
        if article.author:
            ld["author"] = {"@type": "Person", "name": article.author}
        meta = f"""<meta property="og:type" content="article">
<meta property="og:title" content="{escape(article.title)}">
<meta property="og:url" content="{escape(url)}">
<meta property="og:site_name" content="河西新闻网">
<meta property="article:published_time" content="{article.published}">
{f'<meta name="author" content="{escape(article.author)}">' if article.author else ""}
<link rel="canonical" href="{escape(url)}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>"""
        paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
        byline = (
            f'<span class="author">记者 {escape(article.author)}</span>' if article.author else ""
        )
        body = f"""{_HEADER}
<div class="crumbs"><a href="/">首页</a> &gt; <a href="{LIST_PATH}">要闻</a> &gt; 正文</div>
<main><article>
<h1>{escape(article.title)}</h1>
<div class="byline"><time datetime="{article.published}">{article.time}</time>
<span class="source">来源：{escape(article.source)}</span>{byline}</div>
<div class="article-content">
{paragraphs}
</div>
<div class="editor">责任编辑：李明</div>
</article></main>
{_FOOTER}"""
        return _document(f"{article.title} - 河西新闻网", body, meta=meta)


def _item(url: str, article: FixtureArticle) -> str:
    summary = article.paragraphs[0] if article.paragraphs else ""
    creator = f"<dc:creator>{escape(article.author)}</dc:creator>" if article.author else ""
    return f"""<item>
<title>{escape(article.title)}</title>
<link>{escape(url)}</link>
<guid isPermaLink="true">{escape(url)}</guid>
<pubDate>{format_datetime(article.published_at)}</pubDate>
{creator}
<description>{escape(summary)}</description>
</item>"""


def _document(title: str, body: str, *, meta: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
{meta}
</head>
<body>
{body}
</body>
</html>
"""
