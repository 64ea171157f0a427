"""Characters with boxes -> lines with geometry; shared by every PDF engine.

Both engines (pdfplumber in ``plumber_*.py``, pypdfium2 in ``pdfium_*.py``) only extract
:class:`Char` and :class:`Annot` records per page; everything that turns them into
:class:`~reportparse.model.Line` objects lives here, so the engines give the same lines.

Engines differ in their boxes: pdfminer gives font-bbox boxes (``x0`` = pen position,
``x1`` = pen + advance, full ascent/descent height), pdfium gives tight ink boxes. Every
threshold below is therefore relative to the font size ("em") and tolerant by a few
tenths of an em:

* Same line: a glyph joins a line when its vertical centre lies within
  :data:`LINE_CENTRE_TOLERANCE` em of the line's (height-weighted) centre. A tight box of
  a full stop sits about 0.3 em below a Han glyph's centre; the next line is >= 1.1 em away.

Where spaces go inside a line is :mod:`.spacing`'s job.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Sequence
from itertools import compress, count, repeat
from operator import add, and_, itemgetter, le
from typing import NamedTuple

# All in em (the glyph's font size).
LINE_CENTRE_TOLERANCE = 0.45
# The lowest font descent believed, in em. Real fonts descend 0.1-0.3 em; Ghostscript's
# rewrites of CFF CJK fonts can state a whole em or more, which would box every glyph
# below its own baseline, in the line underneath.
MIN_DESCENT = -0.5
# A char's centre may lie this far (points) outside the page box and still count.
PAGE_BOX_TOLERANCE = 1.0
# A page with a glyph this light (0 black .. 1 white), or one glyph this many times the
# size of another, is looked at for a watermark (watermark.py decides).
SUSPECT_LIGHT = 0.7
SUSPECT_SIZE = 3.0
# How many of the most recent lines a glyph is compared with while grouping.
_RECENT_LINES = 3

_text = itemgetter(0)  # a Char's text

PageBox = tuple[float, float, float, float]

_BOLD = re.compile(r"bold|heavy|black|semibold|demibold", re.IGNORECASE)
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
_SPACES = re.compile(r"\s+")
# Category Cc minus whitespace: a glyph made only of these is a broken ToUnicode's byte.
_CONTROL_CLASS = "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]"
_CONTROL = re.compile(_CONTROL_CLASS)
_CONTROL_ONLY = re.compile(_CONTROL_CLASS + "+")


class Char(NamedTuple):
    """One glyph: its text and box in points, origin at the page's top-left.

    A named tuple, not a dataclass: engines build one per glyph (a quarter of a million
    for a long issue) and a tuple is four times cheaper to construct.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    fontname: str
    size: float
    upright: bool = True
    # The baseline's angle in degrees, counter-clockwise, in device space (0: horizontal).
    tilt: float = 0.0
    # The fill colour's lightness, 0 (black) to 1 (white). Only light fills of large
    # text decide anything (watermark.py): the PDFium engine asks for no other and
    # leaves 0.0 there.
    lightness: float = 0.0


class Annot(NamedTuple):
    """A URI link annotation's rectangle in points, origin at the page's top-left."""

    uri: str
    x0: float
    top: float
    x1: float
    bottom: float


# --------------------------------------------------------------------------- helpers


def plausible_descent(descent: float) -> float:
    """Given a font's descent in em (negative: below the baseline), return it bounded by
    MIN_DESCENT, so a rewritten font with a nonsense descent keeps its glyph boxes on
    their baselines (both engines box a glyph from baseline + descent up one em)."""
    return descent if descent >= MIN_DESCENT else MIN_DESCENT


def matrix_tilt(a: float, b: float) -> float:
    """Given a glyph matrix's first column (device space), return its baseline's angle in
    degrees, counter-clockwise (0.0 exactly for a horizontal baseline)."""
    if b == 0:
        return 0.0
    return math.degrees(math.atan2(b, a))


def fill_lightness(components: tuple[float, ...]) -> float:
    """Given a fill colour's components in 0..1 (grey, RGB or CMYK by their count), return
    its lightness: 0 black, 1 white (luma of the RGB it shows as)."""
    if len(components) == 1:
        red = green = blue = components[0]
    elif len(components) == 3:
        red, green, blue = components
    elif len(components) == 4:
        cyan, magenta, yellow, black = components
        red, green, blue = ((1 - v) * (1 - black) for v in (cyan, magenta, yellow))
    else:
        return 0.0
    value = 0.299 * red + 0.587 * green + 0.114 * blue
    return min(max(value, 0.0), 1.0)


