"""The parsing layers: ``segment`` (sections, entries, front and back matter), then the
fields of each entry (``entry_fields``) and of the issue (``issue_info``)."""

from __future__ import annotations

from .issue_info import build_issue
from .segment import segment

__all__ = ["build_issue", "segment"]
