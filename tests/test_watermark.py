"""Watermarks (turned, light grey or very large text over the body) never reach content lines.

Each case is a small reportlab PDF read with both engines: the watermark's glyphs must be
in lines of their own with the role "watermark" (and a reason), the body's lines must be
exactly what they are without the watermark, and both engines must agree.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reportparse import api
from reportparse.read.glyphs import Char, fill_lightness, matrix_tilt
from reportparse.read.lines import page_lines

canvas_module = pytest.importorskip("reportlab.pdfgen.canvas")

ENGINES = ("pdfplumber", "pdfium")
BODY = [
    "Regulators publish the final text of the data rules",
    "Firms must file their reports within thirty days",
    "The new registry opens to the public next spring",
    "Comments are invited on the draft until the end",
    "Penalties rise for repeated breaches of the rules",
    "Guidance on cross border transfers follows soon",
]

Draw = Callable[[Any], None]


def _pdf(path: Path, extra: Draw, pages: int = 2) -> Path:
    pdf = canvas_module.Canvas(str(path), pagesize=(595, 842))
    for _ in range(pages):
        pdf.setFont("Helvetica", 11)
        for row, text in enumerate(BODY):
            pdf.drawString(72, 700 - 16 * row, text)
        extra(pdf)
        pdf.showPage()
    pdf.save()
    return path


def _turned(pdf: Any) -> None:
    pdf.saveState()
    pdf.setFillGray(0.85)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.translate(100, 450)
    pdf.rotate(40)
    pdf.drawString(0, 0, "ACME LAW COPYRIGHT")
    pdf.restoreState()


def _slight_tilt(pdf: Any) -> None:
    pdf.saveState()
    pdf.setFillGray(0.0)
    pdf.setFont("Helvetica", 40)
    pdf.translate(80, 600)
    pdf.rotate(15)
    pdf.drawString(0, 0, "INTERNAL ONLY")
    pdf.restoreState()


def _grey_huge(pdf: Any) -> None:
    pdf.setFillGray(0.85)
    pdf.setFont("Helvetica-Bold", 54)
    pdf.drawString(90, 640, "INTERNAL USE")
    pdf.setFillGray(0)


def _grey_over_body(pdf: Any) -> None:  # 1.6 times the body size, in RGB
    pdf.setFillColorRGB(0.8, 0.8, 0.85)
    pdf.setFont("Helvetica", 18)
    pdf.drawString(80, 668, "DO NOT CIRCULATE")
    pdf.setFillGray(0)


def _black_huge_over_body(pdf: Any) -> None:
    pdf.setFont("Helvetica-Bold", 60)
    pdf.drawString(100, 660, "DRAFT")


WATERMARKS: dict[str, tuple[Draw, str]] = {
    "turned light grey": (_turned, "ACMELAWCOPYRIGHT"),
    "turned black": (_slight_tilt, "INTERNALONLY"),
    "upright light grey and huge": (_grey_huge, "INTERNALUSE"),
    "light grey, larger than the body": (_grey_over_body, "DONOTCIRCULATE"),
    "huge black over the body": (_black_huge_over_body, "DRAFT"),
}


def _plain(document: Any) -> list[tuple[int, str]]:
    return [(line.page, line.text) for line in document.lines()]


@pytest.fixture(scope="module")
def body_only(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, str]]:
    path = _pdf(tmp_path_factory.mktemp("wm") / "plain.pdf", lambda pdf: None)
    return _plain(api.read(path))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", list(WATERMARKS))
def test_watermark_glyphs_never_reach_content(
    name: str, engine: str, tmp_path: Path, body_only: list[tuple[int, str]]
) -> None:
    draw, letters = WATERMARKS[name]
    path = _pdf(tmp_path / "wm.pdf", draw)
    document = api.read(path, engine=engine)
    assert _plain(document) == body_only
    marks = [line for line in document.all_lines() if line.role == "watermark"]
    assert marks and all(line.reason for line in marks)
    for number in (1, 2):
        drawn = "".join(line.text for line in marks if line.page == number)
        assert sorted(drawn.replace(" ", "")) == sorted(letters)


@pytest.mark.parametrize("name", list(WATERMARKS))
def test_engines_agree_on_watermarked_pages(name: str, tmp_path: Path) -> None:
    path = _pdf(tmp_path / "wm.pdf", WATERMARKS[name][0])
    plumber = api.read(path, engine="pdfplumber")
    pdfium = api.read(path, engine="pdfium")
    assert _plain(pdfium) == _plain(plumber)
    assert [line.role for line in pdfium.all_lines()] == [line.role for line in plumber.all_lines()]


def _title(pdf: Any) -> None:  # large black text on its own: a title, not a watermark
    pdf.setFont("Helvetica-Bold", 40)
    pdf.drawString(72, 780, "Monthly Review")


def _white_banner(pdf: Any) -> None:  # white text on a dark band: a banner
    pdf.setFillGray(0.2)
    pdf.rect(60, 740, 470, 60, fill=1, stroke=0)
    pdf.setFillGray(1.0)
    pdf.setFont("Helvetica-Bold", 40)
    pdf.drawString(72, 755, "Policy Updates")
    pdf.setFillGray(0)


def _grey_footer(pdf: Any) -> None:  # light grey text of about the body's size
    pdf.setFillGray(0.75)
    pdf.setFont("Helvetica", 9)
    pdf.drawString(72, 40, "Acme Law Monthly Review")
    pdf.setFillGray(0)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("draw", "text"),
    [
        (_title, "Monthly Review"),
        (_white_banner, "Policy Updates"),
        (_grey_footer, "Acme Law Monthly Review"),
    ],
    ids=["large title", "white banner", "grey footer"],
)
def test_large_white_or_grey_text_alone_is_content(
    draw: Draw, text: str, engine: str, tmp_path: Path
) -> None:
    document = api.read(_pdf(tmp_path / "c.pdf", draw), engine=engine)
    assert all(line.role != "watermark" for line in document.all_lines())
    assert [line.text for line in document.lines() if line.page == 1].count(text) == 1


def _glyphs(text: str, x: float, top: float, size: float, **style: Any) -> list[Char]:
    return [
        Char(ch, x + i * size * 0.6, top, x + (i + 1) * size * 0.6, top + size, "F", size, **style)
        for i, ch in enumerate(text)
    ]


def test_page_lines_put_watermark_lines_after_the_body() -> None:
    body = _glyphs("body text here", 72, 100, 10) + _glyphs("more body text", 72, 114, 10)
    # Along a baseline turned 30 degrees: each glyph 20 pt right and 11.5 pt higher.
    mark = [
        Char(ch, 60 + 20 * i, 130 - 11.5 * i, 90 + 20 * i, 170 - 11.5 * i, "F", 40, True, 30.0, 0.9)
        for i, ch in enumerate("SECRET")
    ]
    lines, _ = page_lines([*mark, *body], [], 1)
    assert [line.text for line in lines] == ["body text here", "more body text", "SECRET"]
    assert [line.role for line in lines] == ["content", "content", "watermark"]
    assert "30°" in lines[-1].reason


def test_a_slight_lean_is_no_watermark() -> None:
    # OCR'd scans lean a degree or two: their text stays content.
    body = _glyphs("leaning line", 72, 100, 10, tilt=1.5)
    lines, _ = page_lines(body, [], 1)
    assert [(line.text, line.role) for line in lines] == [("leaning line", "content")]


@pytest.mark.parametrize(
    ("components", "expected"),
    [((0.0,), 0.0), ((1.0,), 1.0), ((0.88,), 0.88), ((1.0, 1.0, 1.0), 1.0), ((0, 0, 0, 1), 0.0)],
)
def test_fill_lightness(components: tuple[float, ...], expected: float) -> None:
    assert fill_lightness(components) == pytest.approx(expected)


def test_matrix_tilt() -> None:
    assert matrix_tilt(1.0, 0.0) == 0.0
    assert matrix_tilt(0.766, 0.643) == pytest.approx(40.0, abs=0.1)
    assert matrix_tilt(0.819, -0.574) == pytest.approx(-35.0, abs=0.1)
