"""Read a PDF with pypdfium2 (``--engine pdfium``) into a :class:`~reportparse.model.Document`.

The second engine: per page it extracts :class:`~reportparse.layout.Char` and
:class:`~reportparse.layout.Annot` records through PDFium's C API and hands them to
:mod:`reportparse.layout`, exactly like ``pdf.py`` does with pdfminer, so every later layer
sees the same lines. It mirrors ``pdf.read_pdf``: page selection, warnings, limits,
sha256, metadata keys, outline items and the error classes and messages.

Boxes are made to match pdfminer's, not PDFium's own:

* x: PDFium's *loose* char box spans the pen position to pen + advance (the same as
  pdfminer's), widened to the glyph's ink where the ink overhangs the advance.
* y: pdfminer's box is ``descent .. descent + size`` around the baseline, where
  ``descent`` is the font descriptor's (or, for a standard-14 font, its AFM metrics') and
  ``size`` the font size in device space; the baseline is the text object's matrix.
* Spaces PDFium invents between words and lines (``FPDFText_IsGenerated``) are skipped, so
  that spacing is decided by :mod:`reportparse.layout` as with pdfminer.
* Font names are PDFium's base font name (the subset tag ``ABCDEF+`` is gone; layout
  strips it from pdfminer's names too).

Speed: one ``FPDFText_GetText`` call gives a page's text; per char only two C calls are
made (its text object, its loose box) through ctypes prototypes that take plain
integers; everything else is looked up once per text object or font. Every page and text
page is closed before the next is opened, so memory stays flat with page count.
"""

from __future__ import annotations

import ctypes
import functools
import re
import struct
import unicodedata
from collections.abc import Callable
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .errors import (
    DamagedPDFError,
    EncryptedPDFError,
    LimitExceededError,
    NotReadableError,
)
from .layout import Annot, Char
from .model import Document, OutlineItem, Page, Warning
from .profile import DEFAULT_LIMITS, Limits
from .reader import (
    MAX_ANNOTS_PER_PAGE,
    MAX_OUTLINE_ITEMS,
    METADATA_KEYS,
    Matrix,
    apply_matrix,
    build_page,
    file_sha256,
    link_annot,
    outline_overflow,
    page_matrix,
    password_error,
    read_pages,
    wanted_pages,
)

# A full-width glyph whose box is narrower than this (em) is an ink box, not its cell.
_NARROW_WIDE = 0.9
# No code point below this is wide for unicodedata (U+0378 is the first: unassigned code
# points count as wide there), so Latin text skips the width lookup.
FIRST_WIDE = "\u0378"
_REPAIR_HINT = "try --engine pdfplumber, or repair the file (e.g. qpdf in.pdf out.pdf)"


# --------------------------------------------------------------------------- C calls

_VP = ctypes.c_void_p
_INT = ctypes.c_int


def _proto(func: Any, restype: Any, *argtypes: Any) -> Any:
    """Given a pypdfium2.raw function, return the same C function as a lean prototype.

    pypdfium2's bindings type every handle as a distinct pointer class; converting those on
    each call dominates a per-character loop. This prototype takes plain integers
    (addresses) for ``argtypes``; with no ``argtypes`` at all ctypes converts nothing,
    and the caller passes ready-made ctypes objects (``c_void_p`` handles, ``byref``
    buffers) and plain int indexes, which halves the cost of a call again.
    """
    address = ctypes.cast(func, ctypes.c_void_p).value
    assert address, "pypdfium2 function without an address"
    # PYFUNCTYPE: the GIL stays held. These calls take well under a microsecond, less
    # than releasing and taking back the GIL costs (a tenth of each call, callgrind).
    return ctypes.PYFUNCTYPE(restype, *argtypes)(address)


