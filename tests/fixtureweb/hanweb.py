"""A city government portal built with Hanweb (大汉) jpage (临川市人民政府, fictional).

The column list ``/col/col1532/index.html`` carries no list in its HTML: the first group
of records sits in ``<div id="4471"><script type="text/xml"><datastore>…`` as CDATA
``<li>`` fragments, and a ``$('#4471').jpage({… perPage:3, groupSize:1, totalRecord,
proxyUrl:'/module/web/jpage/dataproxy.jsp', ajaxParam:{col, appid, webid, path,
columnid, sourceContentType, unitid, webname, permissiontype}})`` call pages the rest.
The data proxy answers POSTs (and GETs, as servlets read both) with ``startrecord``,
``endrecord`` and ``perpage`` in the query string, in the same datastore XML; a request
without the column's ``columnid`` and ``unitid`` gets an empty datastore. UTF-8, as
Hanweb sites are.
"""

from __future__ import annotations

from html import escape

from fixtureweb.articlesite import ArticleSite
from fixtureweb.content import FixtureArticle
from fixtureweb.server import Request, Response, not_found

COLUMN_ID = "1532"
UNIT_ID = "4471"
WEB_ID = "1"
LIST_PATH = f"/col/col{COLUMN_ID}/index.html"
PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
PER_PAGE = 3
GROUP_SIZE = 1
HTML_TYPE = [("Content-Type", "text/html;charset=UTF-8")]
XML_TYPE = [("Content-Type", "text/xml;charset=UTF-8")]

_HEADER = """<div class="header"><div class="w1200"><a href="/"><img src="/images/logo.png"
alt="临川市人民政府"></a><div class="tools"><a href="/col/col1/index.html">首页</a> |
<a href="javascript:void(0)">无障碍浏览</a> |
<a href="/jact/front/login.do">登录</a></div></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li>
<a href="/col/col1530/index.html">要闻动态</a></li>
<li><a href="/col/col1540/index.html">政务公开</a></li><li>
<a href="/col/col1550/index.html">政务服务</a></li>
<li><a href="/col/col1560/index.html">政民互动</a></li></ul></div>"""
_FOOTER = """<div class="footer">
<p><a href="/col/col9/index.html">网站地图</a> | <a href="/col/col10/index.html">联系我们</a></p>
<p>主办单位：临川市人民政府办公室　网站标识码：3610000001</p>
<p><a href="https://beian.miit.gov.cn/">赣ICP备05000002号</a>
<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=36100002000001">赣公网安备
36100002000001号</a></p></div>"""


