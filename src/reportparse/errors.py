"""One exception hierarchy; the CLI maps every ReportParseError to a one-line message.

Each class carries the exit status the CLI uses. Messages are complete sentences a user
can act on, without a traceback.
"""

from __future__ import annotations


class ReportParseError(Exception):
    """Base of every error reportparse raises on purpose."""

    exit_code = 1
    code = "error"

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class UsageError(ReportParseError):
    """Bad options or arguments (exit status 2)."""

    exit_code = 2
    code = "usage"


class InputNotFoundError(ReportParseError):
    code = "not-found"


class NotReadableError(ReportParseError):
    code = "not-readable"


class EmptyFileError(ReportParseError):
    code = "empty-file"


class NotAPDFError(ReportParseError):
    code = "not-a-pdf"


class DamagedPDFError(ReportParseError):
    code = "damaged-pdf"


class EncryptedPDFError(ReportParseError):
    code = "encrypted-pdf"


class ScannedPDFError(ReportParseError):
    """Pages but no text layer: the file needs OCR first."""

    code = "no-text-layer"


class LimitExceededError(ReportParseError):
    """A guard against hostile files (pages, characters per page, time) was hit."""

    code = "limit-exceeded"


class NoEntriesError(ReportParseError):
    code = "no-entries"


class OutputError(ReportParseError):
    """The output file could not be written."""

    code = "output"
