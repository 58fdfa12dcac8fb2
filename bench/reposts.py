"""Precision and recall of repost merging on a labelled corpus built from real article bodies.

    python bench/reposts.py [CORPUS_DIR]     (default: ../shared/corpus from the repo root)

Each real body (cwced-dev cleaned texts, zh-extra texts, aeb-dev English bodies) is an
original on its own site. From it we make the copies of issue #5 — one kind of edit per copy
so recall can be read per edit, plus one copy with all edits at once — and excerpts (first
paragraphs and a "阅读原文" link). Hard negatives that must stay apart: notices from one
template (weather warnings, meeting notices, power cuts), follow-up reports that reuse an
original's background paragraph, and digests quoting the openings of several originals.

All documents arrive in a shuffled order (an excerpt may come before its original) and go
through the real path: `RepostIndex` on a SQLite file, `assign_story`, `choose_canonical`.
Printed: precision/recall of same-story pairs, recall per kind of edit, digests that joined
or bridged a story, canonical = original, and the time per article.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path

import sqlite_utils
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aggregator.dedupe.stories import ArticleFacts, assign_story, choose_canonical  # noqa: E402
from aggregator.encoding import decode  # noqa: E402
from aggregator.store.reposts import RepostIndex  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
SEED = 5
EPOCH = datetime(2024, 5, 3, 8, 0)

EDIT_KINDS = (
    "title_prefix",
    "title_suffix",
    "editor_note",
    "trimmed_last_paragraph",
    "source_line",
    "punctuation_width",
    "paragraph_breaks",
    "all_edits",
    "excerpt",
)


@dataclass(frozen=True)
class Base:
    key: str
    title: str
    paragraphs: tuple[str, ...]
    chinese: bool


@dataclass(frozen=True)
class Doc:
    facts: ArticleFacts
    kind: str  # "original", an edit kind, or a negative kind
    label: str  # documents with one label are one story


# ---------------------------------------------------------------- loading the real bodies


def load_bases(corpus: Path) -> list[Base]:
    bases = []
    cwced = corpus / "cwced-dev"
    for path in sorted((cwced / "cleaned").glob("*.txt")):
        title = _html_title((cwced / "original" / path.name).with_suffix(".html").read_bytes())
        bases.append(_base(f"cwced/{path.stem}", title, path.read_text("utf-8"), True))
    n4k = corpus / "zh-extra" / "newspaper4k" / "tests" / "data"
    for path in sorted((n4k / "metadata").glob("*.json")):
        meta = json.loads(path.read_text("utf-8"))
        text = (n4k / "txt" / path.with_suffix(".txt").name).read_text("utf-8")
        bases.append(_base(f"newspaper4k/{path.stem}", meta["title"], text, True))
    goose = corpus / "zh-extra" / "goose3" / "tests" / "data" / "content" / "test_bbc_chinese"
    expected = json.loads(goose.with_suffix(".json").read_text("utf-8"))["expected"]
    title = _html_title(goose.with_suffix(".html").read_bytes())
    bases.append(_base("goose3/bbc_chinese", title, expected["cleaned_text"], True))
    readability = corpus / "zh-extra" / "readability" / "test" / "test-pages"
    for page in sorted(p for p in readability.iterdir() if p.is_dir()):
        meta = json.loads((page / "expected-metadata.json").read_text("utf-8"))
        tree = lxml_html.fromstring((page / "expected.html").read_text("utf-8"))
        text = "\n".join(p.text_content() for p in tree.iter("p", "div") if not len(p.xpath("p")))
        bases.append(_base(f"readability/{page.name}", meta["title"], text, True))
    aeb = corpus / "aeb-dev"
    for key, truth in sorted(json.loads((aeb / "ground-truth.json").read_text("utf-8")).items()):
        page = aeb / "html" / f"{key}.html.gz"
        title = _html_title(gzip.decompress(page.read_bytes())) if page.exists() else ""
        bases.append(_base(f"aeb/{key[:12]}", title, truth["articleBody"], False))
    # Bodies of a few lines are too short to be articles (and to be told from templates).
    return [b for b in bases if len(b.paragraphs) >= 2 and sum(map(len, b.paragraphs)) >= 200]


def _base(key: str, title: str, text: str, chinese: bool) -> Base:
    paragraphs = tuple(p.strip() for p in text.splitlines() if p.strip())
    return Base(key, (title or paragraphs[0][:30]).strip(), paragraphs, chinese)


def _html_title(content: bytes) -> str:
    tree = lxml_html.fromstring(decode(content).text.encode("utf-8"))
    found = tree.findtext(".//title")
    return " ".join(found.split()) if found else ""


# ---------------------------------------------------------------- the edits of issue #5

_FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
_HALF_WIDTH = {v: k for k, v in _FULL_WIDTH.items()} | {"。": ".", "、": ","}
_SENTENCE_END = re.compile(r"(?<=[。！？.!?])")


def edit(base: Base, kind: str, rng: random.Random, site: int) -> tuple[str, list[str]]:
    """Title and paragraphs of one copy of `base` with one kind of edit."""
    title, paragraphs = base.title, list(base.paragraphs)
    zh = base.chinese
    if kind == "title_prefix":
        title = rng.choice(["【转载】", "[转载]", "转载：", "【原创】"]) + title
    elif kind == "title_suffix":
        sep = rng.choice(["_", " - ", "|", " | "])
        title += sep + rng.choice(
            [f"某某县{site}人民政府门户网站", f"第{site}新闻网", "County News"]
        )
    elif kind == "editor_note":
        note = rng.choice(
            [
                "编者按：本文转自有关媒体，内容仅供参考，观点不代表本网立场。",
                "【编者按】近日，各地认真学习贯彻有关精神，本网特转载此文，以飨读者。",
                "编者的话：为便于广大干部群众了解相关情况，现将全文刊发如下。",
            ]
            if zh
            else [
                "Editor's note: this article was first published by our partner outlet.",
                "Editor’s Note: We republish this story with permission.",
            ]
        )
        paragraphs.insert(0, note)
    elif kind == "trimmed_last_paragraph":
        paragraphs = paragraphs[:-1] if len(paragraphs) > 2 else paragraphs
    elif kind == "source_line":
        paragraphs = _with_source_line(paragraphs, zh, rng, site)
    elif kind == "punctuation_width":
        table = _HALF_WIDTH if rng.random() < 0.5 else _FULL_WIDTH
        paragraphs = ["".join(table.get(ch, ch) for ch in p) for p in paragraphs]
    elif kind == "paragraph_breaks":
        paragraphs = _rebreak(paragraphs, rng, zh)
    elif kind == "all_edits":
        # Paragraphs are broken anew first: a note or a source line is its own paragraph.
        for step in ("paragraph_breaks", "trimmed_last_paragraph", "title_prefix", "title_suffix"):
            title, paragraphs = edit(Base(base.key, title, tuple(paragraphs), zh), step, rng, site)
        for step in ("editor_note", "source_line", "punctuation_width"):
            title, paragraphs = edit(Base(base.key, title, tuple(paragraphs), zh), step, rng, site)
    elif kind == "excerpt":
        paragraphs = _excerpt(paragraphs, rng, zh)
        title += rng.choice(["", f"_某某县{site}融媒体中心", f" - Valley {site} Times"])
    else:
        raise ValueError(kind)
    return title, paragraphs


def _with_source_line(paragraphs: list[str], zh: bool, rng: random.Random, site: int) -> list[str]:
    if zh:
        top = rng.choice(
            [
                f"来源：第{site}日报",
                f"稿源：某某县{site}融媒体中心  作者：张{site}",
                f"发布时间：2024-05-0{site % 9 + 1} 10:2{site % 10}  来源：某某网"
                f"  浏览次数：{site * 37}",
                f"文章来源：新华社 | 责任编辑：李{site}",
            ]
        )
        bottom = rng.choice(["", f"（来源：第{site}日报）", f"责任编辑：王{site}", "（完）"])
    else:
        top = rng.choice([f"Source: Wire Service {site}", f"Updated: May {site % 28 + 1}, 2024"])
        bottom = rng.choice(["", "Reporting by Jane Doe; Editing by John Roe", "(Wire staff)"])
    return [top, *paragraphs, *([bottom] if bottom else [])]


def _rebreak(paragraphs: list[str], rng: random.Random, zh: bool) -> list[str]:
    # Sentences of one paragraph keep their spacing; joined paragraphs get a space in
    # Latin script, as a page's text would.
    joint = "" if zh else " "
    sentences = [s for p in paragraphs for s in _SENTENCE_END.split(p + joint) if s.strip()]
    out, current = [], ""
    for sentence in sentences:
        current += sentence
        if rng.random() < 0.35:
            out.append(current)
            current = ""
    return [*out, current] if current else out


def _excerpt(paragraphs: list[str], rng: random.Random, zh: bool) -> list[str]:
    # The first few paragraphs, at least ~150 characters / 60 words, then the link.
    wanted = rng.randint(1, 3)
    minimum = 150 if zh else 350
    taken: list[str] = []
    for paragraph in paragraphs[:-1]:
        taken.append(paragraph)
        if len(taken) >= wanted and sum(map(len, taken)) >= minimum:
            break
    tail = rng.choice(
        ["阅读原文", "点击阅读原文>>", "查看全文"] if zh else ["Read more", "Continue reading"]
    )
    return [*taken, tail]


# ---------------------------------------------------------------- hard negatives

_CITIES = [
    "长沙市",
    "株洲市",
    "湘潭市",
    "衡阳市",
    "邵阳市",
    "岳阳市",
    "常德市",
    "张家界市",
    "益阳市",
    "郴州市",
    "永州市",
    "怀化市",
    "娄底市",
    "吉首市",
    "浏阳市",
    "醴陵市",
    "湘乡市",
    "韶山市",
]
_LEVELS = ["蓝色", "黄色", "橙色", "红色"]


def weather_notices(rng: random.Random, count: int) -> list[tuple[str, str]]:
    notices = []
    for i in range(count):
        # Odd ones: one warning issued to many cities at once, so only the city differs.
        city = _CITIES[i // 2 % len(_CITIES)] if i % 2 else rng.choice(_CITIES)
        level = "橙色" if i % 2 else rng.choice(_LEVELS)
        # Half the notices are the same warning issued to another city at the same time.
        day, hour = (3, 16) if i % 2 else (rng.randint(1, 28), rng.randint(0, 23))
        amount = 50 if i % 2 else rng.choice([30, 50, 80, 100])
        text = (
            f"{city}气象台2024年5月{day}日{hour}时发布暴雨{level}预警信号：\n"
            f"预计未来{6 if i % 2 else rng.choice([3, 6, 12])}小时内，{city}城区及周边乡镇将出现"
            f"{amount}毫米以上降雨，并伴有雷电、短时强降水等强对流天气，请注意防范。\n"
            "防御指南：1.政府及相关部门按照职责做好防暴雨准备工作；2.学校、幼儿园采取适当措施，"
            "保证学生和幼儿安全；3.驾驶人员应当注意道路积水和交通阻塞，确保安全；4.检查城市、"
            "农田、鱼塘排水系统，做好排涝准备；5.切断有危险的室外电源，暂停户外作业。"
        )
        notices.append((f"{city}气象台发布暴雨{level}预警", text))
    return notices


_MEETINGS = [
    ("全市安全生产工作会议", "部署全市安全生产工作"),
    ("全县防汛抗旱工作会议", "做好今年防汛抗旱工作"),
    ("全区优化营商环境推进会", "推进优化营商环境各项工作"),
    ("全市乡村振兴工作推进会", "总结乡村振兴工作成效"),
    ("全县教育工作会议", "研究部署教育重点工作"),
    ("全市生态环境保护大会", "深入打好污染防治攻坚战"),
]
_PLACES = ["市政府第一会议室", "县委大礼堂", "区行政中心三楼会议室", "市民之家报告厅"]


def meeting_notices(rng: random.Random, count: int) -> list[tuple[str, str]]:
    notices = []
    for i in range(count):
        name, purpose = _MEETINGS[i % len(_MEETINGS)]
        month, day = rng.randint(1, 12), rng.randint(1, 25)
        office = rng.choice(["市政府办公室", "县政府办公室", "区政府办公室"])
        text = (
            f"各乡镇人民政府，{office[:1]}直各有关单位：\n"
            f"为{purpose}，经研究，决定召开{name}。现将有关事项通知如下：\n"
            f"一、会议时间\n2024年{month}月{day}日上午{rng.randint(8, 10)}:30\n"
            f"二、会议地点\n{rng.choice(_PLACES)}\n"
            f"三、参会人员\n各乡镇分管负责同志，{office[:1]}直各有关单位主要负责同志。\n"
            "四、有关要求\n请各单位高度重视，按时参会，不得缺席。如有特殊情况确需请假的，须提前"
            f"向{office}书面请假。请于{month}月{day - 1 if day > 1 else 1}日前将参会人员名单报送"
            f"{office}，联系人：{rng.choice(['张伟', '李娜', '王强'])}，"
            f"电话：0731-8{rng.randint(1000000, 9999999)}。\n"
            f"{office}\n2024年{month}月{max(1, day - 3)}日"
        )
        notices.append((f"关于召开{name}的通知", text))
    return notices


def power_notices(rng: random.Random, count: int) -> list[tuple[str, str]]:
    notices = []
    for _ in range(count):
        area = rng.choice(_CITIES) + rng.choice(["城北片区", "高新区", "经开区", "河西片区"])
        day, start = rng.randint(1, 28), rng.randint(7, 10)
        text = (
            f"因电网设备检修需要，2024年6月{day}日{start}:00至{start + 8}:00，{area}部分区域将"
            "暂停供电。停电期间请广大用户提前做好准备，关闭电器电源，注意用电安全。届时如遇"
            "天气等原因，检修工作将顺延，恕不另行通知。给您带来的不便，敬请谅解。"
            f"\n国网{area[:3]}供电公司"
        )
        notices.append(("停电通知", text))
    return notices


def follow_up(base: Base, new: list[str]) -> tuple[str, list[str]]:
    """A later report on the same event: the original's background, then new reporting."""
    background = list(base.paragraphs[:1])
    suffix = "（续）" if base.chinese else " (update)"
    return base.title + suffix, [*background, *new]


