"""Characters with boxes -> lines with geometry; shared by every PDF engine.

Both engines (pdfplumber in ``pdf.py``, pypdfium2 in ``pdfium.py``) only extract
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
* Next to full-width punctuation (``，。（）“”`` …) the glyph's ink covers only half its
  cell, so tight boxes show ~0.7 em of gap that is no space: there the gap must exceed
  :data:`PUNCT_GAP` em.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress, count, groupby, repeat
from operator import add, and_, eq, gt, itemgetter, le, sub, truediv
from typing import NamedTuple

from .model import Line, LinkAnchor

# All in em (the glyph's font size).
LINE_CENTRE_TOLERANCE = 0.45
SPACE_GAP = 0.2
MAX_BASE_GAP = 0.5
PUNCT_GAP = 0.9
# Two identical glyphs this close (em, and under half the narrower glyph's width) are one
# glyph drawn twice (shadow, overlapping text boxes).
DUPLICATE_OFFSET = 0.1
# A char's centre may lie this far (points) outside the page box and still count.
PAGE_BOX_TOLERANCE = 1.0
# Gaps of at least this many pairs are needed before the line's median gap is trusted.
MIN_GAPS_FOR_BASE = 5
# How many of the most recent lines a glyph is compared with while grouping.
_RECENT_LINES = 3

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


class Annot(NamedTuple):
    """A URI link annotation's rectangle in points, origin at the page's top-left."""

    uri: str
    x0: float
    top: float
    x1: float
    bottom: float


# --------------------------------------------------------------------------- helpers


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


def _usable_sorted(chars: Iterable[Char], page_box: PageBox | None) -> _Usable:
    """Given a page's chars, return those layout uses, sorted by vertical centre then left
    edge (ties keep their order): upright, with text, not made of control characters
    only, and centred inside ``page_box`` (give or take :data:`PAGE_BOX_TOLERANCE`).

    Centres are compared doubled (``x0 + x1`` against twice the bound): halving and
    doubling are exact in floating point, so nothing moves across a bound. The tests and
    the sort key run as C-level passes over the page's columns: a page has a thousand
    glyphs and usually every one of them is kept.
    """
    page = list(chars)
    if not page:
        return _Usable([], [])
    texts, x0s, tops, x1s, bottoms, _, _, uprights = zip(*page, strict=True)
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
    return _Usable(list(map(page.__getitem__, order)), list(map(centres.__getitem__, order)))


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
    _, x0s, tops, x1s, bottoms, _, sizes, _ = columns
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
    if not has_space and not wide:
        return _SPACES.sub(" ", "".join(texts)).strip()
    parts = [" " if space else text for text, space in zip(texts, spaces, strict=True)]
    for index in reversed(wide):
        parts.insert(index + 1, " ")
    return _SPACES.sub(" ", "".join(parts)).strip()


_NAN = float("nan")


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
        ink = [char for char, space in zip(chars, spaces, strict=True) if not space]
        columns = _Columns(*zip(*ink, strict=True))
    font = _main_font(columns.fontnames)
    return Line(
        text=text,
        page=page_number,
        x0=columns.x0s[0],  # chars come sorted by left edge
        top=min(columns.tops),
        x1=max(columns.x1s),
        bottom=max(columns.bottoms),
        font=font,
        size=round(float(_median(columns.sizes)), 2),
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


_text = itemgetter(0)
_x0 = itemgetter(1)


def chars_to_lines(
    chars: Iterable[Char], page_number: int, *, page_box: PageBox | None = None
) -> list[Line]:
    """Given a page's chars, return its visual lines top to bottom (no links yet).

    Each line has its text (see :func:`join_chars`), its box, the font most of its glyphs
    use (subset tag removed), the median font size and whether that font is bold.
    """
    usable = _usable_sorted(chars, page_box)
    lines: list[Line] = []
    for group in _group_usable(usable.chars):
        line = _make_line(group, page_number)
        if line is not None:
            lines.append(line)
    return lines


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
    ordered, centres = usable
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
) -> tuple[list[Line], list[Annot]]:
    """Given one page's chars and link annotations, return its lines with their links and
    the annotations that could not be placed (a page with no lines)."""
    usable = _usable_sorted(chars, page_box)
    lines: list[Line] = []
    line_of: dict[int, int] = {}
    for group in _group_usable(usable.chars):
        line = _make_line(group, page_number)
        if line is not None:
            if annots:  # which line each glyph went to: only links need it
                line_of.update(dict.fromkeys(map(id, group.chars), len(lines)))
            lines.append(line)
    unplaced = _attach(lines, usable, annots, line_of)
    return lines, unplaced
