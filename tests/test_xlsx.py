"""The Excel output, read back with openpyxl: one row per entry in the CSV columns, header
frozen, autofilter, wrapped text, clickable URLs, widths fit for Chinese, never a formula.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from reportparse import emit
from reportparse.write.xlsx import (
    MAX_CELL_CHARS,
    cell_text,
    text_width,
    write_xlsx,
    xlsx_bytes,
)

from .archive_issues import golden, synthetic


def records() -> list[dict[str, Any]]:
    return [
        record
        for file, issue in [*golden(), *synthetic()]
        for record in emit.entry_records(issue, file)
    ]


def sheet_of(data: bytes) -> Worksheet:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    return sheet


@pytest.fixture(scope="module")
def sheet() -> Worksheet:
    return sheet_of(xlsx_bytes(records()))


def column(name: str) -> int:
    return emit.CSV_COLUMNS.index(name) + 1


def test_one_row_per_entry_in_the_csv_columns(sheet: Worksheet) -> None:
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == emit.CSV_COLUMNS
    expected = records()
    assert len(rows) == len(expected) + 1
    for row, record in zip(rows[1:], expected, strict=True):
        csv_cells = emit.csv_row(record)
        for name, value, csv_value in zip(emit.CSV_COLUMNS, row, csv_cells, strict=True):
            if name in ("number", "page_start", "page_end"):
                assert isinstance(value, int) and str(value) == csv_value
            else:
                # The same text as the CSV cell, the same guard; empty cells are empty.
                assert (value or "") == csv_value


def test_header_frozen_and_autofilter(sheet: Worksheet) -> None:
    assert sheet.title == "entries"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:L{len(records()) + 1}"
    assert all(cell.font.bold for cell in sheet[1])


def test_long_text_wraps(sheet: Worksheet) -> None:
    for name in ("title", "summary", "commentary"):
        assert sheet.cell(row=2, column=column(name)).alignment.wrap_text
    assert not sheet.cell(row=2, column=column("url")).alignment.wrap_text


def test_urls_are_clickable_and_only_web_ones(sheet: Worksheet) -> None:
    expected = records()
    for row, record in enumerate(expected, start=2):
        cell = sheet.cell(row=row, column=column("url"))
        if record["url"].startswith(("https://", "http://")):
            assert cell.hyperlink is not None and cell.hyperlink.target == record["url"]
            assert cell.value == record["url"]
        else:  # javascript:void(0) in the synthetic issue
            assert cell.hyperlink is None
            assert cell.value == record["url"]
    assert sum(1 for r in expected if r["url"].startswith("javascript:")) == 1


def test_no_cell_is_a_formula(sheet: Worksheet) -> None:
    data = xlsx_bytes(records())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    titles = [cell.value for cell in sheet["E"]]
    assert '\'=HYPERLINK("http://evil.example","点我")' in titles


@pytest.mark.parametrize("text", ["=1+2", "+86", "-1", "@SUM(A1)", "\t=x", "\r=x"])
def test_formula_triggers_stay_text(text: str) -> None:
    record = {**records()[0], "title": text, "summary": text, "source": text}
    cells = sheet_of(xlsx_bytes([record]))[2]
    for name in ("title", "summary", "source"):
        cell = cells[column(name) - 1]
        assert cell.data_type == "s"
        assert cell.value == "'" + text.replace("\r", "\n")


def test_widths_fit_chinese(sheet: Worksheet) -> None:
    widths = {
        name: sheet.column_dimensions[chr(64 + column(name))].width for name in emit.CSV_COLUMNS
    }
    # A section name is four Han characters: eight columns wide, plus padding.
    assert widths["section"] == 8 + 2
    assert widths["date"] == len("2025-03-07") + 2
    assert widths["number"] == len("number") + 2
    assert widths["title"] == 60 + 2  # capped: long titles wrap
    assert widths["summary"] == 80 + 2
    assert text_width("算力AI") == 6
    assert text_width("ＡＩ") == 4


def test_same_records_same_bytes(tmp_path: Path) -> None:
    first = xlsx_bytes(records())
    assert xlsx_bytes(records()) == first
    target = tmp_path / "out" / "entries.xlsx"
    write_xlsx(records(), target)
    assert target.read_bytes() == first


def test_no_entries_gives_a_header_only_sheet() -> None:
    sheet = sheet_of(xlsx_bytes([]))
    assert [cell.value for cell in sheet[1]] == list(emit.CSV_COLUMNS)
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:L1"


def test_characters_xml_cannot_hold_and_overlong_cells() -> None:
    assert cell_text("a\x00b\x0cc\td\ne") == "a\ufffdb\ufffdc\td\ne"
    record = {**records()[0], "summary": "长" * (MAX_CELL_CHARS + 10), "title": "x\x07y"}
    cells = sheet_of(xlsx_bytes([record]))[2]
    summary = cells[column("summary") - 1].value
    assert isinstance(summary, str) and len(summary) == MAX_CELL_CHARS
    assert summary.endswith("…")
    assert cells[column("title") - 1].value == "x\ufffdy"
