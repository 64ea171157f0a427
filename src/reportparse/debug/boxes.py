"""The parser's decisions as plain drawing data: a page's lines (each with its final role)
-> ``Box`` values, each entry's first title line -> an entry mark.

Coordinates stay as the readers give them (PDF points from the top-left of the displayed
page), which is what ``draw_overlay`` takes together with the rendering scale.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model import Line, Page, Segmented
from .styles import ROLES, Box

# Dropped roles whose boxes get their role written beside them: they are grey-ish and
# told apart by hatching alone, and there are few of them on a page. Bullets and blanks
# are tiny and many; table-of-contents lines fill a page.
LABELLED_ROLES: frozenset[str] = frozenset(
    {"running-header", "running-footer", "page-number", "watermark"}
)


@dataclass(frozen=True, slots=True)
class EntryMark:
    """Where an entry starts: its first title line's page and top-left corner, and its
    place in the issue's entries (1 = the first entry of the JSON output)."""

    page: int
    top: float
    x0: float
    index: int

    def mark(self) -> tuple[float, float, str]:
        """Return the mark as ``draw_overlay`` takes it: (top, x0, text)."""
        return (self.top, self.x0, str(self.index))


def line_boxes(page: Page) -> list[Box]:
    """Given a page whose lines carry their roles, return a box per line that has a
    position (a URI a text dump printed between lines has none)."""
    boxes: list[Box] = []
    for line in page.lines:
        if line.x0 is None or line.top is None or line.x1 is None or line.bottom is None:
            continue
        label = line.role if line.role in LABELLED_ROLES else None
        boxes.append(Box(line.x0, line.top, line.x1, line.bottom, line.role, label))
    return boxes


def entry_marks(segmented: Segmented) -> list[EntryMark]:
    """Given an issue's segments, return a mark for each entry's first title line that has
    a position, numbered in the order of the issue's entries."""
    marks: list[EntryMark] = []
    for index, entry in enumerate(segmented.entries, start=1):
        first = _first_placed(entry.title_lines)
        if first is not None and first.top is not None and first.x0 is not None:
            marks.append(EntryMark(first.page, first.top, first.x0, index))
    return marks


def _first_placed(lines: Sequence[Line]) -> Line | None:
    return next((line for line in lines if line.top is not None and line.x0 is not None), None)


def role_counts(lines: Iterable[Line]) -> dict[str, int]:
    """Given lines, return how many have each role: the drawn roles in the legend's order
    (kept, then dropped), then any other role by name; roles no line has are left out."""
    counts: Counter[str] = Counter(line.role for line in lines)
    order = [role for role in ROLES if counts[role]]
    order += sorted(role for role in counts if role not in ROLES)
    return {role: counts[role] for role in order}
