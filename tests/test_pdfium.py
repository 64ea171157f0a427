"""The pypdfium2 engine gives the same result as the pdfplumber engine on every fixture PDF."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import orjson
import pytest

from reportparse import api
from reportparse.clean.text import normalize_glyphs
from reportparse.errors import DamagedPDFError, EncryptedPDFError, LimitExceededError
from reportparse.model import Document
from reportparse.profile import Limits
from reportparse.read import pdfium_calls, plumber_page
from reportparse.read.pdfium_engine import read_pdf

from .raw_pdfs import raw_pdf

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_PDFS = sorted((FIXTURES / "pdf").glob("*.pdf"))


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def test_there_are_fixture_pdfs() -> None:
    assert FIXTURE_PDFS, "no tests/fixtures/pdf/*.pdf: run tests/fixtures/generate.py"


def _line_view(document: Document) -> list[tuple[object, ...]]:
    # Spaces aside: where the engines' spacing differs, the JSON test below decides.
    # Glyph stand-ins aside: PDFium reads /ActualText, pdfminer does not; the clean layer
    # maps the radicals and ligatures pdfminer gets to the characters, for both engines.
    return [
        (
            "".join(normalize_glyphs(line.text).split()),
            line.page,
            line.kind,
            line.size,
            tuple(
                (link.uri, "".join(normalize_glyphs(link.text or "").split()))
                for link in line.links
            ),
        )
        for line in document.lines()
    ]


def _fonts(document: Document) -> list[tuple[str | None, bool]]:
    return [(line.font, line.bold) for line in document.lines()]


@pytest.mark.parametrize("path", FIXTURE_PDFS, ids=_ids(FIXTURE_PDFS))
def test_read_matches_pdfplumber(path: Path) -> None:
    plumber = api.read(path, engine="pdfplumber")
    pdfium = api.read(path, engine="pdfium")
    assert _line_view(pdfium) == _line_view(plumber)
    # PDFium gives Type 3 fonts (Chromium embeds CJK glyphs so) no name, and boldness comes
    # from the name; wherever PDFium names the font, name and boldness agree.
    for ours, theirs in zip(_fonts(pdfium), _fonts(plumber), strict=True):
        assert ours == theirs or ours == ("", False)
    assert pdfium.outline == plumber.outline
    assert pdfium.metadata == plumber.metadata
    assert pdfium.warnings == plumber.warnings
    assert (pdfium.sha256, pdfium.page_count) == (plumber.sha256, plumber.page_count)
    # Glyph counts may differ by a ligature PDFium splits by its /ActualText ("ﬁ" -> "f",
    # "i"); what the count is for, telling pages with text from pages without, agrees.
    assert [
        (p.number, p.width, p.height, p.image_count, p.char_count > 0) for p in pdfium.pages
    ] == [(p.number, p.width, p.height, p.image_count, p.char_count > 0) for p in plumber.pages]


@pytest.mark.parametrize("path", FIXTURE_PDFS, ids=_ids(FIXTURE_PDFS))
def test_json_is_byte_identical(path: Path) -> None:
    plumber = orjson.dumps(api.parse(path, engine="pdfplumber").to_dict())
    pdfium = orjson.dumps(api.parse(path, engine="pdfium").to_dict())
    assert pdfium == plumber


@pytest.mark.parametrize("path", FIXTURE_PDFS[:1], ids=_ids(FIXTURE_PDFS[:1]))
def test_lines_have_geometry(path: Path) -> None:
    document = read_pdf(path, pages=None, password=None, limits=Limits())
    lines = document.lines()
    assert lines
    for line in lines:
        assert line.x0 is not None and line.x1 is not None
        assert line.top is not None and line.bottom is not None
        assert line.x0 < line.x1 and line.top < line.bottom
        assert line.font and line.size and line.size > 0
    assert all(p.width and p.height for p in document.pages)


@pytest.mark.parametrize("path", FIXTURE_PDFS[:1], ids=_ids(FIXTURE_PDFS[:1]))
def test_page_selection_and_limits_match_pdfplumber(path: Path) -> None:
    plumber = api.read(path, engine="pdfplumber", pages=[1, 999])
    pdfium = api.read(path, engine="pdfium", pages=[1, 999])
    assert [p.number for p in pdfium.pages] == [1]
    assert pdfium.warnings == plumber.warnings
    assert pdfium.warnings[0].code == "page-out-of-range"
    for limits in (Limits(max_pages=1), Limits(max_chars_per_page=10)):
        with pytest.raises(LimitExceededError) as expected:
            api.read(path, engine="pdfplumber", limits=limits)
        with pytest.raises(LimitExceededError) as got:
            api.read(path, engine="pdfium", limits=limits)
        assert str(got.value) == str(expected.value)


@pytest.fixture(scope="module")
def encrypted_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    path = tmp_path_factory.mktemp("enc") / "encrypted.pdf"
    pdf = canvas.Canvas(str(path), encrypt="secret")
    pdf.drawString(72, 720, "Encrypted text")
    pdf.showPage()
    pdf.save()
    return path


def test_encrypted_without_password(encrypted_pdf: Path) -> None:
    with pytest.raises(EncryptedPDFError, match="encrypted; give its password"):
        read_pdf(encrypted_pdf, pages=None, password=None, limits=Limits())


def test_encrypted_with_wrong_password(encrypted_pdf: Path) -> None:
    with pytest.raises(EncryptedPDFError, match="wrong password"):
        read_pdf(encrypted_pdf, pages=None, password="nope", limits=Limits())


def test_encrypted_with_password(encrypted_pdf: Path) -> None:
    document = read_pdf(encrypted_pdf, pages=None, password="secret", limits=Limits())
    assert [line.text for line in document.lines()] == ["Encrypted text"]


def test_damaged_pdf(tmp_path: Path) -> None:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n")
    with pytest.raises(DamagedPDFError, match="the PDF is damaged"):
        read_pdf(path, pages=None, password=None, limits=Limits())


def _minimal_pdf(path: Path, title: bytes, info: bytes) -> None:
    """Write a one-page PDF with one bookmark titled ``title`` and an /Info dictionary."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /Outlines 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        4: b"<< /Type /Outlines /First 5 0 R /Last 5 0 R /Count 1 >>",
        5: b"<< /Title (" + title + b") /Parent 4 0 R /Dest [3 0 R /XYZ 0 0 0] >>",
        6: info,
    }
    path.write_bytes(raw_pdf(objects, b"/Root 1 0 R /Info 6 0 R"))


