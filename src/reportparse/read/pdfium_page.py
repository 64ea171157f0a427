"""One page through PDFium: glyphs boxed as pdfminer boxes them, links, and an image count."""

from __future__ import annotations

import ctypes
import functools
import unicodedata
from bisect import bisect_right
from itertools import accumulate, compress, count, repeat
from operator import ge, sub
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import DamagedPDFError, LimitExceededError
from ..model import Page, Warning
from ..profile import Limits
from .glyphs import (
    SUSPECT_LIGHT,
    SUSPECT_SIZE,
    Char,
    matrix_tilt,
    plausible_descent,
)
from .pages import Matrix, apply_matrix, build_page, page_matrix
from .pdfium_calls import (
    _NARROW_WIDE,
    _REPAIR_HINT,
    FIRST_WIDE,
    _address,
    _count_images,
    _error_text,
    _get_origin,
    _glyph_box,
    _glyph_matrix,
    _glyph_object,
    _object_fill,
    _object_font,
    _object_font_size,
    _page_text,
    _unpack_run,
    pointer_arg,
)
from .pdfium_links import read_links
from .pdfium_runs import (
    _GLYPHS_PER_PASS,
    _MAX_RUNS,
    _STD14_DESCENT,
    ExactPage,
    _Font,
    _Run,
    _RunCache,
    _RunKey,
)
from .textlayer import PageMapping, looks_unmapped, pdfium_page_mapping
from .watermark import LARGE, MIN_TILT


