"""Entry records -> CSV, fixed so that files diff cleanly across runs.

* rows end in ``"\\r\\n"`` as RFC 4180 says; a cell holding a comma, quote, ``\\n`` or
  ``\\r`` is quoted (``QUOTE_MINIMAL``). Not ``"\\n"``: Python's csv writer then leaves a
  lone ``\\r`` inside a cell unquoted, which splits the row for every reader;
* ``null`` becomes an empty cell;
* a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
  apostrophe ``'``: spreadsheet programs would otherwise run it as a formula (CSV
  injection). Scraped titles are untrusted input, so the guard is always on;
* ``bom=True`` prepends U+FEFF, without which Excel decodes UTF-8 as the local code page
  and shows Chinese as mojibake.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import IO, Any

CSV_COLUMNS: tuple[str, ...] = (
    "file",
    "period",
    "section",
    "number",
    "title",
    "date",
    "source",
    "url",
    "summary",
    "commentary",
    "page_start",
    "page_end",
)

BOM = "\ufeff"
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value: Any) -> str:
    """Given a cell value, return the text a spreadsheet can open without running it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


def row_values(record: Mapping[str, Any]) -> dict[str, Any]:
    """Given one entry record, return it with its page span as the table's page_start and
    page_end."""
    pages = record.get("pages") or [None, None]
    return {**record, "page_start": pages[0], "page_end": pages[-1]}


def csv_row(record: Mapping[str, Any]) -> list[str]:
    """Given one entry record, return its cells in CSV_COLUMNS order."""
    values = row_values(record)
    return [guard_cell(values.get(column)) for column in CSV_COLUMNS]


def write_csv(records: Iterable[Mapping[str, Any]], handle: IO[str], *, bom: bool = False) -> None:
    """Given records and a text handle opened with newline="", write a header and rows."""
    if bom:
        handle.write(BOM)
    writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(record) for record in records)


def csv_text(records: Iterable[Mapping[str, Any]], *, bom: bool = False) -> str:
    """Given records, return the whole CSV file as a string."""
    buffer = io.StringIO(newline="")
    write_csv(records, buffer, bom=bom)
    return buffer.getvalue()
