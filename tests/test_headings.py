"""Section headings with ordinals or brackets: the section is the bare name (issue 12,
class 4)."""

from __future__ import annotations

import pytest

from reportparse.model import OutlineItem
from reportparse.parse.segment import bare_heading, outline_sections, section_name
from reportparse.profile import DEFAULT_PROFILE

NAMES = DEFAULT_PROFILE.sections


@pytest.mark.parametrize(
    "printed",
    [
        "政策速递", "政策 速递", "一、政策速递", "一．政策速递", "一. 政策速递", "（一）政策速递",
        "(一) 政策速递", "【政策速递】", "[政策速递]", "〔政策速递〕", "「政策速递」",
        "01 政策速递", "01政策速递", "1. 政策速递", "1、政策速递", "（1）政策速递", "①政策速递",
        "Part 1 政策速递", "PART 1政策速递", "Section 1: 政策速递", "No.1 政策速递",
        "第一部分 政策速递", "第1章 政策速递", "第一编政策速递", "I. 政策速递", "Ⅰ 政策速递",
        "一、【政策速递】", "01 【政策速递】",
    ],
)  # fmt: skip
def test_the_section_is_the_bare_name(printed: str) -> None:
    assert section_name(printed, NAMES) == "政策速递"


@pytest.mark.parametrize(
    "text",
    [
        "政策速递方面的新闻", "本月政策速递", "十大政策速递", "中国政策速递", "政策速递：",
        "1. 国家数据局发布新规", "【1】政策速递解读", "（一）开展分类分级；",
    ],
)  # fmt: skip
def test_not_a_heading(text: str) -> None:
    assert section_name(text, NAMES) is None


@pytest.mark.parametrize(
    ("bookmark", "name"),
    [
        ("政策速递", "政策速递"),
        ("一、立法进展", "立法进展"),
        ("（二）执法处罚", "执法处罚"),
        ("【规则动向】", "规则动向"),
        ("Part 2 行业新闻", "行业新闻"),
        ("01 交易资讯", "交易资讯"),
        ("第三部分 交易资讯", "交易资讯"),
        ("2024年回顾", "2024年回顾"),  # a year is no ordinal
        ("【】", "【】"),
    ],
)
def test_bare_heading_of_a_bookmark(bookmark: str, name: str) -> None:
    assert bare_heading(bookmark) == name


def test_outline_sections_are_bare_names_and_entries_any_numbering() -> None:
    outline = [
        OutlineItem("一、立法进展", 1, 2),
        OutlineItem("① 第一条", 2, 2),
        OutlineItem("② 第二条", 2, 2),
        OutlineItem("【执法处罚】", 1, 3),
        OutlineItem("[1] 第三条", 2, 3),
        OutlineItem("（二）经营者集中", 1, 4),
        OutlineItem("【1】第四条", 2, 4),
    ]
    assert outline_sections(outline) == [
        ("立法进展", ["第一条", "第二条"]),
        ("执法处罚", ["第三条"]),
        ("经营者集中", ["第四条"]),
    ]
