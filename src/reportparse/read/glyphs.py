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
* Space: one space goes between two glyphs whose horizontal gap exceeds
  :data:`SPACE_GAP` em above the line's typical gap (the median gap, clamped to
  [0, :data:`MAX_BASE_GAP`] em, so that justified or letter-spaced lines whose every gap is
  wide do not get a space between every glyph). Word's autospace between Han and Latin
  is ~0.25 em and becomes a space; kerning and ordinary letter spacing (< 0.1 em) do not.
* Scripts (:func:`_by_script`): a gap between two Han glyphs is a space only when it is
  :data:`SPACE_GAP` wider than the line's median Han-Han gap (justification stretches
  them all alike; a field or column gap is far wider); in a line whose typical gap is
  raised by that stretch, a gap between two Latin letters or digits is measured against
  the Latin pairs' own median, so words set with glue and no space glyph (XeLaTeX) keep
  their spaces.
* Next to full-width punctuation (``，。（）“”`` …) the glyph's ink covers only half its
  cell, so tight boxes show ~0.7 em of gap that is no space: there the gap must exceed
  :data:`PUNCT_GAP` em.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from itertools import compress, count, repeat
from operator import add, and_, eq, gt, itemgetter, le, sub, truediv
from typing import NamedTuple

# All in em (the glyph's font size).
LINE_CENTRE_TOLERANCE = 0.45
# The lowest font descent believed, in em. Real fonts descend 0.1-0.3 em; Ghostscript's
# rewrites of CFF CJK fonts can state a whole em or more, which would box every glyph
# below its own baseline, in the line underneath.
MIN_DESCENT = -0.5
SPACE_GAP = 0.2
MAX_BASE_GAP = 0.5
PUNCT_GAP = 0.9
# Two identical glyphs this close (em, and under half the narrower glyph's width) are one
# glyph drawn twice (shadow, overlapping text boxes).
DUPLICATE_OFFSET = 0.1
# A char's centre may lie this far (points) outside the page box and still count.
PAGE_BOX_TOLERANCE = 1.0
# A line's typical gap (em) from which it counts as stretched (justified, letter-spaced):
# below it, box rounding; a Latin word gap hidden by less would be narrower than any.
MIN_STRETCH = 0.05
# Gaps of at least this many pairs are needed before the line's median gap is trusted.
MIN_GAPS_FOR_BASE = 5
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
_QUOTES = frozenset("“”‘’")
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


@functools.lru_cache(maxsize=8192)
def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


@functools.lru_cache(maxsize=8192)
def _is_wide_punct(ch: str) -> bool:
    return _is_wide(ch) and unicodedata.category(ch)[0] in ("P", "S", "Z")


def _punct_pair(left: str, right: str) -> bool:
    """Whether a gap between these two texts sits next to full-width punctuation."""
    a, b = left[-1], right[0]
    if _is_wide_punct(a) or _is_wide_punct(b):
        return True
    return (a in _QUOTES and _is_wide(b)) or (b in _QUOTES and _is_wide(a))


def _is_double(prev: Char, char: Char) -> bool:
    """Given two neighbouring glyphs, return whether the second is the first drawn again."""
    narrower = min(char.x1 - char.x0, prev.x1 - prev.x0)
    limit = min(DUPLICATE_OFFSET * min(_em(char), _em(prev)), 0.5 * narrower)
    return (
        char.text == prev.text
        and abs(char.x0 - prev.x0) < limit
        and abs(_cy(char) - _cy(prev)) < limit
    )


def _dedupe(chars: Sequence[Char]) -> list[Char]:
    """Given chars sorted left to right, drop glyphs drawn twice at (almost) one spot."""
    texts = list(map(_text, chars))
    alike = compress(range(len(texts)), map(eq, texts, texts[1:]))  # C-level scan
    if not any(_is_double(chars[index], chars[index + 1]) for index in alike):
        # No neighbour doubles another, so nothing is dropped (the usual "ll", "00").
        return list(chars)
    kept: list[Char] = []
    for char in chars:
        if kept and _is_double(kept[-1], char):
            continue
        kept.append(char)
    return kept


