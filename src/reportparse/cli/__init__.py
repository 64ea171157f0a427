"""The command line: a thin shell over the library, one module per command.

``app.py`` holds the Typer app and the global options; importing a command's module
registers it.
"""

from __future__ import annotations

from . import batch, debug, extract, profile, search, text
from .app import app
from .main import GC_THRESHOLD, main

__all__ = [
    "GC_THRESHOLD",
    "app",
    "batch",
    "debug",
    "extract",
    "main",
    "profile",
    "search",
    "text",
]
