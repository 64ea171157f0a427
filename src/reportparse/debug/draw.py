"""Draw the parser's decisions over a rendered page: a box per line in its role's colour,
link annotations, entry numbers, and a legend strip under the page.

Plain data in, picture out: callers turn their lines into ``Box`` and ``LinkBox`` values
(PDF points, origin at the top-left of the displayed page, as the readers give them) and
pass the scale the page was rendered at.

How each role looks is in :mod:`.styles`.

The legend always lists every role, in a fixed order, each with the number of its boxes on
this page (so pictures of different pages compare at a glance); roles the caller does not
know of follow, in black. Text is drawn with Pillow's built-in font: ASCII only (labels
and entry numbers should be ASCII; other characters may come out as boxes).
"""

from __future__ import annotations

import io
import math
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from ..write.files import atomic_write
from .styles import (
    DROPPED_FILL_ALPHA,
    ENTRY_TAG_COLOUR,
    FILL_ALPHA,
    HATCH_ALPHA,
    HATCH_STEP,
    LINK_ANNOTATION_COLOUR,
    RGB,
    ROLES,
    STYLES,
    WHITE,
    Box,
    LinkBox,
    PixelBox,
    RoleStyle,
    style_of,
)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


DASH, GAP = 6, 4  # dashed outlines, pixels

LEGEND_HEADER = (
    "Line roles (boxes on this page). Solid: kept. Hatched, dashed: dropped. "
    "Black dashes: link annotation. Black tag: entry number."
)


def draw_overlay(
    image: Image.Image,
    scale: float,
    boxes: Sequence[Box],
    links: Sequence[LinkBox] = (),
    entry_marks: Sequence[tuple[float, float, str]] = (),
) -> Image.Image:
    """Given a rendered page, its scale (pixels per point), line boxes, link annotations
    and entry marks (top, x0, text) of each entry's first line, return a new RGB picture:
    the page with everything drawn over it and a legend strip of ``legend_height(width)``
    pixels added at the bottom. The input picture is not changed."""
    page = image.convert("RGBA")
    width = page.width
    # Fills and hatches are translucent and go on first; outlines, dashes and tags are
    # opaque and go over every fill, so no box's fill hides another one's outline.
    under = Image.new("RGBA", page.size, (0, 0, 0, 0))
    over = Image.new("RGBA", page.size, (0, 0, 0, 0))
    under_draw, over_draw = ImageDraw.Draw(under), ImageDraw.Draw(over)
    stroke = _stroke(scale)
    for box in boxes:
        style = style_of(box.role)
        area = _pixels(box.x0, box.top, box.x1, box.bottom, scale)
        _fill(under, under_draw, area, style)
        _outline(over_draw, area, style, stroke)
    for link in links:
        area = _pixels(link.x0, link.top, link.x1, link.bottom, scale)
        _link_outline(over_draw, area, stroke)
    small = _font(max(10, round(6.5 * scale)))
    for box in boxes:
        if box.label:
            area = _pixels(box.x0, box.top, box.x1, box.bottom, scale)
            _label(over_draw, area, box.label, style_of(box.role), small, width, stroke)
    tag_font = _font(max(11, round(8 * scale)))
    for top, x0, text in entry_marks:
        _entry_tag(over_draw, round(top * scale), math.floor(x0 * scale), text, tag_font, stroke)
    page = Image.alpha_composite(Image.alpha_composite(page, under), over)

    counts = Counter(box.role for box in boxes)
    legend = _legend(width, counts)
    out = Image.new("RGB", (width, page.height + legend.height), WHITE)
    out.paste(page.convert("RGB"), (0, 0))
    out.paste(legend, (0, page.height))
    return out


def legend_height(width: int, roles: Iterable[str] = ()) -> int:
    """Given the picture's width (and any roles outside ``ROLES`` it shows), return the
    height of the legend strip draw_overlay adds."""
    layout = _legend_layout(width, _extra_roles(roles))
    return layout.height


