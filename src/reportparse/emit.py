"""Issue dicts -> bytes on disk: JSON, JSON Lines, CSV; plus the ``text`` command's view.

Everything here works on ``Issue.to_dict()`` output, not on model objects, so a batch
runner can rebuild combined tables from JSON files it saved earlier.

CSV choices, fixed so that files diff cleanly across runs:

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

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any, Literal

import orjson

from .errors import OutputError
from .model import Document, Line

Format = Literal["json", "jsonl", "csv"]
FORMATS: tuple[str, ...] = ("json", "jsonl", "csv")

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


# --------------------------------------------------------------------------- JSON


def issue_json(issue_dict: Mapping[str, Any], *, pretty: bool) -> bytes:
    """Given an issue dict, return it as UTF-8 JSON ending in a newline."""
    option = orjson.OPT_APPEND_NEWLINE
    if pretty:
        option |= orjson.OPT_INDENT_2
    return orjson.dumps(issue_dict, option=option)


def entry_records(issue_dict: Mapping[str, Any], file: str) -> list[dict[str, Any]]:
    """Given an issue dict and the input's name, return one flat record per entry."""
    period = issue_dict.get("issue", {}).get("period")
    # file and period first: they are what tells rows from different issues apart.
    return [{"file": file, "period": period, **entry} for entry in issue_dict.get("entries", [])]


def jsonl_bytes(records: Iterable[Mapping[str, Any]]) -> bytes:
    """Given records, return them as JSON Lines (one compact object per line)."""
    return b"".join(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE) for record in records)


# --------------------------------------------------------------------------- CSV


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


def csv_row(record: Mapping[str, Any]) -> list[str]:
    """Given one entry record, return its cells in CSV_COLUMNS order."""
    pages = record.get("pages") or [None, None]
    values = {**record, "page_start": pages[0], "page_end": pages[-1]}
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


# --------------------------------------------------------------------------- one entry point


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
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


# --------------------------------------------------------------------------- files


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Given a path and bytes, replace the file in one step (never half-written)."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the folder {str(target.parent)!r}: {exc.strerror or exc}",
            path=str(target),
        ) from exc
    try:
        # Same directory, so os.replace is a rename on one file system, never a copy.
        fd, temp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise OutputError(
            f"cannot write the output: {exc.strerror or exc}", path=str(target)
        ) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, _mode_for(target))
        os.replace(temp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise OutputError(
                f"cannot write the output: {exc.strerror or exc}", path=str(target)
            ) from exc
        raise
    _fsync_directory(target.parent)


def _mode_for(target: Path) -> int:
    """Given the target path, return the permission bits the new file should get."""
    # mkstemp makes 0600 files; keep an existing file's mode, else what open() would give.
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
    """Given a directory, flush its entry list so the rename survives a crash."""
    # Best effort: not every platform or file system lets a directory be opened.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --------------------------------------------------------------------------- text view


def render_line(line: Line) -> str:
    """Given one line, return how the text view shows it."""
    if line.kind == "uri":
        return f"<uri: {line.text}>"
    return line.text


def render_text(document: Document) -> str:
    """Given a document, return its lines under one ``=== page N ===`` marker per page."""
    out: list[str] = []
    for page in document.pages:
        out.append(f"=== page {page.number} ===")
        out.extend(render_line(line) for line in page.lines)
    return "\n".join(out) + "\n" if out else ""
