"""emit: issue dicts -> JSON, JSON Lines, CSV, files and the text view."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import openpyxl
import orjson
import pytest

from reportparse import emit
from reportparse.errors import OutputError
from reportparse.model import (
    Document,
    Entry,
    Issue,
    IssueInfo,
    Line,
    Link,
    Page,
    SourceInfo,
    Warning,
)


def make_entry(number: int, section: str = "政策速递", **overrides: Any) -> Entry:
    """Given a number (and field overrides), return a plausible entry."""
    values: dict[str, Any] = {
        "section": section,
        "number": number,
        "title": f"国内AI算力公司“无问芯穹”完成近5亿元A轮融资 {number}",
        "date": "2024-09-07",
        "date_text": "2024年9月7日",
        "source": "新浪财经",
        "url": f"https://example.com/{number}.html",
        "urls": [f"https://example.com/{number}.html"],
        "summary": '第一段，含逗号。\n第二段 "引号"',
        "commentary": None,
        "links": [Link(text="无问芯穹", uri="https://example.com/a")],
        "pages": (3, 4),
    }
    values.update(overrides)
    return Entry(**values)


def make_issue(entries: list[Entry] | None = None) -> dict[str, Any]:
    """Given entries, return the dict of an issue that holds them."""
    issue = Issue(
        source=SourceInfo(path="in.pdf", sha256="0" * 64, kind="pdf", pages=23),
        issue=IssueInfo(
            title="元宇宙与数字经济月报", period="2024-09", publisher="北京植德律师事务所"
        ),
        entries=entries if entries is not None else [make_entry(1), make_entry(2, "交易资讯")],
        links=[Link(text="植德", uri="https://zhidelaw.com", page=23)],
        warnings=[Warning(code="no-summary", message="no 摘要 label", page=5)],
    )
    return issue.to_dict()


def read_csv(text: str) -> list[dict[str, str]]:
    """Given CSV text, return its rows as dicts keyed by the header."""
    return list(csv.DictReader(io.StringIO(text.removeprefix(emit.BOM), newline="")))


# --------------------------------------------------------------------------- JSON


@pytest.mark.parametrize("pretty", [False, True])
def test_issue_json_round_trips_and_keeps_chinese(pretty: bool) -> None:
    issue = make_issue()
    data = emit.issue_json(issue, pretty=pretty)
    assert data.endswith(b"\n")
    assert json.loads(data) == issue
    assert "元宇宙".encode() in data  # UTF-8, not \u escapes
    assert (b'\n  "schema_version"' in data) is pretty


def test_entry_records_flatten_entries_with_file_and_period() -> None:
    records = emit.entry_records(make_issue(), "issues/2024-09.pdf")
    assert len(records) == 2
    assert list(records[0])[:3] == ["file", "period", "section"]
    assert {r["file"] for r in records} == {"issues/2024-09.pdf"}
    assert {r["period"] for r in records} == {"2024-09"}
    assert records[1]["section"] == "交易资讯"
    assert records[0]["links"] == [{"text": "无问芯穹", "uri": "https://example.com/a"}]


def test_jsonl_has_one_object_per_entry() -> None:
    records = emit.entry_records(make_issue([make_entry(n) for n in range(1, 6)]), "a.pdf")
    lines = emit.jsonl_bytes(records).splitlines()
    assert len(lines) == 5
    assert [orjson.loads(line)["number"] for line in lines] == [1, 2, 3, 4, 5]
    assert all(set(orjson.loads(line)) >= {"file", "period", "title", "pages"} for line in lines)


def test_jsonl_of_no_records_is_empty() -> None:
    assert emit.jsonl_bytes([]) == b""


# --------------------------------------------------------------------------- CSV


def test_csv_header_and_values() -> None:
    text = emit.csv_text(emit.entry_records(make_issue(), "a.pdf"))
    assert text.splitlines()[0] == ",".join(emit.CSV_COLUMNS)
    rows = read_csv(text)
    assert len(rows) == 2
    first = rows[0]
    assert first["file"] == "a.pdf"
    assert first["period"] == "2024-09"
    assert first["number"] == "1"
    assert first["page_start"] == "3"
    assert first["page_end"] == "4"
    assert first["commentary"] == ""  # null -> empty cell
    assert first["summary"] == '第一段，含逗号。\n第二段 "引号"'  # quoted, survives


def test_csv_of_no_entries_is_just_the_header() -> None:
    assert emit.csv_text([]) == ",".join(emit.CSV_COLUMNS) + "\r\n"


@pytest.mark.parametrize("text", ["a\rb", "a\nb", "a\r\nb", "末尾\r"])
def test_csv_keeps_line_breaks_inside_a_cell(text: str) -> None:
    records = emit.entry_records(make_issue([make_entry(1, summary=text)]), "a")
    assert read_csv(emit.csv_text(records))[0]["summary"] == text


@pytest.mark.parametrize(
    ("title", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 更多", "'+1 更多"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("普通标题 = 安全", "普通标题 = 安全"),
        ("2024-09-07", "2024-09-07"),
    ],
)
def test_csv_formula_guard(title: str, cell: str) -> None:
    rows = read_csv(
        emit.csv_text(emit.entry_records(make_issue([make_entry(1, title=title)]), "a"))
    )
    assert rows[0]["title"] == cell


def test_guard_cell_leaves_numbers_alone() -> None:
    assert emit.guard_cell(-3) == "-3"
    assert emit.guard_cell(None) == ""


@pytest.mark.parametrize("bom", [False, True])
def test_csv_bom(bom: bool) -> None:
    data = emit.render(make_issue(), "csv", file="a.pdf", bom=bom)
    assert data.startswith(b"\xef\xbb\xbf") is bom
    assert data.decode("utf-8-sig").startswith("file,period,")


def test_write_csv_to_a_handle_matches_csv_text() -> None:
    records = emit.entry_records(make_issue(), "a.pdf")
    handle = io.StringIO(newline="")
    emit.write_csv(records, handle)
    assert handle.getvalue() == emit.csv_text(records)


@pytest.mark.parametrize("fmt", [fmt for fmt in emit.FORMATS if fmt != "xlsx"])
def test_render_every_text_format_is_utf8(fmt: str) -> None:
    data = emit.render(make_issue(), fmt, file="a.pdf")
    assert "新浪财经" in data.decode("utf-8")


def test_render_xlsx_is_a_workbook_holding_the_text() -> None:
    data = emit.render(make_issue(), "xlsx", file="a.pdf")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert "新浪财经" in [cell.value for row in sheet.iter_rows() for cell in row]


def test_render_rejects_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        emit.render(make_issue(), "xml", file="a.pdf")


# --------------------------------------------------------------------------- atomic_write


def test_atomic_write_creates_parents_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out" / "deep" / "issue.json"
    emit.atomic_write(target, b"one\n")
    emit.atomic_write(target, b"two\n")
    assert target.read_bytes() == b"two\n"
    assert os.listdir(target.parent) == ["issue.json"]


def test_atomic_write_failure_keeps_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "issue.json"
    target.write_bytes(b"old\n")

    def crash(fd: int) -> None:
        raise RuntimeError("disk on fire")

    # fsync runs after the bytes went into the temp file: a crash mid-write.
    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(RuntimeError, match="disk on fire"):
        emit.atomic_write(target, b"new and half-written")
    assert target.read_bytes() == b"old\n"
    assert os.listdir(tmp_path) == ["issue.json"]


def test_atomic_write_os_error_becomes_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OutputError, match="No space left"):
        emit.atomic_write(tmp_path / "a.csv", b"x")
    assert os.listdir(tmp_path) == []


def test_atomic_write_into_a_folder_path_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(OutputError):
        emit.atomic_write(tmp_path / "taken", b"x")
    assert os.listdir(tmp_path) == ["taken"]


def test_atomic_write_keeps_an_existing_files_mode(tmp_path: Path) -> None:
    target = tmp_path / "shared.json"
    target.write_bytes(b"old")
    target.chmod(0o644)
    emit.atomic_write(target, b"new")
    assert target.stat().st_mode & 0o777 == 0o644


# --------------------------------------------------------------------------- text view


def test_render_text_marks_pages_and_uris() -> None:
    document = Document(
        path="a.txt",
        sha256="0" * 64,
        kind="text",
        page_count=2,
        pages=[
            Page(number=1, lines=[Line("1. 标题", 1), Line("https://x.cn/a", 1, kind="uri")]),
            Page(number=2, lines=[Line("摘要：正文", 2)]),
        ],
    )
    assert emit.render_text(document) == (
        "=== page 1 ===\n1. 标题\n<uri: https://x.cn/a>\n=== page 2 ===\n摘要：正文\n"
    )


def test_render_text_of_no_pages_is_empty() -> None:
    document = Document(path="a", sha256="", kind="text", page_count=0, pages=[])
    assert emit.render_text(document) == ""
