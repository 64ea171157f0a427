"""One page through pdfminer's interpreter (glyphs, annotations); a lazily opened reading
that serves the pdfium engine's fallbacks."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer, LTImage, LTItem, LTPage
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1

from ..errors import LimitExceededError
from ..memory import over_limit
from ..model import OutlineItem, Page, Warning
from ..profile import Limits
from .glyphs import Annot, Char, fill_lightness, matrix_tilt
from .pages import MAX_ANNOTS_PER_PAGE, Matrix, build_page, link_annot, page_matrix
from .plumber_doc import TooManyChars, damaged_error, open_document, pdf_pages
from .plumber_outline import decode_pdf_text, read_metadata, read_outline

# --------------------------------------------------------------------------- one page


class _CountingAggregator(PDFPageAggregator):
    """A layout-free aggregator that stops once a page has drawn too many glyphs."""

    def __init__(self, rsrcmgr: PDFResourceManager, pageno: int, limit: int) -> None:
        super().__init__(rsrcmgr, pageno=pageno, laparams=None)
        self.limit = limit
        self.count = 0

    def render_char(self, *args: Any) -> float:
        # Once per glyph, so the plain function (no super(), no keywords: pdfminer's
        # render_string passes them all by position).
        self.count += 1
        if self.count > self.limit:
            raise TooManyChars
        return _render_char(self, *args)


_render_char: Callable[..., float] = PDFPageAggregator.render_char


def _page_ctm(page: PDFPage) -> Matrix:
    x0, y0, x1, y1 = page.mediabox
    return page_matrix((x0, y0, x1, y1), page.rotate)


def _render(rsrcmgr: PDFResourceManager, page: PDFPage, number: int, limits: Limits) -> LTPage:
    device = _CountingAggregator(rsrcmgr, number, limits.max_chars_per_page)
    try:
        PDFPageInterpreter(rsrcmgr, device).process_page(page)
    except TooManyChars:
        raise LimitExceededError(
            f"page {number} has more than {limits.max_chars_per_page} characters; "
            "raise the limit with --max-chars-per-page"
        ) from None
    except MemoryError as exc:  # a stream inflating past --max-memory (memory.limit_memory)
        raise over_limit() or damaged_error(exc, f"reading page {number}") from None
    except Exception as exc:
        raise damaged_error(exc, f"reading page {number}") from None
    finally:
        device.close()
    result: LTPage = device.get_result()
    return result


def _collect(layout: LTPage) -> tuple[list[Char], int]:
    """Given a rendered page, return its chars (top-left origin) and its image count."""
    height = float(layout.height)
    chars: list[Char] = []
    append = chars.append
    # tuple.__new__ skips the Python-level __new__ (with ten keywords) a Char call costs.
    new_char = tuple.__new__
    images = 0
    # The glyphs of one text-showing operator share their fill colour's object.
    last_color: Any = None
    lightness = 0.0
    stack: list[LTItem] = [layout]
    while stack:
        item = stack.pop()
        if isinstance(item, LTChar):
            fontname: Any = item.fontname
            if isinstance(fontname, bytes):
                fontname = fontname.decode("latin-1")
            color = item.graphicstate.ncolor
            if color is not last_color:
                last_color, lightness = color, _lightness_of(color)
            matrix = item.matrix
            append(
                new_char(
                    Char,
                    (
                        item.get_text(),
                        float(item.x0),
                        height - float(item.y1),
                        float(item.x1),
                        height - float(item.y0),
                        str(fontname),
                        float(item.size),
                        bool(item.upright),
                        0.0 if matrix[1] == 0 else matrix_tilt(matrix[0], matrix[1]),
                        lightness,
                    ),
                )
            )
        elif isinstance(item, LTImage):
            images += 1
        elif isinstance(item, LTContainer):
            stack.extend(reversed(list(item)))
    return chars, images


def _lightness_of(color: Any) -> float:
    """Given pdfminer's fill colour, return its lightness, remembered per colour (a page
    has a few colours and a thousand glyphs)."""
    if not color:
        return 0.0  # black in any colour space, or none
    try:
        return _lightness_cached(color)
    except TypeError:  # a list: not hashable
        return _lightness(color)


@functools.lru_cache(maxsize=256)
def _lightness_cached(color: Any) -> float:
    return _lightness(color)


def _lightness(color: Any) -> float:
    """Given pdfminer's fill colour (a grey level, RGB or CMYK components, or a pattern),
    return its lightness (0 black .. 1 white; 0 for what is not a colour)."""
    if isinstance(color, (int, float)):
        return fill_lightness((float(color),))
    if isinstance(color, (tuple, list)) and all(isinstance(v, (int, float)) for v in color):
        return fill_lightness(tuple(float(v) for v in color))
    return 0.0


def _decode_uri(value: Any) -> str | None:
    value = resolve1(value)
    if isinstance(value, bytes):
        if value.startswith((b"\xfe\xff", b"\xff\xfe")):
            text = decode_pdf_text(value)
        else:
            try:
                text = value.decode("utf-8")
            except UnicodeDecodeError:
                text = value.decode("latin-1")
    elif isinstance(value, str):
        text = value
    else:
        return None
    text = (text or "").strip().strip("\x00").strip()
    return text or None


def _annots(page: PDFPage, height: float) -> list[Annot]:
    """Given a page, return its URI link annotations in top-left coordinates."""
    raw = resolve1(page.annots)
    if not isinstance(raw, list):
        return []
    ctm = _page_ctm(page)
    found: list[Annot] = []
    for item in raw[:MAX_ANNOTS_PER_PAGE]:
        try:
            annot = resolve1(item)
            if not isinstance(annot, dict):
                continue
            action = resolve1(annot.get("A"))
            if not isinstance(action, dict):
                continue
            uri = _decode_uri(action.get("URI"))
            rect = resolve1(annot.get("Rect"))
            if uri is None or not isinstance(rect, list) or len(rect) != 4:
                continue
            ax0, ay0, ax1, ay1 = (float(resolve1(v)) for v in rect)
            found.append(link_annot(uri, (ax0, ay0), (ax1, ay1), ctm, height))
        except Exception:  # one malformed annotation must not cost the page
            continue
    return found


def read_page(
    rsrcmgr: PDFResourceManager,
    page_obj: PDFPage,
    number: int,
    limits: Limits,
    warnings: list[Warning],
) -> Page:
    layout = _render(rsrcmgr, page_obj, number, limits)
    chars, images = _collect(layout)
    width, height = float(layout.width), float(layout.height)
    del layout  # the page's objects are not needed any more
    try:
        annots = _annots(page_obj, height)
    except Exception:
        annots = []
        warnings.append(Warning("annots-unreadable", "link annotations unreadable", number))
    return build_page(number, chars, annots, (width, height), lambda: images, warnings)


class LazyReading:
    """One PDF as the pdfplumber engine reads it, opened with pdfminer at first use: the
    pdfium engine asks it
    for what PDFium cannot give as pdfminer does (a page of turned text, a bookmark title
    or metadata value in UTF-8 without a byte-order mark).

    Every method returns None where pdfminer cannot read what is asked.
    """

    def __init__(self, path: Path, password: str | None, limits: Limits) -> None:
        self.path = path
        self.password = password
        self.limits = limits
        self._stream: BinaryIO | None = None
        self._opened: Any = None
        self._pages: list[PDFPage] | None = None
        self._failed = False  # the file does not open
        self._no_pages = False  # it opens, but its page tree cannot be read

    def _open_document(self) -> Any:
        if self._opened is None and not self._failed:
            try:
                self._stream = self.path.open("rb")
                self._opened = open_document(self._stream, str(self.path), self.password)
            except Exception:  # pdfminer raises anything on broken files
                self._failed = True
        return self._opened

    def _page_list(self) -> list[PDFPage] | None:
        opened = self._open_document()
        if opened is not None and self._pages is None and not self._no_pages:
            try:
                self._pages = pdf_pages(opened.doc, str(self.path), self.limits)
            except Exception:
                self._no_pages = True
        return self._pages

    def page(self, number: int) -> tuple[Page, list[Warning]] | None:
        """Given a 1-based page number, return the page and the warnings reading it gave."""
        page_objects = self._page_list()
        if page_objects is None:
            return None
        warnings: list[Warning] = []
        try:
            page = read_page(
                self._opened.rsrcmgr, page_objects[number - 1], number, self.limits, warnings
            )
        except Exception:  # the caller keeps its own reading of the page
            return None
        return page, warnings

    def outline(self, warnings: list[Warning]) -> list[OutlineItem] | None:
        """Return the bookmarks, adding to ``warnings`` what reading them gave."""
        page_objects = self._page_list()
        if page_objects is None:
            return None
        try:
            return read_outline(self._opened.doc, page_objects, warnings)
        except Exception:
            return None

    def metadata(self) -> dict[str, str] | None:
        """Return the document-information values."""
        opened = self._open_document()
        if opened is None:
            return None
        try:
            return read_metadata(opened.doc)
        except Exception:
            return None

    def close(self) -> None:
        """Close the file, if it was opened."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None
