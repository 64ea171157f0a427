"""The text-dump reader: pages, dumped URIs, outline."""

from __future__ import annotations

from pathlib import Path

from reportparse.read.textdump import read_text_dump, split_pages

from .dumps import write_dump

SEED = Path(__file__).parent / "fixtures" / "text" / "monthly-2024-09.txt"


def test_pages_start_with_an_indented_line() -> None:
    pages = split_pages([" 第一页", "", "还是第一页", " 第二页", "", "第二页"])
    assert pages == [[" 第一页", "还是第一页"], [" 第二页", "第二页"]]


def test_form_feeds_win_over_indents() -> None:
    assert len(split_pages(["a", " b\fc", " d"])) == 2


def test_dumped_uris_and_outline(tmp_path: Path) -> None:
    path = write_dump(
        tmp_path,
        [["正文", "https://a.cn/x", "javascript:void(0);"], ["第二页"]],
        outline=["政策速递", "1.标题"],
    )
    document = read_text_dump(path)
    assert document.page_count == 2 and document.kind == "text"
    assert [(line.text, line.kind) for line in document.pages[0].lines] == [
        ("正文", "text"),
        ("https://a.cn/x", "uri"),
        ("javascript:void(0);", "uri"),
    ]
    assert [(item.title, item.level) for item in document.outline] == [
        ("政策速递", 1),
        ("1.标题", 1),
    ]


def test_seed_outline_and_pages() -> None:
    document = read_text_dump(SEED)
    assert document.page_count == 21
    assert document.outline[0].title == "政策速递"
    assert len(document.outline) == 31  # 3 sections + 26 entries + 2 junk sentences
    assert read_text_dump(SEED, pages=[2, 3]).pages[0].number == 2
