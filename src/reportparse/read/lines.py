"""Given a page's glyphs and link annotations, build its lines (shared by both engines)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress, groupby
from operator import eq, itemgetter, not_
from typing import NamedTuple

from ..model import Line, LinkAnchor
from .glyphs import (
    _RECENT_LINES,
    _SPACES,
    LINE_CENTRE_TOLERANCE,
    Annot,
    Char,
    PageBox,
    _cx,
    _cy,
    _em,
    _median,
    _Usable,
    _usable_sorted,
    font_name,
    is_bold_font,
)
from .spacing import _Columns, _dedupe, _drop_overprinted_spaces, _join, join_chars
from .watermark import MIN_TILT, _Style, _style, split_watermark, turned_rows

# --------------------------------------------------------------------------- grouping


@dataclass(slots=True)
class _Cluster:
    chars: list[Char] = field(default_factory=list)
    weight: float = 0.0
    cy_sum: float = 0.0
    em_sum: float = 0.0
    # Running weighted means, kept up to date by add(): read once per glyph grouped.
    cy: float = 0.0
    em: float = 0.0

    def add(self, chars: Sequence[Char], cy: float, em: float) -> None:
        """Add glyphs that share one vertical centre and size."""
        # Tall glyphs (Han, capitals) define the line's centre more than a tight box of
        # a comma sitting on the baseline.
        # The glyphs share top and bottom, so one height repeated (summed as before).
        weight = sum([max(chars[0].bottom - chars[0].top, 0.1)] * len(chars))
        self.chars.extend(chars)
        self.weight += weight
        self.cy_sum += cy * weight
        self.em_sum += em * weight
        self.cy = self.cy_sum / self.weight
        self.em = self.em_sum / self.weight


def group_chars(chars: Iterable[Char], *, page_box: PageBox | None = None) -> list[list[Char]]:
    """Given a page's chars, return visual lines top to bottom, each sorted left to right.

    Rotated chars, control chars and chars whose centre lies outside ``page_box``
    (x0, top, x1, bottom) are dropped; glyphs drawn twice at one spot count once.
    """
    usable = _usable_sorted(chars, page_box)
    return [group.chars for group in _group_usable(usable.chars)]


class _LineChars(NamedTuple):
    """One visual line's glyphs left to right, as columns, and which are whitespace."""

    chars: list[Char]
    columns: _Columns
    spaces: list[bool]


def _group_usable(usable: Sequence[Char]) -> list[_LineChars]:
    """Given usable chars sorted by vertical centre, return them grouped into lines."""
    clusters: list[_Cluster] = []
    recent: list[_Cluster] = []  # the last _RECENT_LINES clusters, the only candidates
    # Glyphs sharing one centre and size (a run of one font on one line) are placed as
    # one: adding the first only draws its cluster nearer, so the rest go there too.
    for _, same in groupby(usable, _height_key):
        run = list(same)
        cy, em = _cy(run[0]), _em(run[0])
        best: _Cluster | None = None
        best_distance = float("inf")
        for cluster in recent:
            distance = abs(cy - cluster.cy)
            if distance <= LINE_CENTRE_TOLERANCE * max(em, cluster.em) and distance < best_distance:
                best, best_distance = cluster, distance
        if best is None:
            best = _Cluster()
            clusters.append(best)
            recent = clusters[-_RECENT_LINES:]
        best.add(run, cy, em)
    clusters.sort(key=lambda cl: (cl.cy, min(map(_x0, cl.chars))))
    lines: list[_LineChars] = []
    for cluster in clusters:
        ordered = sorted(cluster.chars, key=_reading_key)
        columns = _Columns(*zip(*ordered, strict=True))
        texts = columns.texts
        spaces = list(map(str.isspace, texts))
        if True in spaces or any(map(eq, texts, texts[1:])):
            if True in spaces:
                ordered = _drop_overprinted_spaces(ordered, spaces)
            ordered = _dedupe(ordered)
            if not ordered:
                continue
            columns = _Columns(*zip(*ordered, strict=True))
            spaces = list(map(str.isspace, columns.texts))
        if False in spaces:
            lines.append(_LineChars(ordered, columns, spaces))
    return lines


# Glyphs with one key share a vertical centre and size: they go to one line together.
_height_key = itemgetter(2, 4, 6)  # (top, bottom, size)
# Left to right: (x0, x1, top).
_reading_key = itemgetter(1, 3, 2)


