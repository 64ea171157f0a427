"""Render one PDF page as a picture whose pixels line up with the parser's coordinates.

The readers give every line in PDF points with the origin at the top-left of the page
as displayed: the /MediaBox, turned by the page's /Rotate (pdfminer's page matrix; the
PDFium reader follows it). The /CropBox plays no part there. So the whole media box is
rendered, turned as a viewer turns it, and a point (x, top) of a line is the pixel
(x * scale, top * scale) of the picture. What a viewer would crop away is kept but
washed grey, so text the parser read outside the visible page still shows.
"""

from __future__ import annotations

import ctypes
import math
import os
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageDraw

from ..errors import DamagedPDFError, EncryptedPDFError, NotReadableError, UsageError
from ..read.pdfium_links import link_annotations
from .styles import LinkBox

Rect = tuple[float, float, float, float]

# The smallest scale: twice PDF points (144 dpi), where 9pt text is still crisp.
MIN_SCALE = 2.0
# A hostile page size (PDF allows 200 inches a side) must not allocate gigabytes.
MAX_PIXELS = 40_000_000
# No /MediaBox anywhere: pdfminer assumes US Letter, and so do PDFium and the readers.
LETTER: Rect = (0.0, 0.0, 612.0, 792.0)
# What lies outside the /CropBox: a grey wash over the rendered page.
CROPPED_WASH = (96, 96, 96, 72)


def render_page(
    pdf_path: str | os.PathLike[str],
    page_number: int,
    *,
    password: str | None = None,
    min_width: int = 1000,
    max_pixels: int = MAX_PIXELS,
) -> tuple[Image.Image, float]:
    """Given a PDF and a 1-based page number, return the page as an RGB picture and its
    scale (pixels per PDF point).

    The scale is at least ``MIN_SCALE`` and large enough for the picture to be
    ``min_width`` pixels wide, unless that would exceed ``max_pixels``. A parser
    coordinate (x, top) in points is the pixel (x * scale, top * scale).
    Errors are ReportParseErrors with a one-line message.
    """
    with PdfPages(pdf_path, password=password) as pdf:
        return pdf.render(page_number, min_width=min_width, max_pixels=max_pixels)


