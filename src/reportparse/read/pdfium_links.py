"""PDFium: a page's URI link annotations, as the records both engines hand to layout."""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2.raw as pdfium_c

from .glyphs import Annot
from .pages import MAX_ANNOTS_PER_PAGE, Matrix, link_annot
from .pdfium_calls import _decode_uri


def read_links(doc: Any, page: Any, ctm: Matrix, height: float) -> list[Annot]:
    """Given a PDFium document and one of its pages, return the page's URI link
    annotations in top-left coordinates."""
    found: list[Annot] = []
    total = min(pdfium_c.FPDFPage_GetAnnotCount(page), MAX_ANNOTS_PER_PAGE)
    rect = pdfium_c.FS_RECTF()
    for index in range(total):
        annot = pdfium_c.FPDFPage_GetAnnot(page, index)
        if not annot:
            continue
        try:
            if pdfium_c.FPDFAnnot_GetSubtype(annot) != pdfium_c.FPDF_ANNOT_LINK:
                continue
            link = pdfium_c.FPDFAnnot_GetLink(annot)
            if not link:
                continue
            action = pdfium_c.FPDFLink_GetAction(link)
            if not action or pdfium_c.FPDFAction_GetType(action) != pdfium_c.PDFACTION_URI:
                continue
            uri = _decode_uri(_uri_bytes(doc, action))
            if uri is None or not pdfium_c.FPDFAnnot_GetRect(annot, rect):
                continue
            corner, opposite = (rect.left, rect.bottom), (rect.right, rect.top)
            found.append(link_annot(uri, corner, opposite, ctm, height))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return found


def _uri_bytes(doc: Any, action: Any) -> bytes:
    """Given a document and a URI action, return the URI's bytes (without the NUL)."""
    size = pdfium_c.FPDFAction_GetURIPath(doc, action, None, 0)
    if size <= 0:
        return b""
    buf = ctypes.create_string_buffer(size)
    pdfium_c.FPDFAction_GetURIPath(doc, action, buf, size)
    return buf.raw[: size - 1]
