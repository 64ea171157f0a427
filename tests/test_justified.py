"""Justified CJK text and inter-script glue (issue 12, class 8).

A gap between two Han glyphs is never a space however far justification stretches it;
a gap between two Latin words is a space even where no space glyph was drawn (TeX's
glue, XeLaTeX's xeCJK), however wide the Han stretch makes the line's typical gap.
Engine-neutral cases on hand-made glyphs, then a reportlab PDF read by both engines.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportparse import api
from reportparse.read.glyphs import Char
from reportparse.read.spacing import join_chars

SIZE = 10.0
FONTS = Path(__file__).parent / "fixtures" / "fonts"


def _set(pieces: list[tuple[str, float, float]], size: float = SIZE) -> list[Char]:
    """Given (text, advance in em, gap after each glyph in em) pieces, return their glyphs
    set left to right."""
    chars: list[Char] = []
    x = 72.0
    for text, advance, gap in pieces:
        for ch in text:
            chars.append(Char(ch, x, 100.0, x + advance * size, 100.0 + size, "F", size))
            x += (advance + gap) * size
    return chars


@pytest.mark.parametrize("stretch", [0.0, 0.15, 0.3, 0.45])
def test_stretched_han_with_latin_words_drawn_without_spaces(stretch: float) -> None:
    # Han stretched by `stretch` em a gap; Latin letters touching; word gaps 0.33 em.
    chars = _set([("欧盟理事会通过", 1.0, stretch), ("Cyber", 0.5, 0.0)])
    x = chars[-1].x1 + 0.33 * SIZE
    for word in ("Resilience", "Act"):
        for ch in word:
            chars.append(Char(ch, x, 100.0, x + 0.5 * SIZE, 110.0, "F", SIZE))
            x += 0.5 * SIZE
        x += 0.33 * SIZE
    for ch in "的最终文本并公布实施":
        chars.append(Char(ch, x, 100.0, x + SIZE, 110.0, "F", SIZE))
        x += (1.0 + stretch) * SIZE
    head, middle, tail = join_chars(chars).partition("Cyber Resilience Act")
    assert middle
    # Han-Latin glue may read as a space (the clean layer drops it); Han-Han never.
    assert head.rstrip() == "欧盟理事会通过" and tail.lstrip() == "的最终文本并公布实施"


@pytest.mark.parametrize("stretch", [0.25, 0.4, 0.5])
def test_a_gap_between_two_han_glyphs_is_never_a_justification_space(stretch: float) -> None:
    # A line mostly of touching Latin letters (median gap 0) with stretched Han.
    chars = _set([("ABCDEFGHIJKLMNOP", 0.5, 0.0), ("数据合规", 1.0, stretch)])
    assert join_chars(chars).endswith("P数据合规")


def test_a_wide_gap_between_han_phrases_stays_a_space() -> None:
    # Two fields on one line, a tab's gap apart, in a justified line.
    chars = _set([("发布日期：二〇二四年", 1.0, 0.1)])
    x = chars[-1].x1 + 3.0 * SIZE
    for ch in "来源：新华网":
        chars.append(Char(ch, x, 100.0, x + SIZE, 110.0, "F", SIZE))
        x += 1.1 * SIZE
    assert join_chars(chars) == "发布日期：二〇二四年 来源：新华网"


def test_letter_spaced_latin_is_one_word() -> None:
    chars = _set([("SPACED", 0.5, 0.35)])
    assert join_chars(chars) == "SPACED"


def _justified_pdf(path: Path) -> Path:
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    pdfmetrics = pytest.importorskip("reportlab.pdfbase.pdfmetrics")
    ttfonts = pytest.importorskip("reportlab.pdfbase.ttfonts")
    pdfmetrics.registerFont(ttfonts.TTFont("FixHan", str(FONTS / "FixtureHanNews.ttf")))
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    y = 700.0
    for stretch in (0.0, 2.0, 4.0):
        x = 72.0
        for piece, font in (
            ("数据合规", "FixHan"),
            ("Cyber", "Helvetica"),
            (" ", None),
            ("Resilience", "Helvetica"),
            (" ", None),
            ("Act", "Helvetica"),
            ("正式通过", "FixHan"),
        ):
            if font is None:
                x += 3.5  # TeX glue: a gap, no space glyph
                continue
            for ch in piece:
                pdf.setFont(font, 10.5)
                pdf.drawString(x, y, ch)
                x += pdfmetrics.stringWidth(ch, font, 10.5)
                if font == "FixHan":
                    x += stretch
        y -= 20
    pdf.showPage()
    pdf.save()
    return path


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_justified_pdf_reads_with_word_spaces_and_no_han_spaces(
    engine: str, tmp_path: Path
) -> None:
    path = _justified_pdf(tmp_path / "justified.pdf")
    lines = [line.text for line in api.read(path, engine=engine).lines()]
    assert len(lines) == 3
    for text in lines:
        assert "Cyber Resilience Act" in text
        assert "数据合规" in text and "正式通过" in text
