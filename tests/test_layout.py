"""chars_to_lines / attach_links on hand-made glyph lists (engine-neutral layout layer)."""

from __future__ import annotations

import random

from reportparse.model import LinkAnchor
from reportparse.read.glyphs import Annot, Char, is_bold_font
from reportparse.read.lines import attach_links, chars_to_lines, group_chars, page_lines
from reportparse.read.spacing import join_chars

SIZE = 10.0


def run(
    text: str,
    x: float = 72.0,
    top: float = 100.0,
    *,
    size: float = SIZE,
    advance: float | None = None,
    font: str = "ABCDEF+SimSun",
    height: float | None = None,
    shift: float = 0.0,
) -> list[Char]:
    """Given a string, return its glyphs set left to right with no gap between them."""
    step = size if advance is None else advance
    box = size if height is None else height
    chars = []
    for index, ch in enumerate(text):
        x0 = x + index * step
        chars.append(Char(ch, x0, top + shift, x0 + step, top + shift + box, font, size))
    return chars


def after(chars: list[Char], gap_em: float, text: str, **kwargs: object) -> list[Char]:
    """Given glyphs, return them followed by ``text`` set ``gap_em`` em further right."""
    last = chars[-1]
    start = last.x1 + gap_em * last.size
    return chars + run(text, start, last.top, size=last.size, **kwargs)  # type: ignore[arg-type]


def texts(chars: list[Char]) -> list[str]:
    return [line.text for line in chars_to_lines(chars, 1)]


# --------------------------------------------------------------------------- spacing


def test_wide_gap_becomes_one_space_and_narrow_gap_none() -> None:
    assert texts(after(run("国内"), 0.28, "AI", advance=5.5)) == ["国内 AI"]
    assert texts(after(run("国内"), 0.05, "AI", advance=5.5)) == ["国内AI"]
    assert texts(after(run("AB", advance=6), 0.21, "CD", advance=6)) == ["AB CD"]
    assert texts(after(run("AB", advance=6), 0.15, "CD", advance=6)) == ["ABCD"]


def test_page_spaces_are_kept_but_never_doubled() -> None:
    chars = run("AB", advance=6) + run("  ", 84, advance=3) + run("CD", 90, advance=6)
    assert texts(chars) == ["AB CD"]
    # a space glyph and a wide gap next to it still give one space
    chars = run("AB ", advance=6) + run("CD", 100, advance=6)
    assert texts(chars) == ["AB CD"]
    # ideographic / no-break spaces count as spaces too; line ends are stripped
    chars = run("\u3000\u3000正文\u00a0\u00a0x ", advance=10)
    assert texts(chars) == ["正文 x"]


def test_negative_gaps_and_kerning_do_not_make_spaces() -> None:
    chars = run("AV", advance=6)
    chars.append(Char("A", chars[-1].x1 - 1.0, 100, chars[-1].x1 + 5, 110, "Helvetica", SIZE))
    assert texts(chars) == ["AVA"]


def test_full_width_punctuation_gap_is_not_a_space() -> None:
    # tight ink boxes (pdfium): the comma's ink sits in the left part of its cell
    comma = Char("，", 92.0, 107.0, 94.0, 109.5, "SimSun", SIZE)
    chars = [*run("文字"), comma, *run("继续", 100.5)]
    assert texts(chars) == ["文字，继续"]
    # a huge gap next to punctuation is still a gap
    chars = [*run("文字"), comma, *run("继续", 120.0)]
    assert texts(chars) == ["文字， 继续"]


def test_justified_line_with_uniform_wide_gaps_gets_no_space_per_glyph() -> None:
    chars = []
    for index, ch in enumerate("特别声明本期内容"):
        x0 = 72 + index * 13.0  # 10pt glyphs, 0.3 em between every pair
        chars.append(Char(ch, x0, 100, x0 + 10, 110, "SimHei", SIZE))
    assert texts(chars) == ["特别声明本期内容"]
    # ... but a gap clearly wider than the line's usual one still is a space
    last = chars[-1]
    chars.append(Char("A", last.x1 + 6.5, 100, last.x1 + 12.5, 110, "Times", SIZE))
    assert texts(chars) == ["特别声明本期内容 A"]


def test_join_chars_ignores_empty_input() -> None:
    assert join_chars([]) == ""


# --------------------------------------------------------------------------- grouping


def test_mixed_fonts_and_sizes_form_one_line() -> None:
    han = run("融资近", 72, 100, size=10.5, font="ABCDEF+SimSun")
    # A Latin run in another font whose boxes sit a bit lower and are taller
    latin = run(
        "5", han[-1].x1 + 2.6, 101.2, size=10.5, advance=5.25, font="TimesNewRoman", height=11.8
    )
    tail = run("亿元", latin[-1].x1 + 2.6, 100, size=10.5)
    small = run("1", tail[-1].x1, 99.0, size=6.0, advance=3)  # footnote mark, raised
    lines = chars_to_lines(han + latin + tail + small, 3)
    assert [line.text for line in lines] == ["融资近 5 亿元1"]
    line = lines[0]
    assert line.page == 3
    assert line.font == "SimSun"  # subset tag gone; most glyphs use it
    assert line.size == 10.5
    assert line.x0 == 72 and line.top == 99.0
    assert not line.bold


def test_lines_are_ordered_top_to_bottom_and_left_to_right() -> None:
    first = run("第一行文字", 72, 100)
    second = run("第二行", 72, 116)
    third = run("3", 300, 132, advance=5) + run("页", 72, 132)
    chars = first + second + third
    random.Random(7).shuffle(chars)
    lines = chars_to_lines(chars, 1)
    assert [line.text for line in lines] == ["第一行文字", "第二行", "页 3"]
    assert [line.top for line in lines] == [100, 116, 132]


