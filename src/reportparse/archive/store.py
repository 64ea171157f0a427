"""Writing issues into the archive, and reading them back.

Every function takes ``Issue.to_dict()`` output (schema_version 1), the same dicts the JSON
files hold, so a batch run can fill the database from issues it converted earlier.

An issue is keyed by its input path: writing an issue whose path is already there replaces
all its rows (entries, links, full-text rows) in one transaction and keeps its issue id, so a
re-run adds no duplicates and a reader never sees half an issue. An issue whose content has
not changed keeps its rows (only profile and converted_at are updated).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any

import orjson

from ..profile import DEFAULT_PROFILE
from .errors import ArchiveError
from .schema import (
    BUSY_TIMEOUT_MS,
    LINK_ANCHOR,
    LINK_ISSUE,
    LINK_URL,
    connect,
    database_error,
    transaction,
)

DbPath = str | os.PathLike[str]


def utc_now() -> str:
    """Return the current UTC time as ``YYYY-MM-DDTHH:MM:SSZ`` (converted_at's default)."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Archive:
    """An open archive database. Use as a context manager, or call :meth:`close`.

    One Archive serves one thread. Several processes may each open their own at once.
    """

    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self.connection = connection
        self.path = path

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (a WAL file left by the last writer is folded back in)."""
        self.connection.close()

    # ------------------------------------------------------------------- writing

    def write_issue(
        self,
        issue: Mapping[str, Any],
        *,
        path: str | None = None,
        profile: str | None = None,
        converted_at: str | None = None,
    ) -> int:
        """Given an issue dict, store it (replacing the rows of the same path); return its id.

        ``path`` is the key and the entries' ``file`` (default: the issue's source.path, as
        ``batch`` writes it in entries.jsonl); ``profile`` names the profile used (default:
        the issue's ``issue.profile``, else the built-in profile's name);
        ``converted_at`` defaults to now (UTC, ISO 8601).
        """
        key = _issue_path(issue, path, self.path)
        with transaction(self.connection, self.path, f"store {key!r}"):
            try:
                return _replace_issue(
                    self.connection,
                    issue,
                    key,
                    profile=profile,
                    converted_at=converted_at if converted_at is not None else utc_now(),
                )
            except (AttributeError, KeyError, TypeError, ValueError) as exc:
                # Rolled back: the issue's earlier rows stay as they were.
                raise ArchiveError(
                    f"cannot store {key!r}: not an issue as reportparse writes it "
                    f"({type(exc).__name__}: {exc})",
                    path=self.path,
                ) from exc

    def remove_issue(self, path: str) -> bool:
        """Given an input path, delete its issue and rows; return whether it was there."""
        with transaction(self.connection, self.path, f"remove {path!r}"):
            cursor = self.connection.execute("DELETE FROM issues WHERE path = ?", (path,))
            return cursor.rowcount > 0

    # ------------------------------------------------------------------- reading

    def paths(self) -> list[str]:
        """Return the input paths of every stored issue, sorted."""
        rows = self._read("SELECT path FROM issues ORDER BY path", ())
        return [row[0] for row in rows]

    def read_issue(self, path: str) -> dict[str, Any] | None:
        """Given an input path, return the stored issue as the dict written, or None.

        Its ``source.path`` is the key it was stored under.
        """
        # One read snapshot: a writer replacing the issue meanwhile is not half seen.
        with transaction(self.connection, self.path, "read the database", write=False):
            cursor = self.connection.execute("SELECT * FROM issues WHERE path = ?", (path,))
            cursor.row_factory = sqlite3.Row
            row = cursor.fetchone()
            return None if row is None else _issue_dict(self.connection, row)

    def _read(self, sql: str, parameters: tuple[Any, ...]) -> list[Any]:
        try:
            cursor = self.connection.execute(sql, parameters)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()
        except sqlite3.Error as exc:
            raise database_error(exc, self.path, "read the database") from exc


def open_archive(
    db_path: DbPath, *, create: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Archive:
    """Given a database path, open (and with ``create``, make or upgrade) the archive.

    ``busy_timeout_ms`` is how long a write waits while another process writes.
    """
    return Archive(connect(db_path, create=create, busy_timeout_ms=busy_timeout_ms), str(db_path))


def write_issue(
    db_path: DbPath,
    issue: Mapping[str, Any],
    *,
    path: str | None = None,
    profile: str | None = None,
    converted_at: str | None = None,
) -> int:
    """Given a database path and an issue dict, store the issue; return its issue id."""
    with open_archive(db_path) as archive:
        return archive.write_issue(issue, path=path, profile=profile, converted_at=converted_at)


def write_issues(
    db_path: DbPath,
    issues: Iterable[tuple[str, Mapping[str, Any]]],
    *,
    profile: str | None = None,
    converted_at: str | None = None,
) -> int:
    """Given a database path and (file, issue dict) pairs, store each; return the count.

    ``file`` is the key, as in :func:`reportparse.emit.entry_records`; each issue is its own
    transaction, so an error leaves the issues before it stored.
    """
    count = 0
    stamp = converted_at if converted_at is not None else utc_now()
    with open_archive(db_path) as archive:
        for file, issue in issues:
            archive.write_issue(issue, path=file, profile=profile, converted_at=stamp)
            count += 1
    return count


# --------------------------------------------------------------------------- rows


def _issue_path(issue: Mapping[str, Any], path: str | None, where: str) -> str:
    """Given an issue dict and an optional path, return the issue's key."""
    if path is not None:
        return path
    source = issue.get("source")
    key = source.get("path") if isinstance(source, Mapping) else None
    if not isinstance(key, str) or not key:
        raise ArchiveError("the issue has no source.path; pass path= to store it", path=where)
    return key


