"""Kept so that ``reportparse.emit.*`` stays importable: everything lives in ``write/``."""

from __future__ import annotations

from .write import *  # noqa: F403
from .write import __all__ as __all__
