"""Issue dicts -> bytes on disk: JSON, JSON Lines, CSV, Excel; the ``text`` command's view.

Everything here works on ``Issue.to_dict()`` output, not on model objects, so a batch
runner can rebuild combined tables from JSON files it saved earlier.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from .csv_table import BOM, CSV_COLUMNS, csv_row, csv_text, guard_cell, write_csv
from .files import atomic_write
from .issue_json import entry_records, issue_json, jsonl_bytes
from .text_view import explain_line, render_line, render_text

Format = Literal["json", "jsonl", "csv", "xlsx"]
FORMATS: tuple[str, ...] = ("json", "jsonl", "csv", "xlsx")

__all__ = [
    "BOM",
    "CSV_COLUMNS",
    "FORMATS",
    "Format",
    "atomic_write",
    "csv_row",
    "csv_text",
    "entry_records",
    "explain_line",
    "guard_cell",
    "issue_json",
    "jsonl_bytes",
    "render",
    "render_line",
    "render_text",
    "write_csv",
]


def render(
    issue_dict: Mapping[str, Any],
    fmt: Format | str,
    *,
    file: str,
    pretty: bool = False,
    bom: bool = False,
) -> bytes:
    """Given an issue dict and a format name, return the bytes of that output file."""
    if fmt == "json":
        return issue_json(issue_dict, pretty=pretty)
    records = entry_records(issue_dict, file)
    if fmt == "jsonl":
        return jsonl_bytes(records)
    if fmt == "csv":
        return csv_text(records, bom=bom).encode("utf-8")
    if fmt == "xlsx":
        from .xlsx import xlsx_bytes  # openpyxl is imported only for Excel output

        return xlsx_bytes(records)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
