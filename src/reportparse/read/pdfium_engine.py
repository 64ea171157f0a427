"""Read a PDF with pypdfium2 (``--engine pdfium``) into a :class:`~reportparse.model.Document`.

The second engine: per page it extracts :class:`~reportparse.read.glyphs.Char` and
:class:`~reportparse.read.glyphs.Annot` records through PDFium's C API and hands them to
:mod:`reportparse.read.lines`, exactly like the pdfplumber engine does with pdfminer, so
every later layer sees the same lines. It mirrors ``plumber_engine.read_pdf``: page
selection, warnings, limits, sha256, metadata keys, outline items and the error classes
and messages.

Boxes are made to match pdfminer's, not PDFium's own:

* x: PDFium's *loose* char box spans the pen position to pen + advance (the same as
  pdfminer's), widened to the glyph's ink where the ink overhangs the advance.
* y: pdfminer's box is ``descent .. descent + size`` around the baseline, where
  ``descent`` is the font descriptor's (or, for a standard-14 font, its AFM metrics') and
  ``size`` the font size in device space; the baseline is the text object's matrix.
* Spaces PDFium invents between words and lines (``FPDFText_IsGenerated``) are skipped, so
  that spacing is decided by :mod:`reportparse.read.lines` as with pdfminer.
* Font names are PDFium's base font name (the subset tag ``ABCDEF+`` is gone; layout
  strips it from pdfminer's names too).

Speed: one ``FPDFText_GetText`` call gives a page's text; per char only two C calls are
made (its text object, its loose box) through ctypes prototypes that take plain
integers; everything else is looked up once per text object or font. Every page and text
page is closed before the next is opened, so memory stays flat with page count.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import DamagedPDFError, EncryptedPDFError, LimitExceededError, NotReadableError
from ..model import Document, OutlineItem, Warning
from ..profile import DEFAULT_LIMITS, Limits
from .pages import (
    MAX_OUTLINE_ITEMS,
    METADATA_KEYS,
    file_sha256,
    outline_overflow,
    password_error,
    read_pages,
    wanted_pages,
)
from .pdfium_calls import _REPAIR_HINT, _address, _clean_text, _error_text, _redecode, _utf16_call
from .pdfium_page import _PageReader

# --------------------------------------------------------------------------- entry point


def read_pdf(
    path: Path,
    *,
    pages: list[int] | None = None,
    password: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Document:
    """Given a PDF file, return its pages as lines, its outline and metadata.

    Same contract as :func:`reportparse.pdf.read_pdf`: ``pages`` are 1-based page numbers
    (None: all); numbers past the end are skipped with a "page-out-of-range" warning.
    Raises EncryptedPDFError, DamagedPDFError or LimitExceededError.
    """
    where = str(path)
    try:
        digest = file_sha256(path)
    except OSError as exc:
        raise NotReadableError(f"cannot read the file: {exc.strerror}", path=where) from exc
    pdf = _open(path, where, password)
    try:
        total = len(pdf)
        if total > limits.max_pages:
            raise LimitExceededError(
                f"the PDF has more than {limits.max_pages} pages; raise the limit with --max-pages",
                path=where,
            )
        if total < 1:
            raise DamagedPDFError(
                "the PDF has no pages (its page tree is empty or unreadable); "
                "repair the file (e.g. qpdf in.pdf out.pdf)",
                path=where,
            )
        warnings: list[Warning] = []
        wanted = wanted_pages(pages, total, warnings)
        from .plumber_page import LazyReading

        # pdfminer's reading, for the little PDFium cannot give as it does.
        pdfminer_reading = LazyReading(path, password, limits)
        try:
            reader = _PageReader(pdf, limits, pdfminer_reading.page)
            out_pages = read_pages(
                wanted, lambda number: reader.read(number, warnings), where, warnings
            )
            outline = _read_outline(pdf, total, warnings, pdfminer_reading.outline)
            metadata = _read_metadata(pdf, pdfminer_reading.metadata)
        finally:
            pdfminer_reading.close()
    finally:
        pdf.close()
    return Document(
        path=where,
        sha256=digest,
        kind="pdf",
        page_count=total,
        pages=out_pages,
        outline=outline,
        metadata=metadata,
        warnings=warnings,
    )


# --------------------------------------------------------------------------- errors


def _open(path: Path, where: str, password: str | None) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(path, password=password or None)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise password_error(password, where) from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise EncryptedPDFError(
                "the PDF's encryption is not supported (PDFium: unsupported security "
                "scheme); try --engine pdfplumber",
                path=where,
            ) from None
        if code == pdfium_c.FPDF_ERR_FILE:
            raise NotReadableError("cannot read the file", path=where) from None
        reason = pdfium_c.FPDF_ERR_FORMAT if code is None else code
        raise DamagedPDFError(
            f"the PDF is damaged: opening the file failed: {_error_text(reason)}; {_REPAIR_HINT}",
            path=where,
        ) from None
    except (OSError, ValueError) as exc:
        raise DamagedPDFError(
            f"the PDF is damaged: opening the file failed: {type(exc).__name__}; {_REPAIR_HINT}",
            path=where,
        ) from None


# --------------------------------------------------------------------------- outline


class _LossyTitle(Exception):
    """A bookmark title PDFium decoded with bytes lost (UTF-8 without a byte-order mark)."""


def _read_outline(
    pdf: pdfium.PdfDocument,
    total: int,
    warnings: list[Warning],
    reread: Callable[[list[Warning]], list[OutlineItem] | None],
) -> list[OutlineItem]:
    """Given a document, return its bookmarks in order; never raises.

    ``reread`` reads the outline with pdfminer instead, for the rare title PDFium cannot
    decode without loss (returns None when that fails too).
    """
    doc = pdf.raw
    items: list[OutlineItem] = []
    mark = len(warnings)
    try:
        visited: set[int] = set()
        looped = False
        stack: list[tuple[Any, int]] = [(pdfium_c.FPDFBookmark_GetFirstChild(doc, None), 1)]
        while stack:
            node, level = stack.pop()
            while node:
                key = _address(node)
                if key in visited:
                    looped = True
                    break
                visited.add(key)
                raw_title, lossy = _redecode(_utf16_call(pdfium_c.FPDFBookmark_GetTitle, node))
                if lossy:
                    raise _LossyTitle
                title = _clean_text(raw_title)
                if title is not None:
                    items.append(
                        OutlineItem(title=title, level=level, page=_dest_page(doc, node, total))
                    )
                    if len(items) >= MAX_OUTLINE_ITEMS:
                        warnings.append(outline_overflow())
                        return items
                child = pdfium_c.FPDFBookmark_GetFirstChild(doc, node)
                following = pdfium_c.FPDFBookmark_GetNextSibling(doc, node)
                if child:
                    stack.append((following, level))
                    node, level = child, level + 1
                else:
                    node = following
        if looped:
            warnings.append(
                Warning("outline-unreadable", "the outline loops; bookmarks seen twice skipped")
            )
    except _LossyTitle:
        others: list[Warning] = []
        again = reread(others)
        if again is not None:
            del warnings[mark:]
            warnings.extend(others)
            return again
        items = []
    except Exception as exc:
        warnings.append(
            Warning("outline-unreadable", f"the outline is unreadable ({type(exc).__name__})")
        )
    return items


def _dest_page(doc: Any, bookmark: Any, total: int) -> int | None:
    """Given a bookmark, return the 1-based page its /Dest or GoTo action points to."""
    dest = pdfium_c.FPDFBookmark_GetDest(doc, bookmark)
    if not dest:
        action = pdfium_c.FPDFBookmark_GetAction(bookmark)
        if not action or pdfium_c.FPDFAction_GetType(action) != pdfium_c.PDFACTION_GOTO:
            return None
        dest = pdfium_c.FPDFAction_GetDest(doc, action)
        if not dest:
            return None
    index = pdfium_c.FPDFDest_GetDestPageIndex(doc, dest)
    if 0 <= index < total:
        return int(index) + 1
    return None


# --------------------------------------------------------------------------- metadata


def _read_metadata(
    pdf: pdfium.PdfDocument, reread: Callable[[], dict[str, str] | None]
) -> dict[str, str]:
    """Given a document, return Title/Author/Subject/Producer/Creator as text; never raises.

    ``reread`` reads them with pdfminer instead, for a value PDFium cannot decode without
    loss (UTF-8 without a byte-order mark); it returns None when that fails too.
    """
    metadata: dict[str, str] = {}
    doc = pdf.raw
    for key in METADATA_KEYS:
        try:
            raw = _utf16_call(pdfium_c.FPDF_GetMetaText, doc, key.encode("ascii"))
        except Exception:
            continue
        value, lossy = _redecode(raw)
        if lossy:
            again = reread()
            if again is not None:
                return again
        text = _clean_text(value)
        if text is not None:
            metadata[key] = text
    return metadata