def save_png(image: Image.Image, path: str | os.PathLike[str]) -> None:
    """Given a picture and a path, write it as PNG in one step (a temporary file renamed
    over the target; never half-written). The same picture gives the same bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    atomic_write(path, buffer.getvalue())


# --------------------------------------------------------------------------- boxes


def _stroke(scale: float) -> int:
    return max(1, round(scale))


def _pixels(x0: float, top: float, x1: float, bottom: float, scale: float) -> PixelBox:
    left, upper = math.floor(min(x0, x1) * scale), math.floor(min(top, bottom) * scale)
    right, lower = math.ceil(max(x0, x1) * scale), math.ceil(max(top, bottom) * scale)
    return left, upper, max(right, left + 1), max(lower, upper + 1)


def _fill(layer: Image.Image, draw: ImageDraw.ImageDraw, area: PixelBox, style: RoleStyle) -> None:
    left, upper, right, lower = area
    alpha = DROPPED_FILL_ALPHA if style.dropped else FILL_ALPHA
    draw.rectangle((left, upper, right - 1, lower - 1), fill=(*style.colour, alpha))
    if style.hatch:
        tile = _hatch(right - left, lower - upper, left, upper, style)
        layer.alpha_composite(tile, (max(left, 0), max(upper, 0)), _crop_origin(left, upper))


def _crop_origin(left: int, upper: int) -> tuple[int, int]:
    # alpha_composite takes no negative destination: skip the tile's part left/above 0.
    return max(0, -left), max(0, -upper)


def _hatch(width: int, height: int, left: int, upper: int, style: RoleStyle) -> Image.Image:
    """Given a box's size and position, return its hatching as a transparent tile; the
    lines are anchored to the page, so neighbouring boxes' hatchings run on."""
    tile = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(tile)
    ink = (*style.colour, HATCH_ALPHA)
    step = HATCH_STEP
    span = width + height
    if style.hatch in ("/", "x"):  # x + y constant
        start = (-(left + upper)) % step
        for c in range(start, span + 1, step):
            draw.line((c, 0, c - span, span), fill=ink, width=1)
    if style.hatch in ("\\", "x"):  # x - y constant
        start = (-(left - upper)) % step
        for c in range(start - height - step, width + 1, step):
            draw.line((c, 0, c + span, span), fill=ink, width=1)
    if style.hatch in ("-", "+"):
        for y in range((-upper) % step, height, step):
            draw.line((0, y, width, y), fill=ink, width=1)
    if style.hatch in ("|", "+"):
        for x in range((-left) % step, width, step):
            draw.line((x, 0, x, height), fill=ink, width=1)
    if style.hatch == ".":
        half = step // 2
        for y in range((-upper) % step, height, step):
            for x in range((-left) % step, width, step):
                draw.rectangle((x, y, x + 1, y + 1), fill=ink)
                if x + half < width and y + half < height:
                    draw.rectangle((x + half, y + half, x + half + 1, y + half + 1), fill=ink)
    return tile


def _outline(draw: ImageDraw.ImageDraw, area: PixelBox, style: RoleStyle, stroke: int) -> None:
    """Given a box, draw its outline in the ring just outside it (the box's own pixels,
    where the text is, stay as the fill left them)."""
    left, upper, right, lower = area
    ring = (left - stroke, upper - stroke, right + stroke - 1, lower + stroke - 1)
    if style.dropped:
        _dashed(draw, ring, style.colour, stroke, DASH, GAP)
    else:
        draw.rectangle(ring, outline=style.colour, width=stroke)


def _dashed(
    draw: ImageDraw.ImageDraw, ring: PixelBox, colour: RGB, stroke: int, dash: int, gap: int
) -> None:
    """Given a rectangle (inclusive corners), draw its outline as dashes of the stroke's
    width, inside the rectangle's bounds."""
    left, upper, right, lower = ring
    period = dash + gap
    for x in range(left, right + 1, period):
        end = min(x + dash - 1, right)
        draw.rectangle((x, upper, end, upper + stroke - 1), fill=colour)
        draw.rectangle((x, lower - stroke + 1, end, lower), fill=colour)
    for y in range(upper, lower + 1, period):
        end = min(y + dash - 1, lower)
        draw.rectangle((left, y, left + stroke - 1, end), fill=colour)
        draw.rectangle((right - stroke + 1, y, right, end), fill=colour)