def _drop_overprinted_spaces(
    chars: Sequence[Char], spaces: Sequence[bool] | None = None
) -> list[Char]:
    """Given one line's chars sorted left to right, drop space glyphs drawn over a letter.

    Some exporters (LibreOffice on hyperlinked list items) print a space on top of a
    line's first or last letter; sorted by left edge it would split a word ("htm l").
    Only the nearest glyphs on either side can lie under a space, so the check is local.
    ``spaces`` (which chars are whitespace) may be given when the caller knows it.
    """
    if spaces is None:
        spaces = [_is_space(char) for char in chars]
    dropped: set[int] = set()
    for index in [i for i, space in enumerate(spaces) if space]:
        char = chars[index]
        width = max(char.x1 - char.x0, 1e-6)
        nearby = [*range(max(index - 2, 0), index), *range(index + 1, min(index + 3, len(chars)))]
        covered = max(
            (
                min(char.x1, chars[other].x1) - max(char.x0, chars[other].x0)
                for other in nearby
                if not spaces[other]
            ),
            default=0.0,
        )
        if covered > 0.5 * width:
            dropped.add(index)
    if not dropped:
        return list(chars)
    return [char for index, char in enumerate(chars) if index not in dropped]


def join_chars(chars: Sequence[Char]) -> str:
    """Given one line's chars sorted left to right, return its text.

    The chars' own whitespace is kept (as one ASCII space); one space is added where the
    gap between two glyphs is wide (see the module docstring); runs of spaces collapse to
    one and the ends are stripped.
    """
    if not chars:
        return ""
    columns = _Columns(*zip(*chars, strict=True))
    return _join(columns, list(map(str.isspace, columns.texts)))


class _Columns(NamedTuple):
    """One line's glyphs as columns (``zip(*chars)``): one C-level pass instead of one
    Python-level pass per field, which is what a thousand glyphs a page can afford."""

    texts: tuple[str, ...]
    x0s: tuple[float, ...]
    tops: tuple[float, ...]
    x1s: tuple[float, ...]
    bottoms: tuple[float, ...]
    fontnames: tuple[str, ...]
    sizes: tuple[float, ...]
    uprights: tuple[bool, ...]
    tilts: tuple[float, ...]
    lightnesses: tuple[float, ...]


def _median(values: Sequence[float]) -> float:
    """Given numbers, return their median (statistics.median's arithmetic, less overhead)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _pair_gaps(columns: _Columns) -> list[float]:
    """Given a line's columns, return each neighbour pair's gap in em: the space between
    the two boxes over the mean of the two glyphs' em sizes."""
    _, x0s, tops, x1s, bottoms, _, sizes, _, _, _ = columns
    widths = map(sub, x0s[1:], x1s)
    if sizes[0] > 0.5 and sizes.count(sizes[0]) == len(sizes):
        # One size throughout: (em + em) / 2 is exactly em.
        return list(map(truediv, widths, repeat(sizes[0])))
    if min(sizes) > 0.5:
        ems: Sequence[float] = sizes
    else:
        ems = [  # _em's rule, on columns
            size if size > 0.5 else max(bottom - top, 1.0)
            for size, top, bottom in zip(sizes, tops, bottoms, strict=True)
        ]
    return list(map(truediv, widths, map(truediv, map(add, ems, ems[1:]), repeat(2))))