def digest(bases: list[Base], zh: bool, number: int, full: Base | None) -> tuple[str, list[str]]:
    """A morning briefing: the titles and openings of several stories, maybe one in full."""
    lines = ["今日要闻" if zh else "Morning briefing"]
    for index, base in enumerate(bases, start=1):
        lines.append(f"{index}. {base.title}")
        opening = base.paragraphs[0][: 160 if zh else 400]
        lines.append(opening + ("……详情>>" if zh else "... more"))
    if full is not None:
        lines.append(f"{len(bases) + 1}. {full.title}")
        lines.extend(full.paragraphs)
    title = f"今日要闻（第{number}期）" if zh else f"Morning briefing No. {number}"
    return title, lines


# ---------------------------------------------------------------- building the corpus


def _pieces(fillers: list[Base], zh: bool) -> list[list[str]]:
    size = 400 if zh else 1200
    pieces, current = [], []
    for filler in fillers:
        for paragraph in filler.paragraphs:
            current.append(paragraph)
            if sum(map(len, current)) >= size:
                pieces.append(current)
                current = []
        current = []
    return pieces


def build_corpus(bases: list[Base], fillers: list[Base], rng: random.Random) -> list[Doc]:
    docs: list[Doc] = []

    def add(kind: str, label: str, title: str, paragraphs: list[str], site: str, **facts) -> None:
        article_id = len(docs) + 1
        published = EPOCH + timedelta(hours=rng.randint(0, 200))
        docs.append(
            Doc(
                ArticleFacts(
                    id=article_id,
                    url=f"https://{site}/a/{article_id}.html",
                    title=title,
                    text="\n".join(paragraphs),
                    first_seen=(published + timedelta(minutes=30)).isoformat() + "+08:00",
                    published=published.isoformat() + "+08:00",
                    **facts,
                ),
                kind,
                label,
            )
        )

    for number, base in enumerate(bases):
        outlet = f"源站{number}" if base.chinese else f"Outlet {number}"
        add(
            "original",
            base.key,
            base.title,
            list(base.paragraphs),
            f"outlet{number}.example.cn",
            site_name=outlet,
            source_outlet=rng.choice([outlet, "本网", None]),
        )
        original = docs[-1].facts
        for copy, kind in enumerate(EDIT_KINDS):
            title, paragraphs = edit(base, kind, rng, copy + 1)
            site = f"county{copy}.example.gov.cn"
            # Copies are published after the original: they credit it.
            add(
                kind,
                base.key,
                title,
                paragraphs,
                site,
                site_name=f"某县{copy}",
                source_outlet=outlet,
            )
            later = datetime.fromisoformat(original.published) + timedelta(hours=rng.randint(1, 48))
            docs[-1] = replace(docs[-1], facts=replace(docs[-1].facts, published=later.isoformat()))

    negatives = (
        [("weather", t) for t in weather_notices(rng, 36)]
        + [("meeting", t) for t in meeting_notices(rng, 30)]
        + [("power", t) for t in power_notices(rng, 30)]
    )
    for number, (kind, (title, text)) in enumerate(negatives):
        add(kind, f"{kind}/{number}", title, text.split("\n"), f"gov{number % 7}.example.gov.cn")

    same_language = defaultdict(list)
    for base in bases:
        same_language[base.chinese].append(base)
    # The new reporting of each follow-up is text that is nowhere else in the corpus: a
    # piece of one of the bodies kept out of it.
    pieces = {zh: _pieces([f for f in fillers if f.chinese == zh], zh) for zh in (True, False)}
    for number, base in enumerate(rng.sample(bases, min(40, len(bases)))):
        if not pieces[base.chinese]:
            continue
        title, paragraphs = follow_up(base, pieces[base.chinese].pop())
        add("follow_up", f"follow_up/{number}", title, paragraphs, f"news{number % 5}.example.cn")

    for number in range(30):
        zh = number % 3 != 2
        pool = same_language[zh]
        chosen = rng.sample(pool, rng.randint(3, 5))
        short = [b for b in pool if sum(map(len, b.paragraphs)) < 1500 and b not in chosen]
        full = rng.choice(short) if number % 4 == 0 and short else None
        title, paragraphs = digest(chosen, zh, number, full)
        add("digest", f"digest/{number}", title, paragraphs, f"portal{number % 3}.example.cn")
    return docs


