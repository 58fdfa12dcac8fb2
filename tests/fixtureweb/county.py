"""A county government site whose Atom feed links to reposts (青石县人民政府, fictional).

Most of its news is copied from the outlet and the provincial portal: some titles carry a
【转载】 prefix, one repost opens with an editor's note (编者按), one drops the original's
last paragraph. Each repost names its source (来源：…) and links the original
(原文链接). Pages are GBK with a correct ``charset=GBK`` header; the Atom feed is UTF-8
with an ETag and Last-Modified and answers 304 to a matching revalidation.
"""

from __future__ import annotations

from html import escape

from fixtureweb.articlesite import ArticleSite
from fixtureweb.content import FixtureArticle
from fixtureweb.server import Request, Response, conditional, etag_of, not_found

LIST_PATH = "/xwzx/"
FEED_PATH = "/atom.xml"
HTML_TYPE = [("Content-Type", "text/html; charset=GBK")]
ATOM_TYPE = [("Content-Type", "application/atom+xml; charset=utf-8")]

_HEADER = """<div id="header"><h1><a href="/">青石县人民政府</a></h1>
<div id="menu"><a href="/">首页</a> <a href="/xwzx/">新闻中心</a> <a href="/zwgk/">政务公开</a>
<a href="/bsfw/">办事服务</a> <a href="/gzhd/">公众互动</a></div></div>"""
_FOOTER = """<div id="footer">版权所有：青石县人民政府　承办：青石县融媒体中心<br>
<a href="https://beian.miit.gov.cn/">陇ICP备13000004号</a>
<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=62072302000045">陇公网安备
62072302000045号</a></div>"""


class CountySite(ArticleSite):
    name = "county"
    default_column = "zwyw"
    outlet_name = "青石县人民政府"
    publisher = "青石县人民政府"  # 版权所有：青石县人民政府

    def list_path(self) -> str:
        return LIST_PATH

    def feed_path(self) -> str:
        return FEED_PATH

    def new_path(self, number: int, published) -> str:
        return f"/xwzx/{published:%Y-%m}/{published:%d}/content_{2000 + number}.htm"

    def handle(self, request: Request) -> Response:
        path = request.path
        if path == "/":
            return self._html(self._home())
        if path in (LIST_PATH, LIST_PATH + "index.htm"):
            return self._html(self._list())
        if path == FEED_PATH:
            body = self.feed().encode("utf-8")
            return conditional(
                request, body, list(ATOM_TYPE), etag=etag_of(body), last_modified=self.changed_at
            )
        article = self.by_path(path)
        if article is not None:
            return self._html(self._article(article))
        return not_found()

    def _html(self, html: str) -> Response:
        return Response(200, list(HTML_TYPE), html.encode("gbk"))

    def feed(self) -> str:
        """The Atom document as served now."""
        entries = "\n".join(self._entry(a) for a in self.listed())
        return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>青石县人民政府 - 政务要闻</title>
<id>{self.url(LIST_PATH)}</id>
<link rel="alternate" href="{self.url(LIST_PATH)}"/>
<link rel="self" href="{self.url(FEED_PATH)}"/>
<updated>{self.changed_at.isoformat()}</updated>
<author><name>青石县融媒体中心</name></author>
{entries}
</feed>
"""

    def _entry(self, article: FixtureArticle) -> str:
        url = self.url(article.path)
        updated = article.last_modified.isoformat()
        return f"""<entry>
<title>{escape(article.title)}</title>
<id>{escape(url)}</id>
<link rel="alternate" type="text/html" href="{escape(url)}"/>
<published>{article.published}</published>
<updated>{updated}</updated>
<summary>{escape(article.paragraphs[0][:100]) if article.paragraphs else ""}</summary>
</entry>"""

    def _home(self) -> str:
        items = "\n".join(
            f'<li><a href="{escape(a.path)}">{escape(a.title)}</a></li>' for a in self.listed()[:5]
        )
        return _document(
            "青石县人民政府", f"{_HEADER}<div id='main'><ul>{items}</ul></div>{_FOOTER}"
        )

    def _list(self) -> str:
        rows = "\n".join(
            f'<tr><td class="title"><a href="{escape(a.path)}" target="_blank">'
            f"{escape(a.title)}</a></td>"
            f'<td class="date">[{a.date}]</td></tr>'
            for a in self.listed()
        )
        body = f"""{_HEADER}
<div id="main">
<div class="dqwz">当前位置：<a href="/">首页</a> &gt;&gt; 新闻中心 &gt;&gt; 政务要闻</div>
<table class="newslist" width="100%"><tbody>
{rows}
</tbody></table>
<div class="fy">共{len(self.listed())}条 第1页</div></div>
{_FOOTER}"""
        return _document("政务要闻 - 青石县人民政府", body)

    def _article(self, article: FixtureArticle) -> str:
        paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
        original = self.original_url(article)
        link = (
            f'<p class="yw">原文链接：<a href="{escape(original)}">{escape(original)}</a></p>'
            if original
            else ""
        )
        body = f"""{_HEADER}
<div id="main"><div class="dqwz">当前位置：<a href="/">首页</a> &gt;&gt;
<a href="{LIST_PATH}">新闻中心</a></div>
<div class="wz">
<h2 class="wzbt">{escape(article.title)}</h2>
<div class="wzxx">来源：{escape(article.source)}　发布时间：{article.time}
　【字体：<a href="#">大</a>
<a href="#">中</a> <a href="#">小</a>】</div>
<div class="wznr">
{paragraphs}
</div>
{link}
</div></div>
{_FOOTER}"""
        return _document(f"{article.title} - 青石县人民政府", body)


def _document(title: str, body: str) -> str:
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{escape(title)}</title>
</head>
<body>
{body}
</body>
</html>
"""
