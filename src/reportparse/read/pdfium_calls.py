"""PDFium's C API through ctypes prototypes, and the decoding of the strings it returns."""

from __future__ import annotations

import ctypes
import re
import struct
from collections.abc import Callable
from itertools import repeat
from typing import Any

import pypdfium2.raw as pdfium_c

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
    and the caller passes ready-made arguments (:data:`pointer_arg` handles, ``byref``
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
# Per text object: (object, byref(c_uint) x 4) -> success; red, green, blue, alpha 0..255.
_object_fill = _proto(pdfium_c.FPDFPageObj_GetFillColor, _INT)
_object_type = _proto(pdfium_c.FPDFPageObj_GetType, _INT)
# Per link annotation: the page's annotations, each one's subtype, rectangle and action.
_annot_count = _proto(pdfium_c.FPDFPage_GetAnnotCount, _INT)  # (page)
_annot_open = _proto(pdfium_c.FPDFPage_GetAnnot, _VP)  # (page, index)
_annot_close = _proto(pdfium_c.FPDFPage_CloseAnnot, None)  # (annotation)
_annot_subtype = _proto(pdfium_c.FPDFAnnot_GetSubtype, _INT)  # (annotation)
_annot_rect = _proto(pdfium_c.FPDFAnnot_GetRect, _INT)  # (annotation, byref(FS_RECTF))
_annot_link = _proto(pdfium_c.FPDFAnnot_GetLink, _VP)  # (annotation)
_link_action = _proto(pdfium_c.FPDFLink_GetAction, _VP)  # (link)
# These two take and return unsigned longs: typed, so that no int is passed short.
_action_type = _proto(pdfium_c.FPDFAction_GetType, ctypes.c_ulong, _VP)
_action_uri = _proto(
    pdfium_c.FPDFAction_GetURIPath, ctypes.c_ulong, _VP, _VP, _VP, ctypes.c_ulong
)  # (document, action, buffer or None, buffer length) -> length with the NUL
# A run key's packed floats (a, b, c, d, font size, f: see pdfium_page._PageReader).
_unpack_run = struct.Struct("6f").unpack
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


# Given an address (or None), return it as a ready-made pointer argument (a ctypes
# CArgObject), which a prototype without argtypes passes on as it is. A c_void_p instance
# costs more on every call: ctypes looks up its format and builds such an object from it.
pointer_arg: Callable[[int | None], Any] = ctypes.c_void_p.from_param


def _address(handle: Any) -> int:
    value = ctypes.cast(handle, ctypes.c_void_p).value
    return int(value or 0)


# --------------------------------------------------------------------------- text strings


def _clean_text(text: str) -> str | None:
    text = "".join(ch for ch in text if ch >= " " or ch in "\t\n")
    text = " ".join(text.split())
    return text or None


_PDFDOC_BYTES: dict[str, int] | None = None


def _redecode(text: str) -> tuple[str, bool]:
    """Given a string PDFium decoded as PDFDocEncoding, return it re-read as UTF-8 when its
    bytes are UTF-8 (not in the standard, but common; the pdfplumber engine reads them so),
    and
    whether it may be UTF-8 PDFium could not give back (it drops bytes undefined in
    PDFDocEncoding): then only pdfminer's reading matches the pdfplumber engine's."""
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


def _error_text(code: int) -> str:
    names = {
        pdfium_c.FPDF_ERR_UNKNOWN: "unknown error",
        pdfium_c.FPDF_ERR_FORMAT: "not in PDF format or corrupted",
        pdfium_c.FPDF_ERR_PAGE: "page not found or content error",
    }
    return f"PDFium: {names.get(code, f'error {code}')}"


# Page objects looked at per page (forms included) when counting images.
_MAX_PAGE_OBJECTS = 1_000_000
_OBJECTS_PER_PASS = 4096

_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_END_HYPHEN = "\ufffe"


def _page_text(textpage: Any, count: int) -> str | list[str]:
    """Given a text page, return its text with one item per char index."""
    buffer = ctypes.create_string_buffer(2 * (count + 1))
    written = _get_text(_address(textpage), 0, count, buffer)
    text = buffer.raw[: max(written - 1, 0) * 2].decode("utf-16-le", errors="surrogatepass")
    if len(text) == count and _SURROGATE.search(text) is None:
        # PDFium reports a hyphen that ends a line (a word or URL broken after "-") as
        # the noncharacter U+FFFE; pdfminer reads the "-" drawn there.
        return text.replace(_LINE_END_HYPHEN, "-") if _LINE_END_HYPHEN in text else text
    # PDFium left out non-printing chars (NULs, some controls) or wrote surrogate pairs:
    # ask char by char.
    tp = _address(textpage)
    out: list[str] = []
    for index in range(count):
        code = _get_unicode(tp, index)
        if code == 0xFFFE:
            out.append("-")
        else:
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
    page_arg = pointer_arg(_address(page))
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
            # A NULL object (None) types as FPDF_PAGEOBJ_UNKNOWN.
            objects = list(map(pointer_arg, map(getter, repeat(parent), indexes)))
            kinds = list(map(_object_type, objects))
            images += kinds.count(image)
            if form in kinds:
                for obj, kind in zip(objects, kinds, strict=True):
                    if kind == form:
                        stack.append((obj, _form_object, int(_form_object_count(obj))))
    return images