def _json(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


def _replace_issue(
    connection: sqlite3.Connection,
    issue: Mapping[str, Any],
    path: str,
    *,
    profile: str | None,
    converted_at: str,
) -> int:
    """Given a connection inside a transaction, write one issue's rows; return its id.

    An issue stored earlier with the same content (same dict, key order aside) keeps its
    rows: only profile and converted_at change, so re-running over a whole archive is cheap.
    """
    if profile is None:  # the one the issue records (written for all but the built-in one)
        profile = (issue.get("issue") or {}).get("profile") or DEFAULT_PROFILE.name
    digest = hashlib.sha256(orjson.dumps(dict(issue), option=orjson.OPT_SORT_KEYS)).hexdigest()
    stored = connection.execute(
        "SELECT id, content_sha256 FROM issues WHERE path = ?", (path,)
    ).fetchone()
    if stored is not None and stored[1] == digest:
        connection.execute(
            "UPDATE issues SET profile = ?, converted_at = ? WHERE id = ?",
            (profile, converted_at, stored[0]),
        )
        return int(stored[0])
    source = issue.get("source") or {}
    info = issue.get("issue") or {}
    row = {
        "path": path,
        "sha256": source.get("sha256"),
        "period": info.get("period"),
        "title": info.get("title"),
        "publisher": info.get("publisher"),
        "pages": source.get("pages"),
        "profile": profile,
        "converted_at": converted_at,
        "kind": source.get("kind"),
        "editors": _json(list(info.get("editors") or [])),
        "executive_editors": _json(list(info.get("executive_editors") or [])),
        "warnings": _json(list(issue.get("warnings") or [])),
        "schema_version": issue.get("schema_version"),
        "content_sha256": digest,
    }
    columns = ", ".join(row)
    updates = ", ".join(f"{name} = excluded.{name}" for name in row if name != "path")
    # An upsert keeps the issue id of an earlier conversion; its old rows go below.
    connection.execute(
        f"INSERT INTO issues ({columns}) VALUES ({', '.join('?' * len(row))}) "
        f"ON CONFLICT(path) DO UPDATE SET {updates}",
        tuple(row.values()),
    )
    # Not RETURNING: that needs SQLite 3.35, the trigram tokenizer only 3.34.
    issue_id = int(
        connection.execute("SELECT id FROM issues WHERE path = ?", (path,)).fetchone()[0]
    )
    # Cascades to the entries' links; the trigger drops their full-text rows.
    connection.execute("DELETE FROM entries WHERE issue_id = ?", (issue_id,))
    connection.execute("DELETE FROM links WHERE issue_id = ?", (issue_id,))

    links: list[tuple[Any, ...]] = []
    for position, entry in enumerate(issue.get("entries") or []):
        pages = entry.get("pages") or [None, None]
        entry_id = connection.execute(
            "INSERT INTO entries (issue_id, position, section, number, title, date, "
            "date_text, source, url, summary, commentary, page_start, page_end) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                issue_id,
                position,
                entry.get("section"),
                entry.get("number"),
                entry.get("title"),
                entry.get("date"),
                entry.get("date_text"),
                entry.get("source"),
                entry.get("url"),
                entry.get("summary"),
                entry.get("commentary"),
                pages[0],
                pages[-1],
            ),
        ).lastrowid
        for rank, uri in enumerate(entry.get("urls") or []):
            links.append((issue_id, entry_id, rank, LINK_URL, None, uri, None))
        for rank, link in enumerate(entry.get("links") or []):
            links.append(
                (issue_id, entry_id, rank, LINK_ANCHOR, link.get("text"), link["uri"], None)
            )
    for rank, link in enumerate(issue.get("links") or []):
        links.append(
            (issue_id, None, rank, LINK_ISSUE, link.get("text"), link["uri"], link.get("page"))
        )
    connection.executemany(
        "INSERT INTO links (issue_id, entry_id, position, kind, text, uri, page) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        links,
    )
    return issue_id


