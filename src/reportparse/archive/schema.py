"""The archive's SQLite schema, its versions, and opening a database safely.

Tables (names fixed: other tools rely on them)::

    issues   one row per input file, keyed by its path (UNIQUE)
    entries  one row per entry, issue_id -> issues.id ON DELETE CASCADE
    links    an entry's urls (kind 'url') and in-text hyperlinks (kind 'anchor'), plus the
             hyperlinks no entry claims (kind 'issue', entry_id NULL): nothing is dropped
    entries_fts  FTS5 index (trigram tokenizer) over entries' title, summary, commentary and
             source; external content (``content="entries"``) kept in step by triggers
    entry_view, link_view  plain joins for Datasette and the sqlite3 shell

A database is recognised as ours by ``PRAGMA application_id`` (:data:`APPLICATION_ID`); its
schema version is ``PRAGMA user_version``. :data:`MIGRATIONS` ``[n]`` takes a database from
version ``n`` to ``n + 1`` (step 0 creates everything in an empty file), so a later release
appends steps and older archives are upgraded when opened. A database of a newer version than
:data:`SCHEMA_VERSION` is refused, never touched.

Connections run in autocommit mode (``isolation_level=None``); every write happens inside
:func:`transaction` (``BEGIN IMMEDIATE``), so two processes writing at once wait for each
other (WAL + busy timeout) instead of failing on a lock upgrade.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from .errors import (
    ArchiveError,
    ArchiveNotFoundError,
    FullTextUnavailableError,
    NewerArchiveError,
    NotAnArchiveError,
)

# "rpar": marks the file as a reportparse archive (see https://sqlite.org/pragma.html).
APPLICATION_ID = 0x72706172

# How long a writer waits for another one before giving up.
BUSY_TIMEOUT_MS = 30_000

# The FTS5 columns, in index order; search matches a substring of any of them.
SEARCH_COLUMNS: tuple[str, ...] = ("title", "summary", "commentary", "source")

# bm25 weights of the index's rank, in SEARCH_COLUMNS order (set in the schema below).
BM25_WEIGHTS: tuple[float, ...] = (4.0, 1.0, 1.0, 2.0)

# Link kinds in the links table.
LINK_URL = "url"  # the entry's urls, in order (url is the first)
LINK_ANCHOR = "anchor"  # hyperlinks inside the entry's text
LINK_ISSUE = "issue"  # hyperlinks of the issue no entry claims (entry_id NULL)

_V1: tuple[str, ...] = (
    """
    CREATE TABLE issues (
        id                INTEGER PRIMARY KEY,
        path              TEXT NOT NULL UNIQUE,  -- the input path; the entries' "file"
        sha256            TEXT,
        period            TEXT,                  -- YYYY-MM
        title             TEXT,
        publisher         TEXT,
        pages             INTEGER,
        profile           TEXT,
        converted_at      TEXT,                  -- ISO 8601, UTC
        kind              TEXT,                  -- 'pdf' or 'text'
        editors           TEXT,                  -- JSON array
        executive_editors TEXT,                  -- JSON array
        warnings          TEXT,                  -- JSON array of {code, message, page}
        schema_version    INTEGER,               -- version of the issue JSON it came from
        content_sha256    TEXT                   -- of the issue dict: unchanged -> rows kept
    )
    """,
    """
    CREATE TABLE entries (
        id          INTEGER PRIMARY KEY,
        issue_id    INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,            -- 0-based document order in the issue
        section     TEXT,
        number      INTEGER,
        title       TEXT,
        date        TEXT,                        -- YYYY-MM-DD
        date_text   TEXT,
        source      TEXT,
        url         TEXT,
        summary     TEXT,
        commentary  TEXT,
        page_start  INTEGER,
        page_end    INTEGER,
        UNIQUE (issue_id, position)
    )
    """,
    """
    CREATE TABLE links (
        id        INTEGER PRIMARY KEY,
        issue_id  INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
        entry_id  INTEGER REFERENCES entries(id) ON DELETE CASCADE,
        position  INTEGER NOT NULL,              -- order among the same entry's same kind
        kind      TEXT NOT NULL CHECK (kind IN ('url', 'anchor', 'issue')),
        text      TEXT,
        uri       TEXT NOT NULL,
        page      INTEGER,                       -- kind 'issue' only
        CHECK ((kind = 'issue') = (entry_id IS NULL))
    )
    """,
    "CREATE INDEX issues_period ON issues(period)",
    "CREATE INDEX entries_section ON entries(section)",
    "CREATE INDEX entries_date ON entries(date)",
    "CREATE INDEX links_entry ON links(entry_id)",
    "CREATE INDEX links_issue ON links(issue_id)",
    # content="entries" in double quotes: the form Datasette looks for to offer a search box.
    """
    CREATE VIRTUAL TABLE entries_fts USING fts5(
        title, summary, commentary, source,
        content="entries", content_rowid="id",
        tokenize="trigram case_sensitive 0"
    )
    """,
    # The index's rank (ORDER BY rank, also what Datasette sorts a search by): bm25 with a
    # title match weighing most, then the source; BM25_WEIGHTS says the same.
    "INSERT INTO entries_fts(entries_fts, rank) "
    f"VALUES ('rank', 'bm25({', '.join(str(weight) for weight in BM25_WEIGHTS)})')",
    """
    CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
        INSERT INTO entries_fts(rowid, title, summary, commentary, source)
        VALUES (new.id, new.title, new.summary, new.commentary, new.source);
    END
    """,
    """
    CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, title, summary, commentary, source)
        VALUES ('delete', old.id, old.title, old.summary, old.commentary, old.source);
    END
    """,
    """
    CREATE TRIGGER entries_fts_update AFTER UPDATE ON entries BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, title, summary, commentary, source)
        VALUES ('delete', old.id, old.title, old.summary, old.commentary, old.source);
        INSERT INTO entries_fts(rowid, title, summary, commentary, source)
        VALUES (new.id, new.title, new.summary, new.commentary, new.source);
    END
    """,
    # month: what search's --since/--until compare (the entry's date, else the issue's period).
    """
    CREATE VIEW entry_view AS
    SELECT e.id, i.path AS file, i.period, i.title AS issue_title, i.publisher,
           e.section, e.number, e.title, e.date, e.date_text,
           COALESCE(substr(e.date, 1, 7), i.period) AS month,
           e.source, e.url, e.summary, e.commentary, e.page_start, e.page_end,
           e.issue_id, e.position
    FROM entries AS e JOIN issues AS i ON i.id = e.issue_id
    """,
    """
    CREATE VIEW link_view AS
    SELECT l.id, i.path AS file, i.period, l.kind, e.section, e.number,
           e.title AS entry_title, l.text, l.uri, COALESCE(l.page, e.page_start) AS page,
           l.issue_id, l.entry_id, l.position
    FROM links AS l
    JOIN issues AS i ON i.id = l.issue_id
    LEFT JOIN entries AS e ON e.id = l.entry_id
    """,
)

# MIGRATIONS[n] takes a database from user_version n to n + 1 (statements run in order,
# inside one transaction). Append a step for every schema change; never edit a released one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1,)

SCHEMA_VERSION = len(MIGRATIONS)


# What the probe creates: the module and tokenizer the index needs.
FULL_TEXT_PROBE = "CREATE VIRTUAL TABLE probe USING fts5(text, tokenize='trigram')"


@functools.cache
def _full_text_problem(probe_sql: str) -> str | None:
    """Return why this SQLite cannot hold the index, or None when FTS5 trigram works."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute(probe_sql)
    except sqlite3.Error as exc:
        if "no such module" in str(exc):
            return f"this Python's SQLite {sqlite3.sqlite_version} has no FTS5 full-text module"
        return (
            f"this Python's SQLite {sqlite3.sqlite_version} has no FTS5 'trigram' tokenizer "
            "(it needs SQLite 3.34 or newer)"
        )
    finally:
        probe.close()
    return None