def _make_line(group: _LineChars, page_number: int) -> Line | None:
    chars, columns, spaces = group
    text = _join(columns, spaces)
    if not text:
        return None
    if True in spaces:
        ink = list(compress(chars, map(not_, spaces)))
        columns = _Columns(*zip(*ink, strict=True))
    font = _main_font(columns.fontnames)
    sizes = columns.sizes
    # One size throughout (most lines): its median, without a sort.
    size = sizes[0] if sizes.count(sizes[0]) == len(sizes) else _median(sizes)
    return Line(
        text=text,
        page=page_number,
        x0=columns.x0s[0],  # chars come sorted by left edge
        top=min(columns.tops),
        x1=max(columns.x1s),
        bottom=max(columns.bottoms),
        font=font,
        size=round(float(size), 2),
        bold=is_bold_font(font),
    )


def _main_font(fontnames: Sequence[str]) -> str | None:
    """Given a line's glyphs' font names, return the one most use, subset tags removed.

    Subsets of one font count together; a tie goes to the font seen first.
    """
    if fontnames.count(fontnames[0]) == len(fontnames):
        return font_name(fontnames[0])  # one font throughout: no counting
    counts = Counter(fontnames)
    merged: dict[str, int] = {}
    for raw_name, glyphs in counts.items():
        name = font_name(raw_name)
        merged[name] = merged.get(name, 0) + glyphs
    return max(merged, key=merged.__getitem__) if merged else None


_x0 = itemgetter(1)


def chars_to_lines(
    chars: Iterable[Char], page_number: int, *, page_box: PageBox | None = None
) -> list[Line]:
    """Given a page's chars, return its visual lines top to bottom (no links yet).

    Each line has its text (see :func:`join_chars`), its box, the font most of its glyphs
    use (subset tag removed), the median font size and whether that font is bold.
    Watermark glyphs (see :mod:`.watermark`) make lines of their own after the others,
    with the role "watermark".
    """
    return page_lines(list(chars), [], page_number, page_box=page_box)[0]


# --------------------------------------------------------------------------- links


def _line_for(char: Char, lines: Sequence[Line]) -> int | None:
    """Given a char, return the index of the line it belongs to (by geometry), if any."""
    cy, cx = _cy(char), _cx(char)
    tol = 0.3 * _em(char)
    best: int | None = None
    best_distance = float("inf")
    for index, line in enumerate(lines):
        if line.top is None or line.bottom is None or line.x0 is None or line.x1 is None:
            continue
        if not (line.top - tol <= cy <= line.bottom + tol):
            continue
        if not (line.x0 - tol <= cx <= line.x1 + tol):
            continue
        distance = abs(cy - (line.top + line.bottom) / 2)
        if distance < best_distance:
            best, best_distance = index, distance
    return best


def _box_overlaps(line: Line, annot: Annot) -> bool:
    if line.top is None or line.bottom is None or line.x0 is None or line.x1 is None:
        return False
    return (
        min(line.bottom, annot.bottom) - max(line.top, annot.top) > 0
        and min(line.x1, annot.x1) - max(line.x0, annot.x0) > 0
    )


def _nearest_line(lines: Sequence[Line], annot: Annot) -> int | None:
    centre = (annot.top + annot.bottom) / 2
    best: int | None = None
    best_distance = float("inf")
    for index, line in enumerate(lines):
        if line.top is None or line.bottom is None:
            continue
        distance = abs(centre - (line.top + line.bottom) / 2)
        if distance < best_distance:
            best, best_distance = index, distance
    return best


def attach_links(
    lines: list[Line],
    chars: Iterable[Char],
    annots: Iterable[Annot],
    *,
    page_box: PageBox | None = None,
    line_of: dict[int, int] | None = None,
) -> list[Annot]:
    """Given a page's lines, chars and link annotations, add a LinkAnchor to every line
    an annotation covers; return the annotations that could not be placed at all.

    A line's anchor text is its chars whose centres lie inside the rectangle, joined as in
    :func:`join_chars`; an annotation over two lines appears on both with its part of the
    text. An annotation over no text (an image link) goes to the lines its rectangle
    overlaps, else to the nearest line, with text None, so that no URI is lost. Only a
    page without lines leaves annotations unplaced. Duplicates on one line count once.
    """
    return _attach(lines, _usable_sorted(chars, page_box), annots, line_of)