# ---------------------------------------------------------------- running the real path


def run(docs: list[Doc], rng: random.Random, db_path: Path) -> tuple[dict[int, int], dict, float]:
    db = sqlite_utils.Database(db_path)
    # As the archive runs: WAL, so a commit per article costs no fsync of the database.
    db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")
    index = RepostIndex(db)
    by_id = {d.facts.id: d for d in docs}
    story_of: dict[int, int] = {}
    members: dict[int, set[int]] = {}
    next_story = 1
    bridged_digest = 0
    order = list(by_id)
    rng.shuffle(order)
    started = time.perf_counter()
    for article_id in order:
        facts = by_id[article_id].facts
        candidate_ids = index.candidates(facts.text, exclude=article_id)
        candidates = [replace(by_id[c].facts, story_id=story_of[c]) for c in candidate_ids]
        decision = assign_story(facts, candidates)
        if decision.story_id is None:
            story, next_story = next_story, next_story + 1
            members[story] = set()
        else:
            story = decision.story_id
            for merged in decision.merged_story_ids:
                if by_id[article_id].kind == "digest":
                    bridged_digest += 1
                for member in members.pop(merged):
                    story_of[member] = story
                    members[story].add(member)
        story_of[article_id] = story
        members[story].add(article_id)
        index.add(article_id, facts.text)
    elapsed = time.perf_counter() - started
    canonical = {
        story: choose_canonical([by_id[m].facts for m in ids]) for story, ids in members.items()
    }
    return story_of, {"canonical": canonical, "bridged_digest": bridged_digest}, elapsed


