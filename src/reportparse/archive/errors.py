"""The archive's errors: each one line the CLI prints as it is (``path: message``).

All subclass :class:`reportparse.errors.ReportParseError`, so the CLI's one handler maps
them to exit status 1 without a traceback.
"""

from __future__ import annotations

from ..errors import ReportParseError


class ArchiveError(ReportParseError):
    """The database could not be read or written (locked past the timeout, disk full, ...)."""

    code = "archive"


class ArchiveNotFoundError(ArchiveError):
    """The database to search does not exist (searching never creates one)."""

    code = "archive-not-found"


class NotAnArchiveError(ArchiveError):
    """The file is not a SQLite database, or a SQLite database reportparse did not make."""

    code = "not-an-archive"


class NewerArchiveError(ArchiveError):
    """The database was made by a newer reportparse (its schema version is unknown here)."""

    code = "archive-too-new"


class FullTextUnavailableError(ArchiveError):
    """This Python's SQLite has no FTS5 or no ``trigram`` tokenizer (SQLite < 3.34)."""

    code = "no-fts5"


__all__ = [
    "ArchiveError",
    "ArchiveNotFoundError",
    "FullTextUnavailableError",
    "NewerArchiveError",
    "NotAnArchiveError",
]
