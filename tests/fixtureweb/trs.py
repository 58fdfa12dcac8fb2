"""A provincial government portal built with TRS WCM (河西省人民政府, fictional).

What it does that real TRS portals do:
- GBK bytes, no charset in the Content-Type header, and the ``<meta>`` charset only after
  more than 1 KiB of head (site metadata, styles, scripts);
- a column list (省政府要闻) at ``/zwgk/xwdt/szyw/index.html`` whose pager is a script call
  only, ``createPageHTML(3, 0, "index", "html")``, with ``index_1.html``… as next pages;
  the list is split into several ``<ul>``s, long titles are cut with the full title in
  the ``title`` attribute, and hrefs are relative (``./202302/t20230214_531201.html``);
- around the list: top bar, navigation, breadcrumb, column menu, a "热点推荐" sidebar
  linking articles of the same column, an ICP / 公网安备 footer;
- article pages with ``<meta name="ArticleTitle|PubDate|ContentSource">``, the body in
  ``div.TRS_Editor``, and a hit counter that changes on every request;
- list pages send Last-Modified and an ETag and answer 304 to a matching revalidation.
"""

from __future__ import annotations

from html import escape

from fixtureweb.articlesite import ArticleSite
from fixtureweb.content import FixtureArticle
from fixtureweb.server import Request, Response, conditional, etag_of, not_found

LIST_DIR = "/zwgk/xwdt/szyw/"
PER_PAGE = 4
PER_BLOCK = 2  # items per <ul>: TRS templates often split a page's list in groups
HOT_IDS = ("trs-09", "trs-05", "trs-02")
CONTENT_TYPE = [("Content-Type", "text/html")]  # no charset, as many TRS servers send

_HEAD_PADDING = "\n".join(
    [
        '<meta name="SiteName" content="河西省人民政府">',
        '<meta name="SiteDomain" content="www.hexi.gov.cn">',
        '<meta name="SiteIDCode" content="6200000001">',
        '<meta name="ColumnName" content="省政府要闻">',
        '<meta name="ColumnDescription" content="河西省人民政府门户网站省政府要闻栏目，'
        '发布省委省政府重要会议、重要活动和重大决策部署的权威信息。">',
        '<meta name="ColumnKeywords" content="省政府要闻,新闻动态,政务公开,河西省人民政府">',
        '<meta name="ColumnType" content="新闻动态">',
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
        '<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">',
        '<link rel="stylesheet" type="text/css" href="/images/common.css">',
        '<link rel="stylesheet" type="text/css" href="/images/list.css">',
        '<script type="text/javascript" src="/images/jquery-1.12.4.min.js"></script>',
        '<script type="text/javascript" src="/images/common.js"></script>',
        "<!-- 网站标识码：6200000001  主办单位：河西省人民政府办公厅  "
        "承办单位：河西省大数据中心  技术支持：TRS WCM 7.0  本页面由内容管理系统按模板自动发布，"
        "请勿手工修改。模板编号：T_LIST_NEWS_001  发布时间以系统时钟为准。 -->",
    ]
)
_TOP = """<div class="topbar"><div class="w1200">
<span class="welcome">欢迎访问河西省人民政府门户网站</span>
<a href="javascript:void(0)" onclick="aria.start()">无障碍</a> | <a href="/zzms/">长者模式</a> |
<a href="/english/">English</a> | <a href="/yhzx/login.html">登录</a> |
<a href="/yhzx/reg.html">注册</a>
</div></div>
<div class="header"><div class="w1200"><a href="/" class="logo"><img src="/images/logo.png"
alt="河西省人民政府"></a>
<form action="/search/" class="search"><input name="q" placeholder="请输入关键词">
<button>搜索</button></form>
</div></div>
<div class="nav"><ul>
<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li class="on"><a href="/zwgk/xwdt/">新闻动态</a></li><li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/zjhx/">走进河西</a></li>
</ul></div>"""
_FOOTER = """<div class="footer"><div class="w1200">
<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/wzsm/">网站声明</a> |
<a href="/jczx/">纠错</a></p>
<p>主办：河西省人民政府办公厅　承办：河西省大数据中心　网站标识码：6200000001</p>
<p><a href="https://beian.miit.gov.cn/" target="_blank">陇ICP备05000001号</a>
<img src="/images/ga.png" alt=""><a target="_blank"
href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=62010202003282">陇公网安备
62010202003282号</a></p>
<p><script type="text/javascript">document.write(unescape("%3Cspan id='_ideConac' %3E%3C/span%3E"));
</script></p>
</div></div>"""


