"""One-page PDFs shown turned through /Rotate, whose text reads upright on the displayed
page: what the debug pictures must draw as the readers measured it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from reportlab.pdfgen import canvas


def turned_pdf(
    path: Path,
    rotate: int,
    shown: tuple[float, float],
    origin: tuple[float, float],
    draw: Callable[[canvas.Canvas], None],
    crop_inset: float | None = None,
) -> Path:
    """Given a /Rotate, the displayed page's size, the media box's lower-left corner and
    a function drawing in displayed space (points, y up, origin at the displayed page's
    lower left), write the page to ``path`` and return it; ``crop_inset`` adds a /CropBox
    that many points in from the media box's left and bottom (in user space)."""
    shown_w, shown_h = shown
    media_w, media_h = (shown_h, shown_w) if rotate in (90, 270) else (shown_w, shown_h)
    mx0, my0 = origin
    mx1, my1 = mx0 + media_w, my0 + media_h
    # Displayed space -> user space.
    inverse = {
        0: (1, 0, 0, 1, mx0, my0),
        90: (0, 1, -1, 0, mx1, my0),
        180: (-1, 0, 0, -1, mx1, my1),
        270: (0, -1, 1, 0, mx0, my1),
    }[rotate]
    drawn = path.with_suffix(".drawn.pdf")
    c = canvas.Canvas(str(drawn), pagesize=(mx1, my1))
    c.transform(*inverse)
    draw(c)
    c.showPage()
    c.save()
    document = pdfium.PdfDocument(drawn)
    try:
        page = document[0]
        page.set_mediabox(mx0, my0, mx1, my1)
        if crop_inset is not None:
            page.set_cropbox(mx0 + crop_inset, my0 + crop_inset, mx1, my1)
        page.set_rotation(rotate)
        document.save(path)
    finally:
        document.close()
    return path
