"""Entry records -> an Excel workbook (.xlsx), with openpyxl.

One sheet, ``entries``: a header row, then one row per entry in the CSV columns
(:data:`reportparse.write.CSV_COLUMNS`). Choices:

* the header row is frozen and carries an autofilter over every row;
* title, summary and commentary cells wrap; every cell is top-aligned;
* a url cell is a clickable hyperlink when it is an ``http``, ``https``, ``ftp`` or
  ``mailto`` URI Excel accepts (at most 2,079 characters); any other value stays text;
* column widths fit the longest line of a column, counting East Asian wide characters as
  two, capped per column (long text wraps instead);
* no cell is ever a formula: text gets the CSV's guard (a leading ``'`` before ``=``, ``+``,
  ``-``, ``@``, tab, carriage return) and is stored as a string cell; number and pages stay
  numbers;
* characters XML cannot hold (C0 controls other than tab and newlines) become U+FFFD, and a
  cell is cut to Excel's limit of 32,767 characters (ending in ``…``);
* the same records give the same bytes: the workbook's created/modified times and the zip
  entries' times are fixed.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from .csv_table import CSV_COLUMNS, guard_cell, row_values
from .files import atomic_write

SHEET_TITLE = "entries"

# Document times written into every file, so that equal records give equal bytes.
FIXED_TIME = dt.datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

MAX_CELL_CHARS = 32_767  # Excel's limit on the text of one cell
MAX_LINK_CHARS = 2_079  # Excel's limit on a hyperlink's address
LINK_SCHEMES = ("http://", "https://", "ftp://", "mailto:")

WRAPPED: frozenset[str] = frozenset({"title", "summary", "commentary"})
NUMERIC: frozenset[str] = frozenset({"number", "page_start", "page_end"})

# Widest a column gets, in character widths (a Han character counts two).
MAX_WIDTH: dict[str, int] = {
    "file": 40,
    "title": 60,
    "source": 24,
    "url": 50,
    "summary": 80,
    "commentary": 60,
}
DEFAULT_MAX_WIDTH = 20
PADDING = 2

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def text_width(text: str) -> int:
    """Given one line of text, return its width in columns (East Asian wide counts two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def cell_text(value: Any) -> str:
    """Given a text value, return what its cell holds: guarded, XML-safe, within limits,
    line ends as Excel's line break (an XML reader turns a stored CR into LF anyway)."""
    text = _ILLEGAL.sub("\ufffd", guard_cell(value)).replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def _is_link(value: Any) -> bool:
    return (
        isinstance(value, str)
        and value.lower().startswith(LINK_SCHEMES)
        and len(value) <= MAX_LINK_CHARS
        and not _ILLEGAL.search(value)
        and not any(char.isspace() for char in value)
    )


def workbook(records: Iterable[Mapping[str, Any]]) -> Workbook:
    """Given entry records (``entries.jsonl`` rows), return the workbook."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = SHEET_TITLE
    book.properties.creator = "reportparse"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME

    # Named styles: a cell takes one by name, far cheaper than a style object per cell.
    header = NamedStyle("Header", font=Font(bold=True), alignment=Alignment(vertical="top"))
    top = NamedStyle("Top", alignment=Alignment(vertical="top"))
    wrapped = NamedStyle("Wrapped", alignment=Alignment(vertical="top", wrap_text=True))
    link = NamedStyle(
        "Link",
        font=Font(color="0563C1", underline="single"),
        alignment=Alignment(vertical="top"),
    )
    for named in (header, top, wrapped, link):
        book.add_named_style(named)
    widths = {column: text_width(column) for column in CSV_COLUMNS}
    caps = {column: MAX_WIDTH.get(column, DEFAULT_MAX_WIDTH) for column in CSV_COLUMNS}

    for index, column in enumerate(CSV_COLUMNS, start=1):
        sheet.cell(row=1, column=index, value=column).style = header.name

    row_number = 1
    for row_number, record in enumerate(records, start=2):
        values = row_values(record)
        for index, column in enumerate(CSV_COLUMNS, start=1):
            value = values.get(column)
            cell = sheet.cell(row=row_number, column=index)
            style = wrapped.name if column in WRAPPED else top.name
            if column in NUMERIC and isinstance(value, int) and not isinstance(value, bool):
                cell.value = value
                shown = str(value)
            elif value is None:
                shown = ""
            else:
                shown = cell_text(value)
                cell.value = shown
                # A string cell, whatever it starts with: never a formula.
                cell.data_type = "s"
                if column == "url" and _is_link(value):
                    cell.hyperlink = str(value)
                    style = link.name
            cell.style = style
            # Measure only what could widen the column: a line is at most twice as wide as
            # it is long, and no column grows past its cap.
            if widths[column] < caps[column]:
                for line in shown.split("\n"):
                    if 2 * len(line) > widths[column]:
                        widths[column] = max(widths[column], text_width(line))

    last = get_column_letter(len(CSV_COLUMNS))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last}{row_number}"
    for index, column in enumerate(CSV_COLUMNS, start=1):
        width = min(widths[column], caps[column]) + PADDING
        sheet.column_dimensions[get_column_letter(index)].width = width
    return book


def xlsx_bytes(records: Iterable[Mapping[str, Any]]) -> bytes:
    """Given entry records, return the bytes of the .xlsx file (the same for the same records)."""
    book = workbook(records)
    raw = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps the current time as "modified".
    # Stored, not compressed: the members are compressed once, when their times are fixed.
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(book, archive).write_data()
    return _fixed_zip_times(raw.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Given a zip file, return it with every member's time and origin fixed."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0
            target.writestr(fixed, source.read(info))
    return out.getvalue()


def write_xlsx(records: Iterable[Mapping[str, Any]], path: str | os.PathLike[str]) -> None:
    """Given entry records and a path, write the .xlsx file in one step (never half-written)."""
    atomic_write(path, xlsx_bytes(records))


__all__ = [
    "SHEET_TITLE",
    "cell_text",
    "text_width",
    "workbook",
    "write_xlsx",
    "xlsx_bytes",
]
