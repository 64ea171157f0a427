"""Searching the archive: substring matches, ranked by bm25 and then by date.

The rule (what :func:`record_matches` spells out in Python, and what both query paths
return exactly):

* an entry matches when the query is a substring of its title, summary, commentary or
  source, ignoring the case of the ASCII letters A-Z only (``ai`` finds ``AI``; full-width
  ``ＡＩ``, accents and other scripts are compared as they are). No normalisation, no word
  splitting: spaces in the query are part of it; an empty query matches every entry;
* ``section`` keeps entries of that section (exact); ``source`` keeps entries whose source
  contains it (same substring rule as the query);
* ``since`` / ``until`` (``YYYY-MM``, both inclusive) compare the entry's month: the month of
  its date, or the issue's period when the entry has no date. An entry with neither is left
  out when either bound is given.

How: a query of 3 characters or more goes through the FTS5 trigram index. The index folds
the case of every script, so it finds a superset of the rule; its rows are filtered by the
exact rule unless no character of the query has a case (Han, digits, punctuation), where
both agree. Results are ranked by the index's rank, bm25 with a title match weighing most
(:data:`~reportparse.archive.schema.BM25_WEIGHTS`), then by date, newest first. The trigram
index cannot look up 1 or 2 characters (Chinese words such as 算力, 芯片 are often that
short): those queries scan the same four columns with the exact rule, newest date first,
walking the date index so that a frequent word stops at the limit. Ties end in a fixed
order: newest period, then file, then position in the issue. Undated entries and issues
without a period come last.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from .schema import BM25_WEIGHTS, SEARCH_COLUMNS, ascii_fold, transaction
from .store import Archive, entry_dict, entry_links, id_chunks, open_archive

DEFAULT_LIMIT = 50

# Shortest query the trigram index can answer.
MIN_INDEXED_CHARS = 3

_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True, slots=True)
class Snippet:
    """Where the query matched: the field, and the text around the match."""

    field: str  # one of SEARCH_COLUMNS
    before: str  # text before the match ("…" first when cut), newlines as spaces
    match: str  # the matched text as stored (its own case)
    after: str

    def text(self, start: str = "[", end: str = "]") -> str:
        """Return the snippet as one string with the match between ``start`` and ``end``."""
        return f"{self.before}{start}{self.match}{end}{self.after}"


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result.

    ``record`` has exactly the keys (and order) of an ``entries.jsonl`` row: ``file``,
    ``period``, then every entry field. ``snippet`` is None for an empty query. ``score``
    is the bm25 score (lower is better) on the indexed path, None on the scan path.
    """

    record: dict[str, Any]
    snippet: Snippet | None
    score: float | None


def search(
    db: str | os.PathLike[str] | Archive,
    query: str,
    *,
    section: str | None = None,
    since: str | None = None,
    until: str | None = None,
    source: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
    snippet_width: int = 60,
) -> list[Hit]:
    """Given a database (path or open Archive) and a query, return the best hits in order.

    ``limit=None`` returns every hit. Raises UsageError for a bad month or limit, and an
    ArchiveError subclass for a missing file, a file that is not an archive, an archive of a
    newer schema, or a SQLite without FTS5.
    """
    _check_options(since, until, limit)
    if isinstance(db, Archive):
        return _search(db, query, section, since, until, source, limit, snippet_width)
    with open_archive(db, create=False) as archive:
        return _search(archive, query, section, since, until, source, limit, snippet_width)


