"""The debug picture: a page rendered so its pixels line up with the parser's coordinates,
and the overlay drawn over it (boxes per role, link annotations, entry numbers, legend)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from reportparse import api
from reportparse.debug.draw import draw_overlay, legend_height, save_png
from reportparse.debug.render import render_page
from reportparse.debug.styles import (
    ENTRY_TAG_COLOUR,
    LINK_ANNOTATION_COLOUR,
    ROLES,
    STYLES,
    Box,
    LinkBox,
    style_of,
)
from reportparse.errors import EncryptedPDFError, ReportParseError, UsageError

from .turned_pages import turned_pdf

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
BANNER = FIXTURES / "banner-outline.pdf"
WHITE = (255, 255, 255)


# --------------------------------------------------------------------------- helpers


def _ink(
    image: Image.Image, area: tuple[int, int, int, int] | None = None
) -> list[tuple[int, int]]:
    """Given a picture (and an area of it), return the dark pixels' positions."""
    left, upper, right, lower = area or (0, 0, image.width, image.height)
    left, upper = max(left, 0), max(upper, 0)
    right, lower = min(right, image.width), min(lower, image.height)
    grey = image.convert("L")
    pixels = grey.load()
    assert pixels is not None
    return [
        (x, y) for y in range(upper, lower) for x in range(left, right) if int(pixels[x, y]) < 110
    ]


def _colours(image: Image.Image) -> set[tuple[int, int, int]]:
    found = image.convert("RGB").getcolors(maxcolors=1 << 24)
    assert found is not None
    return {colour for _, colour in found}


# Displayed page (points, top-left origin): text at three corners-ish places, so a page
# turned the wrong way or shifted puts ink away from where the parser measured the lines.
DISPLAY_SIZE = (500.0, 300.0)
TEXTS = [(30.0, 40.0, 14.0, "North west corner"), (200.0, 160.0, 12.0, "Middle line of text")]
TEXTS.append((380.0, 270.0, 10.0, "South east"))


def _turned_pdf(path: Path, rotate: int, origin: tuple[float, float]) -> Path:
    """Given a /Rotate and the media box's lower-left corner, write a one-page PDF whose
    text reads upright on the displayed page at TEXTS, with a /CropBox 20 points in from
    the media box's left and bottom (in user space)."""

    def draw(c: canvas.Canvas) -> None:
        for x, baseline, size, text in TEXTS:
            c.setFont("Helvetica", size)
            c.drawString(x, DISPLAY_SIZE[1] - baseline, text)

    turned = path.with_suffix(".turned.pdf")
    return turned_pdf(turned, rotate, DISPLAY_SIZE, origin, draw, crop_inset=20.0)


# --------------------------------------------------------------------------- rendering


def test_a4_page_is_readable_and_keeps_its_aspect_ratio() -> None:
    image, scale = render_page(BANNER, 1)
    page = api.read(BANNER, pages=[1]).pages[0]
    assert page.width is not None and page.height is not None
    assert image.mode == "RGB"
    assert image.width >= 1000 and scale >= 2.0
    assert image.size == (math.ceil(page.width * scale), math.ceil(page.height * scale))
    assert _ink(image)  # something was drawn


def test_min_width_raises_the_scale() -> None:
    image, scale = render_page(BANNER, 1, min_width=1500)
    assert image.width >= 1500 and scale == pytest.approx(1500 / 595.2755737304688)


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_ink_lies_in_the_parsers_line_boxes(rotate: int, tmp_path: Path) -> None:
    # /Rotate, a media box away from the origin and a smaller crop box: the picture's
    # pixel (x, top) * scale is where the parser measured each line.
    pdf = _turned_pdf(tmp_path / f"turned-{rotate}.pdf", rotate, (100.0, 50.0))
    image, scale = render_page(pdf, 1)
    shown_w, shown_h = DISPLAY_SIZE
    assert image.size == (math.ceil(shown_w * scale), math.ceil(shown_h * scale))
    boxes = []
    for engine in ("pdfplumber", "pdfium"):
        lines = api.read(pdf, engine=engine).pages[0].lines
        assert [line.text for line in lines] == [text for *_, text in TEXTS]
        for line in lines:
            assert None not in (line.x0, line.top, line.x1, line.bottom)
            box = (
                math.floor(line.x0 * scale),
                math.floor(line.top * scale),
                math.ceil(line.x1 * scale),
                math.ceil(line.bottom * scale),
            )
            inside = _ink(image, box)
            assert len(inside) > 50, (engine, line.text)
            # The ink spans the line: from near its left end to near its right end.
            xs = [x for x, _ in inside]
            assert min(xs) - box[0] < 4 * scale, (engine, line.text)
            assert box[2] - max(xs) < 4 * scale, (engine, line.text)
            boxes.append(box)
    margin = 2
    for x, y in _ink(image):
        assert any(
            b[0] - margin <= x < b[2] + margin and b[1] - margin <= y < b[3] + margin for b in boxes
        ), (x, y)