def _link_outline(draw: ImageDraw.ImageDraw, area: PixelBox, stroke: int) -> None:
    """Given a link annotation's box, draw black dashes on white a little outside it,
    clear of the outline of the line it covers."""
    left, upper, right, lower = area
    out = 2 * stroke + 1
    grow = out + stroke
    ring = (left - grow, upper - grow, right + grow - 1, lower + grow - 1)
    draw.rectangle(ring, outline=WHITE, width=stroke)
    _dashed(draw, ring, LINK_ANNOTATION_COLOUR, stroke, DASH, GAP)


def _label(
    draw: ImageDraw.ImageDraw,
    area: PixelBox,
    text: str,
    style: RoleStyle,
    font: Font,
    width: int,
    stroke: int,
) -> None:
    """Given a box and its label, write the label right of the box, or inside the box's
    right end where the page has no room beside it."""
    _, upper, right, _ = area
    text_left, text_top, text_right, text_bottom = draw.textbbox((0, 0), text, font=font)
    text_width = math.ceil(text_right - text_left)
    text_height = math.ceil(text_bottom - text_top)
    pad = 2
    x = right + 2 * stroke + 3
    if x + text_width + 2 * pad + stroke >= width:
        x = max(0, right - text_width - 2 * pad - stroke)
    y = upper
    draw.rectangle(
        (x, y, x + stroke + text_width + 2 * pad, y + text_height + 2 * pad),
        fill=(255, 255, 255, 220),
    )
    draw.rectangle((x, y, x + stroke - 1, y + text_height + 2 * pad), fill=style.colour)
    draw.text((x + stroke + pad - text_left, y + pad - text_top), text, fill=(0, 0, 0), font=font)


def _entry_tag(
    draw: ImageDraw.ImageDraw, top: int, x0: int, text: str, font: Font, stroke: int
) -> None:
    """Given an entry's first line (top and left edge, pixels) and its number, draw the
    number on a tag in the margin left of the line (at the page's edge if no margin)."""
    text_left, text_top, text_right, text_bottom = draw.textbbox((0, 0), text, font=font)
    pad = max(2, stroke + 1)
    tag_width = text_right - text_left + 2 * pad
    tag_height = text_bottom - text_top + 2 * pad
    right = x0 - 3 * stroke - 4  # clear of the line's outline
    left = max(0, right - tag_width)
    draw.rectangle((left, top, left + tag_width - 1, top + tag_height - 1), fill=ENTRY_TAG_COLOUR)
    draw.text((left + pad - text_left, top + pad - text_top), text, fill=WHITE, font=font)


# --------------------------------------------------------------------------- legend


@lru_cache(maxsize=16)
def _font(size: int) -> Font:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow before 10.1: one bitmap size
        return ImageFont.load_default()


@dataclass(frozen=True, slots=True)
class _Layout:
    font_size: int
    pad: int
    row: int
    swatch: tuple[int, int]
    cell: int
    columns: int
    groups: tuple[tuple[str, ...], ...]
    height: int


KEPT = tuple(role for role in ROLES if not STYLES[role].dropped)
DROPPED = tuple(role for role in ROLES if STYLES[role].dropped)
LINK_ITEM = "link annotation"
ENTRY_ITEM = "entry number"


def _extra_roles(roles: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(roles) - set(ROLES)))


