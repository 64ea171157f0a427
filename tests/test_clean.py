"""The cleaning rules, one table per rule, plus properties that must hold for any text."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from reportparse.clean.document import clean_document
from reportparse.clean.joins import best_uri, fix_wrapped_urls, join_lines
from reportparse.clean.paragraphs import split_paragraphs
from reportparse.clean.running import is_page_number
from reportparse.clean.text import clean_text, normalize_glyphs, strip_bullet
from reportparse.model import Document, Line, Page
from reportparse.profile import DEFAULT_PROFILE


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("2024年 9月 7日", "2024年9月7日"),
        ("近 5 亿元", "近5亿元"),
        ("国内 AI算力公司", "国内AI算力公司"),
        ("AI Infra算力公司", "AI Infra算力公司"),  # Latin–Latin space is real
        ("授权运营 发布 37款", "授权运营 发布37款"),  # Han–Han space is real
        ("当地时间 8月 20日 ，欧盟", "当地时间8月20日，欧盟"),
        ("OpenAI 正式公开一系列全新 AI 大模型", "OpenAI正式公开一系列全新AI大模型"),
        ("达到 95%；支持", "达到95%；支持"),
        ("法院 e时代", "法院e时代"),
        ("“1统筹 6协调”等 7方面", "“1统筹6协调”等7方面"),
        ("GPT-4o 有巨大提升", "GPT-4o有巨大提升"),
        ("  前后空白  ", "前后空白"),
        ("全角\u3000空格 A", "全角 空格A"),
    ],
)
def test_stray_spaces(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("详见 https://a.cn/x?q=1 官网", "详见 https://a.cn/x?q=1 官网"),
        ("https://example.com/a b", "https://example.com/a b"),
    ],
)
def test_urls_are_never_touched(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "text", "bullet"),
    [
        ("\uf06c https://a.cn/x", "https://a.cn/x", True),
        ("● https://a.cn/x", "https://a.cn/x", True),
        ("• https://a.cn/x", "https://a.cn/x", True),
        ("https://a.cn/x", "https://a.cn/x", False),
        ("-5%的增长", "-5%的增长", False),
        ("普通文字", "普通文字", False),
    ],
)
def test_bullets(raw: str, text: str, bullet: bool) -> None:
    assert strip_bullet(raw) == (text, bullet)


def test_private_use_glyphs_are_dropped_anywhere() -> None:
    assert clean_text("文字\uf06c文字") == "文字文字"


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["Meta的Reality", "Labs和Epic Games"], "Meta的Reality Labs和Epic Games"),
        (["空间智能初创公司World", "Labs正式宣布"], "空间智能初创公司World Labs正式宣布"),
        (["新型信息", "基础设施"], "新型信息基础设施"),
        (
            ["https://m.21jingji.com/article/1cbf5d9ca170e1ef96bfb2bdf3e2", "236a.html"],
            "https://m.21jingji.com/article/1cbf5d9ca170e1ef96bfb2bdf3e2236a.html",
        ),
        (["http://www.news.cn/world/884a/c.ht", "ml"], "http://www.news.cn/world/884a/c.html"),
        (["达 2.9", "亿次"], "达 2.9亿次"),
        (["Pre-", "A++轮融资"], "Pre-A++轮融资"),
        (["https://a.cn/x", "https://b.cn/y"], "https://a.cn/x https://b.cn/y"),
    ],
)
def test_join_lines(lines: list[str], joined: str) -> None:
    assert join_lines(lines) == joined


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19", True),
        ("- 19 -", True),
        ("第 3 页", True),
        ("3 / 23", True),
        ("2024年", False),
        ("19亿", False),
    ],
)
def test_page_numbers(text: str, expected: bool) -> None:
    assert is_page_number(text) is expected


def test_annotation_uri_completes_a_cut_url() -> None:
    assert best_uri("https://a.cn/very/long/pa…", ["https://a.cn/very/long/path.html"]) == (
        "https://a.cn/very/long/path.html"
    )
    assert fix_wrapped_urls("见 https://a.cn/very/lo 页", ["https://a.cn/very/long.html"]) == (
        "见 https://a.cn/very/long.html 页"
    )
    assert best_uri("https://a.cn/x", ["https://other.cn/"]) == "https://a.cn/x"


def _page(number: int, texts: list[str]) -> Page:
    return Page(number=number, lines=[Line(text=t, page=number) for t in texts])


def test_running_footer_and_page_number_removed_by_repetition() -> None:
    pages = [
        _page(1, ["正文第一行。", "某某月报 | 2025年 3月", "1"]),
        _page(2, [" 正文第二行，", "继续。", "某某月报 | 2025年 3月", "2"]),
        _page(3, ["（2024-2026年）》", "发布日期：2025年3月1日"]),
        _page(4, ["（2024-2026年）》", "发布日期：2025年3月2日"]),
    ]
    document = Document(path="x.txt", sha256="", kind="text", page_count=4, pages=pages)
    cleaned = clean_document(document, DEFAULT_PROFILE)
    texts = [line.text for line in cleaned.lines()]
    assert "某某月报|2025年3月" not in texts and "1" not in texts and "2" not in texts
    assert texts.count("（2024-2026年）》") == 2  # a repeated title tail is content
    assert cleaned.running == ["某某月报 | 2025年 3月"]


def test_pdf_running_header_needs_page_edge() -> None:
    def page(number: int) -> Page:
        lines = [
            Line(text="数据合规观察 2025年第3期", page=number, x0=50, top=30, x1=300, bottom=40)
        ]
        lines += [
            Line(
                text=f"正文{i}行内容。",
                page=number,
                x0=50,
                top=100 + 20 * i,
                x1=500,
                bottom=110 + 20 * i,
            )
            for i in range(8)
        ]
        lines.append(Line(text=f"第 {number} 页", page=number, x0=280, top=800, x1=320, bottom=810))
        return Page(number=number, lines=lines, width=595, height=842)

    document = Document(
        path="x.pdf", sha256="", kind="pdf", page_count=3, pages=[page(1), page(2), page(3)]
    )
    cleaned = clean_document(document, DEFAULT_PROFILE)
    assert all(not line.text.startswith(("数据合规观察", "第")) for line in cleaned.lines())
    assert len(cleaned.lines()) == 24


def _geo(text: str, x0: float, x1: float, page: int = 1) -> Line:
    return Line(text=text, page=page, x0=x0, x1=x1, top=0, bottom=10, size=10.5)


def test_paragraphs_from_geometry() -> None:
    lines = [
        _geo("首段第一行缩进", 81, 520),
        _geo("首段第二行", 60, 520),
        _geo("首段结束。", 60, 200),
        _geo("次段不缩进也分开", 60, 520),
        _geo("次段第二行", 60, 520, page=2),
        _geo("次段跨页结束。", 60, 300, page=2),
    ]
    groups = [[line.text for line in group] for group in split_paragraphs(lines)]
    assert groups == [
        ["首段第一行缩进", "首段第二行", "首段结束。"],
        ["次段不缩进也分开", "次段第二行", "次段跨页结束。"],
    ]


def test_paragraphs_in_a_dump_end_at_short_sentence_ends() -> None:
    full = "这一行是满行的文字内容没有结束还在继续写下去直到行尾为止总共三十六个汉字呀"
    lines = [Line(text=t, page=1) for t in [full, full, "短句结束。", full, full, "又一段。"]]
    groups = split_paragraphs(lines)
    assert [len(group) for group in groups] == [3, 3]


# --------------------------------------------------------------------------- properties

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
LATIN = st.sampled_from("abcXYZ019")
PUNCT = st.sampled_from("，。；：“”（）《》、 ")
URLS = st.from_regex(r"https?://[a-z]{2,8}\.(cn|com)/[A-Za-z0-9_/]{0,12}(\.html)?", fullmatch=True)
pieces = st.lists(
    st.one_of(
        st.text(HAN, min_size=1, max_size=4),
        st.text(LATIN, min_size=1, max_size=4),
        PUNCT,
        URLS.map(lambda u: f" {u} "),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(pieces)
def test_clean_text_is_idempotent_and_loses_no_han_or_url(parts: list[str]) -> None:
    raw = "".join(parts)
    once = clean_text(raw)
    assert clean_text(once) == once
    assert regex.findall(r"\p{Han}", raw) == regex.findall(r"\p{Han}", once)
    for url in regex.findall(r"https?://[A-Za-z0-9_./]+", raw):
        assert url in once


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(st.one_of(HAN, LATIN, PUNCT), min_size=1, max_size=20), min_size=1, max_size=6)
)
def test_join_lines_keeps_every_non_space_character(lines: list[str]) -> None:
    cleaned = [clean_text(line) for line in lines]
    joined = join_lines(cleaned)
    assert joined.replace(" ", "") == "".join(cleaned).replace(" ", "")


def test_paragraphs_in_a_boxed_block_use_the_box_edges() -> None:
    # A commentary set in a shaded box, narrower than the page (page text 60..520).
    lines = [
        _geo("评论首段首行缩进", 121, 450),
        _geo("评论首段第二行", 100, 450),
        _geo("评论首段结束。", 100, 300),
        _geo("评论次段首行缩进", 121, 450),
        _geo("评论次段结束。", 100, 330),
    ]
    groups = [len(group) for group in split_paragraphs(lines, {1: (60.0, 520.0)})]
    assert groups == [3, 2]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("发布⽇期：2025年8⽉5⽇", "发布日期：2025年8月5日"),  # Kangxi radicals
        ("浙江⽇报，⻛险", "浙江日报，风险"),  # ⻛ has no NFKC decomposition
        ("个人⽤⼾", "个人用户"),  # the simplified reading of ⼾
        ("AI Brieﬁng", "AI Briefing"),  # Latin ligature
        ("⺀", "⺀"),  # no equivalent ideograph: left alone
    ],
)
def test_glyph_stand_ins_become_the_characters_shown(raw: str, shown: str) -> None:
    assert normalize_glyphs(raw) == shown
    assert clean_text(raw) == shown


def test_labels_with_radicals_are_not_taken_for_running_lines() -> None:
    pages = [
        _page(n, ["1. 标题", f"发布⽇期：2025年8⽉{n}⽇", "来源：某网", "正文。"])
        for n in (1, 2, 3)
    ]
    document = Document(path="x.txt", sha256="", kind="text", page_count=3, pages=pages)
    texts = [line.text for line in clean_document(document, DEFAULT_PROFILE).lines()]
    assert "发布日期：2025年8月2日" in texts


def test_with_text_copies_every_other_field() -> None:
    from dataclasses import fields, replace

    from reportparse.model import LinkAnchor

    line = Line(
        "原文",
        page=3,
        x0=1.0,
        top=2.0,
        x1=3.0,
        bottom=4.0,
        font="F",
        size=9.5,
        bold=True,
        links=[LinkAnchor("https://a.cn", "a")],
        kind="uri",
        bullet=True,
        role="link",
        reason="a URL",
    )
    # A field added to Line must be added to with_text too (and set above).
    assert len(fields(Line)) == 14
    assert line.with_text("新") == replace(line, text="新")
    assert line.with_text("新", bullet=False) == replace(line, text="新", bullet=False)
