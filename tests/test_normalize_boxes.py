"""Which box of an English or Chinese page holds the article: dialogs, asides, teaser cards.

Written pages in the shapes news sites use; each test fails when its rule is taken out.
"""

from __future__ import annotations

from aggregator.normalize import normalize

HEADLINE = "City council approves new budget for river clean-up"
STORY = [
    "The city council on Tuesday approved a budget of 12 million dollars for cleaning the "
    "river banks, after two years of debate between the mayor and the opposition.",
    "Work is due to start in the spring, the mayor said, and should be finished before the "
    "end of next year if the weather allows it.",
    "Residents who live near the river welcomed the decision, although some said the money "
    "should have been spent on the roads first.",
]
# Long prose that is not the article: what sign-up dialogs and comment rules say.
POLICY = [
    "We are committed to protecting your personal information and we have updated our "
    "privacy policy to comply with the new regulation that went into effect this year.",
    "Please review our privacy policy. It contains details about the types of data we "
    "collect, how we use it, and your data protection rights under the law.",
    "Users are obliged to abide by national and international laws and to speak "
    "respectfully to the other participants in the discussion and to the readers.",
    "The administration has the right to delete comments made in languages other than the "
    "language of the majority of the content, without notice to the user.",
    "A comment will be deleted if it does not correspond with the subject of the post, or "
    "promotes hatred and discrimination on any basis, or violates the rights of minors.",
]


def english_page(article: str, after: str = "") -> str:
    return f"""<html><head><meta charset="utf-8"><title>{HEADLINE} | Daily Example</title>
</head><body><div class="nav"><a href="/">Home</a> <a href="/news">News</a></div>
<div class="page"><h1>{HEADLINE}</h1>{article}</div>{after}
<footer>Copyright 2019 Daily Example. All rights reserved.</footer></body></html>"""


def paragraphs(html: str) -> list[str]:
    return list(normalize(html, "https://daily.example.com/news/1").paragraphs)


def article_div(lines: list[str]) -> str:
    return '<div class="article-text">' + "".join(f"<p>{line}</p>" for line in lines) + "</div>"


def test_a_dialog_whose_inner_box_is_named_body_is_not_the_article():
    dialog = (
        '<div class="modal-window window-rules">'
        '<section class="body">' + "".join(f"<p>{line}</p>" for line in POLICY) + "</section>"
        "</div>"
    )
    assert paragraphs(english_page(article_div(STORY), after=dialog)) == STORY


def test_an_aside_with_excerpts_named_like_articles_is_not_the_article():
    cards = "".join(
        f'<div class="teaser"><a href="/deal/{i}"><h3>Deal alert: a laptop at a big discount '
        f'number {i}</h3></a><p class="article-excerpt">{POLICY[i]}</p></div>'
        for i in range(5)
    )
    aside = f'<aside class="widget"><div class="side-articles">{cards}</div></aside>'
    html = english_page(article_div(STORY) + aside)
    assert paragraphs(html) == STORY


def test_sibling_article_cards_with_a_headline_link_and_a_blurb_are_teasers():
    cards = "".join(
        f'<article class="card"><h3><a href="/news/{i + 2}">Another story about the town '
        f"hall, part {i}</a></h3><p>{POLICY[i]}</p></article>"
        for i in range(5)
    )
    html = english_page(article_div(STORY) + f'<div class="more">{cards}</div>')
    assert paragraphs(html) == STORY


def test_an_article_element_with_a_linked_headline_alone_is_not_a_teaser():
    article = (
        f'<article class="post"><h2><a href="/news/1">{HEADLINE}</a></h2>'
        + "".join(f"<p>{line}</p>" for line in STORY[:1])
        + "</article>"
    )
    assert paragraphs(english_page(article)) == STORY[:1]


def test_a_layout_list_item_holding_the_whole_article_is_not_a_teaser():
    """Some portals lay out the page as list items: one holds the article and its links."""
    story = [
        "9月3日，在第二届全球企业家大会开幕式上，行业协会副理事长在演讲中分析了去年市场进出口"
        "数据，同时指出了产业结构的不足之处。",
        "他指出，全球每生产3块芯片就有2块运到这里来，去年进口芯片4176亿块，价值3121亿美元，"
        "由此产生的贸易逆差创下历史新高。",
        "他强调，产业20年前腾飞，主要推动力是对外加工服务，这导致产业结构扭曲，没有产品作为"
        "发展中心，这种情况急需调整。",
        "他表示，去年设计业销售收入为2519.3亿元，比前年的2073.5亿元增长21.5%，增速比上年回落"
        "4.6个百分点，在全球设计业的占比将再次提高。",
        "未来，产业应抓住新一代通信、虚拟现实、物联网、医疗健康和人工智能带来的机遇，积极探索"
        "适合自己的产业模式，以产品为中心重塑产业。",
    ]
    comments = "".join(
        f'<li class="comment-item"><div class="comment-txt">网友评论第{i}条：{story[i % 3]}</div>'
        "</li>"
        for i in range(6)
    )
    html = f"""<html><head><meta charset="utf-8"><title>芯片进口突破3000亿美元</title></head>
<body><div class="content"><ul class="columns"><li class="left">
<h3><a href="/a/1">芯片进口突破3000亿美元，产业结构扭曲</a></h3>
<div class="time">2019-09-07 15:10:53 来源：观察网</div>
<div class="all-txt">{"".join(f"<p>{line}</p>" for line in story)}
</div>
<div id="comments"><ul class="list-body">{comments}</ul></div>
</li></ul></div></body></html>"""
    assert list(normalize(html).paragraphs) == story


