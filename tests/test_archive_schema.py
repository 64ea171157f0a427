"""The archive's schema: table and column names other tools rely on, foreign keys, indexes,
the full-text index kept in step with the rows, the views, and the version/migration path.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reportparse.archive import NewerArchiveError, open_archive, schema, write_issues

from .archive_issues import golden, synthetic

STAMP = "2025-01-01T00:00:00Z"
ISSUE_COLUMNS = [
    "id",
    "path",
    "sha256",
    "period",
    "title",
    "publisher",
    "pages",
    "profile",
    "converted_at",
]
ENTRY_COLUMNS = [
    "id",
    "issue_id",
    "section",
    "number",
    "title",
    "date",
    "date_text",
    "source",
    "url",
    "summary",
    "commentary",
    "page_start",
    "page_end",
]
LINK_COLUMNS = ("id", "entry_id", "text", "uri", "kind")


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "archive.sqlite"
    write_issues(path, [*golden(), *synthetic()], converted_at=STAMP)
    return path


def columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def indexed_columns(connection: sqlite3.Connection, table: str) -> set[str]:
    found = set()
    for index in connection.execute(f"PRAGMA index_list({table})").fetchall():
        info = connection.execute(f"PRAGMA index_info({index[1]})").fetchall()
        found.add(info[0][2])  # the leading column
    return found


def fts_ok(connection: sqlite3.Connection) -> None:
    connection.execute("INSERT INTO entries_fts(entries_fts, rank) VALUES ('integrity-check', 1)")


def test_tables_have_the_documented_columns(db: Path) -> None:
    with sqlite3.connect(db) as connection:
        issue_columns = columns(connection, "issues")
        entry_columns = columns(connection, "entries")
        link_columns = columns(connection, "links")
    assert set(ISSUE_COLUMNS) <= set(issue_columns)
    assert set(ENTRY_COLUMNS) <= set(entry_columns)
    assert set(LINK_COLUMNS) <= set(link_columns)


def test_foreign_keys_cascade_and_path_is_unique(db: Path) -> None:
    with sqlite3.connect(db) as connection:
        entry_fk = connection.execute("PRAGMA foreign_key_list(entries)").fetchall()
        link_fk = connection.execute("PRAGMA foreign_key_list(links)").fetchall()
        unique = [
            connection.execute(f"PRAGMA index_info({row[1]})").fetchall()[0][2]
            for row in connection.execute("PRAGMA index_list(issues)")
            if row[2]  # unique
        ]
    assert [(row[2], row[3], row[4], row[6]) for row in entry_fk] == [
        ("issues", "issue_id", "id", "CASCADE")
    ]
    assert {(row[2], row[3], row[6]) for row in link_fk} == {
        ("issues", "issue_id", "CASCADE"),
        ("entries", "entry_id", "CASCADE"),
    }
    assert "path" in unique


def test_indexes_on_period_section_and_date(db: Path) -> None:
    with sqlite3.connect(db) as connection:
        assert "period" in indexed_columns(connection, "issues")
        assert {"section", "date"} <= indexed_columns(connection, "entries")


def test_open_sets_wal_foreign_keys_busy_timeout_and_version(db: Path) -> None:
    with open_archive(db) as archive:
        connection = archive.connection
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert connection.execute("PRAGMA busy_timeout").fetchone()[0] == schema.BUSY_TIMEOUT_MS
        assert connection.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert connection.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert schema.SCHEMA_VERSION == len(schema.MIGRATIONS) == 1


def test_link_kinds(db: Path) -> None:
    with sqlite3.connect(db) as connection:
        kinds = dict(connection.execute("SELECT kind, count(*) FROM links GROUP BY kind"))
        urls = connection.execute(
            "SELECT count(*) FROM links WHERE kind = 'url' AND entry_id IS NOT NULL"
        ).fetchone()[0]
    issues = [*golden(), *synthetic()]
    assert kinds["url"] == urls == sum(len(e["urls"]) for _, i in issues for e in i["entries"])
    assert kinds["anchor"] == sum(len(e["links"]) for _, i in issues for e in i["entries"])
    assert kinds["issue"] == sum(len(i["links"]) for _, i in issues)


def test_full_text_index_follows_inserts_replacements_and_deletes(db: Path) -> None:
    files = [file for file, _ in golden()]
    first = golden()[0][1]
    changed = {**first, "entries": first["entries"][:2]}
    changed["entries"][0] = {**changed["entries"][0], "title": "替换后的标题独一无二"}
    with open_archive(db) as archive:
        connection = archive.connection
        fts_ok(connection)
        archive.write_issue(changed, path=files[0], converted_at=STAMP)
        fts_ok(connection)
        hits = connection.execute(
            "SELECT rowid FROM entries_fts WHERE entries_fts MATCH '\"独一无二\"'"
        ).fetchall()
        assert len(hits) == 1
        archive.remove_issue(files[1])
        fts_ok(connection)
        connection.execute("UPDATE entries SET summary = 'updated summary text'")
        fts_ok(connection)
        (count,) = connection.execute(
            "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH '\"updated summary\"'"
        ).fetchone()
        assert count == connection.execute("SELECT count(*) FROM entries").fetchone()[0]


def test_views_join_issue_fields_for_plain_sqlite_users(db: Path) -> None:
    # A plain connection, as the sqlite3 shell or Datasette opens it.
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute("SELECT * FROM entry_view ORDER BY id").fetchall()
        entries = connection.execute("SELECT count(*) FROM entries").fetchone()[0]
        links = connection.execute("SELECT count(*) FROM link_view").fetchone()[0]
        assert links == connection.execute("SELECT count(*) FROM links").fetchone()[0]
    assert len(rows) == entries
    undated = [row for row in rows if row["date"] is None]
    assert undated and all(row["month"] == row["period"] for row in undated)
    dated = [row for row in rows if row["date"] is not None]
    assert all(row["month"] == row["date"][:7] for row in dated)
    assert {row["file"] for row in rows} == {file for file, _ in [*golden(), *synthetic()]}


def test_datasette_finds_the_full_text_table(db: Path) -> None:
    # Datasette offers a search box for a table when an FTS table names it as content="...".
    with sqlite3.connect(db) as connection:
        (sql,) = connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'entries_fts'"
        ).fetchone()
    assert 'content="entries"' in sql
    assert "trigram" in sql
    with sqlite3.connect(db) as connection:
        (rank,) = connection.execute("SELECT v FROM entries_fts_config WHERE k = 'rank'").fetchone()
    assert rank == "bm25(4.0, 1.0, 1.0, 2.0)"
    assert schema.BM25_WEIGHTS == (4.0, 1.0, 1.0, 2.0)


def test_a_later_version_migrates_older_files_in_place(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    step = ("CREATE TABLE tags (entry_id INTEGER REFERENCES entries(id), tag TEXT)",)
    with open_archive(db) as archive:
        stored = archive.connection.execute("SELECT count(*) FROM issues").fetchone()[0]
    assert stored == len([*golden(), *synthetic()])
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, step))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    with open_archive(db) as archive:
        connection = archive.connection
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 2
        assert columns(connection, "tags") == ["entry_id", "tag"]
        assert connection.execute("SELECT count(*) FROM issues").fetchone()[0] == stored
    monkeypatch.undo()
    # The released code refuses the file the "later" version wrote, and leaves it alone.
    with pytest.raises(NewerArchiveError) as caught:
        open_archive(db)
    assert "schema version 2" in str(caught.value)
    assert "\n" not in str(caught.value)
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 2


def test_migrations_run_from_any_older_version(tmp_path: Path) -> None:
    # Step 0 alone builds version 1 from an empty file, exactly as open does.
    path = tmp_path / "stepwise.sqlite"
    with sqlite3.connect(path, isolation_level=None) as connection:
        assert schema.migrate(connection, str(path)) == 0
        assert connection.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert schema.migrate(connection, str(path)) == schema.SCHEMA_VERSION  # nothing to do
    connection.close()
    with open_archive(path) as archive:
        assert archive.paths() == []
