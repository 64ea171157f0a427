"""read_pdf (pdfplumber/pdfminer engine) on small PDFs built in a temporary folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

pytest.importorskip("reportlab")

import contextlib

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from reportparse import api
from reportparse.errors import (
    DamagedPDFError,
    EncryptedPDFError,
    LimitExceededError,
    ReportParseError,
)
from reportparse.model import Document, LinkAnchor, OutlineItem
from reportparse.profile import Limits
from reportparse.read.plumber_engine import read_pdf

from .raw_pdfs import raw_pdf

FONT = "Helvetica"
HAN_FONT = Path(__file__).parent / "fixtures" / "fonts" / "FixtureHan.ttf"
PAGE_HEIGHT = A4[1]


def read(path: Path, **kwargs: object) -> Document:
    kwargs.setdefault("limits", Limits())
    return read_pdf(path, **kwargs)  # type: ignore[arg-type]


def width(text: str, size: float = 12, font: str = FONT) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, font, size))


@pytest.fixture
def simple_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "simple.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle("Monthly – 月报")
    c.setAuthor("Example Firm")
    c.bookmarkPage("p1")
    c.addOutlineEntry("  Policy  ", "p1", level=0)
    c.setFont(FONT, 12)
    c.drawString(72, 750, "Hello world")
    # "AB" and "CD" drawn as separate runs: 0.3 em apart, then 0.05 em apart
    c.drawString(72, 730, "AB")
    c.drawString(72 + width("AB") + 3.6, 730, "CD")
    c.drawString(72, 710, "EF")
    c.drawString(72 + width("EF") + 0.6, 710, "GH")
    # a real space and a gap next to it still make one space
    c.drawString(72, 690, "IJ ")
    c.drawString(72 + width("IJ ") + 4, 690, "KL")
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, 660, "Bold heading")
    c.setFont(FONT, 12)
    c.drawString(72, 640, "Visit Example site now")
    x0 = 72 + width("Visit ")
    x1 = 72 + width("Visit Example site")
    c.linkURL("https://example.com/", (x0, 637, x1, 652), relative=0)
    # one link rectangle over the end of one line and the start of the next
    # (a rectangle covers one x range on both lines, so line 2 starts under "Alpha")
    c.drawString(72, 610, "first line ends with Alpha")
    start = 72 + width("first line ends with ")
    c.drawString(start, 596, "Beta")
    c.drawString(start + 60, 596, "starts the next one")
    c.linkURL("https://example.com/ab", (start, 593, start + width("Alpha"), 622), relative=0)
    c.saveState()
    c.translate(500, 400)
    c.rotate(90)
    c.drawString(0, 0, "rotated text")
    c.restoreState()
    c.showPage()
    c.bookmarkPage("p2")
    c.bookmarkPage("p2-deal")
    c.addOutlineEntry("Deals", "p2", level=0)
    c.addOutlineEntry("Deal one", "p2-deal", level=1)
    c.setFont(FONT, 12)
    c.drawString(72, 750, "Page two")
    c.showPage()
    c.save()
    return path


def page_texts(document: Document, number: int) -> list[str]:
    page = next(p for p in document.pages if p.number == number)
    return [line.text for line in page.lines]


# --------------------------------------------------------------------------- lines


def test_lines_geometry_and_document_fields(simple_pdf: Path) -> None:
    document = read(simple_pdf)
    assert document.kind == "pdf"
    assert document.path == str(simple_pdf)
    assert document.page_count == 2
    assert document.sha256 == hashlib.sha256(simple_pdf.read_bytes()).hexdigest()
    assert [p.number for p in document.pages] == [1, 2]
    page = document.pages[0]
    assert page.width == pytest.approx(A4[0], abs=0.01)
    assert page.height == pytest.approx(PAGE_HEIGHT, abs=0.01)
    assert page.image_count == 0
    assert page.char_count > 50
    first = page.lines[0]
    assert first.text == "Hello world"
    assert first.page == 1
    assert first.x0 == pytest.approx(72)
    assert first.x1 == pytest.approx(72 + width("Hello world"), abs=0.1)
    # baseline at y=750 from the bottom; Helvetica's descender lies 0.207 em below it
    assert first.bottom == pytest.approx(PAGE_HEIGHT - 750 + 0.207 * 12, abs=1.0)
    assert first.top is not None and first.bottom is not None
    assert first.bottom - first.top == pytest.approx(12, abs=1.0)
    assert first.font == "Helvetica" and first.size == 12 and not first.bold
    tops = [line.top or 0 for line in page.lines]
    assert tops == sorted(tops)
    assert document.lines()[-1].text == "Page two"


def test_drawn_gap_becomes_one_space(simple_pdf: Path) -> None:
    texts = page_texts(read(simple_pdf), 1)
    assert "AB CD" in texts
    assert "EFGH" in texts
    assert "IJ KL" in texts


def test_bold_and_rotated_text(simple_pdf: Path) -> None:
    page = read(simple_pdf).pages[0]
    heading = next(line for line in page.lines if line.text == "Bold heading")
    assert heading.bold and heading.size == 14
    assert not any("rotated" in line.text for line in page.lines)


def test_link_annotations_carry_their_anchor_text(simple_pdf: Path) -> None:
    page = read(simple_pdf).pages[0]
    by_text = {line.text: line for line in page.lines}
    assert by_text["Visit Example site now"].links == [
        LinkAnchor("https://example.com/", "Example site")
    ]
    assert by_text["first line ends with Alpha"].links == [
        LinkAnchor("https://example.com/ab", "Alpha")
    ]
    assert by_text["Beta starts the next one"].links == [
        LinkAnchor("https://example.com/ab", "Beta")
    ]
    assert by_text["Hello world"].links == []


def test_outline_with_resolved_pages_and_metadata(simple_pdf: Path) -> None:
    document = read(simple_pdf)
    assert document.outline == [
        OutlineItem("Policy", 1, 1),
        OutlineItem("Deals", 1, 2),
        OutlineItem("Deal one", 2, 2),
    ]
    assert document.metadata["Title"] == "Monthly – 月报"
    assert document.metadata["Author"] == "Example Firm"
    assert "ReportLab" in document.metadata["Producer"]


def test_selected_and_out_of_range_pages(simple_pdf: Path) -> None:
    document = read(simple_pdf, pages=[2, 7])
    assert [p.number for p in document.pages] == [2]
    assert document.page_count == 2
    assert page_texts(document, 2) == ["Page two"]
    codes = [w.code for w in document.warnings]
    assert codes == ["page-out-of-range"]
    assert "7" in document.warnings[0].message


def test_page_limit_and_char_limit(simple_pdf: Path) -> None:
    with pytest.raises(LimitExceededError, match="--max-pages"):
        read(simple_pdf, limits=Limits(max_pages=1))
    with pytest.raises(LimitExceededError, match="--max-chars-per-page"):
        read(simple_pdf, limits=Limits(max_chars_per_page=20))
    assert read(simple_pdf, limits=Limits(max_pages=2)).page_count == 2


def test_image_count(tmp_path: Path) -> None:
    image_module = pytest.importorskip("PIL.Image")
    from reportlab.lib.utils import ImageReader

    path = tmp_path / "image.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    image = ImageReader(image_module.new("RGB", (8, 8), "red"))
    c.drawImage(image, 72, 600, 50, 50)
    c.showPage()
    c.drawImage(image, 72, 600, 50, 50)
    c.drawImage(image, 72, 400, 50, 50)
    c.drawString(72, 300, "caption")
    c.showPage()
    c.save()
    for document in (read(path), api.read(path, engine="pdfium")):
        scanned, captioned = document.pages
        assert (scanned.image_count, scanned.char_count) == (1, 0)
        # A page with text is not searched for images: only a textless page needs the count.
        assert captioned.image_count == 0
        assert [line.text for line in captioned.lines] == ["caption"]


# --------------------------------------------------------------------------- encryption


@pytest.fixture
def encrypted_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "secret.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, encrypt="s3cret")
    c.drawString(72, 750, "Secret text")
    c.showPage()
    c.save()
    return path


def test_encrypted_without_password(encrypted_pdf: Path) -> None:
    with pytest.raises(EncryptedPDFError, match="--password") as info:
        read(encrypted_pdf)
    assert "encrypted" in str(info.value)
    assert "\n" not in str(info.value)


def test_encrypted_with_wrong_password(encrypted_pdf: Path) -> None:
    with pytest.raises(EncryptedPDFError, match=r"wrong password.*--password"):
        read(encrypted_pdf, password="nope")


def test_encrypted_with_right_password(encrypted_pdf: Path) -> None:
    document = read(encrypted_pdf, password="s3cret")
    assert [line.text for line in document.lines()] == ["Secret text"]


# --------------------------------------------------------------------------- damaged files


def utf16(text: str) -> bytes:
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


CONTENT = b"BT /F1 12 Tf 20 250 Td (Hello) Tj ET"
PAGES = {
    2: b"<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 /MediaBox [0 0 300 300] >>",
    3: b"<< /Type /Page /Parent 2 0 R /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
    4: b"<< /Type /Page /Parent 2 0 R /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
    5: b"<< /Type /Page /Parent 2 0 R /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
    6: b"<< /Length %d >>\nstream\n%s\nendstream" % (len(CONTENT), CONTENT),
    7: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
}


def test_outline_destinations_of_every_kind_and_a_loop(tmp_path: Path) -> None:
    objects = dict(PAGES)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /Outlines 10 0 R /Names << /Dests 20 0 R >> >>"
    objects[10] = b"<< /Type /Outlines /First 11 0 R /Last 13 0 R /Count 4 >>"
    objects[11] = b"<< /Title (  Direct  ) /Parent 10 0 R /Dest [4 0 R /XYZ 0 0 0] /Next 12 0 R >>"
    objects[12] = (
        b"<< /Title " + utf16("政策速递") + b" /Parent 10 0 R"
        b" /A << /S /GoTo /D [5 0 R /Fit] >> /Next 13 0 R /First 14 0 R /Last 14 0 R >>"
    )
    objects[13] = b"<< /Title (Loop) /Parent 10 0 R /Dest /nowhere /Next 11 0 R >>"
    objects[14] = b"<< /Title (Named) /Parent 12 0 R /Dest (sec2) >>"
    objects[20] = b"<< /Names [(sec2) [3 0 R /Fit]] >>"
    objects[30] = b"<< /Title " + utf16("元宇宙月报") + b" /Author (Jos\\351) /Producer /Word >>"
    path = tmp_path / "outline.pdf"
    path.write_bytes(raw_pdf(objects, b"/Root 1 0 R /Info 30 0 R"))
    document = read(path)
    assert document.outline == [
        OutlineItem("Direct", 1, 2),
        OutlineItem("政策速递", 1, 3),
        OutlineItem("Named", 2, 1),
        OutlineItem("Loop", 1, None),
    ]
    assert [w.code for w in document.warnings] == ["outline-unreadable"]
    assert document.metadata == {"Title": "元宇宙月报", "Author": "José", "Producer": "Word"}
    assert [line.text for line in document.lines()] == ["Hello"] * 3


def test_broken_outline_is_skipped_not_fatal(tmp_path: Path) -> None:
    objects = dict(PAGES)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /Outlines 10 0 R >>"
    objects[10] = b"<< /Type /Outlines /First 11 0 R >>"
    objects[11] = b"<< /Title (Good) /Dest [99 0 R /Fit] /Next 12 0 R >>"
    objects[12] = b"(not a dictionary)"
    path = tmp_path / "bad-outline.pdf"
    path.write_bytes(raw_pdf(objects))
    document = read(path)
    assert document.outline == [OutlineItem("Good", 1, None)]
    assert document.page_count == 3


def test_page_tree_loop_and_direct_kids(tmp_path: Path) -> None:
    objects = dict(PAGES)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = (
        b"<< /Type /Pages /Kids [3 0 R 2 0 R << /Type /Page /Contents 6 0 R"
        b" /Resources << /Font << /F1 7 0 R >> >> >>] /Count 2 /MediaBox [0 0 300 300] >>"
    )
    path = tmp_path / "tree.pdf"
    path.write_bytes(raw_pdf(objects))
    document = read(path)
    assert document.page_count == 2
    assert [line.text for line in document.lines()] == ["Hello", "Hello"]


def test_file_without_pages_is_damaged(tmp_path: Path) -> None:
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [] /Count 0 >>"}
    path = tmp_path / "empty.pdf"
    path.write_bytes(raw_pdf(objects))
    with pytest.raises(DamagedPDFError, match="no pages"):
        read(path)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj << /Type /Catalog",  # truncated
        b"%PDF-1.7\n" + b"\x00\xff" * 200,  # garbage after the header
    ],
)
def test_damaged_files_raise_damaged_pdf_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(DamagedPDFError) as info:
        read(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message


def test_truncated_real_file_never_raises_foreign_errors(simple_pdf: Path, tmp_path: Path) -> None:
    data = simple_pdf.read_bytes()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 40):
        path = tmp_path / f"cut{cut}.pdf"
        path.write_bytes(data[:cut])
        with contextlib.suppress(ReportParseError):
            read(path)


# --------------------------------------------------------------------------- Han text


def test_han_latin_autospace_gap_becomes_a_space(tmp_path: Path) -> None:
    if not HAN_FONT.exists():
        pytest.skip("tests/fixtures/fonts/FixtureHan.ttf is not there yet")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("FixtureHan", str(HAN_FONT)))
    size = 10.5
    path = tmp_path / "han.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    x = 72.0
    runs = (("国内", "FixtureHan", 0.27), ("AI", FONT, 0.27), ("算力", "FixtureHan", 0.0))
    for text, font, gap in runs:
        c.setFont(font, size)
        c.drawString(x, 750, text)
        x += width(text, size, font) + gap * size
    c.setFont("FixtureHan", size)
    c.drawString(72, 730, "元数字经济与算力")
    c.showPage()
    c.save()
    texts = [line.text for line in read(path).lines()]
    assert texts == ["国内 AI 算力", "元数字经济与算力"]
