"""The command line: help, version, output formats, and errors as one line + exit status.

Parsing itself is stubbed here (``reportparse.cli.extract.parse`` returns a hand-built Issue); the
end-to-end golden tests cover the real layers.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from reportparse import __version__, cli
from reportparse.cli import extract as extract_cmd
from reportparse.cli import text as text_cmd
from reportparse.errors import EncryptedPDFError
from reportparse.model import (
    Document,
    Entry,
    Issue,
    IssueInfo,
    Line,
    Page,
    SourceInfo,
    Warning,
)

from .cli_checks import one_error_line

runner = CliRunner()

COMMANDS = sorted(typer.main.get_command(cli.app).commands)  # type: ignore[attr-defined]
# Commands that read one FILE and report its error as one line (batch reports per file).
SINGLE_FILE_COMMANDS = ["extract", "text"]


def make_issue(path: str = "issue.pdf") -> Issue:
    """Given the input path, return a two-entry issue with one warning."""

    def entry(section: str, number: int, title: str) -> Entry:
        return Entry(
            section=section,
            number=number,
            title=title,
            date="2024-09-07",
            date_text="2024年9月7日",
            source="新浪财经",
            url="https://example.com/a.html",
            urls=["https://example.com/a.html"],
            summary="摘要第一段\n第二段",
            commentary=None,
            links=[],
            pages=(3, 3),
        )

    return Issue(
        source=SourceInfo(path=path, sha256="0" * 64, kind="pdf", pages=23),
        issue=IssueInfo(title="元宇宙与数字经济月报", period="2024-09"),
        entries=[entry("政策速递", 1, "=SUM(1)"), entry("交易资讯", 1, "无问芯穹完成A轮融资")],
        warnings=[Warning(code="no-summary", message="entry 1 has no 摘要 label", page=5)],
    )


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    """Return an existing input file (its content never matters: parse is stubbed)."""
    path = tmp_path / "issue.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    return path


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Stub reportparse.cli.extract.parse; return the keyword arguments it was called with."""
    seen: list[dict[str, Any]] = []

    def fake_parse(path: str, **kwargs: Any) -> Issue:
        seen.append({"path": path, **kwargs})
        return make_issue(path)

    monkeypatch.setattr(extract_cmd, "parse", fake_parse)
    return seen


def raising(exc: BaseException) -> Any:
    """Given an exception, return a parse stand-in that raises it."""

    def fake_parse(path: str, **kwargs: Any) -> Issue:
        raise exc

    return fake_parse


# --------------------------------------------------------------------------- help, version


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = runner.invoke(cli.app, [command, "--help"])
    assert result.exit_code == 0
    assert "Examples" in result.stdout
    assert f"reportparse {command} " in result.stdout


def test_no_arguments_shows_help() -> None:
    result = runner.invoke(cli.app, [])
    assert "extract" in result.output
    assert "text" in result.output