@pytest.mark.parametrize("rotate", [0, 90])
def test_what_the_crop_box_hides_is_washed_grey(rotate: int, tmp_path: Path) -> None:
    pdf = _turned_pdf(tmp_path / f"crop-{rotate}.pdf", rotate, (0.0, 0.0))
    image, scale = render_page(pdf, 1)
    # The crop box leaves out 20 points at the user-space left and bottom: the displayed
    # bottom strip and left strip (unturned), or the top and left strips (turned 90).
    near_edge = round(5 * scale)
    inside = image.getpixel((image.width // 2, image.height // 2 + round(40 * scale)))
    left = image.getpixel((near_edge, image.height // 2))
    edge_y = image.height - near_edge if rotate == 0 else near_edge
    other = image.getpixel((image.width // 2 + round(40 * scale), edge_y))
    right = image.getpixel((image.width - near_edge, image.height // 2))
    assert inside == WHITE and right == WHITE
    for pixel in (left, other):
        assert isinstance(pixel, tuple)
        assert pixel != WHITE and 150 < pixel[0] < 250 and pixel[0] == pixel[1] == pixel[2]


def test_render_errors_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="page 99 does not exist; the PDF has 7 pages"):
        render_page(BANNER, 99)
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\nnot really\n")
    with pytest.raises(ReportParseError):
        render_page(junk, 1)
    locked = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(locked), encrypt="s3cret")
    c.drawString(72, 720, "Secret text")
    c.save()
    with pytest.raises(EncryptedPDFError, match="give its password"):
        render_page(locked, 1)
    with pytest.raises(EncryptedPDFError, match="wrong password"):
        render_page(locked, 1, password="wrong")
    image, _ = render_page(locked, 1, password="s3cret")
    assert _ink(image)


# --------------------------------------------------------------------------- drawing


def _role_boxes() -> list[Box]:
    """One box per role on a 400 x 600 point page, in two columns."""
    boxes = []
    for index, role in enumerate(ROLES):
        x0 = 40.0 + 180.0 * (index % 2)
        top = 30.0 + 34.0 * (index // 2)
        boxes.append(Box(x0, top, x0 + 150.0, top + 14.0, role))
    return boxes


def test_every_box_is_drawn_where_given_in_its_colour() -> None:
    scale = 2.0
    blank = Image.new("RGB", (800, 1200), WHITE)
    boxes = _role_boxes()
    out = draw_overlay(blank, scale, boxes)
    assert out.size == (800, 1200 + legend_height(800))
    for box in boxes:
        style = style_of(box.role)
        left, upper = round(box.x0 * scale), round(box.top * scale)
        right, lower = round(box.x1 * scale), round(box.bottom * scale)
        ring = out.crop((left - 2, upper - 2, right + 2, upper))  # the outline's top edge
        assert style.colour in _colours(ring), box.role
        if not style.dropped:  # solid: the ring is unbroken
            assert out.getpixel((left - 1, (upper + lower) // 2)) == style.colour
        fill = out.getpixel((left + 3, upper + 3))
        assert fill != WHITE and fill != style.colour, box.role  # tinted, see-through
        between = out.getpixel((left - 20, (upper + lower) // 2))
        assert between == WHITE  # nothing drawn outside a box
    assert out.getpixel((790, 1100)) == WHITE


def test_every_legend_colour_is_on_the_picture() -> None:
    image, scale = render_page(BANNER, 1)
    out = draw_overlay(image, scale, [])  # the legend lists every role, boxes or not
    legend = out.crop((0, image.height, out.width, out.height))
    colours = _colours(legend)
    for role in ROLES:
        assert STYLES[role].colour in colours, role
    assert LINK_ANNOTATION_COLOUR in colours and ENTRY_TAG_COLOUR in colours
    assert len({STYLES[role].colour for role in ROLES}) == len(ROLES)  # all distinct


def test_links_and_entry_numbers_are_drawn() -> None:
    scale = 2.0
    blank = Image.new("RGB", (800, 600), WHITE)
    link = LinkBox(100.0, 100.0, 300.0, 112.0, "https://example.org/")
    out = draw_overlay(blank, scale, [], [link], [(200.0, 100.0, "7")])
    # Dashes above the link's rectangle.
    above = out.crop((200, 180, 600, 200))
    assert LINK_ANNOTATION_COLOUR in _colours(above)
    assert out.getpixel((400, 212)) == WHITE  # the rectangle itself is left alone
    # The entry's tag sits in the margin left of x0 = 200 px, from top = 400 px down.
    tag = out.crop((150, 400, 200, 420))
    assert ENTRY_TAG_COLOUR in _colours(tag)
    assert WHITE in _colours(tag)  # the number, white on the tag
    assert _colours(out.crop((201, 390, 400, 430))) == {WHITE}


def test_labels_and_unknown_roles() -> None:
    scale = 2.0
    blank = Image.new("RGB", (800, 600), WHITE)
    boxes = [
        Box(40.0, 40.0, 200.0, 52.0, "running-header", "repeats on 7 pages"),
        Box(40.0, 80.0, 390.0, 92.0, "title", "at the edge"),  # no room right of it
        Box(40.0, 120.0, 200.0, 132.0, "mystery"),
    ]
    out = draw_overlay(blank, scale, boxes)
    assert out.height == 600 + legend_height(800, ["mystery"])
    assert legend_height(800, ["mystery"]) > legend_height(800)
    assert _ink(out, (405, 80, 800, 110))  # the label right of the first box
    assert _ink(out, (600, 160, 780, 186))  # the second label inside the box's right end
    assert out.getpixel((79, 250)) == (0, 0, 0)  # unknown role: black outline


def test_boxes_past_the_picture_edges_are_clipped() -> None:
    blank = Image.new("RGB", (200, 200), WHITE)
    boxes = [Box(-10.0, -10.0, 50.0, 20.0, "watermark"), Box(80.0, 80.0, 150.0, 150.0, "toc")]
    links = [LinkBox(-5.0, 30.0, 120.0, 40.0, "https://example.org/")]
    out = draw_overlay(blank, 2.0, boxes, links, [(0.0, 0.0, "1")])
    assert out.width == 200
    corner = out.crop((160, 160, 200, 200))  # the toc box runs off the bottom right
    assert WHITE not in _colours(corner) and len(_colours(corner)) > 1  # fill and hatching


def test_fixture_page_overlay_is_deterministic(tmp_path: Path) -> None:
    page = api.read(BANNER, pages=[2]).pages[0]
    outputs = []
    for attempt in range(2):
        image, scale = render_page(BANNER, 2)
        boxes = [
            Box(line.x0, line.top, line.x1, line.bottom, ROLES[i % len(ROLES)])
            for i, line in enumerate(page.lines)
        ]
        marks = [(line.top, line.x0, str(i)) for i, line in enumerate(page.lines) if i % 6 == 0]
        out = draw_overlay(image, scale, boxes, [], marks)
        target = tmp_path / f"page-{attempt}.png"
        save_png(out, target)
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    with Image.open(tmp_path / "page-0.png") as png:
        assert png.format == "PNG" and png.width >= 1000
        assert png.height == image.height + legend_height(image.width)
        assert page.width is not None and page.height is not None
        ratio = png.width / (png.height - legend_height(png.width))
        assert ratio == pytest.approx(page.width / page.height, abs=2e-3)


def test_save_png_replaces_in_one_step(tmp_path: Path) -> None:
    target = tmp_path / "out" / "page-1.png"
    save_png(Image.new("RGB", (10, 10), (1, 2, 3)), target)
    save_png(Image.new("RGB", (10, 10), (4, 5, 6)), target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["page-1.png"]
    with Image.open(target) as png:
        assert png.convert("RGB").getpixel((0, 0)) == (4, 5, 6)
