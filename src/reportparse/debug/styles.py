"""How the debug pictures show things: the boxes callers pass and each role's style.

Styles:

- a kept line (content, heading, title, field, link, summary, commentary, front matter,
  back matter): solid outline just outside the line plus a light fill of the same colour;
  the nine colours are Paul Tol's "muted" scheme, chosen to stay apart under the common
  colour-vision deficiencies;
- a dropped line (running header or footer, page number, bullet, blank, watermark, table
  of contents): grey-ish tint, dashed outline and a hatching whose direction differs per
  role, so the seven stay apart without relying on colour at all;
- a link annotation: black-on-white dashes a few pixels outside its rectangle;
- an entry number: white on a black tag in the left margin beside the entry's first line.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]
PixelBox = tuple[int, int, int, int]  # left, upper, right, lower (right/lower exclusive)


@dataclass(frozen=True, slots=True)
class Box:
    """One line's box in PDF points (top-left origin) and its role; ``label`` is a short
    note drawn beside the box (e.g. why the line was dropped)."""

    x0: float
    top: float
    x1: float
    bottom: float
    role: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class LinkBox:
    """One link annotation's rectangle in PDF points (top-left origin)."""

    x0: float
    top: float
    x1: float
    bottom: float
    uri: str


@dataclass(frozen=True, slots=True)
class RoleStyle:
    colour: RGB
    dropped: bool = False
    hatch: str = ""  # "/", "\\", "x", "-", "|", "+", "." (dropped roles only)


# Kept roles: Paul Tol's muted scheme (colour-blind safe for nine categories).
# Dropped roles: greys with a faint tint, each with its own hatching.
STYLES: dict[str, RoleStyle] = {
    "content": RoleStyle((0x99, 0x99, 0x33)),  # olive
    "heading": RoleStyle((0x33, 0x22, 0x88)),  # indigo
    "title": RoleStyle((0x88, 0x22, 0x55)),  # wine
    "field": RoleStyle((0x44, 0xAA, 0x99)),  # teal
    "link": RoleStyle((0x88, 0xCC, 0xEE)),  # cyan
    "summary": RoleStyle((0xDD, 0xCC, 0x77)),  # sand
    "commentary": RoleStyle((0xCC, 0x66, 0x77)),  # rose
    "front-matter": RoleStyle((0x11, 0x77, 0x33)),  # green
    "back-matter": RoleStyle((0xAA, 0x44, 0x99)),  # purple
    "running-header": RoleStyle((0x5A, 0x6E, 0x8C), dropped=True, hatch="/"),
    "running-footer": RoleStyle((0x80, 0x6A, 0x58), dropped=True, hatch="\\"),
    "page-number": RoleStyle((0x40, 0x40, 0x40), dropped=True, hatch="x"),
    "bullet": RoleStyle((0x99, 0x99, 0x99), dropped=True, hatch="."),
    "blank": RoleStyle((0x8C, 0x78, 0x8C), dropped=True, hatch="+"),
    "watermark": RoleStyle((0xB4, 0xB4, 0xB4), dropped=True, hatch="-"),
    "toc": RoleStyle((0x6A, 0x80, 0x68), dropped=True, hatch="|"),
}
ROLES: tuple[str, ...] = tuple(STYLES)
UNKNOWN_ROLE = RoleStyle((0, 0, 0))
LINK_ANNOTATION_COLOUR: RGB = (0, 0, 0)
ENTRY_TAG_COLOUR: RGB = (0x1A, 0x1A, 0x1A)
WHITE: RGB = (255, 255, 255)
FILL_ALPHA = 48  # kept lines: the text under the fill stays black enough to read
DROPPED_FILL_ALPHA = 28
HATCH_ALPHA = 90
HATCH_STEP = 8  # pixels between hatch lines


def style_of(role: str) -> RoleStyle:
    """Given a role, return how its boxes are drawn (black for a role not in ROLES)."""
    return STYLES.get(role, UNKNOWN_ROLE)