def search_records(
    db: str | os.PathLike[str] | Archive,
    query: str,
    *,
    section: str | None = None,
    since: str | None = None,
    until: str | None = None,
    source: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> list[dict[str, Any]]:
    """Like :func:`search`, but return only the records (the ``entries.jsonl`` rows)."""
    hits = search(db, query, section=section, since=since, until=until, source=source, limit=limit)
    return [hit.record for hit in hits]


def record_matches(
    record: Mapping[str, Any],
    query: str,
    *,
    section: str | None = None,
    since: str | None = None,
    until: str | None = None,
    source: str | None = None,
) -> bool:
    """Given an entry record (an ``entries.jsonl`` row), return whether search finds it.

    The reference rule in plain Python: the database paths return exactly these records.
    """
    if section is not None and record.get("section") != section:
        return False
    if source is not None and not _contains(record.get("source"), source):
        return False
    if since is not None or until is not None:
        date = record.get("date")
        month = date[:7] if isinstance(date, str) else record.get("period")
        if not isinstance(month, str):
            return False
        if (since is not None and month < since) or (until is not None and month > until):
            return False
    if not query:
        return True
    return any(_contains(record.get(column), query) for column in SEARCH_COLUMNS)


def _contains(text: Any, query: str) -> bool:
    return isinstance(text, str) and ascii_fold(query) in ascii_fold(text)


def _check_options(since: str | None, until: str | None, limit: int | None) -> None:
    for name, value in (("since", since), ("until", until)):
        if value is not None and not _MONTH.fullmatch(value):
            raise UsageError(f"--{name} {value!r}: give a month as YYYY-MM, e.g. 2024-09")
    if since is not None and until is not None and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1")


def _ranked_sql(
    query: str,
    section: str | None,
    since: str | None,
    until: str | None,
    source: str | None,
    limit: int | None,
) -> tuple[str, dict[str, Any]]:
    """Given the search options, return the SQL of the ranked (entry id, score) rows."""
    where: list[str] = []
    parameters: dict[str, Any] = {}
    indexed = len(query) >= MIN_INDEXED_CHARS
    if indexed:
        # The index's own rank column (bm25 with BM25_WEIGHTS): cheaper than calling bm25().
        tables = (
            "(SELECT rowid AS id, rank AS score FROM entries_fts WHERE entries_fts MATCH :phrase)"
            " AS m JOIN entries AS e ON e.id = m.id"
        )
        score, order = "m.score", "m.score, "
        # One quoted phrase: FTS5 syntax characters in the query are plain text.
        parameters["phrase"] = '"' + query.replace('"', '""') + '"'
        exact = not _caseless(query)
    else:
        tables, score, order = "entries AS e", "NULL", ""
        exact = bool(query)
    if exact:
        # The exact rule. The index matches a superset (it folds every script's case), so
        # its rows are filtered too unless no character of the query has a case.
        fold = "lower(e.{})" if _has_ascii_letter(query) else "e.{}"
        where.append(
            "("
            + " OR ".join(f"instr({fold.format(column)}, :query) > 0" for column in SEARCH_COLUMNS)
            + ")"
        )
        parameters["query"] = ascii_fold(query)
    if section is not None:
        # Scanning, `+` keeps SQLite on the date index (newest first, stop at the limit)
        # rather than reading a whole section through its index and sorting it.
        where.append(f"{'e' if indexed else '+e'}.section = :section")
        parameters["section"] = section
    if source is not None:
        fold = "lower(e.source)" if _has_ascii_letter(source) else "e.source"
        where.append(f"instr({fold}, :source) > 0")
        parameters["source"] = ascii_fold(source)
    month = "COALESCE(substr(e.date, 1, 7), i.period)"
    if since is not None:
        where.append(f"{month} >= :since")
        parameters["since"] = since
    if until is not None:
        where.append(f"{month} <= :until")
        parameters["until"] = until
    # DESC puts NULL dates and periods last. With no score first, SQLite walks the date
    # index newest first and stops after `limit` matches.
    sql = (
        f"SELECT e.id, {score} AS score FROM {tables} JOIN issues AS i ON i.id = e.issue_id "
        f"WHERE {' AND '.join(where) or '1'} "
        f"ORDER BY {order}e.date DESC, i.period DESC, i.path, e.position"
    )
    if limit is not None:
        sql += " LIMIT :limit"
        parameters["limit"] = limit
    return sql, parameters


def _has_ascii_letter(text: str) -> bool:
    return any("a" <= char <= "z" or "A" <= char <= "Z" for char in text)


def _caseless(text: str) -> bool:
    """Whether no character of the text has a case (Han, digits, punctuation, ...).

    Then the index's folding cannot widen a match: the only character folding to a caseless
    one is itself (Unicode keeps case pairs stable across versions).
    """
    return all(char.lower() == char == char.upper() for char in text)


_ROWS = (
    "SELECT e.id, i.path AS file, i.period, e.section, e.number, e.title, e.date, e.date_text, "
    "e.source, e.url, e.summary, e.commentary, e.page_start, e.page_end "
    "FROM entries AS e JOIN issues AS i ON i.id = e.issue_id WHERE e.id IN ({})"
)


def _search(
    archive: Archive,
    query: str,
    section: str | None,
    since: str | None,
    until: str | None,
    source: str | None,
    limit: int | None,
    snippet_width: int,
) -> list[Hit]:
    """Given an open archive and checked options, run the search in one read snapshot."""
    sql, parameters = _ranked_sql(query, section, since, until, source, limit)
    connection = archive.connection
    rows: dict[int, sqlite3.Row] = {}
    # One read transaction: a writer replacing an issue meanwhile cannot split a result
    # from its links.
    with transaction(connection, archive.path, "search the database", write=False):
        # Ids first, rows after: the sort then carries ids, not every match's text.
        ranked = connection.execute(sql, parameters).fetchall()
        ids = [entry_id for entry_id, _ in ranked]
        for chunk in id_chunks(ids):
            cursor = connection.execute(_ROWS.format(", ".join("?" * len(chunk))), chunk)
            cursor.row_factory = sqlite3.Row
            rows.update((row["id"], row) for row in cursor)
        links = entry_links(connection, ids)
    hits: list[Hit] = []
    for entry_id, score in ranked:
        row = rows[entry_id]
        record = {"file": row["file"], "period": row["period"], **entry_dict(row, *links[entry_id])}
        hits.append(Hit(record, snippet_of(record, query, snippet_width), score))
    return hits


def snippet_of(record: Mapping[str, Any], query: str, width: int = 60) -> Snippet | None:
    """Given a record and a query, return the first match with about ``width`` characters."""
    if not query:
        return None
    folded = ascii_fold(query)
    for column in SEARCH_COLUMNS:
        text = record.get(column)
        if not isinstance(text, str):
            continue
        at = ascii_fold(text).find(folded)
        if at < 0:
            continue
        room = max(width - len(query), 0)
        start = max(at - room // 3, 0)
        end = at + len(query) + (room - (at - start))
        before = ("…" if start > 0 else "") + text[start:at]
        after = text[at + len(query) : end] + ("…" if end < len(text) else "")
        return Snippet(
            column, _one_line(before), _one_line(text[at : at + len(query)]), _one_line(after)
        )
    return None


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


__all__ = [
    "BM25_WEIGHTS",
    "DEFAULT_LIMIT",
    "MIN_INDEXED_CHARS",
    "Hit",
    "Snippet",
    "record_matches",
    "search",
    "search_records",
    "snippet_of",
]
