"""Search gives exactly what a substring scan of the entries.jsonl rows gives.

The database holds the golden issues, the synthetic edge cases and 40 generated issues
(about 1,100 entries). For 1- to 4-character queries (the first two through the scan, the
others through the trigram index), with and without --section, --since/--until, --source
and --limit, the records must be the rows a plain Python scan of the JSON Lines finds, with
the same keys; the order is bm25 then date (index) or date (scan), newest first.
"""

from __future__ import annotations

import itertools
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportparse import emit
from reportparse.archive import (
    ArchiveNotFoundError,
    FullTextUnavailableError,
    NewerArchiveError,
    NotAnArchiveError,
    open_archive,
    record_matches,
    schema,
    search,
    search_records,
    write_issues,
)
from reportparse.archive.search import MIN_INDEXED_CHARS
from reportparse.errors import ReportParseError, UsageError

from .archive_issues import generated, golden, synthetic

FIELDS = ("title", "summary", "commentary", "source")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """Return the database and the entries.jsonl rows of the same issues."""
    folder = tmp_path_factory.mktemp("archive")
    issues = [*golden(), *synthetic(), *generated(40, seed=7)]
    db = folder / "archive.sqlite"
    write_issues(db, issues, converted_at="2025-01-01T00:00:00Z")
    jsonl = emit.jsonl_bytes(
        record for file, issue in issues for record in emit.entry_records(issue, file)
    )
    rows = [orjson.loads(line) for line in jsonl.splitlines()]
    return db, rows