class HanwebPortal(ArticleSite):
    name = "hanweb"
    default_column = f"col{COLUMN_ID}"
    outlet_name = "临川市人民政府"
    publisher = "临川市人民政府"  # <meta name="SiteName">

    def list_path(self) -> str:
        return LIST_PATH

    def new_path(self, number: int, published) -> str:
        day = f"{published.year}/{published.month}/{published.day}"
        return f"/art/{day}/art_{COLUMN_ID}_{90000 + number}.html"

    def handle(self, request: Request) -> Response:
        path = request.path
        if path in ("/", "/index.html"):
            return Response(200, list(HTML_TYPE), self._home().encode("utf-8"))
        if path == LIST_PATH:
            return Response(200, list(HTML_TYPE), self._list().encode("utf-8"))
        if path == PROXY_PATH:
            return Response(200, list(XML_TYPE), self._proxy(request).encode("utf-8"))
        article = self.by_path(path)
        if article is not None:
            return Response(200, list(HTML_TYPE), self._article(article).encode("utf-8"))
        return not_found()

    def _records(self) -> list[FixtureArticle]:
        return self.listed(self.default_column)

    def _proxy(self, request: Request) -> str:
        """The data proxy: records startrecord..endrecord (1-based, inclusive) of the column."""
        records = self._records()
        if request.param("columnid") != COLUMN_ID or request.param("unitid") != UNIT_ID:
            records = []
        try:
            start = int(request.param("startrecord") or 1)
            end = int(request.param("endrecord") or start + PER_PAGE * GROUP_SIZE - 1)
            per_page = int(request.param("perpage") or PER_PAGE)
        except ValueError:
            return _datastore([], 0, 1)
        chosen = records[max(start, 1) - 1 : max(end, 0)]
        return _datastore(chosen, len(records), per_page)

    def _home(self) -> str:
        items = "\n".join(_record(a) for a in self._records()[:4])
        body = f"""{_HEADER}
<div class="w1200 main"><div class="box">
<h3>部门动态<a href="{LIST_PATH}" class="more">更多</a></h3>
<ul>{items}</ul></div></div>
{_FOOTER}"""
        return _document("临川市人民政府", body)

    def _list(self) -> str:
        records = self._records()
        first_group = records[: PER_PAGE * GROUP_SIZE]
        store = _datastore(first_group, len(records), PER_PAGE, declaration=False)
        hot = "\n".join(
            f'<li><a href="{escape(a.path)}" target="_blank">{escape(a.title)}</a></li>'
            for a in records[-3:]
        )
        body = f"""{_HEADER}
<div class="w1200 position">您当前的位置：<a href="/">首页</a> &gt;
<a href="/col/col1530/index.html">要闻动态</a>
&gt; <a href="{LIST_PATH}">部门动态</a></div>
<div class="w1200 main">
<div class="side"><div class="menu"><h3>要闻动态</h3><ul>
<li><a href="/col/col1531/index.html">临川要闻</a></li><li class="on">
<a href="{LIST_PATH}">部门动态</a></li>
<li><a href="/col/col1533/index.html">县区动态</a></li></ul></div>
<div class="hot"><h3>热点信息</h3><ul>{hot}</ul></div></div>
<div class="content"><div class="bt">部门动态</div>
<div class="list" id="{UNIT_ID}"><script type="text/xml">{store}</script></div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script type="text/javascript">
$(document).ready(function(){{
  $('#{UNIT_ID}').jpage({{themeName:'default',showMode:'full',totalRecord:{len(records)},openCookies:false,
  dataBefore:'<ul class="infolist">',dataStore:null,dataAfter:'</ul>',groupSize:{GROUP_SIZE},
  proxyUrl:'{PROXY_PATH}',perPage:{PER_PAGE},barPosition:'bottom',
  ajaxParam:{{col:1,appid:1,webid:{WEB_ID},path:'/',columnid:{COLUMN_ID},sourceContentType:1,
  unitid:'{UNIT_ID}',webname:'临川市人民政府',permissiontype:0}}}});
}});
</script>
</div></div>
{_FOOTER}"""
        return _document("部门动态 临川市人民政府", body)

    def _article(self, article: FixtureArticle) -> str:
        hits = self.count_hit(article.path)
        paragraphs = "\n".join(f"<p>\u3000\u3000{escape(p)}</p>" for p in article.paragraphs)
        meta = f"""<meta name="SiteName" content="临川市人民政府">
<meta name="ColumnName" content="部门动态">
<meta name="ArticleTitle" content="{escape(article.title)}">
<meta name="PubDate" content="{article.time}">
<meta name="ContentSource" content="{escape(article.source)}">"""
        body = f"""{_HEADER}
<div class="w1200 position">您当前的位置：<a href="/">首页</a> &gt;
<a href="{LIST_PATH}">部门动态</a></div>
<div class="w1200 article">
<div class="title">{escape(article.title)}</div>
<div class="xxgk">发布日期：{article.time}　信息来源：{escape(article.source)}
　浏览次数：<span>{hits}</span></div>
<div id="zoom">
{paragraphs}
</div>
<div class="tools"><a href="javascript:window.print()">打印</a>
<a href="javascript:window.close()">关闭</a></div>
</div>
{_FOOTER}"""
        return _document(f"{article.title} 临川市人民政府", body, meta=meta)


def _record(article: FixtureArticle) -> str:
    return (
        f'<li><a href="{escape(article.path)}" title="{escape(article.title)}" target="_blank">'
        f"{escape(article.title)}</a><span>{article.date}</span></li>"
    )


def _datastore(
    articles: list[FixtureArticle], total: int, per_page: int, *, declaration: bool = True
) -> str:
    records = "\n".join(f"<record><![CDATA[\n{_record(a)}\n]]></record>" for a in articles)
    pages = max(1, -(-total // max(per_page, 1)))
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' if declaration else ""
    return (
        f"{head}<datastore>\n<totalrecord>{total}</totalrecord>\n<totalpage>{pages}</totalpage>\n"
        f"<recordset>\n{records}\n</recordset>\n</datastore>"
    )


def _document(title: str, body: str, *, meta: str = "") -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{escape(title)}</title>
{meta}
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
</head>
<body>
{body}
</body>
</html>
"""
