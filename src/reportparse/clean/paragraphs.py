"""Lines grouped into paragraphs: by geometry (indent, short last line), in dumps by width."""

from __future__ import annotations

import statistics
import unicodedata
from collections import Counter
from collections.abc import Sequence

import regex

from ..model import Document, Line
from .text import CJK_PUNCT, TERMINAL_PUNCT, is_wide

# --------------------------------------------------------------------------- paragraphs

_LIST_ITEM = regex.compile(
    r"^(?:\d{1,2}\s*[.．、)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}[、.．])"
)


def display_width(text: str) -> int:
    """Given text, return its width in columns: wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


Margins = dict[int, tuple[float, float]]


def page_margins(document: Document) -> Margins:
    """Given a PDF document, return each page's text left edge and right edge.

    The left edge is where most lines start (first-line indents and bullets stand out
    from it); the right edge is where full lines end.
    """
    margins: Margins = {}
    for page in document.pages:
        boxes = [
            (line.x0, line.x1)
            for line in page.content()
            if line.x0 is not None and line.x1 is not None
        ]
        if not boxes:
            continue
        starts = Counter(round(x0) for x0, _ in boxes)
        left = float(starts.most_common(1)[0][0])
        ends = sorted(x1 for _, x1 in boxes)
        margins[page.number] = (left, ends[int(len(ends) * 0.9)])
    return margins


def split_paragraphs(lines: Sequence[Line], margins: Margins | None = None) -> list[list[Line]]:
    """Given the lines of a text block, return them grouped into paragraphs.

    PDFs: a first-line indent starts a paragraph, a short line ends one. Text dumps have
    no geometry: a line ending a sentence well short of the full width ends a paragraph.
    """
    if not lines:
        return []
    if all(line.x0 is not None and line.x1 is not None for line in lines):
        breaks = _geometry_breaks(lines, margins or {})
    else:
        breaks = _width_breaks(lines)
    paragraphs: list[list[Line]] = [[lines[0]]]
    for index in range(1, len(lines)):
        if index in breaks:
            paragraphs.append([])
        paragraphs[-1].append(lines[index])
    return paragraphs


def block_edges(lines: Sequence[Line], margins: Margins) -> Margins:
    """Given a block's lines, return per page the left and right edges its text runs to.

    A block set in a box or indented (a commentary) has edges of its own: where it has
    enough lines on a page, they give the edges; else the page's margins do.
    """
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    edges: Margins = {}
    for page, page_lines in by_page.items():
        lefts = [line.x0 for line in page_lines if line.x0 is not None]
        rights = [line.x1 for line in page_lines if line.x1 is not None]
        page_left, page_right = margins.get(page, (min(lefts), max(rights)))
        left = min(lefts) if len(lefts) >= 2 else page_left
        right = max(rights) if len(rights) >= 3 else page_right
        edges[page] = (left, right)
    return edges


def _geometry_breaks(lines: Sequence[Line], margins: Margins) -> set[int]:
    sizes = [line.size for line in lines if line.size]
    em = statistics.median(sizes) if sizes else 10.0
    edges = block_edges(lines, margins)
    breaks: set[int] = set()
    for index in range(1, len(lines)):
        if _starts_paragraph(lines[index], lines[index - 1], edges, em):
            breaks.add(index)
    return breaks


def _starts_paragraph(line: Line, previous: Line, edges: Margins, em: float) -> bool:
    """Given a PDF line, the line before it, the block's edges and em, return True if the
    line is indented, follows a short line or starts a list item after a sentence."""
    # Cheapest tests first; the regex ones only run where they can decide.
    assert line.x0 is not None and previous.x1 is not None
    if line.x0 > edges[line.page][0] + 0.8 * em:
        return True
    # A line is short only if the next line's first unbreakable piece would have fit. The
    # threshold is at least 1.5 em, so a fuller line (most of them) needs no measuring.
    room = edges[previous.page][1] - previous.x1
    if (room > 1.5 * em or em <= 0) and room > max(1.5, first_unit_ems(line.text) + 0.5) * em:
        return True
    return previous.text[-1:] in TERMINAL_PUNCT and bool(_LIST_ITEM.match(line.text))


_FIRST_UNIT = regex.compile(
    rf"^[（(“‘《〈「【]*(?:[A-Za-z0-9\-.,/%+&:_#@=?~]+|.)[{CJK_PUNCT}.,;:!?)]*"
)


def first_unit_ems(text: str) -> float:
    """Given a line, return the width in em of the piece a line break cannot split.

    Word moves a whole Latin word or number (and punctuation that may not start a line)
    to the next line, leaving the previous line short without ending a paragraph.
    """
    match = _FIRST_UNIT.match(text)
    unit = match.group(0) if match else text[:1]
    return sum(1.0 if is_wide(char) else 0.6 for char in unit)


def _width_breaks(lines: Sequence[Line]) -> set[int]:
    widths = [display_width(line.text) for line in lines]
    full = sorted(widths)[int(len(widths) * 0.9)] if len(widths) >= 5 else max(widths)
    breaks: set[int] = set()
    for index in range(1, len(lines)):
        previous = lines[index - 1].text
        ends_sentence = previous[-1:] in TERMINAL_PUNCT
        short = widths[index - 1] <= full - 3
        listed = bool(_LIST_ITEM.match(lines[index].text)) and ends_sentence
        if (ends_sentence and short) or listed:
            breaks.add(index)
    return breaks
