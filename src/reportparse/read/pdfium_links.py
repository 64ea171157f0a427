"""PDFium: a page's link annotations, and the URI ones as the records both engines hand
to layout (``debug`` outlines them all)."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import Any

import pypdfium2.raw as pdfium_c

from .glyphs import Annot
from .pages import MAX_ANNOTS_PER_PAGE, Matrix, link_annot
from .pdfium_calls import _decode_uri

# A link annotation as stored: its rectangle (left, bottom, right, top, in PDF user
# space, corners in any order) and its URI's bytes (None when its action is no URI).
StoredLink = tuple[tuple[float, float, float, float], bytes | None]


def link_annotations(doc: Any, page: Any) -> Iterator[StoredLink]:
    """Given a PDFium document and one of its pages, yield each link annotation that has a
    rectangle, in the page's order (at most MAX_ANNOTS_PER_PAGE are looked at)."""
    total = min(pdfium_c.FPDFPage_GetAnnotCount(page), MAX_ANNOTS_PER_PAGE)
    rect = pdfium_c.FS_RECTF()
    for index in range(total):
        annot = pdfium_c.FPDFPage_GetAnnot(page, index)
        if not annot:
            continue
        try:
            if pdfium_c.FPDFAnnot_GetSubtype(annot) != pdfium_c.FPDF_ANNOT_LINK:
                continue
            if not pdfium_c.FPDFAnnot_GetRect(annot, rect):
                continue
            stored = (rect.left, rect.bottom, rect.right, rect.top)
            uri = _uri_bytes(doc, annot)
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
        yield stored, uri


def read_links(doc: Any, page: Any, ctm: Matrix, height: float) -> list[Annot]:
    """Given a PDFium document and one of its pages, return the page's URI link
    annotations in top-left coordinates."""
    found: list[Annot] = []
    for (left, bottom, right, top), raw in link_annotations(doc, page):
        uri = None if raw is None else _decode_uri(raw)
        if uri is not None:
            found.append(link_annot(uri, (left, bottom), (right, top), ctm, height))
    return found


def _uri_bytes(doc: Any, annot: Any) -> bytes | None:
    """Given a document and a link annotation, return its URI's bytes (without the NUL),
    or None when the link's action is no URI."""
    link = pdfium_c.FPDFAnnot_GetLink(annot)
    action = pdfium_c.FPDFLink_GetAction(link) if link else None
    if not action or pdfium_c.FPDFAction_GetType(action) != pdfium_c.PDFACTION_URI:
        return None
    size = pdfium_c.FPDFAction_GetURIPath(doc, action, None, 0)
    if size <= 0:
        return b""
    buf = ctypes.create_string_buffer(size)
    pdfium_c.FPDFAction_GetURIPath(doc, action, buf, size)
    return buf.raw[: size - 1]