def _legend_layout(width: int, extra: tuple[str, ...]) -> _Layout:
    font_size = max(11, min(28, round(width / 75)))
    font = _font(font_size)
    pad = max(6, font_size // 2)
    row = round(font_size * 1.8)
    swatch = (round(font_size * 2.4), round(font_size * 1.1))
    names = [*ROLES, *extra, LINK_ITEM, ENTRY_ITEM]
    widest = max(_text_width(font, f"{name} 999") for name in names)
    cell = swatch[0] + pad + widest + 2 * pad
    columns = max(1, (width - 2 * pad) // cell)
    groups = tuple(g for g in (KEPT, DROPPED, extra, (LINK_ITEM, ENTRY_ITEM)) if g)
    rows = sum(-(-len(group) // columns) for group in groups)
    header_rows = len(_wrap(font, LEGEND_HEADER, width - 2 * pad))
    height = 2 * pad + header_rows * row + rows * row + pad
    return _Layout(font_size, pad, row, swatch, cell, columns, groups, height)


def _text_width(font: Font, text: str) -> int:
    left, _, right, _ = font.getbbox(text)
    return math.ceil(right - left)


def _wrap(font: Font, text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and _text_width(font, candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines


def _legend(width: int, counts: Counter[str]) -> Image.Image:
    layout = _legend_layout(width, _extra_roles(counts))
    font = _font(layout.font_size)
    strip = Image.new("RGBA", (width, layout.height), (*WHITE, 255))
    draw = ImageDraw.Draw(strip)
    draw.rectangle((0, 0, width - 1, 1), fill=(0, 0, 0))  # rule between page and legend
    pad, row = layout.pad, layout.row
    y = pad
    for text in _wrap(font, LEGEND_HEADER, width - 2 * pad):
        _legend_text(draw, (pad, y), row, text, font, (0, 0, 0))
        y += row
    stroke = max(2, layout.font_size // 8)
    for group in layout.groups:
        for index, name in enumerate(group):
            column = index % layout.columns
            if index and column == 0:
                y += row
            x = pad + column * layout.cell
            swatch_top = y + (row - layout.swatch[1]) // 2
            swatch_right = x + layout.swatch[0] - stroke
            area = (x + stroke, swatch_top, swatch_right, swatch_top + layout.swatch[1])
            _swatch(strip, draw, area, name, stroke, layout.font_size)
            if name in (LINK_ITEM, ENTRY_ITEM):
                text, ink = name, (0, 0, 0)
            else:
                count = counts.get(name, 0)
                text, ink = f"{name} {count}", ((0, 0, 0) if count else (0x80, 0x80, 0x80))
            _legend_text(draw, (x + layout.swatch[0] + pad, y), row, text, font, ink)
        y += row
    return strip.convert("RGB")


def _legend_text(
    draw: ImageDraw.ImageDraw, at: tuple[int, int], row: int, text: str, font: Font, ink: RGB
) -> None:
    # One reference text for the vertical place, so every row shares a baseline.
    _, top, _, bottom = draw.textbbox((0, 0), "Ag", font=font)
    left = draw.textbbox((0, 0), text, font=font)[0]
    y = at[1] + (row - (bottom - top)) // 2 - top
    draw.text((at[0] - left, y), text, fill=ink, font=font)


def _swatch(
    strip: Image.Image,
    draw: ImageDraw.ImageDraw,
    area: PixelBox,
    name: str,
    stroke: int,
    font_size: int,
) -> None:
    if name == LINK_ITEM:
        _link_outline(draw, _shrink(area, 2 * stroke + 1 + stroke), stroke)
        return
    if name == ENTRY_ITEM:
        _entry_tag(draw, area[1], area[2] + 3 * stroke + 4, "12", _font(font_size), stroke)
        return
    style = style_of(name)
    layer = Image.new("RGBA", strip.size, (0, 0, 0, 0))
    _fill(layer, ImageDraw.Draw(layer), area, style)
    strip.alpha_composite(layer)
    _outline(draw, area, style, stroke)


def _shrink(area: PixelBox, by: int) -> PixelBox:
    left, upper, right, lower = area
    return left + by, upper + by, max(right - by, left + by + 1), max(lower - by, upper + by + 1)
