"""Entry numbers in every common form; numbered lists inside summaries are not entries
(issue 12, class 5)."""

from __future__ import annotations

import pytest

from reportparse.model import Line
from reportparse.parse.segment import entry_number, find_entry_starts, numbered_title
from reportparse.profile import DEFAULT_PROFILE

FORMS = [
    ("1.", 1), ("1．", 1), ("1、", 1), ("(1)", 1), ("（1）", 1), ("【1】", 1), ("[1]", 1),
    ("〔1〕", 1), ("1)", 1), ("1）", 1), ("①", 1), ("⑫", 12), ("⑴", 1), ("⒈", 1), ("❸", 3),
    ("１２.", 12), ("（１２）", 12), ("[12]", 12),
]  # fmt: skip


def _lines(texts: list[str]) -> list[Line]:
    return [Line(text=t, page=1) for t in texts]


@pytest.mark.parametrize(("printed", "number"), FORMS)
@pytest.mark.parametrize("gap", ["", " ", "\t", "\u3000"])
def test_the_entry_number_is_the_number(printed: str, number: int, gap: str) -> None:
    lines = _lines([f"{printed}{gap}国家数据局发布新规", "发布日期：2025年3月1日"])
    starts = find_entry_starts(lines, DEFAULT_PROFILE)
    assert [(s.number, s.title_lines) for s in starts] == [(number, 1)]
    assert numbered_title(lines[0].text) == "国家数据局发布新规"


@pytest.mark.parametrize(("printed", "number"), FORMS)
def test_a_list_in_a_summary_is_not_an_entry(printed: str, number: int) -> None:
    item = printed.replace(str(number), "{}").replace("１２", "{}")
    if "{}" not in item:  # an enclosed number: the next ones are the next characters
        items = [chr(ord(printed) + step) for step in range(3)]
    else:
        items = [item.format(step + 1) for step in range(3)]
    lines = _lines(
        [
            f"{printed} 标题",
            "发布日期：2025年3月1日",
            "摘要：",
            "方案部署了以下任务：",
            f"{items[0]}开展分类分级；",
            f"{items[1]}建设监测平台；",
            f"{items[2]}培育服务机构。",
            "植德短评",
            "评论。",
        ]
    )
    assert [s.index for s in find_entry_starts(lines, DEFAULT_PROFILE)] == [0]


@pytest.mark.parametrize(("printed", "value"), [("12", 12), ("１２", 12), ("①", 1), ("⑳", 20)])
def test_entry_number(printed: str, value: int) -> None:
    assert entry_number(printed) == value


@pytest.mark.parametrize("text", ["½ 标题", "¹ 标题", "2024年的回顾", "第1条 标题", "一、标题"])
def test_not_entry_numbers(text: str) -> None:
    lines = _lines([text, "发布日期：2025年3月1日"])
    assert find_entry_starts(lines, DEFAULT_PROFILE) == []
