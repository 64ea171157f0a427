"""reportparse: PDF issues of Chinese law-firm newsletters -> clean structured data."""

from __future__ import annotations

from .api import parse, read
from .errors import ReportParseError
from .model import Entry, Issue
from .profile import DEFAULT_PROFILE, Limits, Profile

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_PROFILE",
    "Entry",
    "Issue",
    "Limits",
    "Profile",
    "ReportParseError",
    "__version__",
    "parse",
    "read",
]
