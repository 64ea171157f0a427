"""The real issue's text dump (shared/seed): every field of every entry right."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import regex

from reportparse import Issue, parse

SEED = Path(__file__).parent / "fixtures" / "text" / "monthly-2024-09.txt"
WIDE = r"[\p{Han}，。：；、（）《》“”]"
STRAY_SPACE = regex.compile(rf"(?<={WIDE})[ ](?=[A-Za-z0-9])|(?<=[A-Za-z0-9%])[ ](?={WIDE})")


@pytest.fixture(scope="module")
def issue() -> Issue:
    return parse(SEED)


def entry(issue: Issue, section: str, number: int):  # type: ignore[no-untyped-def]
    (found,) = [e for e in issue.entries if (e.section, e.number) == (section, number)]
    return found


def test_counts_per_section(issue: Issue) -> None:
    assert Counter(e.section for e in issue.entries) == {
        "政策速递": 10,
        "行业新闻": 12,
        "交易资讯": 4,
    }
    for section in ("政策速递", "行业新闻", "交易资讯"):
        numbers = [e.number for e in issue.entries if e.section == section]
        assert numbers == list(range(1, len(numbers) + 1))


def test_issue_metadata(issue: Issue) -> None:
    info = issue.issue
    assert (info.title, info.period, info.publisher) == (
        "元宇宙与数字经济月报",
        "2024-09",
        "北京植德律师事务所",
    )
    assert info.editors == ["陈文昊", "何京", "黄茜", "李倩", "王海青", "杨诚", "赵芸芸"]
    assert info.executive_editors == ["李倩", "龚善杰"]
    assert issue.source.kind == "text" and len(issue.source.sha256) == 64


def test_every_entry_has_its_fields(issue: Issue) -> None:
    for e in issue.entries:
        assert e.date and e.date.startswith("2024-0"), (e.section, e.number)
        assert e.source and e.url and e.url == e.urls[0] and e.summary
        assert e.pages[0] <= e.pages[1]
    assert issue.warnings == []


def test_wrapped_urls(issue: Issue) -> None:
    assert entry(issue, "政策速递", 10).url.endswith("…bfb2bdf3e2236a.html"[1:])
    assert entry(issue, "行业新闻", 9).url.endswith("/c.html")


def test_titles(issue: Issue) -> None:
    assert entry(issue, "交易资讯", 1).title == "国内AI算力公司“无问芯穹”完成近5亿元A轮融资"
    assert (
        entry(issue, "行业新闻", 2).title
        == "2024世界机器人大会在京举行，中共中央政治局常委、国务院总理李强参观调研"
    )
    assert entry(issue, "行业新闻", 8).title == "广州全面启动公共数据授权运营 发布37款公共数据产品"
    assert entry(issue, "政策速递", 7).title.endswith("三年行动计划（2024-2026年）》")


def test_last_entry_summary_has_latin_words_rejoined(issue: Issue) -> None:
    summary = entry(issue, "交易资讯", 4).summary
    assert "World Labs正式宣布完成2.3亿美元" in summary
    assert "Meta的Reality Labs和Epic Games" in summary
    assert summary.endswith("拥有20名员工。")


def test_dumped_uris_go_to_links_not_prose(issue: Issue) -> None:
    third = entry(issue, "政策速递", 3)
    assert "http" not in third.summary and "congress" not in (third.commentary or "")
    assert [(link.text, link.uri) for link in third.links] == [
        (None, "https://www.congress.gov/bill/118th-congress/house-bill/8315/text")
    ]
    second_deal = entry(issue, "交易资讯", 2)
    assert second_deal.urls == ["http://www.chuangtouzhijia.com/news/16043.html"]
    assert len(second_deal.links) == 3
    assert all("javascript" not in link.uri for e in issue.entries for link in e.links)


def test_no_footer_page_number_bullet_or_stray_space(issue: Issue) -> None:
    for e in issue.entries:
        for text in (e.title, e.source or "", e.summary, e.commentary or ""):
            assert "月报 |" not in text and "\uf06c" not in text
            assert not STRAY_SPACE.search(text), (e.section, e.number, STRAY_SPACE.search(text))
            assert not regex.search(r"(?m)^\d{1,3}$", text)
            assert "http" not in text


def test_commentary_blocks(issue: Issue) -> None:
    with_commentary = [(e.section, e.number) for e in issue.entries if e.commentary]
    assert with_commentary == [("政策速递", 1), ("政策速递", 3), ("政策速递", 9), ("政策速递", 10)]
    assert entry(issue, "政策速递", 10).commentary.endswith("及时发挥行业协会的自律作用。")


def test_entry_without_summary_label(issue: Issue) -> None:
    assert entry(issue, "行业新闻", 10).summary.startswith("2024年9月5日，美国、欧盟和英国签署")
