"""Text layers without Unicode (fonts without ToUnicode): ``reportparse.textlayer``.

Fixtures (``tests/fixtures/no_tounicode.py``): ``broken/no-tounicode.pdf`` is
``pdf/office-zhiyuan.pdf`` with every /ToUnicode removed; ``no-tounicode-pages-2-3.pdf``
has them removed on pages 2 and 3 only.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pdfplumber
import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from reportparse import cli
from reportparse.read import textlayer
from reportparse.read.textlayer import PageMapping

FIXTURES = Path(__file__).parent / "fixtures"
NONE_MAPPED = FIXTURES / "broken" / "no-tounicode.pdf"
PAGES_2_3 = FIXTURES / "broken" / "no-tounicode-pages-2-3.pdf"
ORIGINAL = FIXTURES / "pdf" / "office-zhiyuan.pdf"


def glyph(char: dict[str, object]) -> SimpleNamespace:
    return SimpleNamespace(text=char["text"], fontname=char["fontname"])


def plumber_pages(path: Path) -> list[PageMapping]:
    with pdfplumber.open(path) as pdf:
        return [
            textlayer.page_mapping(
                number,
                [SimpleNamespace(text=c["text"], fontname=c["fontname"]) for c in page.chars],
            )
            for number, page in enumerate(pdf.pages, start=1)
        ]


def pdfium_pages(path: Path) -> list[PageMapping]:
    document = pdfium.PdfDocument(path)
    try:
        found = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            found.append(textlayer.pdfium_page_mapping(textpage, index + 1))
            textpage.close()
            page.close()
        return found
    finally:
        document.close()


READERS = {"pdfplumber": plumber_pages, "pdfium": pdfium_pages}


@pytest.mark.parametrize("engine", sorted(READERS))
def test_every_page_of_the_unmapped_fixture_is_found(engine: str) -> None:
    pages = READERS[engine](NONE_MAPPED)
    assert len(pages) == 5
    assert all(page.share >= 0.9 for page in pages), pages
    assert "NotoSansCJKjp-Regular-VKana" in pages[1].fonts
    message = textlayer.document_message(pages)
    assert message is not None
    assert message.startswith("the text layer has no Unicode mapping for 95% of its characters")
    assert "fonts without ToUnicode: " in message and message.endswith(
        "(for example with ocrmypdf)"
    )


@pytest.mark.parametrize("engine", sorted(READERS))
def test_only_the_pages_without_mapping_are_warned_about(engine: str) -> None:
    pages = READERS[engine](PAGES_2_3)
    assert [page.page for page in pages if page.unmapped] == [2, 3]
    assert textlayer.document_message(pages) is None  # pages 1, 4 and 5 read fine
    warnings = textlayer.page_warnings(pages)
    assert [page for page, _ in warnings] == [2, 3]
    assert warnings[0][1].startswith("no Unicode mapping for 93% of its characters (")
    # When nothing could be parsed, the missing mapping is the likelier cause.
    assert textlayer.document_message(pages, nothing_found=True) is not None


@pytest.mark.parametrize("engine", sorted(READERS))
def test_the_original_has_every_glyph_mapped(engine: str) -> None:
    pages = READERS[engine](ORIGINAL)
    assert [page.unmapped for page in pages] == [0] * 5
    assert all(page.glyphs for page in pages)
    assert textlayer.document_message(pages, nothing_found=True) is None
    assert textlayer.page_warnings(pages) == []


@pytest.mark.parametrize(
    ("text", "unmapped"),
    [
        ("(cid:3)", True),
        ("(cid:12345)", True),
        ("\ufffd", True),
        ("\x07", True),
        ("\x85", True),
        ("\t", False),
        ("中", False),
        ("A", False),
        ("\uf06c", False),  # a private-use bullet is a mapping, if an odd one
        ("(cid:x)", False),
    ],
)
def test_is_unmapped(text: str, unmapped: bool) -> None:
    assert textlayer.is_unmapped(text) is unmapped


@pytest.mark.parametrize(
    "texts",
    [
        ["中", "A", "\t"],
        ["中", "(cid:3)", "A"],
        ["(cid:", "x)"],  # a "(cid:" that is no glyph's code
        ["A", "\x85"],
        ["\ufffd"],
        ["\uf06c", "\n"],
        [],
    ],
)
def test_a_page_looks_unmapped_when_one_of_its_glyphs_is(texts: list[str]) -> None:
    chars = [SimpleNamespace(text=text) for text in texts]
    expected = any(textlayer.is_unmapped(text) for text in texts)
    assert textlayer.looks_unmapped(chars) is expected  # type: ignore[arg-type]
    assert textlayer.looks_unmapped("".join(texts)) is expected


def test_page_counts_leave_whitespace_out_and_name_fonts_without_subset_tags() -> None:
    texts = ["A", "(cid:7)", " ", "\ufffd", "中"]
    chars = [SimpleNamespace(text=t, fontname="ABCDEF+SimSun") for t in texts]
    page = textlayer.page_mapping(1, chars)
    assert (page.glyphs, page.unmapped, page.fonts) == (4, 2, ("SimSun",))
    assert textlayer.page_mapping(2, []).share == 0.0


# --------------------------------------------------------------------------- the command

runner = CliRunner()


@pytest.mark.parametrize("engine", sorted(READERS))
def test_cli_reports_a_text_layer_without_unicode(engine: str) -> None:
    result = runner.invoke(cli.app, ["extract", "--engine", engine, str(NONE_MAPPED)])
    assert result.exit_code == 1
    assert "no Unicode mapping for 95% of its characters" in result.stderr
    assert "no entries found" not in result.stderr


@pytest.mark.parametrize("engine", sorted(READERS))
def test_cli_warns_about_pages_without_unicode(engine: str, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = runner.invoke(cli.app, ["extract", "--engine", engine, str(PAGES_2_3), "-o", str(out)])
    assert result.exit_code == 0
    warned = [line for line in result.stderr.splitlines() if "no Unicode mapping" in line]
    assert len(warned) == 2 and "no-unicode p.2: " in warned[0] and "no-unicode p.3: " in warned[1]