def fold(text: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def scan(rows: list[dict[str, Any]], query: str, **options: Any) -> list[dict[str, Any]]:
    """The substring scan of entries.jsonl rows the database must agree with."""
    found = []
    for row in rows:
        if options.get("section") is not None and row["section"] != options["section"]:
            continue
        wanted_source = options.get("source")
        if wanted_source is not None and (
            row["source"] is None or fold(wanted_source) not in fold(row["source"])
        ):
            continue
        month = row["date"][:7] if row["date"] else row["period"]
        if options.get("since") is not None and (month is None or month < options["since"]):
            continue
        if options.get("until") is not None and (month is None or month > options["until"]):
            continue
        if any(row[field] is not None and fold(query) in fold(row[field]) for field in FIELDS):
            found.append(row)
    return found


def date_order(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """Newest date first, undated last; then newest period, undated last; then file."""
    return (
        row["date"] is None,
        _descending(row["date"] or ""),
        row["period"] is None,
        _descending(row["period"] or ""),
        row["file"],
    )


def _descending(text: str) -> tuple[int, ...]:
    return (*(-ord(char) for char in text), 1)


def canonical(rows: list[dict[str, Any]]) -> list[bytes]:
    return sorted(orjson.dumps(row) for row in rows)


OPTIONS: list[dict[str, Any]] = [
    {},
    {"section": "政策速递"},
    {"section": "交易资讯", "since": "2015-01", "until": "2016-06"},
    {"since": "2024-01"},
    {"until": "2023-12"},
    {"source": "新华"},
    {"source": "reuters"},
    {"section": "行业新闻", "source": "网"},
]

FIXED_QUERIES = [
    "算",
    "的",
    "A",
    "a",
    "《",
    "算力",
    "芯片",
    "数据",
    "AI",
    "ai",
    "ＡＩ",
    "%",
    "a_b",
    "人工智",
    "人工智能",
    "数据跨境",
    "Chip",
    "chip maker",
    '"AI" AND',
    "NEAR(x",
    "量子纠缠",
    "zz",
    "\n",
    "。\n",
]


def data_queries(rows: list[dict[str, Any]]) -> list[str]:
    """Substrings of 1-4 characters taken from the stored texts at fixed places."""
    queries = []
    for k in range(12):
        row = rows[(k * 97) % len(rows)]
        text = row[FIELDS[k % 2]]
        for length in (1, 2, 3, 4):
            start = (k * 7) % max(1, len(text) - length)
            queries.append(text[start : start + length])
    return queries


def check(db: Path, rows: list[dict[str, Any]], query: str, options: dict[str, Any]) -> None:
    expected = scan(rows, query, **options)
    hits = search(db, query, limit=None, **options)
    got = [hit.record for hit in hits]
    assert canonical(got) == canonical(expected), (query, options)
    assert all(list(record) == list(rows[0]) for record in got)
    assert all(record_matches(record, query, **options) for record in got)
    if len(query) < MIN_INDEXED_CHARS:
        assert all(hit.score is None for hit in hits)
        keys = [date_order(record) for record in got]
        assert keys == sorted(keys)
    else:
        scores = [hit.score for hit in hits]
        assert all(score is not None for score in scores)
        for before, after in itertools.pairwise(hits):
            assert before.score is not None and after.score is not None
            assert before.score <= after.score
            if before.score == after.score:
                assert date_order(before.record)[:2] <= date_order(after.record)[:2]
    for hit in hits:
        assert hit.snippet is not None
        # Snippets are one line: newlines show as spaces.
        assert fold(hit.snippet.match) == fold(query).replace("\n", " ")
        assert hit.snippet.match in hit.record[hit.snippet.field].replace("\n", " ")


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "none")
@pytest.mark.parametrize("query", FIXED_QUERIES)
def test_fixed_queries_match_the_scan(
    archive: tuple[Path, list[dict[str, Any]]], query: str, options: dict[str, Any]
) -> None:
    db, rows = archive
    check(db, rows, query, options)


@pytest.mark.parametrize("options", OPTIONS[:2], ids=["none", "section"])
def test_queries_taken_from_the_data_match_the_scan(
    archive: tuple[Path, list[dict[str, Any]]], options: dict[str, Any]
) -> None:
    db, rows = archive
    for query in data_queries(rows):
        check(db, rows, query, options)


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_substring_of_an_entry_matches_the_scan(
    archive: tuple[Path, list[dict[str, Any]]], data: st.DataObject
) -> None:
    db, rows = archive
    row = data.draw(st.sampled_from(rows))
    field = data.draw(st.sampled_from([f for f in FIELDS if row[f]]))
    text = row[field]
    length = data.draw(st.integers(1, min(4, len(text))))
    start = data.draw(st.integers(0, len(text) - length))
    query = text[start : start + length]
    options = data.draw(st.sampled_from(OPTIONS))
    if data.draw(st.booleans()):
        query = query.swapcase()
    check(db, rows, query, options)
    if not options:
        assert any(
            record["file"] == row["file"] for record in search_records(db, query, limit=None)
        )


@pytest.mark.parametrize("query", ["数据", "人工智能", "ai", "芯片"])
@pytest.mark.parametrize("limit", [1, 5, 50])
def test_limit_keeps_the_best_first(
    archive: tuple[Path, list[dict[str, Any]]], query: str, limit: int
) -> None:
    db, _ = archive
    everything = search_records(db, query, limit=None)
    assert len(everything) > 50
    assert search_records(db, query, limit=limit) == everything[:limit]
    assert len(search_records(db, query)) == 50  # the default limit


def test_index_ranks_title_matches_first(archive: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = archive
    hits = search(db, "人工智能", limit=None)
    in_title = [fold("人工智能") in fold(hit.record["title"]) for hit in hits]
    # Mostly title matches on top: the title weighs four times the summary.
    top = in_title[: len(in_title) // 4]
    assert sum(top) > 0.8 * len(top)


def test_ascii_letters_fold_other_scripts_do_not(
    archive: tuple[Path, list[dict[str, Any]]],
) -> None:
    db, _ = archive
    lower = {record["title"] for record in search_records(db, "ai芯片", limit=None)}
    assert "OpenAI发布新模型，AI芯片需求上升" in lower
    assert "ＡＩ芯片（全角）与数据跨境新规" not in lower
    wide = {record["title"] for record in search_records(db, "ＡＩ芯", limit=None)}
    assert wide == {"ＡＩ芯片（全角）与数据跨境新规"}
    assert search_records(db, "ａｉ芯", limit=None) == []  # full-width letters are not folded


def test_empty_query_lists_entries_newest_first(
    archive: tuple[Path, list[dict[str, Any]]],
) -> None:
    db, rows = archive
    hits = search(db, "", section="政策速递", limit=None)
    assert canonical([hit.record for hit in hits]) == canonical(
        [row for row in rows if row["section"] == "政策速递"]
    )
    assert all(hit.snippet is None for hit in hits)
    keys = [date_order(hit.record) for hit in hits]
    assert keys == sorted(keys)


def test_snippet_marks_the_match(archive: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = archive
    (hit,) = search(db, "chip MAKER")
    assert hit.snippet is not None
    assert hit.snippet.field == "summary"
    assert hit.snippet.text("<", ">") == "<Chip maker> raised funds. 第二段：算力、芯片。"
    (hit,) = search(db, "OpenAI发布")
    assert hit.snippet is not None and hit.snippet.field == "title"
    long = search(db, "人工智能", limit=1)[0].snippet
    assert long is not None and len(long.text("", "")) <= 62  # width 60 plus two ellipses


def test_an_open_archive_gives_the_same_results(
    archive: tuple[Path, list[dict[str, Any]]],
) -> None:
    db, _ = archive
    with open_archive(db, create=False) as opened:
        for query in ("算力", "人工智能"):
            assert search_records(opened, query) == search_records(db, query)


def test_search_reads_while_another_process_writes(
    archive: tuple[Path, list[dict[str, Any]]],
) -> None:
    db, _ = archive
    before = search_records(db, "数据", limit=None)
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("PRAGMA foreign_keys = ON")
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM issues")
        assert search_records(db, "数据", limit=None) == before  # WAL: the last commit
    finally:
        writer.execute("ROLLBACK")
        writer.close()


# --------------------------------------------------------------------------- errors


def one_line(error: BaseException) -> str:
    assert isinstance(error, ReportParseError)
    text = str(error)
    assert text and "\n" not in text
    return text


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    db = tmp_path / "missing.sqlite"
    with pytest.raises(ArchiveNotFoundError) as caught:
        search(db, "数据")
    assert one_line(caught.value) == f"{db}: database not found"
    assert not db.exists()


def test_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / "entries.jsonl"
    db.write_bytes(b'{"title": "not a database"}\n' * 100)
    with pytest.raises(NotAnArchiveError) as caught:
        search(db, "数据")
    assert one_line(caught.value) == f"{db}: is not a SQLite database"


def test_an_empty_file_or_another_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    with pytest.raises(NotAnArchiveError) as caught:
        search(empty, "数据")
    assert "not a reportparse archive" in one_line(caught.value)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE entries (title TEXT)")
    connection.close()
    with pytest.raises(NotAnArchiveError) as caught:
        search(other, "数据")
    assert "not a reportparse archive" in one_line(caught.value)


def test_a_newer_schema(tmp_path: Path) -> None:
    db = tmp_path / "newer.sqlite"
    write_issues(db, golden()[:1])
    with sqlite3.connect(db) as connection:
        connection.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(NewerArchiveError) as caught:
        search(db, "数据")
    assert "newer than this reportparse reads" in one_line(caught.value)


def test_sqlite_without_fts5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "a.sqlite"
    write_issues(db, golden()[:1])
    monkeypatch.setattr(
        schema, "FULL_TEXT_PROBE", "CREATE VIRTUAL TABLE probe USING no_fts5_here(text)"
    )
    with pytest.raises(FullTextUnavailableError) as caught:
        search(db, "数据")
    assert "has no FTS5" in one_line(caught.value)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"since": "2024"}, "--since '2024': give a month as YYYY-MM"),
        ({"until": "2024-13"}, "--until '2024-13': give a month as YYYY-MM"),
        ({"since": "2024-05", "until": "2024-04"}, "--since 2024-05 is after --until 2024-04"),
        ({"limit": 0}, "--limit must be at least 1"),
    ],
)
def test_bad_options(
    archive: tuple[Path, list[dict[str, Any]]], options: dict[str, Any], message: str
) -> None:
    db, _ = archive
    with pytest.raises(UsageError) as caught:
        search(db, "数据", **options)
    assert message in one_line(caught.value)


@pytest.mark.slow
def test_the_benchmark_runs(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    results = tmp_path / "archive.json"
    command = [sys.executable, str(root / "bench" / "archive.py"), "--issues", "7"]
    done = subprocess.run(
        [*command, "--repeat", "1", "--results", str(results)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "7 issues" in done.stdout
    figures = orjson.loads(results.read_bytes())
    assert figures["entries"] >= 7 * 25
    assert {(s["chars"], s["section"] is None) for s in figures["searches"]} == {
        (2, True),
        (2, False),
        (4, True),
        (4, False),
    }
