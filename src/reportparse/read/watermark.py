"""Tell a page's watermark glyphs from its body glyphs, by how they are drawn.

A watermark is text drawn across the body (a firm's name with 版权所有, 内部资料 请勿外传):
turned, light grey or very large. Its glyphs must never join a line of content, and
grouped with body lines by their vertical centre they would, so they are split off before
lines are built and become lines of their own with the role ``watermark``.

Glyphs are judged by *style* (font, size, tilt and fill colour together), so that every
glyph of one watermark goes the same way even where part of it lies over blank paper. A
style is a watermark when its glyphs are

* turned: the baseline leans by at least :data:`MIN_TILT` degrees (and is still upright
  to pdfminer's test; glyphs turned further are dropped by layout anyway); or
* light grey (lightness in [:data:`MIN_LIGHT`, :data:`MAX_GREY`)) and large: at least
  :data:`LARGE` times the page's median glyph size; or
* very large (:data:`HUGE` times the median) and drawn over other glyphs (a glyph of
  another style has its centre inside one of its boxes).

White text (lightness >= :data:`MAX_GREY`) is text on a dark ground (a banner, a cover),
never a watermark by its colour; large black text alone is a title; light grey text of
the body's size is a caption or a running line. Only large text's colour is ever looked
at, so the PDFium engine asks for the colour of large text objects only.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import compress, count, repeat
from operator import ge, itemgetter

from .glyphs import SUSPECT_LIGHT, SUSPECT_SIZE, Char, _median

# Degrees a baseline leans before its text counts as turned (OCR'd scans lean a degree
# or two; watermarks 15 degrees and more).
MIN_TILT = 5.0
# Lightness of a light-grey fill (0 black .. 1 white); body text in grey is darker.
MIN_LIGHT = SUSPECT_LIGHT
# From this lightness on a fill is white: text on a dark ground.
MAX_GREY = 0.97
# Size over the page's median glyph size from which light grey text is a watermark.
LARGE = 1.5
# Size over the page's median glyph size from which text over other text is a watermark.
HUGE = SUSPECT_SIZE

_size, _tilt, _lightness = itemgetter(6), itemgetter(8), itemgetter(9)

# (font, size, tilt, lightness): glyphs of one style are judged together.
_Style = tuple[str, float, float, float]


def _style(char: Char) -> _Style:
    return (char.fontname, char.size, round(char.tilt, 1), round(char.lightness, 3))


def split_watermark(
    chars: Sequence[Char], centres: Sequence[float]
) -> tuple[list[bool] | None, dict[_Style, str]]:
    """Given a page's usable glyphs sorted by vertical centre and their doubled centres,
    return which are watermark glyphs (None: none is) and the reason for each watermark
    style found.

    Called only for pages whose glyphs make them a suspect (``_Usable.suspect``).
    """
    if not chars:
        return None, {}
    # Columns and C-level scans: a suspect page is any page with a large title, and only
    # its few turned, light or large glyphs are looked at one by one.
    sizes = list(map(_size, chars))
    body_size = _median(sizes)
    if body_size <= 0:
        return None, {}
    large_from, huge_from = LARGE * body_size, HUGE * body_size
    found = set(compress(count(), map(ge, sizes, repeat(huge_from))))
    tilts = list(map(_tilt, chars))
    if any(tilts):
        found.update(compress(count(), map(ge, map(abs, tilts), repeat(MIN_TILT))))
    lights = list(map(_lightness, chars))
    if max(lights) >= MIN_LIGHT:
        found.update(
            index
            for index in compress(count(), map(ge, lights, repeat(MIN_LIGHT)))
            if lights[index] < MAX_GREY and sizes[index] >= large_from
        )
    if not found:
        return None, {}
    suspects: dict[_Style, list[int]] = {}
    for index in sorted(found):
        suspects.setdefault(_style(chars[index]), []).append(index)
    reasons: dict[_Style, str] = {}
    for style, indexes in suspects.items():
        reason = _judge(style, indexes, chars, centres, body_size)
        if reason is not None:
            reasons[style] = reason
    if not reasons:
        return None, {}
    marked = [False] * len(chars)
    for style in reasons:
        for index in suspects[style]:
            marked[index] = True
    return marked, reasons


def _judge(
    style: _Style,
    indexes: list[int],
    chars: Sequence[Char],
    centres: Sequence[float],
    body_size: float,
) -> str | None:
    """Given a suspect style and its glyphs, return why it is a watermark, or None."""
    _, size, tilt, lightness = style
    if abs(tilt) >= MIN_TILT:
        return f"text drawn turned by {abs(tilt):.0f}°"
    times = size / body_size
    if MIN_LIGHT <= lightness < MAX_GREY and times >= LARGE:
        return f"light grey text {times:.1f} times the body size"
    if times >= HUGE and _over_other_glyphs(indexes, chars, centres):
        return f"text {times:.1f} times the body size drawn over other text"
    return None


def _over_other_glyphs(indexes: list[int], chars: Sequence[Char], centres: Sequence[float]) -> bool:
    """Given glyph indexes of one style, return whether a glyph of another style has its
    centre inside one of their boxes."""
    own = set(indexes)
    for index in indexes:
        char = chars[index]
        if char.text.isspace():
            continue
        left, right = 2 * char.x0, 2 * char.x1
        start = bisect_left(centres, 2 * char.top)
        stop = bisect_right(centres, 2 * char.bottom)
        for other in range(start, stop):
            if other in own:
                continue
            glyph = chars[other]
            if left <= glyph.x0 + glyph.x1 <= right and not glyph.text.isspace():
                return True
    return False


def turned_rows(chars: Sequence[Char]) -> list[list[Char]]:
    """Given glyphs of one turned style, return them as rows along their own baseline
    (each in reading order), rows ordered top to bottom of the page as their first
    glyphs are.

    Horizontal grouping would cut a turned line into a piece per page line it crosses; in
    the baseline's own frame it is one row. A glyph joins a row when its centre lies
    within half its size of the row's first glyph, across the baseline.
    """
    if not chars:
        return []
    angle = math.radians(chars[0].tilt)
    cos, sin = math.cos(angle), math.sin(angle)
    placed: list[tuple[float, float, Char]] = []
    for char in chars:
        x = (char.x0 + char.x1) / 2
        y = -(char.top + char.bottom) / 2  # upwards, as the tilt is measured
        placed.append((x * cos + y * sin, y * cos - x * sin, char))
    placed.sort(key=lambda item: -item[1])
    rows: list[list[tuple[float, float, Char]]] = []
    for item in placed:
        row = rows[-1] if rows else None
        if row is not None and abs(row[0][1] - item[1]) <= 0.5 * max(item[2].size, 1.0):
            row.append(item)
        else:
            rows.append([item])
    ordered = [[char for _, _, char in sorted(row, key=lambda item: item[0])] for row in rows]
    ordered.sort(key=lambda row: min(char.top for char in row))
    return ordered
