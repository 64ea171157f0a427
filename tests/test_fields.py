"""Fields of an entry: dates, labels, URL lists, dumped URIs, commentary, warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportparse import parse
from reportparse.parse.entry_fields import parse_date

from .dumps import entry, write_dump


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2024年9月7日", "2024-09-07"),
        ("2024年 9月 7日", "2024-09-07"),
        ("2024.9.7", "2024-09-07"),
        ("2024-09-07", "2024-09-07"),
        ("2024/9/7", "2024-09-07"),
        ("2024年2月30日", None),
        ("近日", None),
        (None, None),
    ],
)
def test_parse_date(text: str | None, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_ascii_colons_and_dotted_dates(tmp_path: Path) -> None:
    lines = [
        "1．标题",
        "发布日期:2025.4.7",
        "来源:某 AI网",
        "链接:",
        "● https://a.cn/1",
        "摘要:",
        "内容。",
    ]
    (only,) = parse(write_dump(tmp_path, [lines])).entries
    assert (only.date, only.date_text, only.source, only.url) == (
        "2025-04-07",
        "2025.4.7",
        "某AI网",
        "https://a.cn/1",
    )
    assert only.summary == "内容。"


def test_link_list_with_wrapped_url_and_dumped_uris(tmp_path: Path) -> None:
    lines = entry("1.", "标题", url="\uf06c https://a.cn/very/long/1cbf5d9ca1", extra=[])
    lines[5:5] = ["70e1ef.html", "\uf06c https://b.cn/2", "https://dumped.cn/anchor"]
    (only,) = parse(write_dump(tmp_path, [lines])).entries
    assert only.urls == ["https://a.cn/very/long/1cbf5d9ca170e1ef.html", "https://b.cn/2"]
    assert only.url == only.urls[0]
    assert [(link.text, link.uri) for link in only.links] == [(None, "https://dumped.cn/anchor")]


def test_unbulleted_link_list_from_another_producer(tmp_path: Path) -> None:
    lines = entry("1.", "标题", url="https://a.cn/1")
    (only,) = parse(write_dump(tmp_path, [lines])).entries
    assert only.urls == ["https://a.cn/1"] and only.links == []


def test_entry_without_summary_label_and_with_commentary(tmp_path: Path) -> None:
    lines = [
        "1. 标题",
        "发布日期：2025年3月1日",
        "来源：某网",
        "链接：",
        "• https://a.cn/1",
        "正文直接跟在链接后面。",
        "明衡短评",
        "这是评论。",
    ]
    (only,) = parse(write_dump(tmp_path, [lines])).entries
    assert only.summary == "正文直接跟在链接后面。"
    assert only.commentary == "这是评论。"


def test_dumped_uris_inside_prose_become_links(tmp_path: Path) -> None:
    summary = [
        "第一行文字，",
        "https://www.congress.gov/bill/1",
        "javascript:void(0);",
        "第二行文字。",
    ]
    (only,) = parse(write_dump(tmp_path, [entry("1.", "标题", summary=summary)])).entries
    assert only.summary == "第一行文字，第二行文字。"
    assert [(link.text, link.uri) for link in only.links] == [
        (None, "https://www.congress.gov/bill/1")
    ]


def test_unsafe_uris_are_dropped_with_a_warning(tmp_path: Path) -> None:
    summary = ["文字。", "ftp://files.example.cn/x"]
    issue = parse(write_dump(tmp_path, [entry("1.", "标题", summary=summary)]))
    assert issue.entries[0].links == []
    assert "unsafe-uri" in [w.code for w in issue.warnings]


def test_missing_date_and_link_warn(tmp_path: Path) -> None:
    lines = ["1. 标题", "来源：某网", "摘要：", "内容。"]
    issue = parse(write_dump(tmp_path, [lines]))
    codes = {w.code for w in issue.warnings}
    assert {"entry-without-date", "entry-without-link"} <= codes
    assert issue.entries[0].date is None and issue.entries[0].url is None


def test_outline_gives_the_clean_title(tmp_path: Path) -> None:
    lines = entry("1.", "广州全面启动公共数据授权运营")
    lines.insert(1, "发布 37款公共数据产品")
    issue = parse(
        write_dump(
            tmp_path,
            [lines],
            outline=["政策速递", "1.广州全面启动公共数据授权运营 发布37款公共数据产品"],
        )
    )
    assert issue.entries[0].title == "广州全面启动公共数据授权运营 发布37款公共数据产品"