def show_errors(docs: list[Doc], story_of: dict[int, int], limit: int) -> None:
    by_story: dict[int, list[Doc]] = defaultdict(list)
    for doc in docs:
        by_story[story_of[doc.facts.id]].append(doc)
    shown = 0
    for story, members in by_story.items():
        if len({d.label for d in members}) > 1 and shown < limit:
            shown += 1
            print(f"story {story}:")
            for d in members:
                text = d.facts.text.replace("\n", " ")[:60]
                print(
                    f"   {d.facts.id:5d} {d.kind:22s} {d.label[:22]:22s}"
                    f" {d.facts.title[:30]!r} {text!r}"
                )


def report(docs: list[Doc], story_of: dict[int, int], extra: dict, elapsed: float) -> None:
    label = {d.facts.id: d.label for d in docs}
    kind = {d.facts.id: d.kind for d in docs}
    true_groups: dict[str, list[int]] = defaultdict(list)
    predicted: dict[int, list[int]] = defaultdict(list)
    for article_id in label:
        true_groups[label[article_id]].append(article_id)
        predicted[story_of[article_id]].append(article_id)
    true_pairs = {p for g in true_groups.values() for p in combinations(sorted(g), 2)}
    predicted_pairs = {p for g in predicted.values() for p in combinations(sorted(g), 2)}
    hits = len(true_pairs & predicted_pairs)
    precision = hits / len(predicted_pairs) if predicted_pairs else 1.0
    recall = hits / len(true_pairs) if true_pairs else 1.0

    print(f"documents: {len(docs)}  ({dict(Counter(kind.values()))})")
    print(
        f"pairs merged: {len(predicted_pairs)}, of which right: {hits};"
        f" true pairs: {len(true_pairs)}"
    )
    print(f"PRECISION {precision:.4f}   RECALL {recall:.4f}   (targets 0.99 / 0.95)")

    originals = {d.label: d.facts.id for d in docs if d.kind == "original"}
    print("recall per kind of edit (copy in its original's story):")
    for edit_kind in EDIT_KINDS:
        ids = [i for i in label if kind[i] == edit_kind]
        merged = sum(story_of[i] == story_of[originals[label[i]]] for i in ids)
        print(f"  {edit_kind:24s} {merged / len(ids):.3f}  ({merged}/{len(ids)})")

    wrong = Counter(kind[a] for pair in predicted_pairs - true_pairs for a in pair)
    print(f"articles in wrongly merged pairs, by kind: {dict(wrong) or 'none'}")
    sizes = Counter(len(predicted[story_of[i]]) > 1 for i in label if kind[i] == "digest")
    print(
        f"digests that joined a story: {sizes[True]}; stories merged by a digest: "
        f"{extra['bridged_digest']}"
    )
    for negative in ("weather", "meeting", "power", "follow_up"):
        ids = [i for i in label if kind[i] == negative]
        joined = sum(len(predicted[story_of[i]]) > 1 for i in ids)
        print(f"  {negative:10s} notices/reports merged with anything: {joined}/{len(ids)}")

    canonical = extra["canonical"]
    right = sum(canonical[story_of[i]] == i for i in originals.values())
    print(f"canonical is the original: {right}/{len(originals)}")
    print(f"time per article (lookup + match + index): {elapsed / len(docs) * 1e3:.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show-errors", type=int, default=0, help="print N wrongly merged stories")
    args = parser.parse_args()
    if not (args.corpus / "cwced-dev").is_dir() or not (args.corpus / "aeb-dev").is_dir():
        print(f"corpus missing: {args.corpus} (needs cwced-dev/, zh-extra/, aeb-dev/)")
        return 2
    rng = random.Random(SEED)
    bases = load_bases(args.corpus)
    # A few bodies are kept out of the corpus to serve as the new reporting of follow-ups.
    fillers = [b for b in bases[::9]]
    bases = [b for b in bases if b not in fillers]
    docs = build_corpus(bases, fillers, rng)
    print(
        f"real bodies: {len(bases)} ({sum(b.chinese for b in bases)} Chinese), "
        f"{len(fillers)} more as follow-ups' new text"
    )
    with tempfile.TemporaryDirectory() as folder:
        story_of, extra, elapsed = run(docs, rng, Path(folder) / "reposts.db")
    report(docs, story_of, extra, elapsed)
    show_errors(docs, story_of, args.show_errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