def test_utf8_outline_and_metadata_match_pdfplumber(tmp_path: Path) -> None:
    # UTF-8 without a byte-order mark: PDFium reads PDFDocEncoding and drops bytes.
    path = tmp_path / "utf8.pdf"
    info = b"<< /Title (Caf\xe9) /Producer (" + "你好".encode() + b") >>"
    _minimal_pdf(path, "政策速递 AI".encode(), info)
    plumber = api.read(path, engine="pdfplumber")
    pdfium = api.read(path, engine="pdfium")
    assert pdfium.outline == plumber.outline
    assert pdfium.outline[0].title == "政策速递 AI"
    assert pdfium.metadata == plumber.metadata == {"Title": "Café", "Producer": "你好"}


def test_no_code_point_below_first_wide_is_wide() -> None:
    # The engine skips the width lookup below FIRST_WIDE; that must not change a box.
    below = (chr(code) for code in range(ord(pdfium_calls.FIRST_WIDE)))
    assert not any(unicodedata.east_asian_width(ch) in ("W", "F") for ch in below)
    assert unicodedata.east_asian_width(pdfium_calls.FIRST_WIDE) in ("W", "F")


# --------------------------------------------------------------------------- rotated pages


def _turned(source: Path, out: Path, rotate: int) -> Path:
    """Given a fixture, write it with every page shown through /Rotate: for 90 and 270 a
    landscape page whose content is drawn turned back, so it reads upright (what
    rotating a page in a viewer and saving produces); for 180, the page upside down."""
    import ctypes

    import pypdfium2 as pdfium_lib
    import pypdfium2.raw as pdfium_c

    document = pdfium_lib.PdfDocument(source)
    try:
        for page in document:
            width, height = page.get_size()
            if rotate in (90, 270):
                turn = (0, 1, -1, 0, height, 0) if rotate == 90 else (0, -1, 1, 0, 0, width)
                matrix = pdfium_c.FS_MATRIX(*turn)
                pdfium_c.FPDFPage_TransFormWithClip(page.raw, ctypes.byref(matrix), None)
                pdfium_c.FPDFPage_SetMediaBox(page.raw, 0, 0, height, width)
            page.set_rotation(rotate)
            assert pdfium_c.FPDFPage_GenerateContent(page.raw)
        document.save(out)
    finally:
        document.close()
    return out