def check_full_text() -> None:
    """Raise FullTextUnavailableError unless SQLite has FTS5 with the trigram tokenizer."""
    problem = _full_text_problem(FULL_TEXT_PROBE)
    if problem is not None:
        raise FullTextUnavailableError(problem)


def connect(
    path: str | os.PathLike[str],
    *,
    create: bool,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> sqlite3.Connection:
    """Given a database path, return an open connection to an archive of this version.

    ``create=True`` makes the file (and its folder) when missing and sets up an empty file;
    ``create=False`` (searching) requires an existing archive. An archive of an older
    version is migrated; a newer one, a non-SQLite file or another program's database
    raise an ArchiveError subclass with a one-line message.
    """
    where = str(path)
    check_full_text()
    # The same rules as every output: a link leads to its file, which is what SQLite
    # opens (its -wal and -shm files go beside it), and a folder, device, FIFO or socket
    # is never taken for a database (a journal beside /dev/null would be a file in /dev).
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise NotAnArchiveError("is a folder, not a database file", path=where)
    if target.exists() and not target.is_file():
        raise NotAnArchiveError("is a device, FIFO or socket, not a database file", path=where)
    if not target.exists():
        if not create:
            raise ArchiveNotFoundError("database not found", path=where)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(
                f"cannot create the folder of the database: {exc.strerror or exc}", path=where
            ) from exc
    uri = f"{target.absolute().as_uri()}?mode={'rwc' if create else 'rw'}"
    try:
        connection = sqlite3.connect(
            uri, uri=True, isolation_level=None, timeout=busy_timeout_ms / 1000
        )
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot open the database: {exc}", path=where) from exc
    try:
        _prepare(connection, where, create=create, busy_timeout_ms=busy_timeout_ms)
    except BaseException:
        connection.close()
        raise
    return connection


def _prepare(
    connection: sqlite3.Connection, where: str, *, create: bool, busy_timeout_ms: int
) -> None:
    """Given a fresh connection, set it up, check the file is ours and migrate it."""
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        connection.execute("PRAGMA foreign_keys = ON")
        state = _state(connection, where)
        if state == "empty" and not create:
            raise NotAnArchiveError("is an empty database, not a reportparse archive", path=where)
        # WAL lets searches read while a batch writes; the mode is stored in the file.
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        if _version(connection) < SCHEMA_VERSION:
            migrate(connection, where)
    except sqlite3.DatabaseError as exc:
        raise database_error(exc, where, "open the database") from exc
    _ascii_lower(connection)


def _version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def _state(connection: sqlite3.Connection, where: str) -> str:
    """Given a connection, return 'ours' or 'empty', or raise if the file is not ours."""
    application_id = int(connection.execute("PRAGMA application_id").fetchone()[0])
    version = _version(connection)
    if application_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise NewerArchiveError(
                f"the database has schema version {version}, newer than this reportparse "
                f"reads ({SCHEMA_VERSION}); upgrade reportparse",
                path=where,
            )
        return "ours"
    objects = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if application_id == 0 and version == 0 and objects == 0:
        return "empty"
    raise NotAnArchiveError("is a SQLite database, but not a reportparse archive", path=where)


def migrate(connection: sqlite3.Connection, where: str = "") -> int:
    """Given a connection to an archive (or an empty file), bring it to SCHEMA_VERSION.

    Runs in one write transaction and re-reads the version after taking the lock, so two
    processes opening a new file at once create the tables only once. Returns the version
    the file had.
    """
    with transaction(connection, where, "upgrade the database"):
        _state(connection, where)  # the file may have changed while we waited for the lock
        start = _version(connection)
        for step in MIGRATIONS[start:]:
            for statement in step:
                connection.execute(statement)
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return start


@contextlib.contextmanager
def transaction(
    connection: sqlite3.Connection, where: str, doing: str, *, write: bool = True
) -> Iterator[None]:
    """Run the block in one transaction (``BEGIN IMMEDIATE`` to write, a plain ``BEGIN``
    for one read snapshot); SQLite errors -> ArchiveError."""
    try:
        connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    except sqlite3.Error as exc:
        raise database_error(exc, where, doing) from exc
    try:
        yield
        connection.execute("COMMIT")
    except BaseException as exc:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise database_error(exc, where, doing) from exc
        raise


def database_error(exc: sqlite3.Error, where: str, doing: str) -> ArchiveError:
    """Given a SQLite exception, return the one-line ArchiveError a user can act on."""
    text = str(exc)
    if "file is not a database" in text:
        return NotAnArchiveError("is not a SQLite database", path=where or None)
    if "locked" in text or "busy" in text:
        return ArchiveError(
            f"cannot {doing}: another program kept the database locked; try again",
            path=where or None,
        )
    if "readonly" in text or "read-only" in text:
        return ArchiveError(f"cannot {doing}: the database is read-only", path=where or None)
    return ArchiveError(f"cannot {doing}: {text}", path=where or None)


def _ascii_lower(connection: sqlite3.Connection) -> None:
    """Make sure SQL lower() folds ASCII letters only, as search's rule says.

    SQLite's built-in lower() does; a build with the ICU extension folds every script, so
    there it is replaced (slower, but the same results).
    """
    if connection.execute("SELECT lower('ÀA')").fetchone()[0] != "Àa":
        connection.create_function("lower", 1, _sql_lower, deterministic=True)


_ASCII_UPPER_TO_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def ascii_fold(text: str) -> str:
    """Given text, return it with the ASCII letters A-Z lower-cased (nothing else changes)."""
    return text.translate(_ASCII_UPPER_TO_LOWER)


def _sql_lower(value: str | bytes | int | float | None) -> str | bytes | int | float | None:
    return ascii_fold(value) if isinstance(value, str) else value


__all__ = [
    "APPLICATION_ID",
    "BM25_WEIGHTS",
    "BUSY_TIMEOUT_MS",
    "LINK_ANCHOR",
    "LINK_ISSUE",
    "LINK_URL",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SEARCH_COLUMNS",
    "ascii_fold",
    "check_full_text",
    "connect",
    "database_error",
    "migrate",
    "transaction",
]
