"""PDFium: a page's link annotations, and the URI ones as the records both engines hand
to layout (``debug`` outlines them all)."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import Any

import pypdfium2.raw as pdfium_c

from .glyphs import Annot
from .pages import MAX_ANNOTS_PER_PAGE, Matrix, link_annot
from .pdfium_calls import (
    _action_type,
    _action_uri,
    _address,
    _annot_close,
    _annot_count,
    _annot_link,
    _annot_open,
    _annot_rect,
    _annot_subtype,
    _decode_uri,
    _link_action,
    pointer_arg,
)

# A link annotation as stored: its rectangle (left, bottom, right, top, in PDF user
# space, corners in any order) and its URI's bytes (None when its action is no URI).
StoredLink = tuple[tuple[float, float, float, float], bytes | None]


def link_annotations(doc: Any, page: Any) -> Iterator[StoredLink]:
    """Given a PDFium document and one of its pages, yield each link annotation that has a
    rectangle, in the page's order (at most MAX_ANNOTS_PER_PAGE are looked at)."""
    page_arg = pointer_arg(_address(page))
    doc_address = _address(doc)
    total = min(_annot_count(page_arg), MAX_ANNOTS_PER_PAGE)
    rect = pdfium_c.FS_RECTF()
    rect_arg = ctypes.byref(rect)
    for index in range(total):
        annot = _annot_open(page_arg, index)
        if not annot:
            continue
        annot_arg = pointer_arg(annot)
        try:
            if _annot_subtype(annot_arg) != pdfium_c.FPDF_ANNOT_LINK:
                continue
            if not _annot_rect(annot_arg, rect_arg):
                continue
            stored = (rect.left, rect.bottom, rect.right, rect.top)
            uri = _uri_bytes(doc_address, annot_arg)
        finally:
            _annot_close(annot_arg)
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


def _uri_bytes(doc: int, annot: Any) -> bytes | None:
    """Given a document's address and a link annotation, return its URI's bytes (without
    the NUL), or None when the link's action is no URI."""
    link = _annot_link(annot)
    action = _link_action(pointer_arg(link)) if link else None
    if not action or _action_type(action) != pdfium_c.PDFACTION_URI:
        return None
    size = _action_uri(doc, action, None, 0)
    if size <= 0:
        return b""
    buf = ctypes.create_string_buffer(size)
    _action_uri(doc, action, buf, size)
    return buf.raw[: size - 1]
