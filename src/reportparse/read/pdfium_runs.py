"""What PDFium tells per font and per text object, cached as runs so each glyph costs two calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..model import Page, Warning

# --------------------------------------------------------------------------- one page


class _Font:
    """What the chars of one PDF font share: its name and pdfminer's descent (em)."""

    __slots__ = ("descent", "name")

    def __init__(self, name: str, descent: float) -> None:
        self.name = name
        self.descent = descent


class _Run(NamedTuple):
    """What the chars of one text object share: font, size and vertical extent."""

    fontname: str
    size: float  # pdfminer's char size: the box height in device space
    upright: bool  # pdfminer's test: a*d > 0 and b*c <= 0
    # No rotation (b == 0): every char's box has the same vertical extent, pdfminer's
    # baseline + descent .. + size; top/bottom are already top-left-origin values.
    simple: bool
    top: float = 0.0
    bottom: float = 0.0
    tilt: float = 0.0  # the baseline's angle in device space (Char.tilt)
    # A full-width glyph's box narrower than this is its ink, not its cell (_advance_box).
    narrow: float = 0.0
    # PDFium boxes these glyphs as pdfminer does (else the page is read as pdfminer reads it).
    boxed: bool = True


# pdfminer's descent (1/1000 em) for the standard-14 fonts and their Windows aliases,
# from its AFM metrics (pdfminer.fontmetrics), which it uses instead of a descriptor.
_STD14_DESCENT: dict[str, float] = {
    **dict.fromkeys(
        (
            "Courier",
            "Courier-Bold",
            "Courier-BoldOblique",
            "Courier-Oblique",
            "CourierNew",
            "CourierNew,Italic",
            "CourierNew,Bold",
            "CourierNew,BoldItalic",
        ),
        -194.0,
    ),
    **dict.fromkeys(
        (
            "Helvetica",
            "Helvetica-Bold",
            "Helvetica-BoldOblique",
            "Helvetica-Oblique",
            "Arial",
            "Arial,Italic",
            "Arial,Bold",
            "Arial,BoldItalic",
        ),
        -207.0,
    ),
    **dict.fromkeys(
        (
            "Times-Roman",
            "Times-Bold",
            "Times-BoldItalic",
            "Times-Italic",
            "TimesNewRoman",
            "TimesNewRoman,Italic",
            "TimesNewRoman,Bold",
            "TimesNewRoman,BoldItalic",
        ),
        -217.0,
    ),
    "Symbol": 0.0,
    "ZapfDingbats": 0.0,
}


# (font address, the packed floats a, b, c, d, font size, f of the object's matrix, e or 0):
# what decides a text object's run.
_RunKey = tuple[int, bytes, float]
_RunCache = dict[_RunKey, _Run]
# Runs remembered across pages of one geometry (a few hundred per page layout).
_MAX_RUNS = 4096
# Glyphs whose text objects are fetched per pass.
_GLYPHS_PER_PASS = 4096


# Given a page number, the page as the pdfplumber engine reads it and its warnings, or None.
ExactPage = Callable[[int], "tuple[Page, list[Warning]] | None"]