def _em(char: Char) -> float:
    if char.size > 0.5:
        return char.size
    return max(char.bottom - char.top, 1.0)


def _cy(char: Char) -> float:
    return (char.top + char.bottom) / 2


def _cx(char: Char) -> float:
    return (char.x0 + char.x1) / 2


def _is_space(char: Char) -> bool:
    return char.text.isspace()


@functools.lru_cache(maxsize=1024)
def font_name(raw: str) -> str:
    """Given a PDF font name, return it without its subset tag (``ABCDEF+SimSun``)."""
    return _SUBSET_PREFIX.sub("", raw)


@functools.lru_cache(maxsize=1024)
def is_bold_font(name: str | None) -> bool:
    """Given a font name, return whether it names a bold face (``Arial-BoldMT``, ``宋体,Bold``)."""
    return bool(name) and _BOLD.search(name or "") is not None


class _Usable(NamedTuple):
    """A page's usable glyphs sorted by vertical centre (then left edge), with each one's
    doubled vertical centre (``top + bottom``), which grouping and links both look up."""

    chars: list[Char]
    centres: list[float]
    # Some glyph is turned, light or many times the size of another: the page may carry
    # a watermark (see watermark.split_watermark); False for the usual page.
    suspect: bool = False


def _usable_sorted(
    chars: Iterable[Char], page_box: PageBox | None, *, suspect: bool | None = None
) -> _Usable:
    """Given a page's chars, return those layout uses, sorted by vertical centre then left
    edge (ties keep their order): upright, with text, not made of control characters
    only, and centred inside ``page_box`` (give or take :data:`PAGE_BOX_TOLERANCE`).

    Centres are compared doubled (``x0 + x1`` against twice the bound): halving and
    doubling are exact in floating point, so nothing moves across a bound. The tests and
    the sort key run as C-level passes over the page's columns: a page has a thousand
    glyphs and usually every one of them is kept.

    ``suspect`` (may the page carry a watermark?) is worked out from the glyphs unless
    the engine gives it: it must then be True wherever the glyphs would make it so.
    """
    page = list(chars)
    if not page:
        return _Usable([], [])
    texts, x0s, tops, x1s, bottoms, _, sizes, uprights, tilts, lights = zip(*page, strict=True)
    centres = list(map(add, tops, bottoms))
    keep: list[bool] | None = None
    if page_box is None:
        if False in uprights or "" in texts:
            keep = [bool(up and text) for up, text in zip(uprights, texts, strict=True)]
    else:
        x0, top, x1, bottom = page_box
        tol = PAGE_BOX_TOLERANCE
        lo_x, hi_x = 2 * (x0 - tol), 2 * (x1 + tol)
        lo_y, hi_y = 2 * (top - tol), 2 * (bottom + tol)
        middles = list(map(add, x0s, x1s))
        # Comparisons, not min/max: a NaN coordinate fails them as it fails the filter.
        inside = (
            all(map(le, repeat(lo_x), middles))
            and all(map(le, middles, repeat(hi_x)))
            and all(map(le, repeat(lo_y), centres))
            and all(map(le, centres, repeat(hi_y)))
        )
        if not inside or False in uprights or "" in texts:
            keep = [
                bool(up and text and lo_x <= mx <= hi_x and lo_y <= cy <= hi_y)
                for up, text, mx, cy in zip(uprights, texts, middles, centres, strict=True)
            ]
    if _CONTROL.search("".join(texts)) is not None:
        # NULs and other control bytes a broken ToUnicode map produced: such a glyph goes.
        unbroken = [_CONTROL_ONLY.fullmatch(text) is None for text in texts]
        keep = unbroken if keep is None else list(map(and_, keep, unbroken))
    indexes: Iterable[int] = range(len(page)) if keep is None else compress(count(), keep)
    # By left edge, then (stable) by centre: the order of the key (centre, x0), ties
    # kept, from two sorts on plain float keys, which compare far faster than tuples.
    order = sorted(indexes, key=x0s.__getitem__)
    order.sort(key=centres.__getitem__)
    if suspect is None:  # unless the engine knows it already
        suspect = (
            any(tilts) or max(lights) >= SUSPECT_LIGHT or max(sizes) >= SUSPECT_SIZE * min(sizes)
        )
    return _Usable(
        list(map(page.__getitem__, order)), list(map(centres.__getitem__, order)), suspect
    )


def _median(values: Sequence[float]) -> float:
    """Given numbers, return their median (statistics.median's arithmetic, less overhead)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
