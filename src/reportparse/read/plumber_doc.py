"""A PDF opened with pdfminer: its error messages and its page tree, walked with guards."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from pdfminer.pdfdocument import (
    PDFDocument,
    PDFEncryptionError,
    PDFPasswordIncorrect,
)
from pdfminer.pdffont import PDFFont
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.psparser import PSLiteral
from pdfplumber.pdf import PDF as PlumberPDF
from pdfplumber.utils.exceptions import PdfminerException

from ..errors import (
    DamagedPDFError,
    EncryptedPDFError,
    LimitExceededError,
    ReportParseError,
)
from ..memory import over_limit
from ..profile import Limits
from .glyphs import plausible_descent
from .pages import password_error

MAX_FALLBACK_OBJECTS = 200_000  # objects scanned for pages when the page tree is missing


_INHERITABLE = ("Resources", "MediaBox", "CropBox", "Rotate")


def bound_descents(rsrcmgr: PDFResourceManager) -> None:
    """Given pdfminer's resource manager, make every font it loads hold a plausible
    descent (see :func:`~reportparse.read.glyphs.plausible_descent`), as the pdfium
    engine's fonts do: pdfminer boxes each glyph from the font's descent."""
    load = rsrcmgr.get_font

    def get_font(objid: object, spec: Any) -> PDFFont:
        font = load(objid, spec)
        scale = getattr(font, "vscale", 0)
        descent = font.get_descent()
        bounded = plausible_descent(descent)
        if scale and bounded != descent:
            font.descent = bounded / scale
        return font

    rsrcmgr.get_font = get_font  # type: ignore[method-assign]


class TooManyChars(Exception):
    """Raised inside the interpreter when a page draws more glyphs than allowed."""


def unwrap_error(exc: BaseException) -> BaseException:
    """Given an exception, return the pdfminer error pdfplumber wrapped in it, if any."""
    seen = 0
    while isinstance(exc, PdfminerException) and exc.args and seen < 5:
        inner = exc.args[0]
        if not isinstance(inner, BaseException):
            break
        exc, seen = inner, seen + 1
    return exc


def error_detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > 100:
        text = text[:97] + "..."
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def damaged_error(exc: BaseException, what: str) -> DamagedPDFError:
    """Given a low-level failure while doing ``what``, return a one-line DamagedPDFError."""
    exc = unwrap_error(exc)
    hint = "try --engine pdfium, or repair the file (e.g. qpdf in.pdf out.pdf)"
    if isinstance(exc, RecursionError):
        reason = "objects refer to each other in a loop or nest too deeply"
    elif isinstance(exc, MemoryError):
        reason = "it needs more memory than is available"
    elif isinstance(exc, zlib.error):
        reason = f"a compressed stream is corrupt ({error_detail(exc)})"
    else:
        reason = error_detail(exc)
    return DamagedPDFError(f"the PDF is damaged: {what} failed: {reason}; {hint}")


def open_document(stream: BinaryIO, where: str, password: str | None) -> Any:
    """Given a PDF stream, return it opened with pdfplumber (fonts with bounded descents,
    for every reader of it), or raise a one-line ReportParseError."""
    try:
        pdf = PlumberPDF(stream, stream_is_external=True, password=password or "")  # type: ignore[arg-type]
    except Exception as exc:  # pdfminer raises anything on broken files
        inner = unwrap_error(exc)
        if isinstance(inner, MemoryError) and (limit_error := over_limit(where)):
            raise limit_error from None  # an object or xref stream inflating past the cap
        if isinstance(inner, PDFPasswordIncorrect):
            raise password_error(password, where) from None
        if isinstance(inner, PDFEncryptionError):
            raise EncryptedPDFError(
                "the PDF's encryption is not supported "
                f"({error_detail(inner)}); try --engine pdfium",
                path=where,
            ) from None
        error = damaged_error(inner, "opening the file")
        error.path = where
        raise error from None
    bound_descents(pdf.rsrcmgr)
    return pdf


def literal_name(value: Any) -> str | None:
    value = resolve1(value)
    if isinstance(value, PSLiteral):
        name = value.name
        return name.decode("latin-1") if isinstance(name, bytes) else str(name)
    return None


def pdf_pages(doc: PDFDocument, where: str, limits: Limits) -> list[PDFPage]:
    """Given an open document, return its pages in order (at most ``max_pages``)."""
    found: list[PDFPage] = []
    try:
        for page in _iter_pages(doc):
            found.append(page)
            if len(found) > limits.max_pages:
                raise LimitExceededError(
                    f"the PDF has more than {limits.max_pages} pages; "
                    "raise the limit with --max-pages",
                    path=where,
                )
    except ReportParseError:
        raise
    except Exception as exc:
        error = damaged_error(exc, "reading the page tree")
        error.path = where
        raise error from None
    if not found:
        raise DamagedPDFError(
            "the PDF has no pages (its page tree is empty or unreadable); "
            "try --engine pdfium, or repair the file (e.g. qpdf in.pdf out.pdf)",
            path=where,
        )
    return found


def _iter_pages(doc: PDFDocument) -> Iterator[PDFPage]:
    """Walk the page tree depth-first without recursion, visiting every node once.

    Like pdfminer's ``PDFPage.create_pages`` but safe against loops and deep trees, and it
    accepts page dictionaries written directly (not by reference) into ``/Kids``.
    """
    catalog = doc.catalog
    yielded = False
    root = catalog.get("Pages")
    if root is not None:
        inherited_root = {k: catalog[k] for k in _INHERITABLE if k in catalog}
        stack: list[tuple[Any, dict[str, Any]]] = [(root, inherited_root)]
        visited: set[int] = set()
        while stack:
            node, inherited = stack.pop()
            objid = node.objid if isinstance(node, PDFObjRef) else None
            if objid is not None:
                if objid in visited:
                    continue
                visited.add(objid)
            attrs = resolve1(node)
            if not isinstance(attrs, dict):
                continue
            props = dict(attrs)
            for key, value in inherited.items():
                props.setdefault(key, value)
            kind = literal_name(props.get("Type")) or literal_name(props.get("type"))
            kids = resolve1(props.get("Kids")) if "Kids" in props else None
            if kind != "Page" and isinstance(kids, list):
                passed = {k: props[k] for k in _INHERITABLE if k in props}
                stack.extend((kid, passed) for kid in reversed(kids))
            elif kind == "Page" or (kind is None and "Contents" in props):
                yield PDFPage(doc, objid, props, None)
                yielded = True
    if yielded:
        return
    # No usable /Pages tree: pick page objects out of the cross-reference table(s).
    scanned = 0
    for xref in doc.xrefs:
        for objid in xref.get_objids():
            scanned += 1
            if scanned > MAX_FALLBACK_OBJECTS:
                return
            try:
                obj = doc.getobj(objid)
            except Exception:
                continue
            if isinstance(obj, dict) and literal_name(obj.get("Type")) == "Page":
                yield PDFPage(doc, objid, obj, None)