def id_chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    """Given ids, yield them in slices that stay under SQLite's limit on bound parameters."""
    for start in range(0, len(ids), _IDS_PER_QUERY):
        yield ids[start : start + _IDS_PER_QUERY]


_IDS_PER_QUERY = 500


def entry_links(
    connection: sqlite3.Connection, entry_ids: Iterable[int]
) -> dict[int, tuple[list[str], list[dict[str, Any]]]]:
    """Given entry ids, return each one's (urls, anchor links) in document order."""
    ids = list(dict.fromkeys(entry_ids))
    found: dict[int, tuple[list[str], list[dict[str, Any]]]] = {i: ([], []) for i in ids}
    for chunk in id_chunks(ids):
        rows = connection.execute(
            "SELECT entry_id, kind, text, uri FROM links "
            f"WHERE entry_id IN ({', '.join('?' * len(chunk))}) "
            "ORDER BY entry_id, kind, position",
            chunk,
        )
        for entry_id, kind, text, uri in rows:
            urls, anchors = found[entry_id]
            if kind == LINK_URL:
                urls.append(uri)
            else:
                anchors.append({"text": text, "uri": uri})
    return found


def entry_dict(
    row: sqlite3.Row | Mapping[str, Any], urls: list[str], links: list[dict[str, Any]]
) -> dict[str, Any]:
    """Given an entries row and its links, return the entry as ``Entry.to_dict()`` has it."""
    return {
        "section": row["section"],
        "number": row["number"],
        "title": row["title"],
        "date": row["date"],
        "date_text": row["date_text"],
        "source": row["source"],
        "url": row["url"],
        "urls": urls,
        "summary": row["summary"],
        "commentary": row["commentary"],
        "links": links,
        "pages": [row["page_start"], row["page_end"]],
    }


def _issue_dict(connection: sqlite3.Connection, issue: sqlite3.Row) -> dict[str, Any]:
    """Given an issues row, rebuild the issue dict it was written from."""
    cursor = connection.execute(
        "SELECT * FROM entries WHERE issue_id = ? ORDER BY position", (issue["id"],)
    )
    cursor.row_factory = sqlite3.Row
    rows = cursor.fetchall()
    links = entry_links(connection, (row["id"] for row in rows))
    unclaimed = connection.execute(
        "SELECT text, uri, page FROM links WHERE issue_id = ? AND kind = ? ORDER BY position",
        (issue["id"], LINK_ISSUE),
    ).fetchall()
    return {
        "schema_version": issue["schema_version"],
        "source": {
            "path": issue["path"],
            "sha256": issue["sha256"],
            "kind": issue["kind"],
            "pages": issue["pages"],
        },
        "issue": {
            "title": issue["title"],
            "period": issue["period"],
            "publisher": issue["publisher"],
            "editors": orjson.loads(issue["editors"] or "[]"),
            "executive_editors": orjson.loads(issue["executive_editors"] or "[]"),
        },
        "entries": [entry_dict(row, *links[row["id"]]) for row in rows],
        "links": [{"text": text, "uri": uri, "page": page} for text, uri, page in unclaimed],
        "warnings": orjson.loads(issue["warnings"] or "[]"),
    }


__all__ = [
    "Archive",
    "entry_dict",
    "entry_links",
    "open_archive",
    "utc_now",
    "write_issue",
    "write_issues",
]