# Per glyph: (text page, index) -> text object address or None.
_glyph_object = _proto(pdfium_c.FPDFText_GetTextObject, _VP)
# Per glyph: (text page, index, byref(FS_RECTF)) -> success.
_glyph_box = _proto(pdfium_c.FPDFText_GetLooseCharBox, _INT)
# Per text object: (text page, index, byref(FS_MATRIX)) -> success.
_glyph_matrix = _proto(pdfium_c.FPDFText_GetMatrix, _INT)
# Per text object: (object, byref(c_float)) -> success.
_object_font_size = _proto(pdfium_c.FPDFTextObj_GetFontSize, _INT)
# Per text object: (object,) -> font address or None.
_object_font = _proto(pdfium_c.FPDFTextObj_GetFont, _VP)
# Per page object, to count images: (page or form[, index]) -> count, object, type.
_page_object_count = _proto(pdfium_c.FPDFPage_CountObjects, _INT)
_page_object = _proto(pdfium_c.FPDFPage_GetObject, _VP)
_form_object_count = _proto(pdfium_c.FPDFFormObj_CountObjects, _INT)
# FPDFFormObj_GetObject's index is an unsigned long: typed, so no int is passed short.
_form_object = _proto(pdfium_c.FPDFFormObj_GetObject, _VP, _VP, ctypes.c_ulong)
_object_type = _proto(pdfium_c.FPDFPageObj_GetType, _INT)
# FS_MATRIX is six C floats: a, b, c, d, e, f.
_unpack_matrix = struct.Struct("6f").unpack_from
_get_origin = _proto(
    pdfium_c.FPDFText_GetCharOrigin,
    _INT,
    _VP,
    _INT,
    ctypes.POINTER(ctypes.c_double),
    ctypes.POINTER(ctypes.c_double),
)
_get_unicode = _proto(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint, _VP, _INT)
_get_text = _proto(pdfium_c.FPDFText_GetText, _INT, _VP, _INT, _INT, _VP)


def _address(handle: Any) -> int:
    value = ctypes.cast(handle, ctypes.c_void_p).value
    return int(value or 0)


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
        from .pdf import LazyReading

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


def _error_text(code: int) -> str:
    names = {
        pdfium_c.FPDF_ERR_UNKNOWN: "unknown error",
        pdfium_c.FPDF_ERR_FORMAT: "not in PDF format or corrupted",
        pdfium_c.FPDF_ERR_PAGE: "page not found or content error",
    }
    return f"PDFium: {names.get(code, f'error {code}')}"


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


# (font address, font size, matrix a, b, c, d, e or 0, f): what decides a text object's run.
_RunKey = tuple[int, float, float, float, float, float, float, float]
_RunCache = dict[_RunKey, _Run]
# Runs remembered across pages of one geometry (a few hundred per page layout).
_MAX_RUNS = 4096
# Page objects looked at per page (forms included) when counting images.
_MAX_PAGE_OBJECTS = 1_000_000
_OBJECTS_PER_PASS = 4096
# Glyphs whose text objects are fetched per pass.
_GLYPHS_PER_PASS = 4096


# Given a page number, the page as pdf.py reads it and its warnings, or None.
ExactPage = Callable[[int], "tuple[Page, list[Warning]] | None"]