class _PageReader:
    """Reads pages of one open document; caches fonts across pages.

    ``exact_page`` reads a page the way the pdfplumber engine does; it is asked for the pages whose
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
        # Set by _chars: the page may carry a watermark (lines.page_lines).
        self.suspect = False
        # Set by _chars: the page's text holds what an unmapped glyph's code looks like.
        self.maybe_unmapped = False
        self.fonts: dict[int, _Font] = {}
        self._name_buf = ctypes.create_string_buffer(256)
        self._float = ctypes.c_float()
        # A glyph's loose box (FS_RECTF: left, top, right, bottom), read through a float view:
        # indexing it costs less than a Structure's field descriptors, once per glyph.
        self._rect = (ctypes.c_float * 4)()
        self._rect_floats = memoryview(self._rect).cast("B").cast("f")
        self._origin = (ctypes.c_double(), ctypes.c_double())
        # What a text object's run depends on, written by PDFium into one buffer: its
        # matrix (FS_MATRIX: a, b, c, d, e, f), then its font size over e, which the run
        # does not depend on (apart from on a rotated page, where e is read first). The
        # buffer's bytes are the run's key: no float objects are made for a known run.
        self._run_buffer = (ctypes.c_float * 6)()
        self._run_floats = memoryview(self._run_buffer).cast("B").cast("f")
        self._matrix_arg = ctypes.byref(self._run_buffer)
        self._run_size_arg = ctypes.byref(self._run_buffer, 4 * ctypes.sizeof(ctypes.c_float))
        self._fill = tuple(ctypes.c_uint() for _ in range(4))
        self._fill_args = tuple(ctypes.byref(value) for value in self._fill)
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
                # PDFium passes an unmapped glyph's code on as a character: its own flag
                # tells, and is asked only on a page whose text looks unmapped (on any
                # other page none is, and build_page need not look again).
                mapping = (
                    pdfium_page_mapping(textpage, number)
                    if self.maybe_unmapped
                    else PageMapping(number, len(chars), 0)
                )
            finally:
                pdfium_c.FPDFText_ClosePage(textpage)
            if self.inexact_boxes and self.exact_page is not None:
                # PDFium's boxes match pdfminer's only for upright glyphs on an unrotated
                # page. Its loose box follows the glyph matrix's a alone, so a glyph drawn
                # turned (a landscape page shown through /Rotate) gets a box of no width;
                # and on a page turned upside down the ink overhang falls on the other side.
                # Layout would see other gaps than pdfminer's, so such a page is read as
                # the pdfplumber engine reads it (and PDFium's links and layout are not worked out).
                exact = self.exact_page(number)
                if exact is not None:
                    exact_page, exact_warnings = exact
                    warnings.extend(exact_warnings)
                    return exact_page
            try:
                annots = read_links(self.doc, page, ctm, height)
            except Exception:
                annots = []
                warnings.append(Warning("annots-unreadable", "link annotations unreadable", number))
            # Built while the page is open: a page without text counts its images.
            return build_page(
                number,
                chars,
                annots,
                (width, height),
                lambda: _count_images(page),
                warnings,
                suspect=self.suspect,
                mapping=mapping,
            )
        finally:
            pdfium_c.FPDF_ClosePage(page)

    def _media_box(self, page: Any) -> tuple[float, float, float, float]:
        values = [ctypes.c_float() for _ in range(4)]
        rect = pdfium_c.FS_RECTF()
        if pdfium_c.FPDFPage_GetMediaBox(page, *values):
            left, bottom, right, top = (v.value for v in values)
        elif pdfium_c.FPDF_GetPageBoundingBox(page, rect):
            # /MediaBox inherited from the page tree (xdvipdfmx puts it there), which
            # FPDFPage_GetMediaBox does not look up; the page's box does (the crop box,
            # when there is one, is the media box for every producer met so far).
            left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
        else:  # no /MediaBox anywhere: pdfminer assumes US Letter, so does PDFium
            left, bottom, right, top = 0.0, 0.0, 612.0, 792.0
        return (min(left, right), min(bottom, top), max(left, right), max(bottom, top))

    # ------------------------------------------------------------------ chars

    def _chars(self, textpage: Any, number: int, ctm: Matrix, height: float) -> list[Char]:
        self.inexact_boxes = False
        self.suspect = False
        self.maybe_unmapped = False
        count = pdfium_c.FPDFText_CountChars(textpage)
        if count <= 0:
            return []
        text = _page_text(textpage, count)
        # The page's own text tells whether its glyphs may lack Unicode (see read()).
        self.maybe_unmapped = looks_unmapped(text if isinstance(text, str) else "".join(text))
        tp = _address(textpage)
        tp_arg = pointer_arg(tp)
        rect = self._rect_floats
        rect_arg = ctypes.byref(self._rect)
        matrix_arg, size_arg = self._matrix_arg, self._run_size_arg
        run_floats = self._run_floats
        run_bytes = run_floats.tobytes
        get_object, get_box = _glyph_object, _glyph_box
        get_matrix, get_font_size, get_font = _glyph_matrix, _object_font_size, _object_font
        # tuple.__new__ skips the Python-level __new__ a NamedTuple call goes through.
        new_char = tuple.__new__
        runs = self._runs_for(ctm, height)
        ca, cb, cc, cd, ce, _ = ctm
        plain = cb == 0 and cc == 0 and ca == 1 and cd == 1  # no page rotation
        chars: list[Char] = []
        append = chars.append
        last_obj = 0
        fontname, size, upright, simple, top, bottom = "", 0.0, True, True, 0.0, 0.0
        tilt = 0.0
        tilted = inexact = False
        pieces: list[int] = []  # (first glyph's index, object address) per text object
        pieces_extend = pieces.extend
        piece_sizes: list[float] = []
        piece_sizes_append = piece_sizes.append
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
                    # e (the x offset) moves a char's y only on a rotated page.
                    e = run_floats[4] if cb else 0.0
                    obj_arg = pointer_arg(obj)
                    if not get_font_size(obj_arg, size_arg):
                        run_floats[4] = 1.0
                    key = (get_font(obj_arg) or 0, run_bytes(), e)
                    run = runs.get(key)
                    if run is None:
                        run = runs[key] = self._run(key, ctm, height)
                    fontname, size, upright, run_simple, top, bottom, tilt, narrow, boxed = run
                    if tilt:
                        tilted = True
                    if not boxed:
                        inexact = True  # see read()
                    # Where this object's glyphs start: large ones get their fill colour
                    # once the page's sizes are known (see _fill_large).
                    pieces_extend((len(chars), obj))
                    piece_sizes_append(size)
                    simple = run_simple and plain
                get_box(tp_arg, index, rect_arg)
                left = rect[0]
                right = rect[2]
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
                            (
                                glyph,
                                left + ce,
                                top,
                                right + ce,
                                bottom,
                                fontname,
                                size,
                                upright,
                                tilt,
                                0.0,
                            ),
                        )
                    )
                else:
                    # The box as corrected above (left, right), through the page matrix.
                    corners = _corners(ctm, (left, right), (rect[3], rect[1]))
                    x0, x1 = _device_x(corners)
                    y0, y1 = (top, bottom) if run_simple else _device_y(corners, height)
                    append(Char(glyph, x0, y0, x1, y1, fontname, size, upright, tilt, 0.0))
            if len(chars) > limit:
                raise LimitExceededError(
                    f"page {number} has more than {limit} characters; "
                    "raise the limit with --max-chars-per-page"
                )
        self.inexact_boxes = inexact
        # The watermark test layout would run on the page's columns, from what is known.
        self.suspect = tilted or (bool(pieces) and self._fill_large(chars, pieces, piece_sizes))
        return chars

    def _fill_large(self, chars: list[Char], pieces: list[int], sizes: list[float]) -> bool:
        """Given a page's chars, where each text object's glyphs start and its address
        (flat pairs) and each object's size, set the fill lightness of the glyphs of large
        objects; return whether sizes or a light fill make the page a watermark suspect
        (glyphs._usable_sorted).

        Lightness only counts for text much larger than the body (watermark.LARGE times
        the median size); asking PDFium the colour of every text object would cost a
        C call per object on every page, so only objects that large (with a margin, as
        layout's median leaves out glyphs off the page) are asked, while the page is open.
        Asking more objects than that changes nothing but the time.
        """
        smallest, largest = min(sizes), max(sizes)
        if largest < FILL_FROM * smallest:
            return False
        suspect = bool(largest >= SUSPECT_SIZE * smallest)
        starts, objects = pieces[0::2], pieces[1::2]
        ends = starts[1:]
        ends.append(len(chars))
        # The size of the lower middle glyph (the median, or just under it), from the
        # objects' sizes weighted by their glyph counts: a few hundred objects, not a
        # thousand glyphs, and C-level passes.
        order = sorted(range(len(sizes)), key=sizes.__getitem__)
        weights = list(map(sub, ends, starts))
        below = list(accumulate(map(weights.__getitem__, order)))
        middle = order[min(bisect_right(below, (len(chars) - 1) // 2), len(order) - 1)]
        large = FILL_FROM * sizes[middle]
        red, green, blue, _ = self._fill
        args = self._fill_args
        for piece in compress(count(), map(ge, sizes, repeat(large))):
            start, end = starts[piece], ends[piece]
            if start == end or not _object_fill(pointer_arg(objects[piece]), *args):
                continue
            # fill_lightness's luma, on PDFium's 0..255 components.
            lightness = (299 * red.value + 587 * green.value + 114 * blue.value) / 255_000
            if lightness >= SUSPECT_LIGHT:  # darker fills decide nothing: left at 0
                chars[start:end] = [char._replace(lightness=lightness) for char in chars[start:end]]
                suspect = True
        return suspect

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

    def _run(self, key: _RunKey, ctm: Matrix, height: float) -> _Run:
        """Given a text object's run key (font, matrix and size, e) and the page's
        geometry, return its _Run."""
        font_key, packed, e = key
        a, b, c, d, font_size, f = _unpack_run(packed)
        # Text space -> device space: the char's matrix (text matrix x CTM, with horizontal
        # scaling and rise folded in) followed by pdfminer's page transformation.
        ca, cb, cc, cd, _, _ = ctm
        da, db = a * ca + b * cc, a * cb + b * cd
        dc, dd = c * ca + d * cc, c * cb + d * cd
        _, oy = apply_matrix(ctm, e, f)
        font = self._font(font_key)
        upright = da * dd > 0 and db * dc <= 0
        tilt = 0.0
        if db == 0:
            # pdfminer: box (0, descent*size) .. (adv, descent*size + size) through the
            # matrix; with no rotation only the vertical scale dd moves y.
            low = oy + dd * font.descent * font_size
            high = low + dd * font_size
            low, high = min(low, high), max(low, high)
            size, simple, top, bottom = high - low, True, height - high, height - low
        else:
            # Rotated text (layout drops it) or a rotated page: the loose box will do.
            size, simple, top, bottom = font_size * max(abs(db), abs(dd)), False, 0.0, 0.0
            tilt = matrix_tilt(da, db)
        plain = cb == 0 and cc == 0 and ca == 1 and cd == 1  # no page rotation
        # Upright glyphs PDFium boxes as pdfminer does: drawn unturned on an unrotated page
        # (text turned as far as MIN_TILT is a watermark: no content line uses it).
        boxed = not upright or (plain and a > 0 and b == 0) or abs(tilt) >= MIN_TILT
        return _Run(font.name, size, upright, simple, top, bottom, tilt, _NARROW_WIDE * size, boxed)

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
        font = _Font(name, plausible_descent(descent))
        self.fonts[key] = font
        return font


# Objects this many times the median glyph size get their fill colour (layout needs it
# from watermark.LARGE times its own median on; the margin covers the difference).
FILL_FROM = 0.8 * LARGE


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
