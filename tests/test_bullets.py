"""Bullets before link lines, told by Unicode properties and position (issue 12, class 1)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from reportparse import parse
from reportparse.clean.document import clean_document
from reportparse.clean.text import bullet_kind, clean_text, strip_bullet
from reportparse.model import Document, Line, Page
from reportparse.profile import DEFAULT_PROFILE

from .dumps import entry, write_dump

URL = "https://a.cn/x.html"


@pytest.mark.parametrize(
    "glyph",
    [
        "●", "•", "◆", "◇", "■", "□", "▪", "➢", "►", "▶", "✓", "❖", "⦁", "◦", "‣", "⁃", "→",
        "★", "☞", "∙", "\uf06c", "\uf0d8", "\uf0a7", "\uf0b7", "\U000f0001", "🔗",
    ],
)  # fmt: skip
def test_a_symbol_glyph_before_a_url_is_a_bullet(glyph: str) -> None:
    assert strip_bullet(f"{glyph} {URL}") == (URL, True)
    assert strip_bullet(f"{glyph}{URL}") == (URL, True)


@pytest.mark.parametrize("glyph", ["·", "・", "–", "-", "—", "*", "⋅", "※", "＊"])
def test_a_dash_or_dot_before_a_url_is_a_bullet(glyph: str) -> None:
    assert strip_bullet(f"{glyph} {URL}") == (URL, True)


@pytest.mark.parametrize(
    ("raw", "text", "bullet"),
    [
        ("-5%的增长", "-5%的增长", False),  # a sign
        ("– 2024年的数据", "– 2024年的数据", False),
        ("· 一段文字", "· 一段文字", False),  # a dot before prose is prose
        ("–", "–", False),  # a lone dash is text
        ("● 一段文字", "一段文字", True),  # a symbol glyph is a bullet anywhere
        ("➢", "", True),
        ("①　标题", "①　标题", False),  # an enclosed number is a number
        ("（1）标题", "（1）标题", False),
        ("《办法》全文", "《办法》全文", False),
        ("“数据”一词", "“数据”一词", False),
        ("'https://a.cn'", "'https://a.cn'", False),
        (URL, URL, False),
        ("普通文字", "普通文字", False),
    ],
)
def test_what_is_not_a_bullet(raw: str, text: str, bullet: bool) -> None:
    assert strip_bullet(raw) == (text, bullet)


def test_bullet_kinds_come_from_unicode_properties() -> None:
    # Every Private Use Area code point and every symbol of the dingbat, shape and arrow
    # blocks is a bullet anywhere; no letter, digit or ideograph is one.
    for code in (*range(0xE000, 0xF900, 97), *range(0x2190, 0x2200), *range(0x25A0, 0x2800)):
        char = chr(code)
        if unicodedata.category(char) in {"So", "Sm", "Co"}:
            assert bullet_kind(char) == 2, hex(code)
    for char in "aZ09９中あ한①":
        assert bullet_kind(char) == 0


def _page(texts: list[str]) -> Document:
    lines = [Line(text=t, page=1) for t in texts]
    return Document("x.txt", "0", "text", 1, [Page(1, lines)])


def test_a_glyph_on_its_own_line_before_a_url_is_its_bullet() -> None:
    cleaned = clean_document(_page(["链接：", "–", URL, "摘要：", "·", "正文"]), DEFAULT_PROFILE)
    lines = cleaned.pages[0].lines
    assert [line.role for line in lines] == [
        "content", "bullet", "content", "content", "content", "content"
    ]  # fmt: skip
    assert lines[2].bullet
    assert [line.text for line in cleaned.lines()] == ["链接：", URL, "摘要：", "·", "正文"]


@pytest.mark.parametrize("glyph", ["➢", "❖", "▪", "✓", "\uf0d8", "·", "–", "◆"])
def test_a_bulleted_url_is_the_entrys_url_never_summary(tmp_path: Path, glyph: str) -> None:
    lines = entry("1.", "标题", url=f"{glyph} {URL}", summary=["摘要正文。"])
    issue = parse(write_dump(tmp_path, [["政策速递", *lines]]))
    got = issue.entries[0]
    assert got.urls == [URL]
    assert got.summary == "摘要正文。"
    assert glyph not in got.summary


def _indented(rows: list[tuple[float, str]]) -> Document:
    lines = [Line(text=t, page=1, x0=x, top=12.0 * i, x1=500.0) for i, (x, t) in enumerate(rows)]
    return Document("x.pdf", "0", "pdf", 1, [Page(1, lines, width=600.0, height=800.0)])


@pytest.mark.parametrize("glyph", ["·", "–", "-", "*", "・", "⋅"])
def test_a_dash_or_dot_opening_a_list_is_a_bullet(glyph: str) -> None:
    rows = [
        (90.0, "方案部署了以下任务："),
        (100.0, f"{glyph} 开展工业数据分类分级；"),
        (100.0, f"{glyph} 建设行业数据安全监测平台；"),
        (90.0, f"{glyph} 这一行的缩进不同。"),
        (100.0, f"{glyph} 5%的企业"),  # before a number: a sign
    ]
    lines = clean_document(_indented(rows), DEFAULT_PROFILE).pages[0].lines
    assert [(line.text, line.bullet) for line in lines] == [
        ("方案部署了以下任务：", False),
        ("开展工业数据分类分级；", True),
        ("建设行业数据安全监测平台；", True),
        (clean_text(f"{glyph} 这一行的缩进不同。"), False),
        (clean_text(f"{glyph} 5%的企业"), False),
    ]


def test_a_single_dash_line_is_prose() -> None:
    rows = [(90.0, "正文第一行"), (100.0, "– 只有一行以破折号开头。"), (90.0, "正文。")]
    lines = clean_document(_indented(rows), DEFAULT_PROFILE).pages[0].lines
    assert lines[1].text == clean_text("– 只有一行以破折号开头。")