class TrsPortal(ArticleSite):
    name = "trs"
    default_column = "szyw"
    outlet_name = "河西省人民政府"
    publisher = "河西省人民政府"  # <meta name="SiteName">

    def list_path(self, page: int = 0) -> str:
        return f"{LIST_DIR}index{'' if page == 0 else f'_{page}'}.html"

    def new_path(self, number: int, published) -> str:
        return f"{LIST_DIR}{published:%Y%m}/t{published:%Y%m%d}_{600000 + number}.html"

    def page_count(self) -> int:
        return max(1, -(-len(self.listed("szyw")) // PER_PAGE))

    def handle(self, request: Request) -> Response:
        path = request.path
        if path == "/":
            return self._page(request, self._home(), cacheable=True)
        if path in (LIST_DIR, LIST_DIR + "index.html"):
            return self._page(request, self._list(0), cacheable=True)
        for page in range(1, self.page_count()):
            if path == self.list_path(page):
                return self._page(request, self._list(page), cacheable=True)
        article = self.by_path(path)
        if article is not None:
            return self._page(request, self._article(article), cacheable=False)
        return not_found(
            _document("页面不存在", "<h1>您访问的页面不存在或已被删除</h1>").encode("gbk")
        )

    def _page(self, request: Request, html: str, *, cacheable: bool) -> Response:
        body = html.encode("gbk")
        if not cacheable:
            return Response(200, list(CONTENT_TYPE), body)
        return conditional(
            request, body, list(CONTENT_TYPE), etag=etag_of(body), last_modified=self.changed_at
        )

    # -- pages ---------------------------------------------------------------------------

    def _home(self) -> str:
        latest = self.listed("szyw")[:5]
        items = "\n".join(
            f'<li><a href="{escape(a.path)}" target="_blank">{escape(a.title)}</a></li>'
            for a in latest
        )
        pictures = "\n".join(
            f'<li><a href="{escape(a.path)}"><img src="/images/pic{i}.jpg" alt="">'
            f"<p>{escape(_cut(a.title, 12))}</p></a></li>"
            for i, a in enumerate(latest[:2])
        )
        body = f"""{_TOP}
<div class="w1200 home">
<div class="focus"><ul>{pictures}</ul></div>
<div class="news"><h3><a href="{LIST_DIR}">省政府要闻</a>
<a class="more" href="{LIST_DIR}">更多&gt;&gt;</a></h3>
<ul>{items}</ul></div>
</div>
{_FOOTER}"""
        return _document("河西省人民政府", body)

    def _list(self, page: int) -> str:
        articles = self.listed("szyw")
        shown = articles[page * PER_PAGE : (page + 1) * PER_PAGE]
        blocks = []
        for start in range(0, len(shown), PER_BLOCK):
            items = "\n".join(_list_item(a) for a in shown[start : start + PER_BLOCK])
            blocks.append(f'<ul class="list">\n{items}\n</ul>')
        hot = [a for a in (self._maybe(i) for i in HOT_IDS) if a is not None]
        hot_items = "\n".join(
            f'<li><a href=".{escape(a.path[len(LIST_DIR) - 1 :])}" target="_blank" '
            f'title="{escape(a.title)}">{escape(_cut(a.title, 14))}</a></li>'
            for a in hot
        )
        body = f"""{_TOP}
<div class="position w1200">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt;
<a href="/zwgk/xwdt/">新闻动态</a> &gt; <span>省政府要闻</span></div>
<div class="container w1200">
<div class="left">
<div class="column-menu"><h3>新闻动态</h3><ul>
<li class="cur"><a href="../szyw/">省政府要闻</a></li><li><a href="../bmdt/">部门动态</a></li>
<li><a href="../sxdt/">市县动态</a></li><li><a href="../tpxw/">图片新闻</a></li>
<li><a href="../xwfb/">新闻发布会</a></li></ul></div>
<div class="hot"><h3>热点推荐</h3><ul>
{hot_items}
</ul></div>
</div>
<div class="right">
<div class="list-title"><span>省政府要闻</span></div>
<div class="list-box">
{'<div class="line"></div>'.join(blocks)}
</div>
<div class="page" id="page_div"><script type="text/javascript">
createPageHTML({self.page_count()}, {page}, "index", "html");
</script></div>
</div>
</div>
{_FOOTER}"""
        return _document("省政府要闻-河西省人民政府", body, scripts=_PAGER_FUNCTION)

    def _article(self, article: FixtureArticle) -> str:
        hits = self.count_hit(article.path)
        paragraphs = "\n".join(
            f'<p style="text-indent:2em;">{escape(p)}</p>' for p in article.paragraphs
        )
        related = [a for a in self.listed("szyw") if a.id != article.id][:2]
        related_items = "\n".join(
            f'<li><a href="{escape(a.path)}">{escape(a.title)}</a></li>' for a in related
        )
        author = (
            f'<meta name="Author" content="{escape(article.author)}">' if article.author else ""
        )
        summary = article.paragraphs[0][:60] if article.paragraphs else ""
        meta = f"""<meta name="ArticleTitle" content="{escape(article.title)}">
<meta name="PubDate" content="{article.time}">
<meta name="ContentSource" content="{escape(article.source)}">
{author}
<meta name="Keywords" content="省政府要闻">
<meta name="Description" content="{escape(summary)}">"""
        body = f"""{_TOP}
<div class="position w1200">当前位置：<a href="/">首页</a> &gt;
<a href="/zwgk/xwdt/">新闻动态</a> &gt;
<a href="{LIST_DIR}">省政府要闻</a></div>
<div class="article w1200">
<h1 class="title">{escape(article.title)}</h1>
<div class="info"><span>发布时间：{article.time}</span><span>来源：{escape(article.source)}</span>
<span>浏览次数：<b id="hits">{hits}</b></span><span>字号：<a href="javascript:doZoom(18)">大</a>
<a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a></span></div>
<div class="content"><div class="TRS_Editor"><div class="Custom_UnionStyle">
{paragraphs}
</div></div></div>
<div class="share">分享到：<a href="javascript:share('weibo')">微博</a>
<a href="javascript:share('wx')">微信</a></div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a>
<a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="related"><h3>相关文章</h3><ul>{related_items}</ul></div>
</div>
{_FOOTER}"""
        return _document(f"{article.title}_省政府要闻_河西省人民政府", body, meta=meta)

    def _maybe(self, article_id: str) -> FixtureArticle | None:
        try:
            article = self.article(article_id)
        except KeyError:
            return None
        return None if article.deleted else article


_PAGER_FUNCTION = """<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount<=1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  if(nCurrIndex == 0) document.write("首页&nbsp;上一页&nbsp;");
  else {
    document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;");
    var prev = nCurrIndex == 1 ? _sPageName+"."+_sPageExt
                               : _sPageName+"_"+(nCurrIndex-1)+"."+_sPageExt;
    document.write("<a href=\\""+prev+"\\">上一页</a>&nbsp;");
  }
  if(nCurrIndex == _nPageCount-1) document.write("下一页&nbsp;尾页");
  else {
    var next = _sPageName+"_"+(nCurrIndex+1)+"."+_sPageExt;
    document.write("<a href=\\""+next+"\\">下一页</a>&nbsp;");
    document.write("<a href=\\""+_sPageName+"_"+(_nPageCount-1)+"."+_sPageExt+"\\">尾页</a>");
  }
  document.write("&nbsp;共"+_nPageCount+"页");
}
</script>"""


def _list_item(article: FixtureArticle) -> str:
    href = "." + article.path[len(LIST_DIR) - 1 :]
    return (
        f'<li><span class="date">{article.date}</span><a href="{escape(href)}" target="_blank" '
        f'title="{escape(article.title)}">{escape(_cut(article.title, 24))}</a></li>'
    )


def _cut(title: str, length: int) -> str:
    return title if len(title) <= length else title[:length] + "…"


def _document(title: str, body: str, *, meta: str = "", scripts: str = "") -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{_HEAD_PADDING}
{meta}
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{escape(title)}</title>
{scripts}
</head>
<body>
{body}
</body>
</html>
"""
