"""An English-language company site that reposts provincial news (fictional), laid out
like the seed report in ``seeds/``: a "News center" heading, the title, a line
"Source: <outlet> 2023-02-14 点击:" (the hit count filled by a script), the body, and a
copyright / ICP / public-security-filing footer. Bodies are the originals' Chinese text.

Its "News center" list has three items a page and an HTML pager ("Next", "Page 1 of 2");
article URLs look like ``/news/show-301.html``. UTF-8.
"""

from __future__ import annotations

from html import escape

from fixtureweb.articlesite import ArticleSite
from fixtureweb.content import FixtureArticle
from fixtureweb.server import Request, Response, not_found

PER_PAGE = 3
HTML_TYPE = [("Content-Type", "text/html; charset=utf-8")]

_HEADER = """<div class="head"><div class="logo"><a href="/"><img src="/static/logo.png"
alt="Hexi Culture Tourism Group"></a></div>
<ul class="menu"><li><a href="/">Home</a></li><li><a href="/about/">About us</a></li>
<li><a href="/news/">News center</a></li><li><a href="/business/">Business</a></li>
<li><a href="/contact/">Contact us</a></li><li><a href="/cn/">中文</a></li></ul></div>"""
_FOOTER = """<div class="foot">
<p>Copyrights© All Rights Reserved Hexi Culture Tourism Group Co., LTD
<a href="https://beian.miit.gov.cn/">陇ICP备19003539号</a>
<a
href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=62010202003282">Gan public
network security number 62010202003282</a></p></div>"""


class RepostSite(ArticleSite):
    name = "repost"
    default_column = "news"
    outlet_name = "Hexi Culture Tourism Group"
    publisher = "Hexi Culture Tourism Group Co., LTD"  # the copyright line
    # `language` stays zh-CN: the template says lang="en", the reposted articles are Chinese.

    def list_path(self, page: int = 1) -> str:
        return "/news/" if page == 1 else f"/news/list_{page}.html"

    def new_path(self, number: int, published) -> str:
        return f"/news/show-{400 + number}.html"

    def page_count(self) -> int:
        return max(1, -(-len(self.listed()) // PER_PAGE))

    def handle(self, request: Request) -> Response:
        path = request.path
        if path == "/":
            return self._html(self._home())
        for page in range(1, self.page_count() + 1):
            if path == self.list_path(page) or (page == 1 and path == "/news/list_1.html"):
                return self._html(self._list(page))
        article = self.by_path(path)
        if article is not None:
            self.count_hit(path)
            return self._html(self._article(article))
        return not_found()

    def _html(self, html: str) -> Response:
        return Response(200, list(HTML_TYPE), html.encode("utf-8"))

    def _home(self) -> str:
        items = "\n".join(
            f'<li><a href="{escape(a.path)}">{escape(a.title)}</a></li>' for a in self.listed()[:3]
        )
        body = f"""{_HEADER}
<div class="banner"><img src="/static/banner.jpg" alt=""></div>
<div class="box"><h2>News center <a href="/news/">More</a></h2><ul>{items}</ul></div>
{_FOOTER}"""
        return _document("Hexi Culture Tourism Group", body)

    def _list(self, page: int) -> str:
        shown = self.listed()[(page - 1) * PER_PAGE : page * PER_PAGE]
        items = "\n".join(
            f'<li><span class="time">{a.date}</span><a href="{escape(a.path)}" '
            f'target="_blank">{escape(a.title)}</a></li>'
            for a in shown
        )
        count = self.page_count()
        pager = [f"<span>Page {page} of {count}</span>"]
        if page > 1:
            pager.append(f'<a href="{self.list_path(1)}">First</a>')
            pager.append(f'<a href="{self.list_path(page - 1)}">Prev</a>')
        if page < count:
            pager.append(f'<a href="{self.list_path(page + 1)}">Next</a>')
            pager.append(f'<a href="{self.list_path(count)}">Last</a>')
        body = f"""{_HEADER}
<div class="location">Location: <a href="/">Home</a> &gt; <a href="/news/">News center</a></div>
<div class="main"><div class="sidenav"><h3>News center</h3><ul><li>
<a href="/news/">Company news</a></li>
<li><a href="/news/industry/">Industry news</a></li></ul></div>
<div class="newslist"><h2>News center</h2><ul>
{items}
</ul><div class="pages">{" ".join(pager)}</div></div></div>
{_FOOTER}"""
        return _document("News center - Hexi Culture Tourism Group", body)

    def _article(self, article: FixtureArticle) -> str:
        paragraphs = "\n".join(f"<p>\u3000\u3000{escape(p)}</p>" for p in article.paragraphs)
        body = f"""{_HEADER}
<div class="main"><div class="newsshow">
<div class="crumb">News center</div>
<h1>{escape(article.title)}</h1>
<div class="info">Source: {escape(article.source)} {article.date} 点击:<span id="hits"></span>
<script src="/api/hits.php?id={escape(article.id)}"></script></div>
<div class="content">
{paragraphs}
</div>
</div></div>
{_FOOTER}"""
        return _document(f"{article.title} - Hexi Culture Tourism Group", body)


def _document(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{escape(title)}</title>
</head>
<body>
{body}
</body>
</html>
"""