def _json(path: Path, engine: str) -> bytes:
    try:
        return orjson.dumps(api.parse(path, engine=engine).to_dict())
    except Exception as exc:  # an upside-down issue has no entries: the errors must agree
        return repr(exc).encode()


ROTATED = [p for p in FIXTURE_PDFS if p.stem in ("office-zhiyuan", "browser-mingli")]


@pytest.mark.parametrize("rotate", [90, 270, 180])
@pytest.mark.parametrize("path", ROTATED, ids=_ids(ROTATED))
def test_rotated_pages_match_pdfplumber(path: Path, rotate: int, tmp_path: Path) -> None:
    turned = _turned(path, tmp_path / f"{path.stem}-{rotate}.pdf", rotate)
    plumber = api.read(turned, engine="pdfplumber")
    ours = api.read(turned, engine="pdfium")
    assert _line_view(ours) == _line_view(plumber)
    assert _json(turned, "pdfium") == _json(turned, "pdfplumber")


def test_rotated_text_is_read_as_pdfplumber_reads_it(tmp_path: Path) -> None:
    # PDFium gives a glyph drawn turned a loose box of no width: such pages come from
    # pdfminer. Upright pages never do (that would cost the engine its speed).

    asked: list[int] = []
    real_page = plumber_page.LazyReading.page

    def counting(self: plumber_page.LazyReading, number: int) -> object:
        asked.append(number)
        return real_page(self, number)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plumber_page.LazyReading, "page", counting)
        for path in FIXTURE_PDFS:
            read_pdf(path, limits=Limits())
        assert asked == []
        turned = _turned(ROTATED[0], tmp_path / "landscape.pdf", 90)
        landscape = read_pdf(turned, limits=Limits())
    assert asked == [page.number for page in landscape.pages]
    # Exactly pdfminer's lines, glyph stand-ins and all (PDFium would read /ActualText).
    plumber = api.read(turned, engine="pdfplumber")
    assert [line.text for line in landscape.lines()] == [line.text for line in plumber.lines()]


def test_a_hyphen_ending_a_line_is_read_as_drawn(tmp_path: Path) -> None:
    # PDFium reports a "-" that ends a line as U+FFFE (its hyphenation mark).
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    path = tmp_path / "hyphen.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 700, "https://example.com/news/merger-review-phase-two-")
    pdf.drawString(72, 686, "notice.html and more text")
    pdf.showPage()
    pdf.save()
    texts = [line.text for line in api.read(path, engine="pdfium").lines()]
    assert texts == [line.text for line in api.read(path, engine="pdfplumber").lines()]
    assert texts[0].endswith("phase-two-")


def test_a_rewritten_fonts_descent_is_bounded_on_every_reading_route(tmp_path: Path) -> None:
    # Ghostscript states a CJK font's descent as about an em: unbounded, every glyph box
    # sits under its baseline and a link takes the line above. The turned copy sends the
    # pdfium engine through pdfminer (LazyReading), which must bound it as the engines do.
    path = FIXTURES / "pdf" / "gs-typst-chengming.pdf"
    turned = _turned(path, tmp_path / "turned.pdf", 90)
    for source in (path, turned):
        issues = {engine: api.parse(source, engine=engine).to_dict() for engine in api.ENGINES}
        assert issues["pdfium"] == issues["pdfplumber"], source.name
        assert _line_view(api.read(source, engine="pdfium")) == _line_view(
            api.read(source, engine="pdfplumber")
        ), source.name
    upright = api.parse(path, engine="pdfium").to_dict()["links"]
    assert [link["text"] for link in upright] == ["www.chengminglaw.com"]