def _join(columns: _Columns, spaces: list[bool]) -> str:
    """Given a line's columns and which glyphs are whitespace, return join_chars's text.

    Only the few gaps wide enough for a space are looked at one by one.
    """
    texts = columns.texts
    # Gap i lies between glyphs i and i + 1; a gap next to a space glyph does not count
    # (it is NaN here: never wide, and left out of the median).
    pair_gaps = _pair_gaps(columns)
    has_space = True in spaces
    if has_space:
        pair_gaps = [
            _NAN if left_space or right_space else gap
            for gap, left_space, right_space in zip(pair_gaps, spaces, spaces[1:], strict=False)
        ]
        gaps = [
            gap
            for gap, left_space, right_space in zip(pair_gaps, spaces, spaces[1:], strict=False)
            if not (left_space or right_space)
        ]
    else:
        gaps = pair_gaps
    base = 0.0
    if len(gaps) >= MIN_GAPS_FOR_BASE:
        base = min(max(_median(gaps), 0.0), MAX_BASE_GAP)
    limit = base + SPACE_GAP
    # Only a gap wide enough for a space needs the (rarer) punctuation check.
    wide = [
        index
        for index in compress(count(), map(gt, pair_gaps, repeat(limit)))
        if pair_gaps[index] > PUNCT_GAP or not _punct_pair(texts[index], texts[index + 1])
    ]
    if base >= MIN_STRETCH or (
        wide
        and any(
            map(
                and_,
                map(_han_last, map(texts.__getitem__, wide)),
                map(_han_first, map(texts.__getitem__, map(_next, wide))),
            )
        )
    ):
        # A justified line mixes two kinds of gap: the stretch between Han glyphs and
        # the word gaps of Latin text (drawn with or without a space glyph).
        wide = _by_script(texts, pair_gaps, wide, base)
    if not has_space and not wide:
        return _SPACES.sub(" ", "".join(texts)).strip()
    parts = [" " if space else text for text, space in zip(texts, spaces, strict=True)]
    for index in reversed(wide):
        parts.insert(index + 1, " ")
    return _SPACES.sub(" ", "".join(parts)).strip()


_NAN = float("nan")


@functools.lru_cache(maxsize=8192)
def _is_han(ch: str) -> bool:
    """Whether a char is a full-width letter (Han, kana, Hangul): one em cell, no space
    around it in CJK text."""
    return _is_wide(ch) and unicodedata.category(ch)[0] == "L"


@functools.lru_cache(maxsize=8192)
def _is_word_char(ch: str) -> bool:
    """Whether a char belongs to a word of Latin-like text (a narrow letter or digit)."""
    return ch.isalnum() and not _is_wide(ch)


# Per glyph text (a ligature's text has several chars): its first or last char's kind.
@functools.lru_cache(maxsize=8192)
def _han_first(text: str) -> bool:
    return _is_han(text[0])


@functools.lru_cache(maxsize=8192)
def _han_last(text: str) -> bool:
    return _is_han(text[-1])


@functools.lru_cache(maxsize=8192)
def _word_first(text: str) -> bool:
    return _is_word_char(text[0])


@functools.lru_cache(maxsize=8192)
def _word_last(text: str) -> bool:
    return _is_word_char(text[-1])


_next = (1).__add__


def _by_script(
    texts: Sequence[str], pair_gaps: Sequence[float], wide: list[int], base: float
) -> list[int]:
    """Given a line's typical gap (``base``, in em), its glyphs' texts,
    pair gaps and the gaps found wide enough for a space, return those gaps corrected
    by the scripts on either side.

    Justification stretches every gap between two Han glyphs alike: such a gap is a space
    only when it is :data:`SPACE_GAP` wider than the line's Han-Han median (clamped to
    :data:`MAX_BASE_GAP`), however the rest of the line is set; a column or field gap is
    far wider. Between two Latin letters or digits the stretch is not the
    Han one: a word gap is a space when it is :data:`SPACE_GAP` wider than the median of
    the Latin pairs, though the line's median, raised by the Han stretch, is wider.
    """
    kept = set(wide)
    # Pair i lies between glyphs i and i + 1; gaps next to a space glyph are neither.
    han = list(compress(count(), map(and_, map(_han_last, texts), map(_han_first, texts[1:]))))
    if han and kept.intersection(han):
        # Every Han pair counts, however few: two glyphs set apart alike are one word
        # spaced out (a letter-spaced heading), not words.
        han_gaps = list(map(pair_gaps.__getitem__, han))
        han_limit = min(max(_median(han_gaps), 0.0), MAX_BASE_GAP) + SPACE_GAP
        kept.difference_update(compress(han, map(le, han_gaps, repeat(han_limit))))
    if base < MIN_STRETCH:
        return sorted(kept)
    latin = list(compress(count(), map(and_, map(_word_last, texts), map(_word_first, texts[1:]))))
    if len(latin) >= MIN_GAPS_FOR_BASE:
        latin_gaps = list(map(pair_gaps.__getitem__, latin))
        latin_limit = min(max(_median(latin_gaps), 0.0), MAX_BASE_GAP) + SPACE_GAP
        if latin_limit < base + SPACE_GAP:
            kept.update(compress(latin, map(gt, latin_gaps, repeat(latin_limit))))
    return sorted(kept)
