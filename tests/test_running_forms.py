"""Running lines in every common form, and the issue's title and period from them when
the cover is an image (issue 12, classes 6 and 7)."""

from __future__ import annotations

import pytest

from reportparse.api import parse_document
from reportparse.clean.running import is_page_number, mark_running_lines
from reportparse.model import Document, Line, OutlineItem, Page
from reportparse.parse.issue_info import find_period, running_parts, title_from_running
from reportparse.profile import DEFAULT_PROFILE


@pytest.mark.parametrize(
    "text",
    [
        "12", "１２", "- 12 -", "-12-", "— 12 —", "－１２－", "– 3 –", "(3)", "（3）", "[3]",
        "· 3 ·", "12 / 40", "12/40", "１２／４０", "第 2 页 共 5 页", "第2页共5页", "第2页/共5页",
        "第2页，共5页", "第 2 页", "共5页 第2页", "Page 2 of 4", "page 2", "PAGE 2 OF 4",
        "Page 2 / 4", "p. 3",
    ],
)  # fmt: skip
def test_page_numbers(text: str) -> None:
    assert is_page_number(text)


@pytest.mark.parametrize(
    "text", ["3月", "12.5", "第2章", "第2条", "2. 标题", "12万元", "- 2024年 -", "Page", "1/2/3"]
)
def test_not_page_numbers(text: str) -> None:
    assert not is_page_number(text)


@pytest.mark.parametrize(
    ("running", "title"),
    [
        (["北京鸿途律师事务所 网络安全与数据合规月报"], "网络安全与数据合规月报"),
        (["网络安全与数据合规月报 北京鸿途律师事务所"], "网络安全与数据合规月报"),
        (["数字科技法律通讯 · 2025 年 2 月 1 / 3"], "数字科技法律通讯"),
        (["智能网联与数据法律观察·2024 年 10 月 - 1 -"], "智能网联与数据法律观察"),
        (
            ["2025 年 3 月 Page 1 of 3", "厦门云帆律师事务所 跨境数字贸易法律简报"],
            "跨境数字贸易法律简报",
        ),
        (["元宇宙与数字经济月报 | 2024年 9月"], "元宇宙与数字经济月报"),
        (["科创企业法律资讯 2024 年 12 月", "第 2 页 共 4 页"], "科创企业法律资讯"),
        (["2024年12月", "第 2 页 共 4 页"], None),
    ],
)  # fmt: skip
def test_title_from_running_lines(running: list[str], title: str | None) -> None:
    assert title_from_running(running, DEFAULT_PROFILE) == title


def test_running_title_prefers_the_piece_the_cover_prints_then_the_one_beside_the_period() -> None:
    running = ["内部资料 请勿外传", "第 2 页", "科创企业法律资讯", "2024 年 12 月"]
    assert running_parts(running, DEFAULT_PROFILE) == [
        ("内部资料", False),
        ("请勿外传", False),
        ("科创企业法律资讯", True),
    ]
    assert title_from_running(running, DEFAULT_PROFILE) == "科创企业法律资讯"
    assert title_from_running(running, DEFAULT_PROFILE, ["请勿外传"]) == "请勿外传"
    assert title_from_running(running[:2], DEFAULT_PROFILE) == "内部资料"


@pytest.mark.parametrize(
    ("texts", "period"),
    [
        (["数字科技法律通讯 · 2025 年 2 月 1 / 3"], "2025-02"),
        (["２０２５年２月"], "2025-02"),
        (["2024.11"], "2024-11"),
        (["第 2 页 共 5 页"], None),
    ],
)
def test_period_from_running_lines(texts: list[str], period: str | None) -> None:
    assert find_period(texts) == period


def _document(pages: list[list[str]]) -> Document:
    built = []
    for number, texts in enumerate(pages, 1):
        lines = [
            Line(text=t, page=number, top=20.0 * i, bottom=20.0 * i + 10)
            for i, t in enumerate(texts)
        ]
        built.append(Page(number, lines, width=600.0, height=20.0 * len(texts)))
    return Document("x.pdf", "0", "pdf", len(pages), built, outline=[OutlineItem("a", 1, 1)])


@pytest.mark.parametrize(
    ("header", "footer"),
    [
        ("北京鸿途律师事务所 网络安全与数据合规月报", "— {n} —"),
        ("科创企业法律资讯 2024 年 12 月", "第 {n} 页 共 4 页"),
        ("数字科技法律通讯", "数字科技法律通讯 · 2025 年 2 月 {n} / 3"),
        ("跨境数字贸易法律简报", "2025 年 3 月 Page {n} of 3"),
        ("跨境数字贸易法律简报", "2025年3月"),
    ],
)  # fmt: skip
def test_running_lines_in_every_form_are_dropped(header: str, footer: str) -> None:
    pages = [
        [header, "正文第一行。", f"正文第二行{n}。", "正文第三行。", footer.format(n=n)]
        for n in range(1, 4)
    ]
    marked = mark_running_lines(_document(pages), DEFAULT_PROFILE)
    for page in marked.pages:
        kept = [line.text for line in page.content()]
        assert kept == ["正文第一行。", f"正文第二行{page.number}。", "正文第三行。"]


def _pdf_page(number: int, texts: list[str]) -> Page:
    lines = [
        Line(text=t, page=number, x0=72.0, top=80.0 + 16 * i, x1=400.0, bottom=90.0 + 16 * i)
        for i, t in enumerate(texts)
    ]
    return Page(number, lines, width=595.0, height=842.0, char_count=sum(map(len, texts)))


@pytest.mark.parametrize(
    ("footer", "metadata", "back"),
    [
        ("数字科技法律通讯 · 2025 年 2 月 {n} / 3", {}, []),
        ("{n} / 3", {"Title": "数字科技法律通讯 2025年2月"}, []),
        ("— {n} —", {}, ["本刊《数字科技法律通讯》2025年2月刊仅供参考。"]),
    ],
)
def test_an_image_cover_leaves_title_and_period_to_the_rest(
    footer: str, metadata: dict[str, str], back: list[str]
) -> None:
    body = [
        "1. 标题",
        "发布日期：2025年2月14日",
        "来源：某网",
        "链接：",
        "https://a.cn/1",
        "摘要：",
        "正文。",
    ]
    pages = [Page(1, [], width=595.0, height=842.0, image_count=1, char_count=0)]
    for n in (2, 3):
        texts = ["政策速递", *body] if n == 2 else [*body, "特别声明", *back]
        pages.append(_pdf_page(n, [*texts, footer.format(n=n - 1)]))
    pages[-1].lines[-1].top, pages[-1].lines[-1].bottom = 800.0, 810.0
    pages[1].lines[-1].top, pages[1].lines[-1].bottom = 800.0, 810.0
    document = Document("x.pdf", "0", "pdf", 3, pages, metadata=metadata)
    issue = parse_document(document)
    assert (issue.issue.title, issue.issue.period) == ("数字科技法律通讯", "2025-02")
    codes = {warning.code for warning in issue.warnings}
    assert not codes & {"no-text-layer", "period-guessed"}
