"""Lines that are page furniture, not article text.

Chinese portals surround every article with the same furniture: hit counters (点击, 浏览次数,
阅读), share bars (分享到), QR prompts (扫一扫), print/close/font-size buttons, previous/next
links, "related news" lists, copyright, ICP licence (…ICP备) and 公网安备 lines. These are
recognised by what they say, so the rules hold on sites we have never seen. Filing numbers,
copyright notices and labels mark a line wherever they stand; plain words (扫码, 分享到,
浏览次数…) only in a line that is not a finished sentence, since articles use them too.
English sites have theirs: "Advertisement", "Share this article", "Image 1 of 13",
"Continue Reading Below", "Sign up for our newsletter", "Already a subscriber?",
"© photographer", "This material may not be published, broadcast…".
"""

from __future__ import annotations

import re

# A whole line made only of furniture words (buttons, labels, counters).
_FURNITURE_LINE = re.compile(
    r"^[\s\[【(（<]*(?:"
    r"打印(?:本页|此文|本文|文章)?|关闭(?:窗口|本页)?|返回(?:顶部|首页|列表)?|收藏(?:本页|本文)?"
    r"|字号|字体|默认|大|中|小|加大|减小|放大|缩小|繁体|简体|繁體|简|繁|无障碍|长者模式|朗读"
    r"|分享(?:到|至)?|微信|微博|QQ空间|QQ|朋友圈|空间|复制链接|扫一扫|二维码|纠错|我要纠错"
    r"|发表评论|我来说两句|评论|点赞|举报|登录|注册|\d+|更多|more|top|print|share|close"
    r"|email|tweet|facebook|twitter|linkedin|whatsapp|reddit|comments?|advertisement|ad|广告"
    r"|正文|全文|摘要|首页|上一页|下一页|尾页|第\s*\d+\s*页|共\s*\d+\s*页|[/|｜·•]"
    # English (and German) buttons, counters and widget labels.
    r"|adverts?|advertisements|anzeige|sponsored(?: content)?|caption|copied|read later"
    r"|save(?: for later)?|back to (?:gallery|top)|(?:view|open) gallery|\d*\s*shares?"
    r"|sharing is caring|share (?:this|the) (?:article|story|page|post)"
    r"|share your thoughts(?: with friends)?|continue reading(?: below)?"
    r"|(?:to )?read the full (?:story|article)|loading(?: content)?"
    r"|this slideshow requires javascript"
    r"|(?:(?:image|photo|picture|slide)s?\s*)?\d+\s*(?:of|/)\s*/?\s*\d*"
    r")[\s\]】)）>:：|｜/.…!]*$",
    re.IGNORECASE,
)
# Marks that make a line furniture wherever they stand in it: licence and filing numbers,
# copyright notices, reprint bans, and labels with their colon ("浏览次数：", "上一篇：").
# "版权所有者" (the copyright owner) is a word of prose, not the notice.
_FURNITURE_MARK = re.compile(
    r"ICP\s*(?:备|证|for)|ICP\d|公网安备|网安备|public network security|京公网|备案号|网站标识码|"
    r"版权所有(?![者人权])|版權所有(?![者人權])|Copyright\s*(?:©|\(c\)|@|\d)|©\s*\d{4}|^\W*©|"
    r"All rights reserved|本站声明|免责声明|转载请注明|(?:禁止|不得|严禁|谢绝)转载|"
    r"(?:分享到|分享至|浏览次数|阅读次数|访问次数|点击数|点击量|上一篇|下一篇|上一条|下一条|"
    r"技术支持|主办单位|承办单位|字号)\s*[:：]|【\s*字体|"
    r"(?:^|\s)点击[:：]?\s*$|点击\s*[:：]\s*\d*\s*$|点击\s*[:：]\s*\d+|Click\s*:\s*$|"
    # Calls to subscribe, sign up or log in, opening the line: paywall stubs, newsletter boxes.
    r"^\W*(?:Already a (?:subscriber|member)\b|(?:Subscribe|Log in|Sign in) to (?:continue|read)\b"
    r"|(?:Get|Sign up|Subscribe)\b.{0,80}\b(?:newsletters?|inbox)\b"
    r"|This (?:article|story|content) is (?:only )?(?:available )?(?:to|for) "
    r"(?:subscribers|members))",
    re.IGNORECASE,
)
# Words of QR prompts, share bars, counters and footer links. Articles use them too
# ("乘客扫码乘车", "他就能分享到一份光荣", "网站全年浏览次数超过两千万"), so a line that reads
# as prose keeps them.
_FURNITURE_WORDS = re.compile(
    r"扫一扫|扫描二维码|扫码|用手机扫|手机扫描|在手机打开|手机阅读本文|分享到|分享至|"
    r"浏览次数|阅读次数|访问次数|点击数|点击量|次浏览|(?:阅读|浏览|点击|访问)\s*\d+\s*次|"
    r"未经授权|trackback|"
    r"网站地图|联系我们|关于我们|设为首页|加入收藏|站点地图|推荐给好友|打印本页|关闭窗口",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[。！？]|[.!?](?:\s|$)")  # not the "?" of a URL
_MIN_PROSE_CHARS = 30

# Headers of lists that follow an article; everything after them in the block is a list.
_LIST_HEADER = re.compile(
    r"^[\s\[【(（]*(?:相关(?:新闻|报道|阅读|文章|链接|推荐|稿件|专题)|延伸阅读|推荐阅读|热点推荐|热门推荐|"
    r"猜你喜欢|热门文章|热门新闻|最新文章|最新新闻|更多新闻|精彩推荐|图片新闻|往期回顾|"
    r"Related(?: Articles| Stories| News| Content| Topics| Links| Posts)?|Read more|More from\b.*|"
    r"Recommended(?: for you| Articles| Stories| Reading)?|Most (?:read|popular|viewed|shared)\b.*|"
    r"Trending(?: now)?|Topics|Tags|Comments|Newsletter|Sign up\b.*|You (?:may|might) also like|"
    r"About the author|Explore further|Don'?t miss|Tell us what you think|Read (?:these )?next|"
    r"Up next|More (?:stories|news|on this (?:story|topic))|Top stories|Editor'?s picks|"
    r"反侵权公告|版权声明|免责声明|特别声明)[\s\]】)）:：>.…!]*$",
    re.IGNORECASE,
)


# An article paragraph may mention copyright in passing; furniture lines are short.
_FURNITURE_MAX_CHARS = 200
# Cookie-consent banners and rights notices read like prose, but say what they are.
_COOKIE_NOTICE = re.compile(
    r"\bcookies?\b.{0,200}\b(?:this|our) (?:web)?site\b|\b(?:this|our) (?:web)?site\b.{0,200}"
    r"\bcookies?\b|使用\s*cookie|cookie\s*政策"
    r"|\bthis (?:document|article|material|content|page) is subject to copyright\b"
    r"|\bno part (?:of (?:this|it) )?may be reproduced\b"
    r"|\bmay not be (?:re)?published, broadcast",
    re.IGNORECASE,
)
_COOKIE_NOTICE_MAX_CHARS = 600


def is_furniture(text: str) -> bool:
    """Whether a line is page furniture (buttons, counters, share bars, copyright, ICP…)."""
    if _FURNITURE_LINE.match(text):
        return True
    if len(text) <= _COOKIE_NOTICE_MAX_CHARS and _COOKIE_NOTICE.search(text):
        return True
    if len(text) > _FURNITURE_MAX_CHARS:
        return False
    if _FURNITURE_MARK.search(text):
        return True
    return bool(_FURNITURE_WORDS.search(text)) and not _reads_as_prose(text)


def _reads_as_prose(text: str) -> bool:
    """A line long enough to hold a finished sentence, and holding one."""
    return len(text) >= _MIN_PROSE_CHARS and bool(_SENTENCE_END.search(text))


def starts_list(text: str) -> bool:
    """Whether a line heads a list of other articles ("相关新闻", "Related stories"…)."""
    return bool(_LIST_HEADER.match(text))
