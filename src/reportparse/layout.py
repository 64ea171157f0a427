"""Characters with boxes -> lines with geometry; shared by every PDF engine.

Both engines (pdfplumber in ``pdf.py``, pypdfium2 in ``pdfium.py``) only extract
:class:`Char` and :class:`Annot` records per page; everything that turns them into
:class:`~reportparse.model.Line` objects lives here, so the engines give the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Char:
    """One glyph: its text and box in points, origin at the page's top-left."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    fontname: str
    size: float
    upright: bool = True


@dataclass(frozen=True, slots=True)
class Annot:
    """A URI link annotation's rectangle in points, origin at the page's top-left."""

    uri: str
    x0: float
    top: float
    x1: float
    bottom: float