STANDINGS = [
    ("Pos.", "Driver", "Points", "Wins"),
    ("1", "Kyle Example", "5040", "5"),
    ("2", "Martin Sample Jr.", "5035", "7"),
    ("3", "Kevin Placeholder", "5033", "4"),
]


def standings_table() -> str:
    head = "".join(f"<th>{cell}</th>" for cell in STANDINGS[0])
    rows = "".join(
        "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in STANDINGS[1:]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


ROWS = [" ".join(row) for row in STANDINGS]


def test_a_data_table_inside_the_body_is_kept_one_line_per_row():
    article = (
        '<div class="article-text">'
        + "".join(f"<p>{line}</p>" for line in STORY[:2])
        + standings_table()
        + f"<p>{STORY[2]}</p></div>"
    )
    assert paragraphs(english_page(article)) == [*STORY[:2], *ROWS, STORY[2]]


def test_a_data_table_closing_the_body_is_kept():
    article = article_div(STORY).replace("</div>", standings_table() + "</div>")
    assert paragraphs(english_page(article)) == [*STORY, *ROWS]


def test_a_layout_table_is_read_cell_by_cell():
    menu = "".join(f'<a href="/s/{i}">Section {i}</a><br>' for i in range(8))
    html = english_page(
        f'<table><tr><td class="menu">{menu}</td><td>{article_div(STORY)}</td></tr>'
        f'<tr><td colspan="2">Print this page</td></tr></table>'
    )
    assert paragraphs(html) == STORY


def test_a_table_of_labelled_fields_is_a_header_not_rows_of_the_body():
    fields = [
        ("索 引 号：", "11220000013544357T/2022-00426"),
        ("发文机关：", "某省人民政府"),
        ("标 题：", "某省人民政府关于禁止新增建设项目的通告"),
        ("发文字号：", "某政明电〔2022〕1号"),
        ("成文日期：", "2022年01月27日"),
        ("发布日期：", "2022年01月28日"),
    ]
    rows = "".join(
        f"<tr><td>{a}</td><td>{b}</td><td>{c}</td><td>{d}</td></tr>"
        for (a, b), (c, d) in zip(fields[::2], fields[1::2], strict=True)
    )
    story = [
        "为做好干流补充治理工程建设，确保工程前期建设征地实物调查工作顺利进行，维护相关单位和"
        "人民群众合法权益，现就有关事项通告如下：",
        "一、自本通告发布之日起，在工程建设征占地范围内，禁止任何单位和个人新建、扩建和改建项目，"
        "禁止擅自开发土地、修建房屋及新建其他设施。",
        "二、自本通告发布之日起，上述区域内新迁入的人口不享有相关补偿政策。",
    ]
    html = f"""<html><head><meta charset="utf-8">
<title>某省人民政府关于禁止新增建设项目的通告</title></head><body><table class="info">{rows}</table>
<div class="zw">{"".join(f"<p>{line}</p>" for line in story)}</div></body></html>"""
    record = normalize(html)
    assert list(record.paragraphs) == story
    assert record.title == "某省人民政府关于禁止新增建设项目的通告"
    assert record.published == "2022-01-27T00:00:00+08:00"


def promo(title: str, blurb: str) -> str:
    return (
        f'<div class="promo"><div class="promo-category"><a href="/business">Business</a></div>'
        f'<div class="promo-title"><a href="/story/{len(title)}">{title}</a></div>'
        f'<div class="promo-description">{blurb}</div></div>'
    )


def test_a_card_of_another_story_between_paragraphs_is_not_text():
    card = promo(
        "Column: A vulture firm's bid for the chain shows there is value in newspapers",
        "Among those who believe that the press provides value for society, the firm is "
        "seen as one that makes real vultures look good by comparison.",
    )
    more = [
        "The mayor said the clean-up would also create about two hundred jobs for local "
        "workers, most of them in the building trades, over the next two years.",
        "The opposition said it would watch the spending closely and asked for a report to "
        "the council every three months until the work is finished.",
    ]
    article = (
        '<div class="article-text">'
        + "".join(f"<p>{line}</p>" for line in STORY)
        + card
        + "".join(f"<p>{line}</p>" for line in more)
        + "</div>"
    )
    assert paragraphs(english_page(article)) == [*STORY, *more]


def test_a_see_more_link_closing_a_section_leaves_the_section():
    see_more = '<p><a href="/hk">SEE MORE: Protests: 800 students under siege</a></p>'
    article = (
        f'<div class="article-text"><div class="section"><p>{STORY[0]}</p><p>{STORY[1]}</p>'
        f"{see_more}</div><p>{STORY[2]}</p></div>"
    )
    assert paragraphs(english_page(article)) == STORY


def test_a_pager_inside_the_last_paragraph_does_not_make_it_a_card():
    last = (
        STORY[2]
        + '<br><span class="pager"><a href="?p=1">[1]</a> <a href="?p=2">[2]</a> '
        + ('<a href="?p=3">[3]</a> <a href="?p=4">[4]</a> <a href="?p=5">[5]</a></span>')
    )
    article = (
        '<div class="article-text">'
        + "".join(f"<p>{line}</p>" for line in [*STORY[:2], last])
        + "</div>"
    )
    assert paragraphs(english_page(article)) == STORY
