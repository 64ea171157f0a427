"""Writing issues into the archive: round trip, re-runs without duplicates, replacement of a
re-converted issue in one transaction, two processes writing at once, and the errors.
"""

from __future__ import annotations

import copy
import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from reportparse.archive import (
    ArchiveError,
    FullTextUnavailableError,
    NotAnArchiveError,
    open_archive,
    schema,
    search_records,
    write_issue,
    write_issues,
)
from reportparse.errors import ReportParseError

from .archive_issues import generated, golden, synthetic

STAMP = "2025-01-01T00:00:00Z"


def counts(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as connection:
        return tuple(  # type: ignore[return-value]
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("issues", "entries", "links")
        )


def test_every_issue_reads_back_as_written(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    issues = [*golden(), *synthetic()]
    assert write_issues(db, issues, profile="default", converted_at=STAMP) == len(issues)
    with open_archive(db) as archive:
        assert archive.paths() == sorted(file for file, _ in issues)
        for file, issue in issues:
            assert archive.read_issue(file) == issue
        assert archive.read_issue("no/such.pdf") is None
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT DISTINCT profile, converted_at FROM issues").fetchall()
    assert rows == [("default", STAMP)]


def test_a_rerun_adds_no_duplicates_and_keeps_ids(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    issues = [*golden(), *synthetic()]
    write_issues(db, issues, converted_at=STAMP)
    before = counts(db)
    with sqlite3.connect(db) as connection:
        ids = connection.execute("SELECT path, id FROM issues ORDER BY path").fetchall()
    write_issues(db, issues, converted_at="2025-02-01T00:00:00Z")
    for file, issue in issues[:3]:
        write_issue(db, issue, path=file)
    assert counts(db) == before
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT path, id FROM issues ORDER BY path").fetchall() == ids
    assert len(search_records(db, "", limit=None)) == before[1]


def test_an_unchanged_issue_keeps_its_rows_and_gets_the_new_time(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    (file, issue), (other_file, other) = golden()[:2]
    write_issues(db, [(file, issue), (other_file, other)], converted_at=STAMP)
    reordered = dict(reversed(list(copy.deepcopy(issue).items())))  # same content
    changed = copy.deepcopy(other)
    changed["entries"][0]["summary"] += "（更新后）"
    later = "2025-03-01T00:00:00Z"
    with open_archive(db) as archive:
        connection = archive.connection
        before = connection.total_changes
        archive.write_issue(reordered, path=file, profile="p2", converted_at=later)
        assert connection.total_changes - before == 1  # the issues row's profile and time
        before = connection.total_changes
        archive.write_issue(changed, path=other_file, converted_at=later)
        assert connection.total_changes - before > len(changed["entries"])
        rows = connection.execute("SELECT path, profile, converted_at FROM issues").fetchall()
        # Without a profile given, the one the issue records (here: the built-in one).
        assert sorted(rows) == sorted([(file, "p2", later), (other_file, "zhide-monthly", later)])
        assert archive.read_issue(file) == issue
        assert archive.read_issue(other_file) == changed
    assert [record["file"] for record in search_records(db, "（更新后）")] == [other_file]


def test_path_defaults_to_source_path_and_is_the_key(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    file, issue = golden()[0]
    write_issue(db, issue)  # key: source.path
    write_issue(db, issue, path="copy/" + file)  # same content, another input
    with open_archive(db) as archive:
        assert archive.paths() == sorted([file, "copy/" + file])
    assert counts(db)[1] == 2 * len(issue["entries"])


def test_reconverting_replaces_the_old_rows(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    file, issue = golden()[0]
    write_issues(db, [*golden(), *synthetic()], converted_at=STAMP)
    old_title = issue["entries"][-1]["title"]
    assert search_records(db, old_title)
    newer = copy.deepcopy(issue)
    newer["entries"] = newer["entries"][:3]
    newer["entries"][0]["title"] = "重新转换后的标题"
    newer["issue"]["period"] = "2025-12"
    write_issue(db, newer, converted_at="2025-02-01T00:00:00Z")
    with open_archive(db) as archive:
        assert archive.read_issue(file) == newer
    assert not search_records(db, old_title)
    (hit,) = search_records(db, "重新转换后")
    assert (hit["file"], hit["period"]) == (file, "2025-12")
    with sqlite3.connect(db) as connection:
        stray = connection.execute(
            "SELECT count(*) FROM links WHERE entry_id NOT IN (SELECT id FROM entries)"
        ).fetchone()[0]
    assert stray == 0


def test_a_failed_write_leaves_the_previous_version_whole(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    file, issue = golden()[0]
    write_issue(db, issue, converted_at=STAMP)
    broken = copy.deepcopy(issue)
    broken["entries"][0]["title"] = "半途失败的版本"
    broken["entries"][-1]["links"] = [{"text": "no uri"}]  # fails after rows were written
    with pytest.raises(ArchiveError) as caught:
        write_issue(db, broken)
    assert "not an issue as reportparse writes it (KeyError: 'uri')" in one_line(caught.value)
    with open_archive(db) as archive:
        assert archive.read_issue(file) == issue
    assert not search_records(db, "半途失败")


def test_remove_issue(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    write_issues(db, golden(), converted_at=STAMP)
    file = golden()[0][0]
    with open_archive(db) as archive:
        assert archive.remove_issue(file) is True
        assert archive.remove_issue(file) is False
        assert file not in archive.paths()
    assert all(record["file"] != file for record in search_records(db, "", limit=None))


def _writer(db: str, issues: list[tuple[str, dict[str, Any]]], ready: Any, go: Any) -> None:
    with open_archive(db) as archive:
        ready.wait()
        go.wait()
        for file, issue in issues:
            archive.write_issue(issue, path=file, converted_at=STAMP)


def _creator(db: str, issues: list[tuple[str, dict[str, Any]]], go: Any) -> None:
    go.wait()
    write_issues(db, issues, converted_at=STAMP)


def test_two_processes_writing_at_once(tmp_path: Path) -> None:
    db = str(tmp_path / "a.sqlite")
    issues = list(generated(24, seed=3))
    shared = issues[:8]  # both processes write these: still one copy each
    one, two = [*shared, *issues[8:16]], [*issues[16:], *reversed(shared)]
    context = multiprocessing.get_context("spawn")
    ready, go = context.Barrier(3), context.Event()
    open_archive(db).close()
    workers = [context.Process(target=_writer, args=(db, part, ready, go)) for part in (one, two)]
    for worker in workers:
        worker.start()
    ready.wait(timeout=60)
    go.set()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    assert counts(Path(db))[0] == len(issues)
    assert counts(Path(db))[1] == sum(len(issue["entries"]) for _, issue in issues)
    with open_archive(db) as archive:
        archive.connection.execute(
            "INSERT INTO entries_fts(entries_fts, rank) VALUES ('integrity-check', 1)"
        )
        for file, issue in issues:
            assert archive.read_issue(file) == issue


def test_two_processes_creating_the_same_new_file(tmp_path: Path) -> None:
    db = str(tmp_path / "new" / "a.sqlite")
    issues = list(generated(6, seed=5))
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    workers = [
        context.Process(target=_creator, args=(db, part, go)) for part in (issues[:3], issues[3:])
    ]
    for worker in workers:
        worker.start()
    go.set()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    with open_archive(db) as archive:
        assert archive.paths() == sorted(file for file, _ in issues)


# --------------------------------------------------------------------------- errors


def one_line(error: BaseException) -> str:
    assert isinstance(error, ReportParseError)
    text = str(error)
    assert "\n" not in text and text
    return text


def test_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "notes.sqlite"
    db.write_text("these are my notes, not a database\n" * 200, encoding="utf-8")
    before = db.read_bytes()
    with pytest.raises(NotAnArchiveError) as caught:
        write_issue(db, golden()[0][1])
    assert one_line(caught.value) == f"{db}: is not a SQLite database"
    assert db.read_bytes() == before


def test_another_programs_database(tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE issues (id INTEGER PRIMARY KEY, path TEXT)")
    connection.close()
    with pytest.raises(NotAnArchiveError) as caught:
        write_issue(db, golden()[0][1])
    assert "not a reportparse archive" in one_line(caught.value)
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 1
    connection.close()


def test_a_folder(tmp_path: Path) -> None:
    with pytest.raises(NotAnArchiveError) as caught:
        write_issue(tmp_path, golden()[0][1])
    assert "folder" in one_line(caught.value)


def test_an_issue_without_a_path(tmp_path: Path) -> None:
    issue = copy.deepcopy(golden()[0][1])
    del issue["source"]["path"]
    with pytest.raises(ArchiveError) as caught:
        write_issue(tmp_path / "a.sqlite", issue)
    assert "source.path" in one_line(caught.value)


def test_a_writer_locked_out_past_the_timeout(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    open_archive(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with (
            open_archive(db, busy_timeout_ms=50) as archive,
            pytest.raises(ArchiveError) as caught,
        ):
            archive.write_issue(golden()[0][1])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "locked" in one_line(caught.value)


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        ("CREATE VIRTUAL TABLE probe USING fts5(text, tokenize='no_such_tokenizer')", "trigram"),
        ("CREATE VIRTUAL TABLE probe USING no_such_module(text)", "no FTS5"),
    ],
)
def test_sqlite_without_fts5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, probe: str, expected: str
) -> None:
    # What an old or stripped SQLite answers to the probe; no file is created then.
    monkeypatch.setattr(schema, "FULL_TEXT_PROBE", probe)
    db = tmp_path / "a.sqlite"
    with pytest.raises(FullTextUnavailableError) as caught:
        write_issue(db, golden()[0][1])
    assert expected in one_line(caught.value)
    assert sqlite3_version_in(one_line(caught.value))
    assert not db.exists()


def sqlite3_version_in(text: str) -> bool:
    return sqlite3.sqlite_version in text
