"""Segmentation: entries need their fields, sections from headings, outline or numbering."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportparse import parse
from reportparse.model import Line, OutlineItem
from reportparse.parse.segment import find_entry_starts, outline_sections, section_name
from reportparse.profile import DEFAULT_PROFILE

from .dumps import entry, write_dump


def _lines(texts: list[str]) -> list[Line]:
    return [Line(text=t, page=1) for t in texts]


def test_table_of_contents_and_summary_lists_are_not_entries() -> None:
    lines = _lines(
        [
            "目录",
            "1. 第一条新闻",
            "2. 第二条新闻",
            "1. 第一条新闻",
            "发布日期：2025年3月1日",
            "摘要：",
            "《通知》部署两方面任务：",
            "1. 夯实物联网络底座；",
            "2. 提升产业创新能力。",
            "2. 第二条新闻的标题很长需要",
            "换行才能写完",
            "来源：某网",
        ]
    )
    starts = find_entry_starts(lines, DEFAULT_PROFILE)
    assert [(s.index, s.number, s.title_lines) for s in starts] == [(3, 1, 1), (9, 2, 2)]


@pytest.mark.parametrize("numbering", ["1.", "1．", "1、"])
def test_numbering_variants(numbering: str) -> None:
    lines = _lines([f"{numbering}标题", "发布日期:2025.4.7"])
    assert len(find_entry_starts(lines, DEFAULT_PROFILE)) == 1


def test_entry_numbers_in_full_width_digits_and_unknown_digits() -> None:
    full_width = _lines(["１２. 标题", "发布日期:2025.4.7"])
    assert [s.number for s in find_entry_starts(full_width, DEFAULT_PROFILE)] == [12]
    # A digit newer than Python's Unicode tables (Kawi one) is not a number, not a crash.
    newer = _lines(["\U00011f51. 标题", "发布日期:2025.4.7"])
    assert find_entry_starts(newer, DEFAULT_PROFILE) == []


def test_section_heading_variants() -> None:
    names = DEFAULT_PROFILE.sections
    assert section_name("政策速递", names) == "政策速递"
    assert section_name("一、行业 新闻", names) == "行业新闻"
    assert section_name("政策速递方面的新闻", names) is None


def test_outline_sections_skip_junk_bookmarks() -> None:
    outline = [
        OutlineItem(t, 1, None)
        for t in [
            "政策速递",
            "1.甲",
            "2.乙",
            "行业新闻",
            "1.丙",
            "9月9日，会议在北京召开，多方出席",
            "交易资讯",
            "1.丁",
        ]
    ]
    assert outline_sections(outline) == [
        ("政策速递", ["甲", "乙"]),
        ("行业新闻", ["丙"]),
        ("交易资讯", ["丁"]),
    ]


def test_sections_from_numbering_restart_in_profile_order(tmp_path: Path) -> None:
    pages = [
        entry("1.", "政一") + entry("2.", "政二"),
        entry("1.", "行一"),
        entry("1.", "交一") + entry("2.", "交二"),
    ]
    issue = parse(write_dump(tmp_path, pages))
    assert [(e.section, e.number) for e in issue.entries] == [
        ("政策速递", 1),
        ("政策速递", 2),
        ("行业新闻", 1),
        ("交易资讯", 1),
        ("交易资讯", 2),
    ]


def test_sections_override_order(tmp_path: Path) -> None:
    pages = [entry("1.", "甲"), entry("1.", "乙")]
    issue = parse(write_dump(tmp_path, pages), sections=["交易资讯", "政策速递"])
    assert [e.section for e in issue.entries] == ["交易资讯", "政策速递"]


def test_sections_from_outline_when_a_section_is_missing(tmp_path: Path) -> None:
    pages = [entry("1.", "行业的新闻"), entry("1.", "交易的新闻")]
    outline = ["行业新闻", "1.行业的新闻", "交易资讯", "1.交易的新闻"]
    issue = parse(write_dump(tmp_path, pages, outline))
    assert [e.section for e in issue.entries] == ["行业新闻", "交易资讯"]


def test_text_heading_wins_and_toc_heading_does_not_leak(tmp_path: Path) -> None:
    toc = ["目录", "政策速递", "1. 甲", "交易资讯", "1. 乙"]
    body = ["交易资讯", *entry("1.", "乙")]
    issue = parse(write_dump(tmp_path, [toc, entry("1.", "甲"), body]))
    assert [(e.section, e.title) for e in issue.entries] == [("政策速递", "甲"), ("交易资讯", "乙")]


def test_numbering_gap_warns(tmp_path: Path) -> None:
    issue = parse(write_dump(tmp_path, [entry("1.", "甲") + entry("3.", "丙")]))
    assert [w.code for w in issue.warnings if w.code != "period-guessed"] == ["numbering-gap"]


def test_back_matter_is_not_part_of_the_last_entry(tmp_path: Path) -> None:
    back = [
        "特别声明",
        "本刊物不代表本所正式法律意见。非经上海明衡律师事务所同意，不得转载。",
        "参与成员编委会：张三、李四、",
        "王五",
        "本期执行编辑：赵六",
        "www.example-law.cn",
    ]
    issue = parse(write_dump(tmp_path, [entry("1.", "甲", summary=["最后一段。"]), back]))
    assert issue.entries[0].summary == "最后一段。"
    assert issue.issue.publisher == "上海明衡律师事务所"
    assert issue.issue.editors == ["张三", "李四", "王五"]
    assert issue.issue.executive_editors == ["赵六"]
    assert [(link.uri, link.page) for link in issue.links] == [("www.example-law.cn", 2)]
