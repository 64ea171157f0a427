"""The archive: converted issues in one SQLite database, with full-text search.

    from reportparse.archive import write_issue, search

    write_issue("archive.sqlite", issue.to_dict(), profile="default")
    for hit in search("archive.sqlite", "算力", section="政策速递", since="2024-01"):
        print(hit.record["period"], hit.record["title"], hit.snippet.text() if hit.snippet else "")

Standard library ``sqlite3`` only; needs SQLite 3.34 or newer with FTS5 (the ``trigram``
tokenizer). The tables (``issues``, ``entries``, ``links``) and views (``entry_view``,
``link_view``) are plain SQL, for Datasette or the ``sqlite3`` shell. See :mod:`.schema`
for the layout, :mod:`.store` for writing and :mod:`.search` for the search rule.
"""

from __future__ import annotations

from .errors import (
    ArchiveError,
    ArchiveNotFoundError,
    FullTextUnavailableError,
    NewerArchiveError,
    NotAnArchiveError,
)
from .schema import SCHEMA_VERSION, check_full_text
from .search import DEFAULT_LIMIT, Hit, Snippet, record_matches, search, search_records
from .store import Archive, open_archive, write_issue, write_issues

__all__ = [
    "DEFAULT_LIMIT",
    "SCHEMA_VERSION",
    "Archive",
    "ArchiveError",
    "ArchiveNotFoundError",
    "FullTextUnavailableError",
    "Hit",
    "NewerArchiveError",
    "NotAnArchiveError",
    "Snippet",
    "check_full_text",
    "open_archive",
    "record_matches",
    "search",
    "search_records",
    "write_issue",
    "write_issues",
]