class _PageReader:
    """Reads pages of one open document; caches fonts across pages.

    ``exact_page`` reads a page the way pdf.py does; it is asked for the pages whose
    glyphs PDFium cannot box as pdfminer does (see :meth:`read`).
    """

    def __init__(
        self, pdf: pdfium.PdfDocument, limits: Limits, exact_page: ExactPage | None = None
    ) -> None:
        self.pdf = pdf
        self.doc = pdf.raw
        self.limits = limits
        self.exact_page = exact_page
        # Set by _chars: the page has upright text PDFium cannot box as pdfminer does.
        self.inexact_boxes = False
        self.fonts: dict[int, _Font] = {}
        self._name_buf = ctypes.create_string_buffer(256)
        self._float = ctypes.c_float()
        self._rect = pdfium_c.FS_RECTF()
        self._origin = (ctypes.c_double(), ctypes.c_double())
        self._matrix = pdfium_c.FS_MATRIX()
        self._matrix_arg = ctypes.byref(self._matrix)
        self._float_arg = ctypes.byref(self._float)
        self._runs: _RunCache = {}
        self._runs_geometry: tuple[float, ...] = ()

    # ------------------------------------------------------------------ page

    def read(self, number: int, warnings: list[Warning]) -> Page:
        page = pdfium_c.FPDF_LoadPage(self.doc, number - 1)
        if not page:
            raise DamagedPDFError(
                f"the PDF is damaged: reading page {number} failed: "
                f"{_error_text(pdfium_c.FPDF_ERR_PAGE)}; {_REPAIR_HINT}"
            )
        try:
            box = self._media_box(page)
            rotate = (pdfium_c.FPDFPage_GetRotation(page) % 4) * 90
            ctm = page_matrix(box, rotate)
            if rotate in (90, 270):
                width, height = abs(box[3] - box[1]), abs(box[2] - box[0])
            else:
                width, height = abs(box[2] - box[0]), abs(box[3] - box[1])
            textpage = pdfium_c.FPDFText_LoadPage(page)
            if not textpage:
                raise DamagedPDFError(
                    f"the PDF is damaged: reading page {number} failed: "
                    f"{_error_text(pdfium_c.FPDF_ERR_PAGE)}; {_REPAIR_HINT}"
                )
            try:
                chars = self._chars(textpage, number, ctm, height)
            finally:
                pdfium_c.FPDFText_ClosePage(textpage)
            if self.inexact_boxes and self.exact_page is not None:
                # PDFium's boxes match pdfminer's only for upright glyphs on an unrotated
                # page. Its loose box follows the glyph matrix's a alone, so a glyph drawn
                # turned (a landscape page shown through /Rotate) gets a box of no width;
                # and on a page turned upside down the ink overhang falls on the other side.
                # Layout would see other gaps than pdfminer's, so such a page is read as
                # pdf.py reads it (and PDFium's links and layout are not worked out).
                exact = self.exact_page(number)
                if exact is not None:
                    exact_page, exact_warnings = exact
                    warnings.extend(exact_warnings)
                    return exact_page
            try:
                annots = self._annots(page, ctm, height)
            except Exception:
                annots = []
                warnings.append(Warning("annots-unreadable", "link annotations unreadable", number))
            # Built while the page is open: a page without text counts its images.
            return build_page(
                number, chars, annots, (width, height), lambda: _count_images(page), warnings
            )
        finally:
            pdfium_c.FPDF_ClosePage(page)

    def _media_box(self, page: Any) -> tuple[float, float, float, float]:
        values = [ctypes.c_float() for _ in range(4)]
        if pdfium_c.FPDFPage_GetMediaBox(page, *values):
            left, bottom, right, top = (v.value for v in values)
        else:  # no /MediaBox anywhere: pdfminer assumes US Letter, so does PDFium
            left, bottom, right, top = 0.0, 0.0, 612.0, 792.0
        return (min(left, right), min(bottom, top), max(left, right), max(bottom, top))

    # ------------------------------------------------------------------ chars

    def _chars(self, textpage: Any, number: int, ctm: Matrix, height: float) -> list[Char]:
        self.inexact_boxes = False
        count = pdfium_c.FPDFText_CountChars(textpage)
        if count <= 0:
            return []
        text = _page_text(textpage, count)
        tp = _address(textpage)
        tp_arg = ctypes.c_void_p(tp)
        rect = self._rect
        rect_arg = ctypes.byref(rect)
        matrix, matrix_arg = self._matrix, self._matrix_arg
        font_size_value, font_size_arg = self._float, self._float_arg
        get_object, get_box = _glyph_object, _glyph_box
        get_matrix, get_font_size, get_font = _glyph_matrix, _object_font_size, _object_font
        void_p, unpack_matrix = ctypes.c_void_p, _unpack_matrix
        # tuple.__new__ skips the Python-level __new__ a NamedTuple call goes through.
        new_char = tuple.__new__
        runs = self._runs_for(ctm, height)
        ca, cb, cc, cd, ce, _ = ctm
        plain = cb == 0 and cc == 0 and ca == 1 and cd == 1  # no page rotation
        chars: list[Char] = []
        append = chars.append
        last_obj = 0
        fontname, size, upright, simple, top, bottom = "", 0.0, True, True, 0.0, 0.0
        run_simple = True
        narrow = 0.0
        last_left = last_right = float("nan")
        last_piece_obj = 0
        limit = self.limits.max_chars_per_page
        for start in range(0, count, _GLYPHS_PER_PASS):
            stop = min(start + _GLYPHS_PER_PASS, count)
            # The slice's text objects in one C-level pass; a slice at a time, so that a
            # page over the char limit is stopped early and holds one slice's handles.
            objects = map(get_object, repeat(tp_arg, stop - start), range(start, stop))
            for index, glyph, obj in zip(
                range(start, stop), text[start:stop], list(objects), strict=True
            ):
                if not obj:  # a space or line break PDFium generated: layout decides spacing
                    continue
                if obj != last_obj:
                    # A new text object. Producers often start one every few glyphs
                    # (reportlab at each change of subset font); those sharing a font, size
                    # and matrix share one _Run, so this costs three C calls and a lookup.
                    last_obj = obj
                    get_matrix(tp_arg, index, matrix_arg)
                    a, b, c, d, e, f = unpack_matrix(matrix)
                    obj_arg = void_p(obj)
                    font_size = (
                        font_size_value.value if get_font_size(obj_arg, font_size_arg) else 1.0
                    )
                    # e (the x offset) moves a char's y only on a rotated page.
                    key = (get_font(obj_arg) or 0, font_size, a, b, c, d, e if cb else 0.0, f)
                    run = runs.get(key)
                    if run is None:
                        run = runs[key] = self._run(key, e, ctm, height)
                    fontname, size, upright, run_simple, top, bottom = run
                    simple = run_simple and plain
                    if upright and not (plain and a > 0 and b == 0):
                        self.inexact_boxes = True  # see read()
                    narrow = _NARROW_WIDE * size
                get_box(tp_arg, index, rect_arg)
                left = rect.left
                right = rect.right
                if left == last_left and right == last_right and obj == last_piece_obj:
                    # One glyph PDFium split into several chars (a ligature "fi" or a
                    # multi-char ToUnicode entry): pdfminer keeps it as one char.
                    prev = chars[-1]
                    chars[-1] = prev._replace(text=prev.text + glyph)
                    continue
                last_left = left
                last_right = right
                last_piece_obj = obj
                if right - left < narrow and glyph >= FIRST_WIDE and _is_wide(glyph):
                    left, right = self._advance_box(tp, index, left, right, size)
                if simple:
                    append(
                        new_char(
                            Char,
                            (glyph, left + ce, top, right + ce, bottom, fontname, size, upright),
                        )
                    )
                else:
                    # The box as corrected above (left, right), through the page matrix.
                    corners = _corners(ctm, (left, right), (rect.bottom, rect.top))
                    x0, x1 = _device_x(corners)
                    y0, y1 = (top, bottom) if run_simple else _device_y(corners, height)
                    append(Char(glyph, x0, y0, x1, y1, fontname, size, upright))
            if len(chars) > limit:
                raise LimitExceededError(
                    f"page {number} has more than {limit} characters; "
                    "raise the limit with --max-chars-per-page"
                )
        return chars

    def _runs_for(self, ctm: Matrix, height: float) -> _RunCache:
        """Given a page's geometry, return the runs cache for pages shaped so.

        Pages of one layout repeat their baselines, so the cache carries over while the
        geometry stays; it is emptied when the geometry changes or it grows past
        :data:`_MAX_RUNS`, so memory stays flat however long the document.
        """
        geometry = (*ctm, height)
        if geometry != self._runs_geometry or len(self._runs) > _MAX_RUNS:
            self._runs = {}
            self._runs_geometry = geometry
        return self._runs

    def _advance_box(
        self, tp: int, index: int, left: float, right: float, size: float
    ) -> tuple[float, float]:
        """Given a full-width glyph's narrow loose box, return its advance cell instead.

        Where PDFium takes a glyph's text from /ActualText (Chromium marks every CJK glyph
        so), its "loose" box is the ink's tight box, narrower than the one-em cell pdfminer
        gives; the gaps it leaves would read as spaces. Full-width glyphs advance one em.
        """
        x, y = self._origin
        if not _get_origin(tp, index, ctypes.byref(x), ctypes.byref(y)):
            return left, right
        return x.value, x.value + size

    def _run(self, key: _RunKey, e: float, ctm: Matrix, height: float) -> _Run:
        """Given a text object's font, size and matrix (a run key), return its _Run."""
        font_key, font_size, a, b, c, d, _, f = key
        # Text space -> device space: the char's matrix (text matrix x CTM, with horizontal
        # scaling and rise folded in) followed by pdfminer's page transformation.
        ca, cb, cc, cd, _, _ = ctm
        da, db = a * ca + b * cc, a * cb + b * cd
        dc, dd = c * ca + d * cc, c * cb + d * cd
        _, oy = apply_matrix(ctm, e, f)
        font = self._font(font_key)
        upright = da * dd > 0 and db * dc <= 0
        if db == 0:
            # pdfminer: box (0, descent*size) .. (adv, descent*size + size) through the
            # matrix; with no rotation only the vertical scale dd moves y.
            low = oy + dd * font.descent * font_size
            high = low + dd * font_size
            low, high = min(low, high), max(low, high)
            return _Run(font.name, high - low, upright, True, height - high, height - low)
        # Rotated text (layout drops it) or a rotated page: the loose box will do.
        return _Run(font.name, font_size * max(abs(db), abs(dd)), upright, False)

    def _font(self, key: int) -> _Font:
        """Given a font's address, return its name and pdfminer's descent."""
        font = self.fonts.get(key)
        if font is not None:
            return font
        handle = ctypes.cast(key, pdfium_c.FPDF_FONT)
        name = ""
        descent = 0.0
        if key:
            buf = self._name_buf
            length = pdfium_c.FPDFFont_GetBaseFontName(handle, buf, len(buf))
            if length > len(buf):
                buf = ctypes.create_string_buffer(length)
                pdfium_c.FPDFFont_GetBaseFontName(handle, buf, length)
            name = buf.value.decode("latin-1")
            std = None
            if not pdfium_c.FPDFFont_GetIsEmbedded(handle):
                std = _STD14_DESCENT.get(name)
            if std is not None:
                descent = std / 1000
            else:
                value = self._float
                if pdfium_c.FPDFFont_GetDescent(handle, ctypes.c_float(1000.0), value):
                    descent = float(value.value) / 1000
        font = _Font(name, descent)
        self.fonts[key] = font
        return font

    # ------------------------------------------------------------------ links

    def _annots(self, page: Any, ctm: Matrix, height: float) -> list[Annot]:
        """Given a page, return its URI link annotations in top-left coordinates."""
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
                uri = _decode_uri(self._uri_bytes(action))
                if uri is None or not pdfium_c.FPDFAnnot_GetRect(annot, rect):
                    continue
                corner, opposite = (rect.left, rect.bottom), (rect.right, rect.top)
                found.append(link_annot(uri, corner, opposite, ctm, height))
            finally:
                pdfium_c.FPDFPage_CloseAnnot(annot)
        return found

    def _uri_bytes(self, action: Any) -> bytes:
        size = pdfium_c.FPDFAction_GetURIPath(self.doc, action, None, 0)
        if size <= 0:
            return b""
        buf = ctypes.create_string_buffer(size)
        pdfium_c.FPDFAction_GetURIPath(self.doc, action, buf, size)
        return buf.raw[: size - 1]