class PdfPages:
    """A PDF held open to draw several of its pages: ``render`` a page, read its ``links``.

    Use it as a context manager (or call ``close``). Errors are ReportParseErrors with a
    one-line message; opening raises them for a file PDFium cannot open. ``data``, when
    given, are the bytes to draw instead of the file's (a repaired copy of it); the path
    then only names the file in messages.
    """

    def __init__(
        self,
        pdf_path: str | os.PathLike[str],
        *,
        password: str | None = None,
        data: bytes | None = None,
    ) -> None:
        self.where = os.fspath(pdf_path)
        self._document = _open(self.where if data is None else data, self.where, password)

    def __enter__(self) -> PdfPages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the document (closing twice does nothing)."""
        self._document.close()

    def render(
        self, page_number: int, *, min_width: int = 1000, max_pixels: int = MAX_PIXELS
    ) -> tuple[Image.Image, float]:
        """Given a 1-based page number, return the page's picture and scale (see
        ``render_page``)."""
        page = self._page(page_number)
        try:
            return _render(page, page_number, self.where, min_width, max_pixels)
        finally:
            page.close()

    def links(self, page_number: int) -> list[LinkBox]:
        """Given a 1-based page number, return the rectangles of its link annotations in
        the readers' coordinates (points from the top-left of the displayed page), each
        with its URI ("" for a link that is no URI, such as a jump inside the file).

        PDFium reads them here, whichever engine read the text: the picture shows the
        annotations the file has, not the ones a reader made use of."""
        page = self._page(page_number)
        try:
            return _links(page, self._document)
        finally:
            page.close()

    def _page(self, page_number: int) -> Any:
        count = len(self._document)
        if not 1 <= page_number <= count:
            raise UsageError(
                f"page {page_number} does not exist; the PDF has {count} "
                f"page{'s' if count != 1 else ''}",
                path=self.where,
            )
        try:
            return self._document[page_number - 1]
        except pdfium.PdfiumError:
            raise DamagedPDFError(
                f"the PDF is damaged: page {page_number} cannot be loaded", path=self.where
            ) from None


def page_scale(width: float, height: float, min_width: int, max_pixels: int) -> float:
    """Given a displayed page size in points, return the rendering scale."""
    width, height = max(width, 1.0), max(height, 1.0)
    scale = max(MIN_SCALE, min_width / width)
    if width * height * scale * scale > max_pixels:
        scale = math.sqrt(max_pixels / (width * height))
    return scale


def display_rect(rect: Rect, media: Rect, rotate: int) -> Rect:
    """Given a rectangle in PDF user space (x0, y0, x1, y1), the page's media box and
    /Rotate, return it as (x0, top, x1, bottom) the way the readers give lines: points
    from the top-left of the displayed page."""
    mx0, my0, mx1, my1 = media
    corners = [(rect[0], rect[1]), (rect[2], rect[3])]
    if rotate == 90:
        points = [(y - my0, x - mx0) for x, y in corners]
    elif rotate == 180:
        points = [(mx1 - x, y - my0) for x, y in corners]
    elif rotate == 270:
        points = [(my1 - y, mx1 - x) for x, y in corners]
    else:
        points = [(x - mx0, my1 - y) for x, y in corners]
    xs = [p[0] for p in points]
    tops = [p[1] for p in points]
    return (min(xs), min(tops), max(xs), max(tops))


# --------------------------------------------------------------------------- internals


def _open(source: str | bytes, where: str, password: str | None) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(source, password=password or None)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            if password:
                message = (
                    "wrong password: the PDF does not open with the one given; check --password"
                )
            else:
                message = "the PDF is encrypted; give its password with --password"
            raise EncryptedPDFError(message, path=where) from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise EncryptedPDFError(
                "the PDF's encryption is not supported by PDFium, which draws the page",
                path=where,
            ) from None
        if code == pdfium_c.FPDF_ERR_FILE:
            raise NotReadableError("cannot read the file", path=where) from None
        raise DamagedPDFError(
            "the PDF is damaged: PDFium cannot open it to draw the page", path=where
        ) from None
    except (OSError, ValueError) as exc:
        raise NotReadableError(f"cannot read the file: {type(exc).__name__}", path=where) from None


def _box(page: Any, getter: Any) -> Rect | None:
    """Given a page and PDFium's getter of one of its boxes, return the box normalised, or
    None where the page has none."""
    values = [ctypes.c_float() for _ in range(4)]
    if not getter(page, *values):
        return None
    left, bottom, right, top = (float(v.value) for v in values)
    return (min(left, right), min(bottom, top), max(left, right), max(bottom, top))


def _render(
    page: Any, number: int, where: str, min_width: int, max_pixels: int
) -> tuple[Image.Image, float]:
    media, rotate = _geometry(page)
    crop = _box(page, pdfium_c.FPDFPage_GetCropBox)
    # PDFium draws the crop box; make it the media box so the picture spans what the
    # readers measure from (only this in-memory copy of the page changes).
    pdfium_c.FPDFPage_SetCropBox(page, *media)
    width, height = media[2] - media[0], media[3] - media[1]
    if rotate in (90, 270):
        width, height = height, width
    scale = page_scale(width, height, min_width, max_pixels)
    try:
        bitmap = page.render(scale=scale, draw_annots=True)
        image = bitmap.to_pil().convert("RGB")
    except (pdfium.PdfiumError, ValueError, MemoryError) as exc:
        raise DamagedPDFError(
            f"the PDF is damaged: drawing page {number} failed ({type(exc).__name__})",
            path=where,
        ) from None
    if crop is not None:
        _wash_outside(image, display_rect(_intersect(crop, media), media, rotate), scale)
    return image, scale


def _intersect(a: Rect, b: Rect) -> Rect:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _wash_outside(image: Image.Image, visible: Rect, scale: float) -> None:
    """Given the picture and the crop box as displayed, grey what lies outside it."""
    x0, top, x1, bottom = visible
    if x1 <= x0 or bottom <= top:
        return
    left, upper = round(x0 * scale), round(top * scale)
    right, lower = round(x1 * scale), round(bottom * scale)
    if left <= 0 and upper <= 0 and right >= image.width and lower >= image.height:
        return
    veil = Image.new("RGBA", image.size, CROPPED_WASH)
    ImageDraw.Draw(veil).rectangle((left, upper, right - 1, lower - 1), fill=(0, 0, 0, 0))
    washed = Image.alpha_composite(image.convert("RGBA"), veil).convert("RGB")
    image.paste(washed)


def _geometry(page: Any) -> tuple[Rect, int]:
    """Given a page, return its media box (US Letter where it has none) and /Rotate."""
    media = _box(page, pdfium_c.FPDFPage_GetMediaBox) or LETTER
    return media, (pdfium_c.FPDFPage_GetRotation(page) % 4) * 90


def _links(page: Any, document: Any) -> list[LinkBox]:
    """Given a page, return its link annotations as displayed (see PdfPages.links); a
    link whose action is no URI has the URI ""."""
    media, rotate = _geometry(page)
    found: list[LinkBox] = []
    for (left, bottom, right, top), raw in link_annotations(document.raw, page):
        user = (min(left, right), min(bottom, top), max(left, right), max(bottom, top))
        x0, y0, x1, y1 = display_rect(user, media, rotate)
        # The URI up to its first NUL, as PDFium's buffer shows it.
        uri = "" if raw is None else raw.split(b"\0", 1)[0].decode("utf-8", errors="replace")
        found.append(LinkBox(x0, y0, x1, y1, uri))
    return found
