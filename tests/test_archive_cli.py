"""The archive through the command line: extract/batch --db, search, and Excel output."""

from __future__ import annotations

import csv as csv_module
import io
import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from reportparse import cli

FIXTURES = Path(__file__).parent / "fixtures"
PDFS = sorted((FIXTURES / "pdf").glob("*.pdf"))
runner = CliRunner()
FIELDS = ("title", "summary", "commentary", "source")


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A batch over the golden fixtures with --db and --xlsx: (out dir, database)."""
    root = tmp_path_factory.mktemp("archive")
    src = root / "issues"
    src.mkdir()
    for pdf in PDFS[:4]:
        shutil.copy(pdf, src / pdf.name)
    out, db = root / "out", root / "archive.sqlite"
    result = runner.invoke(
        cli.app, ["batch", str(src), "--out", str(out), "--jobs", "1", "--db", str(db), "--xlsx"]
    )
    assert result.exit_code == 0, result.output
    return out, db


def scan(out: Path, query: str, section: str | None = None) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in (out / "entries.jsonl").read_text().splitlines()]
    return [
        row
        for row in rows
        if (section is None or row["section"] == section)
        and any(query.lower() in str(row[name] or "").lower() for name in FIELDS)
    ]


def key(row: dict[str, object]) -> tuple[object, ...]:
    return (row["file"], row["section"], row["number"])


@pytest.mark.parametrize("query", ["数据", "人工智能", "平台", "发布"])
@pytest.mark.parametrize("section", [None, "政策速递"])
def test_batch_db_then_search_finds_what_a_scan_finds(
    converted: tuple[Path, Path], query: str, section: str | None
) -> None:
    out, db = converted
    args = ["search", query, "--db", str(db), "--limit", "1000", "--format", "json"]
    if section:
        args += ["--section", section]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    expected = scan(out, query, section)
    assert expected, "the query should match something in the fixtures"
    assert sorted(map(key, found)) == sorted(map(key, expected))
    # Records carry the keys of an entries.jsonl row, in the same order.
    assert list(found[0]) == list(expected[0])


def test_search_writes_jsonl_and_csv(converted: tuple[Path, Path]) -> None:
    _, db = converted
    jsonl = runner.invoke(cli.app, ["search", "数据", "--db", str(db), "-f", "jsonl"])
    assert jsonl.exit_code == 0
    assert all(json.loads(line)["title"] for line in jsonl.stdout.splitlines())
    csv = runner.invoke(cli.app, ["search", "数据", "--db", str(db), "-f", "csv", "--limit", "3"])
    rows = list(csv_module.reader(io.StringIO(csv.stdout)))
    assert rows[0][:3] == ["file", "period", "section"]
    assert len(rows) == 4


def test_batch_xlsx_holds_one_row_per_entry(converted: tuple[Path, Path]) -> None:
    out, _ = converted
    rows = (out / "entries.jsonl").read_text().splitlines()
    sheet = openpyxl.load_workbook(out / "entries.xlsx").active
    assert sheet is not None
    assert sheet.max_row == len(rows) + 1
    assert sheet.freeze_panes == "A2"


def test_rerunning_extract_into_the_db_adds_no_duplicates(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    pdf = PDFS[0]
    for _ in range(2):
        result = runner.invoke(cli.app, ["extract", str(pdf), "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert result.stdout == ""  # the archive was the destination
    entries = len(json.loads((FIXTURES / "expected" / f"{pdf.stem}.json").read_text())["entries"])
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM issues").fetchone() == (1,)
        assert connection.execute("SELECT count(*) FROM entries").fetchone() == (entries,)
        assert connection.execute("SELECT profile FROM issues").fetchone() == ("zhide-monthly",)


def test_the_archive_records_the_profile_an_issue_was_parsed_with(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    pdf = FIXTURES / "newsletters" / "langrun-monthly.pdf"
    profile = FIXTURES / "profiles" / "langrun-monthly.toml"
    for extra in ([], ["--profile", str(profile)]):
        result = runner.invoke(cli.app, ["extract", str(pdf), "--db", str(db), *extra])
        assert result.exit_code == 0, result.output
        with sqlite3.connect(db) as connection:
            stored = connection.execute("SELECT profile FROM issues").fetchall()
        assert stored == [("langrun-monthly",) if extra else ("inferred",)]


def test_db_onto_a_device_is_refused_and_a_link_leads_to_its_file(tmp_path: Path) -> None:
    pdf = str(PDFS[0])
    refused = runner.invoke(cli.app, ["extract", pdf, "--db", os.devnull])
    assert refused.exit_code == 1
    assert (
        refused.stderr.startswith("reportparse: error: ") and len(refused.stderr.splitlines()) == 1
    )
    assert "device, FIFO or socket" in refused.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)  # still the device

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "archive.sqlite"
    link.symlink_to(elsewhere / "real.sqlite")  # dangling until the first write
    result = runner.invoke(cli.app, ["extract", pdf, "--db", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    with sqlite3.connect(elsewhere / "real.sqlite") as connection:
        assert connection.execute("SELECT count(*) FROM issues").fetchone() == (1,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.sqlite", "elsewhere"]


def test_extract_xlsx(tmp_path: Path) -> None:
    target = tmp_path / "issue.xlsx"
    result = runner.invoke(cli.app, ["extract", str(PDFS[0]), "-f", "xlsx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]][:3] == ["file", "period", "section"]


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: d / "missing.sqlite", "not found"),
        (lambda d: (d / "notes.sqlite").write_text("hello") and d / "notes.sqlite", "not"),
    ],
)
def test_search_errors_are_one_line(tmp_path: Path, make: object, words: str) -> None:
    db = make(tmp_path)  # type: ignore[operator]
    result = runner.invoke(cli.app, ["search", "数据", "--db", str(db)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reportparse: error:")
    assert words in lines[0]


def test_search_limit_must_be_positive(tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["search", "数据", "--db", str(tmp_path / "x"), "--limit", "0"])
    assert result.exit_code == 2