_SURROGATE = re.compile("[\ud800-\udfff]")


def _page_text(textpage: Any, count: int) -> str | list[str]:
    """Given a text page, return its text with one item per char index."""
    buffer = ctypes.create_string_buffer(2 * (count + 1))
    written = _get_text(_address(textpage), 0, count, buffer)
    text = buffer.raw[: max(written - 1, 0) * 2].decode("utf-16-le", errors="surrogatepass")
    if len(text) == count and _SURROGATE.search(text) is None:
        return text
    # PDFium left out non-printing chars (NULs, some controls) or wrote surrogate pairs:
    # ask char by char.
    tp = _address(textpage)
    out: list[str] = []
    for index in range(count):
        code = _get_unicode(tp, index)
        out.append(chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else "")
    return out


def _count_images(page: Any) -> int:
    """Given a page, return how many images it draws (inside forms too).

    Objects are fetched and typed in C-level passes (``map`` drives the ctypes calls): a
    page has a few hundred objects and only their types matter.
    """
    image, form = pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM
    images = 0
    budget = _MAX_PAGE_OBJECTS  # a hostile page cannot keep us counting
    page_arg = ctypes.c_void_p(_address(page))
    stack: list[tuple[Any, Callable[..., Any], int]] = [
        (page_arg, _page_object, int(_page_object_count(page_arg)))
    ]
    while stack and budget > 0:
        parent, getter, total = stack.pop()
        total = min(total, budget)
        budget -= total
        # In slices, so that a page of a million objects holds only a slice's handles.
        for start in range(0, total, _OBJECTS_PER_PASS):
            indexes = range(start, min(start + _OBJECTS_PER_PASS, total))
            # A NULL object (c_void_p(None)) types as FPDF_PAGEOBJ_UNKNOWN.
            objects = list(map(ctypes.c_void_p, map(getter, repeat(parent), indexes)))
            kinds = list(map(_object_type, objects))
            images += kinds.count(image)
            if form in kinds:
                for obj, kind in zip(objects, kinds, strict=True):
                    if kind == form:
                        stack.append((obj, _form_object, int(_form_object_count(obj))))
    return images