def test_version() -> None:
    result = runner.invoke(cli.app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"reportparse {__version__}\n"


# --------------------------------------------------------------------------- extract outputs


def test_extract_json_piped_is_compact_and_complete(pdf: Path, calls: list[dict[str, Any]]) -> None:
    result = runner.invoke(cli.app, ["extract", str(pdf)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1  # compact: one line
    assert json.loads(result.stdout) == make_issue(str(pdf)).to_dict()
    assert calls[0]["path"] == str(pdf)


def test_extract_json_on_a_terminal_is_indented_without_colour_codes(
    pdf: Path, calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extract_cmd, "stdout_is_terminal", lambda: True)
    result = runner.invoke(cli.app, ["extract", str(pdf)])
    assert result.exit_code == 0, result.output
    assert '\n  "schema_version": 1' in result.stdout
    assert "\x1b[" not in result.stdout
    assert json.loads(result.stdout)["issue"]["period"] == "2024-09"


def test_extract_warnings_go_to_stderr_only(pdf: Path, calls: list[dict[str, Any]]) -> None:
    result = runner.invoke(cli.app, ["extract", str(pdf)])
    assert result.stderr == "warning: no-summary p.5: entry 1 has no 摘要 label\n"
    assert "warning: " not in result.stdout
    assert json.loads(result.stdout)["warnings"][0]["code"] == "no-summary"


def test_extract_jsonl(pdf: Path, calls: list[dict[str, Any]]) -> None:
    result = runner.invoke(cli.app, ["extract", str(pdf), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["section"] for row in rows] == ["政策速递", "交易资讯"]
    assert {row["file"] for row in rows} == {str(pdf)}
    assert {row["period"] for row in rows} == {"2024-09"}


def test_extract_csv_with_bom_to_a_file(
    pdf: Path, tmp_path: Path, calls: list[dict[str, Any]]
) -> None:
    out = tmp_path / "out" / "issue.csv"
    result = runner.invoke(cli.app, ["extract", str(pdf), "-f", "csv", "--bom", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0]["title"] == "'=SUM(1)"  # formula guard
    assert rows[1]["title"] == "无问芯穹完成A轮融资"
    assert sorted(os.listdir(out.parent)) == ["issue.csv"]


def test_extract_json_to_a_file_is_compact(
    pdf: Path, tmp_path: Path, calls: list[dict[str, Any]]
) -> None:
    out = tmp_path / "issue.json"
    result = runner.invoke(cli.app, ["extract", str(pdf), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").count("\n") == 1


def test_extract_passes_options_through(pdf: Path, calls: list[dict[str, Any]]) -> None:
    result = runner.invoke(
        cli.app,
        [
            "extract",
            str(pdf),
            "--pages",
            "1-3,7",
            "--sections",
            "政策速递，行业新闻, 交易资讯",
            "--engine",
            "pdfium",
            "--password",
            "pw",
            "--max-pages",
            "50",
        ],
    )
    assert result.exit_code == 0, result.output
    (call,) = calls
    assert call["pages"] == [1, 2, 3, 7]
    assert call["sections"] == ["政策速递", "行业新闻", "交易资讯"]
    assert call["engine"] == "pdfium"
    assert call["password"] == "pw"
    assert call["limits"].max_pages == 50


def test_verbose_reports_on_stderr(pdf: Path, calls: list[dict[str, Any]]) -> None:
    result = runner.invoke(cli.app, ["-v", "extract", str(pdf), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    assert "政策速递 1, 交易资讯 1" in result.stderr
    assert "pdfplumber" in result.stderr
    assert "reportparse:" not in result.stdout


# --------------------------------------------------------------------------- text


def test_text_shows_pages_and_uris(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = Document(
        path="a.txt",
        sha256="0" * 64,
        kind="text",
        page_count=1,
        pages=[Page(number=1, lines=[Line("标题", 1), Line("https://x.cn", 1, kind="uri")])],
        warnings=[Warning(code="odd", message="odd page", page=1)],
    )
    monkeypatch.setattr(text_cmd, "read", lambda path, **kwargs: document)
    monkeypatch.setattr(text_cmd, "clean_document", lambda doc, profile: doc)
    result = runner.invoke(cli.app, ["text", str(tmp_path / "a.txt")])
    assert result.exit_code == 0, result.output
    assert result.stdout == "=== page 1 ===\n标题\n<uri: https://x.cn>\n"
    assert result.stderr == "warning: odd p.1: odd page\n"


# --------------------------------------------------------------------------- errors


def test_missing_file_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["extract", str(tmp_path / "nope.pdf")])
    one_error_line(result, 1, "nope.pdf", "not found")


def test_empty_file_exits_1(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = runner.invoke(cli.app, ["extract", str(empty)])
    one_error_line(result, 1, "empty")


@pytest.mark.parametrize("command", SINGLE_FILE_COMMANDS)
def test_png_renamed_pdf_exits_1(tmp_path: Path, command: str) -> None:
    fake = tmp_path / "scan.pdf"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    result = runner.invoke(cli.app, [command, str(fake)])
    one_error_line(result, 1, "PNG")


@pytest.mark.parametrize(
    "args",
    [
        ["--pages", "3-1"],
        ["--pages", "x"],
        ["--pages", "0"],
        ["--max-pages", "0"],
        ["--sections", "，"],
        ["--bom"],  # only with csv
    ],
)
def test_bad_options_exit_2(pdf: Path, calls: list[dict[str, Any]], args: list[str]) -> None:
    result = runner.invoke(cli.app, ["extract", str(pdf), *args])
    one_error_line(result, 2, "error:")
    assert calls == []  # rejected before any parsing


def test_typer_usage_errors_exit_2(pdf: Path) -> None:
    assert runner.invoke(cli.app, ["extract", str(pdf), "--format", "xml"]).exit_code == 2
    assert runner.invoke(cli.app, ["extract"]).exit_code == 2
    assert runner.invoke(cli.app, ["extract", str(pdf), "--no-such-option"]).exit_code == 2


def test_output_over_the_input_is_refused(pdf: Path, calls: list[dict[str, Any]]) -> None:
    result = runner.invoke(cli.app, ["extract", str(pdf), "-o", str(pdf)])
    one_error_line(result, 2, "input file")
    assert pdf.read_bytes() == b"%PDF-1.7\n"


def test_library_error_is_one_line(pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    error = EncryptedPDFError("encrypted; pass --password", path=str(pdf))
    monkeypatch.setattr(extract_cmd, "parse", raising(error))
    result = runner.invoke(cli.app, ["extract", str(pdf)])
    one_error_line(result, 1, "reportparse: error: ", "--password")


def test_unexpected_error_is_an_internal_error(pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_cmd, "parse", raising(ZeroDivisionError("division by zero")))
    result = runner.invoke(cli.app, ["extract", str(pdf)])
    one_error_line(
        result,
        1,
        "internal error: ZeroDivisionError: division by zero",
        "--debug",
        prefix="reportparse: ",
    )


def test_debug_lets_the_traceback_through(pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_cmd, "parse", raising(ZeroDivisionError("boom")))
    result = runner.invoke(cli.app, ["--debug", "extract", str(pdf)])
    assert result.exit_code == 1
    assert isinstance(result.exception, ZeroDivisionError)


def test_interrupt_exits_130(pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_cmd, "parse", raising(KeyboardInterrupt()))
    result = runner.invoke(cli.app, ["extract", str(pdf)])
    one_error_line(result, 130, "interrupted", prefix="reportparse: ")


def test_closed_pipe_exits_1_quietly(pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `reportparse extract big.pdf | head`: the reader left; nothing to report.
    monkeypatch.setattr(extract_cmd, "parse", raising(BrokenPipeError(32, "Broken pipe")))
    result = runner.invoke(cli.app, ["extract", str(pdf)])
    assert result.exit_code == 1
    assert result.stderr == ""


def test_unwritable_output_exits_1(pdf: Path, tmp_path: Path, calls: list[dict[str, Any]]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(cli.app, ["extract", str(pdf), "-o", str(blocker / "out.json")])
    one_error_line(result, 1, "cannot create the folder")


# --------------------------------------------------------------------------- real process


def test_real_process_version_and_error(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    version = subprocess.run(
        [sys.executable, "-m", "reportparse", "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert version.returncode == 0
    assert version.stdout == f"reportparse {__version__}\n"

    missing = subprocess.run(
        [sys.executable, "-m", "reportparse", "extract", str(tmp_path / "nope.pdf")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert missing.returncode == 1
    assert missing.stdout == ""
    assert missing.stderr.startswith("reportparse: error: ")
    assert missing.stderr.count("\n") == 1


@pytest.mark.parametrize(("flags", "shown"), [([], False), (["-v"], True)])
def test_library_log_records_only_with_verbose(
    pdf: Path, monkeypatch: pytest.MonkeyPatch, flags: list[str], shown: bool
) -> None:
    def noisy_parse(path: str, **kwargs: Any) -> Issue:
        logging.getLogger("pdfminer.pdfpage").warning("MediaBox missing from /Page")
        return make_issue(path)

    monkeypatch.setattr(extract_cmd, "parse", noisy_parse)
    result = runner.invoke(cli.app, [*flags, "extract", str(pdf)])
    assert result.exit_code == 0, result.output
    assert ("reportparse: log: pdfminer.pdfpage: MediaBox" in result.stderr) is shown
    assert "MediaBox" not in result.stdout
