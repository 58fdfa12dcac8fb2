"""Telling person names from other words in credit lines.

Chinese bylines list names separated by spaces ("记者 张富贵 金鑫" is two people), glue them
to the next credit ("周炜本报记者"), or to a place ("上海报道"); English ones use commas and
"and", and translated Chinese names arrive as "Zhang Fugui Jin Xin", surname first, two words
each. A name without a role next to it is accepted only when it starts with a common
surname, so a lone short line is not mistaken for a person.
"""

from __future__ import annotations

import re

HAN = r"\u4e00-\u9fff"
_SINGLE_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳"
    "甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解"
    "牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边"
    "卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储栗燕楚"
    "鄢劳谌奚皮粟冼蔺楼满闻位厉伊仝区郜阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿狄计索宣晋相初门云"
    "容敬扈晁芮普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况宿鲜印逯隆茹诸战慕危玉银亢嵇湛宾戎勾茅利"
    "於揭干尉冶斯束檀衣信展阴昝智幸奉植衡富尧闭萧阎逄郦寿鞠杞"
)
_COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "令狐",
        "端木",
        "西门",
        "南宫",
        "独孤",
        "轩辕",
        "闻人",
        "呼延",
        "百里",
        "东郭",
    ]
)
# Words that sit next to names in credits but are not names.
_NOT_NAME = re.compile(
    r"报道|记者|编辑|通讯|摄影|实习|作者|来源|发布|时间|责任|编者|客户端|日电|本报|本刊|本台|本网"
    r"|新华|网|报|社|台|站|中心|委员会|政府|公司|集团|部门|我们|大家|自己|他们|今天|昨天|佚名|不详|未知"
    r"|举报|关闭|分享|收藏|评论|打印|返回|登录|注册|更多|点赞|转发|复制|链接|下载|订阅|关注|回复|查看"
    r"|全文|首页|顶部|昨天|前天|刚刚|小时|分钟"
)
_HAN_NAME = re.compile(rf"[{HAN}]{{2,4}}|[{HAN}]{{2,8}}·[{HAN}]{{2,8}}")
_LATIN_WORD = re.compile(r"[A-Z][a-zA-Z'’\-.]*")
_NAME_SEPARATORS = re.compile(r"\s*(?:[、，,;；/|&]|\band\b|\s)\s*")
_LATIN_NAME_PARTICLES = frozenset(("de", "van", "von", "der", "da", "di", "la", "le", "bin", "al"))


def has_common_surname(name: str) -> bool:
    return name[:2] in _COMPOUND_SURNAMES or name[:1] in _SINGLE_SURNAMES


def is_han_name(token: str, *, require_surname: bool = False) -> bool:
    """Whether `token` can be a Chinese personal name (2–4 characters, or X·Y)."""
    if not _HAN_NAME.fullmatch(token) or _NOT_NAME.search(token):
        return False
    if len(token) == 4 and token[:2] not in _COMPOUND_SURNAMES:
        # Four-character names are rare outside compound surnames (欧阳…); a four-character
        # token after "记者：" is more often prose ("您怎么看").
        require_surname = True
    return not require_surname or has_common_surname(token)


def split_names(text: str, *, require_surname: bool = False) -> list[str]:
    """The person names in the names part of a credit ("张富贵 金鑫", "John Smith and Jo Li").

    Returns [] when any part is not a plausible name: a credit either lists people or is
    not a credit at all.
    """
    text = text.strip(" :：/|·-—()（）[]【】")
    if not text:
        return []
    if re.search(rf"[{HAN}]", text):
        tokens = [token for token in re.split(r"[\s、，,;；/|&]+", text) if token]
        if tokens and all(is_han_name(token, require_surname=require_surname) for token in tokens):
            return tokens
        return []
    return _split_latin(text)


def _split_latin(text: str) -> list[str]:
    names: list[str] = []
    for part in re.split(r"\s*(?:,|;|\band\b|&)\s*", text):
        words = part.split()
        if not words:
            continue
        if not all(_LATIN_WORD.fullmatch(w) or w.lower() in _LATIN_NAME_PARTICLES for w in words):
            return []
        if len(words) >= 4 and len(words) % 2 == 0 and all(_LATIN_WORD.fullmatch(w) for w in words):
            # "Zhang Fugui Jin Xin": romanised Chinese names are two words each (surname,
            # given name), and translations run several together without a comma.
            names += [" ".join(words[i : i + 2]) for i in range(0, len(words), 2)]
        elif len(words) <= 4:
            names.append(" ".join(words))
        else:
            return []
    return names