# --------------------------------------------------------------------------- text strings


def _clean_text(text: str) -> str | None:
    text = "".join(ch for ch in text if ch >= " " or ch in "\t\n")
    text = " ".join(text.split())
    return text or None


_PDFDOC_BYTES: dict[str, int] | None = None


def _redecode(text: str) -> tuple[str, bool]:
    """Given a string PDFium decoded as PDFDocEncoding, return it re-read as UTF-8 when its
    bytes are UTF-8 (not in the standard, but common; pdf.py reads such strings so), and
    whether it may be UTF-8 PDFium could not give back (it drops bytes undefined in
    PDFDocEncoding): then only pdfminer's reading matches pdf.py's."""
    global _PDFDOC_BYTES
    if not any("\u00c2" <= ch <= "\u00f4" for ch in text):
        return text, False  # no UTF-8 lead byte (0xC2-0xF4) read as PDFDocEncoding
    if _PDFDOC_BYTES is None:
        from pdfminer.utils import PDFDocEncoding

        _PDFDOC_BYTES = {}
        for byte, ch in enumerate(PDFDocEncoding):
            _PDFDOC_BYTES.setdefault(ch, byte)
    raw = bytearray()
    for ch in text:
        code = _PDFDOC_BYTES.get(ch)
        if code is None:
            return text, False  # not a PDFDocEncoding string: PDFium read UTF-16
        raw.append(code)
    try:
        return bytes(raw).decode("utf-8"), False
    except UnicodeDecodeError:
        return text, True