def _attach(
    lines: list[Line],
    usable: _Usable,
    annots: Iterable[Annot],
    line_of: dict[int, int] | None,
) -> list[Annot]:
    """Given lines, their usable chars and annotations, do the work of attach_links."""
    annots = list(annots)
    if not annots:
        return []
    # Sorted by vertical centre, so each annotation only looks at the glyphs in its band;
    # doubled centres (top + bottom) against doubled bounds: exact, and no division.
    ordered, centres, _ = usable
    placed: dict[int, list[tuple[float, LinkAnchor]]] = {}
    unplaced: list[Annot] = []
    for annot in sorted(annots, key=lambda a: (a.top, a.x0)):
        per_line: dict[int, list[Char]] = {}
        # The band holds the glyphs whose centre is inside vertically (doubled, exactly);
        # of those, the ones whose centre is inside horizontally are the anchor's.
        band = ordered[
            bisect_left(centres, 2 * annot.top) : bisect_right(centres, 2 * annot.bottom)
        ]
        left, right = 2 * annot.x0, 2 * annot.x1
        for char in band:
            if left <= char.x0 + char.x1 <= right:
                # The line a glyph was grouped into, when known; else found by geometry.
                index = line_of.get(id(char)) if line_of is not None else _line_for(char, lines)
                if index is not None:
                    per_line.setdefault(index, []).append(char)
        found = False
        for index, line_chars in per_line.items():
            anchor_chars = _dedupe(_drop_overprinted_spaces(sorted(line_chars, key=_reading_key)))
            text = join_chars(anchor_chars)
            if text:
                placed.setdefault(index, []).append(
                    (anchor_chars[0].x0, LinkAnchor(annot.uri, text))
                )
                found = True
        if found:
            continue
        targets = [i for i, line in enumerate(lines) if _box_overlaps(line, annot)]
        if not targets:
            nearest = _nearest_line(lines, annot)
            targets = [] if nearest is None else [nearest]
        if not targets:
            unplaced.append(annot)
        for index in targets:
            placed.setdefault(index, []).append((annot.x0, LinkAnchor(annot.uri, None)))
    for index, anchors in placed.items():
        links = lines[index].links
        for _, anchor in sorted(anchors, key=lambda item: item[0]):
            if anchor not in links:
                links.append(anchor)
    return unplaced


def page_lines(
    chars: Sequence[Char],
    annots: Sequence[Annot],
    page_number: int,
    *,
    page_box: PageBox | None = None,
    suspect: bool | None = None,
) -> tuple[list[Line], list[Annot]]:
    """Given one page's chars and link annotations, return its lines with their links and
    the annotations that could not be placed (a page with no lines).

    ``suspect``: whether the page may carry a watermark, when the engine knows it (see
    :func:`.glyphs._usable_sorted`); watermark glyphs make lines of their own, after the
    others, with the role "watermark".
    """
    usable = _usable_sorted(chars, page_box, suspect=suspect)
    marked, reasons = (
        split_watermark(usable.chars, usable.centres) if usable.suspect else (None, {})
    )
    watermark: list[Line] = []
    if marked is not None:
        # Watermark glyphs make lines of their own (role "watermark"), after the body's;
        # the body's lines and links are built as if they were not there.
        usable, drawn = _split_usable(usable, marked)
        watermark = _watermark_lines(drawn, reasons, page_number)
    lines: list[Line] = []
    line_of: dict[int, int] = {}
    for group in _group_usable(usable.chars):
        line = _make_line(group, page_number)
        if line is not None:
            if annots:  # which line each glyph went to: only links need it
                line_of.update(dict.fromkeys(map(id, group.chars), len(lines)))
            lines.append(line)
    unplaced = _attach(lines, usable, annots, line_of)
    return lines + watermark, unplaced


def _watermark_lines(
    chars: Sequence[Char], reasons: dict[_Style, str], page_number: int
) -> list[Line]:
    """Given a page's watermark glyphs and the reason for each style, return their lines
    (role "watermark"): turned text in rows along its own baseline, upright text in
    lines as the body's."""
    turned: dict[float, list[Char]] = {}
    upright: list[Char] = []
    for char in chars:
        if abs(char.tilt) >= MIN_TILT:
            turned.setdefault(round(char.tilt, 1), []).append(char)
        else:
            upright.append(char)
    groups = [group.chars for group in _group_usable(upright)]
    for same_tilt in turned.values():
        groups.extend(turned_rows(same_tilt))
    lines: list[Line] = []
    for group in groups:
        ink = [char for char in group if not char.text.isspace()]
        if not ink:
            continue
        text = _SPACES.sub(" ", "".join(char.text for char in group)).strip()
        columns = _Columns(*zip(*ink, strict=True))
        font = _main_font(columns.fontnames)
        line = Line(
            text=text,
            page=page_number,
            x0=min(columns.x0s),
            top=min(columns.tops),
            x1=max(columns.x1s),
            bottom=max(columns.bottoms),
            font=font,
            size=round(float(_median(columns.sizes)), 2),
            bold=is_bold_font(font),
        )
        lines.append(line.with_role("watermark", reasons.get(_style(group[0]), "watermark")))
    return lines


def _split_usable(usable: _Usable, marked: Sequence[bool]) -> tuple[_Usable, list[Char]]:
    """Given usable glyphs and which are watermark glyphs, return the others (still
    sorted, with their centres) and the watermark glyphs (sorted as they were)."""
    body = _Usable([], [])
    drawn: list[Char] = []
    for char, centre, mark in zip(usable.chars, usable.centres, marked, strict=True):
        if mark:
            drawn.append(char)
        else:
            body.chars.append(char)
            body.centres.append(centre)
    return body, drawn