def test_tight_glyph_boxes_stay_on_their_line() -> None:
    # pdfium-like ink boxes: a full stop near the baseline, a quote near the top
    body = [
        Char(ch, 72 + 10 * i, 100.5, 81.5 + 10 * i, 109.5, "SimSun", SIZE)
        for i, ch in enumerate("他说")
    ]
    quote = Char("“", 92.5, 100.2, 95.0, 103.0, "SimSun", SIZE)
    stop = Char("。", 111.5, 107.5, 114.0, 110.0, "SimSun", SIZE)
    word = [
        Char(ch, 96 + 4 * i, 101.0, 99.5 + 4 * i, 109.6, "Times", SIZE) for i, ch in enumerate("ok")
    ]
    under = [
        Char(ch, 72 + 10 * i, 114.5, 81.5 + 10 * i, 123.5, "SimSun", SIZE)
        for i, ch in enumerate("下行")
    ]
    lines = chars_to_lines([stop, *under, quote, *word, *body], 1)
    assert [line.text for line in lines] == ["他说“ok。", "下行"]


def test_rotated_outside_control_and_blank_glyphs_are_dropped() -> None:
    chars = run("正文")
    chars.append(Char("竖", 90, 100, 100, 110, "SimSun", SIZE, upright=False))
    chars.append(Char("外", 700, 100, 710, 110, "SimSun", SIZE))  # off the page
    chars.append(Char("\x00", 95, 100, 96, 110, "SimSun", SIZE))
    chars += run("   ", 72, 200, advance=3)  # a line of nothing but spaces
    lines = chars_to_lines(chars, 1, page_box=(0, 0, 595, 842))
    assert [line.text for line in lines] == ["正文"]


def test_duplicate_glyphs_drawn_twice_count_once_but_double_letters_stay() -> None:
    chars = run("植德", 72, 100)
    chars += run("植德", 72.3, 100.2)  # a shadow copy
    assert texts(chars) == ["植德"]
    # narrow letters: "ll" in Helvetica is 2.2pt apart and must not be merged
    assert texts(run("Hello", advance=2.2)) == ["Hello"]


def test_bold_comes_from_the_dominant_font_name() -> None:
    assert is_bold_font("Arial-BoldMT")
    assert is_bold_font("宋体,Bold")
    assert is_bold_font("SourceHanSansCN-Heavy")
    assert is_bold_font("MicrosoftYaHei-Semibold")
    assert not is_bold_font("SimSun")
    assert not is_bold_font(None)
    chars = run("标题", font="ABCDEF+SimHei,Bold") + run("x", 92, advance=5, font="Times")
    lines = chars_to_lines(chars, 1)
    assert lines[0].bold and lines[0].font == "SimHei,Bold"


def test_group_chars_returns_glyphs_per_line() -> None:
    groups = group_chars(run("ab", advance=5) + run("cd", 72, 120, advance=5))
    assert ["".join(c.text for c in group) for group in groups] == ["ab", "cd"]


# --------------------------------------------------------------------------- links


def test_link_over_part_of_a_line_gets_its_anchor_text() -> None:
    chars = run("详见") + run("World Labs", 92, advance=5) + run("的报道", 142)
    annot = Annot("https://worldlabs.ai/", 91.5, 99, 142.2, 111)
    lines, unplaced = page_lines(chars, [annot], 1)
    assert unplaced == []
    assert [line.text for line in lines] == ["详见World Labs的报道"]
    assert lines[0].links == [LinkAnchor("https://worldlabs.ai/", "World Labs")]


def test_link_over_two_lines_appears_on_both_with_partial_text() -> None:
    chars = run("第一行的结尾有链接", 72, 100) + run("接着第二行开头", 72, 116)
    # one rectangle over the right part of line 1 and the left part of line 2
    annot = Annot("https://example.com/a", 120, 99, 200, 127)
    lines = chars_to_lines(chars, 1)
    assert attach_links(lines, chars, [annot]) == []
    assert lines[0].links == [LinkAnchor("https://example.com/a", "尾有链接")]
    assert lines[1].links == [LinkAnchor("https://example.com/a", "开头")]


def test_two_links_on_one_line_keep_their_order_and_duplicates_count_once() -> None:
    chars = run("甲公司与乙公司")
    first = Annot("https://a.example/", 71, 99, 102, 111)
    second = Annot("https://b.example/", 111, 99, 142, 111)
    lines = chars_to_lines(chars, 1)
    attach_links(lines, chars, [second, first, first])
    assert lines[0].links == [
        LinkAnchor("https://a.example/", "甲公司"),
        LinkAnchor("https://b.example/", "乙公司"),
    ]


def test_link_without_text_goes_to_the_nearest_line_and_none_without_lines() -> None:
    chars = run("正文一", 72, 100) + run("正文二", 72, 300)
    banner = Annot("https://firm.example/", 72, 250, 400, 280)  # an image link
    lines = chars_to_lines(chars, 1)
    assert attach_links(lines, chars, [banner]) == []
    assert lines[0].links == []
    assert lines[1].links == [LinkAnchor("https://firm.example/", None)]
    assert attach_links([], [], [banner]) == [banner]


def test_a_space_drawn_over_a_letter_does_not_split_the_word() -> None:
    # LibreOffice prints a space glyph on top of a hyperlinked list item's last letter.
    glyphs = [*run("htm", advance=5.0), Char("l", 87.0, 100, 89.9, 110, "F", SIZE)]
    overprint = Char(" ", 86.6, 100, 89.95, 110, "F", SIZE)
    assert texts([*glyphs, overprint]) == ["html"]