def _decode_uri(value: bytes) -> str | None:
    if value.startswith((b"\xfe\xff", b"\xff\xfe")):
        codec = "utf-16-be" if value.startswith(b"\xfe\xff") else "utf-16-le"
        try:
            decoded: str | None = _clean_text(value[2:].decode(codec))
        except UnicodeDecodeError:
            decoded = None
        text = decoded or ""
    else:
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            text = value.decode("latin-1")
    text = text.strip().strip("\x00").strip()
    return text or None


def _utf16_call(getter: Callable[..., int], *args: Any) -> str:
    """Given a PDFium getter ``getter(*args, buffer, size)`` that fills a UTF-16LE buffer
    and returns the size in bytes it needs, return the text."""
    size = int(getter(*args, None, 0))
    if size <= 2:
        return ""
    buf = ctypes.create_string_buffer(size)
    getter(*args, buf, size)
    return buf.raw[: size - 2].decode("utf-16-le", errors="replace")


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


def _corners(
    ctm: Matrix, xs: tuple[float, float], ys: tuple[float, float]
) -> list[tuple[float, float]]:
    """Given a matrix and a rectangle's x and y bounds, return its four corners transformed."""
    return [apply_matrix(ctm, x, y) for x in xs for y in ys]


def _device_x(corners: list[tuple[float, float]]) -> tuple[float, float]:
    """Given a box's transformed corners, return its left and right edges."""
    xs = [x for x, _ in corners]
    return min(xs), max(xs)


def _device_y(corners: list[tuple[float, float]], height: float) -> tuple[float, float]:
    """Given a box's transformed corners and the page height, return its top and bottom
    with the origin at the top."""
    ys = [y for _, y in corners]
    return height - max(ys), height - min(ys)


@functools.lru_cache(maxsize=8192)
def _is_wide(text: str) -> bool:
    """Given a char's text, return True for a full-width (CJK) character."""
    return bool(text) and unicodedata.east_asian_width(text[0]) in ("W", "F")
