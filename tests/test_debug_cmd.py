"""`reportparse debug`: the roles it draws, checked on the data (which line has which role,
where entries start, which link annotations it outlines), and one picture through the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from reportparse import api, cli
from reportparse.debug import (
    DebugView,
    PdfPages,
    default_folder,
    draw_pages,
    explain_file,
    line_boxes,
    role_counts,
)
from reportparse.debug.boxes import LABELLED_ROLES
from reportparse.debug.draw import legend_height
from reportparse.debug.styles import ENTRY_TAG_COLOUR, LINK_ANNOTATION_COLOUR, STYLES
from reportparse.errors import UsageError
from reportparse.model import DROPPED_ROLES, ROLES, Line, Page
from reportparse.profile import DEFAULT_PROFILE
from reportparse.profile_file import load_profile

from .cli_checks import one_error_line
from .turned_pages import turned_pdf

FIXTURES = Path(__file__).parent / "fixtures"
PDFS = sorted((FIXTURES / "pdf").glob("*.pdf"))
BANNER = FIXTURES / "pdf" / "banner-outline.pdf"
TOC = FIXTURES / "pdf" / "toc-headings.pdf"
runner = CliRunner()


@cache
def view_of(pdf: Path, engine: str = "pdfplumber") -> DebugView:
    return explain_file(pdf, engine=engine)


def golden_entries(pdf: Path) -> list[dict[str, Any]]:
    data = json.loads((FIXTURES / "expected" / f"{pdf.stem}.json").read_text(encoding="utf-8"))
    entries: list[dict[str, Any]] = data["entries"]
    return entries


def roles_on(view: DebugView, number: int) -> Counter[str]:
    page = next(page for page in view.document.pages if page.number == number)
    return Counter(line.role for line in page.lines)


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Given two boxes (x0, top, x1, bottom), return the area they share."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(width, 0.0) * max(height, 0.0)


# --------------------------------------------------------------------------- roles (data)


def test_every_role_the_parser_gives_has_a_style() -> None:
    assert set(ROLES) == set(STYLES)
    assert {role for role in ROLES if STYLES[role].dropped} == DROPPED_ROLES | {"toc"}


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_every_line_with_a_position_gets_a_box_in_its_role(pdf: Path) -> None:
    view = view_of(pdf)
    for page in view.document.pages:
        boxes = line_boxes(page)
        placed = [line for line in page.lines if line.x0 is not None]
        assert [box.role for box in boxes] == [line.role for line in placed]
        assert all(box.x0 < box.x1 and box.top < box.bottom for box in boxes)
        assert all((box.label is not None) == (box.role in LABELLED_ROLES) for box in boxes)
        assert "content" not in {box.role for box in boxes}  # every line was decided


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_entry_marks_are_the_entries_first_title_lines(pdf: Path) -> None:
    view = view_of(pdf)
    entries = golden_entries(pdf)
    assert [mark.index for mark in view.marks] == list(range(1, len(entries) + 1))
    assert [mark.page for mark in view.marks] == [entry["pages"][0] for entry in entries]
    for mark in view.marks:
        page = view.document.pages[mark.page - 1]
        line = next(line for line in page.lines if line.top == mark.top and line.x0 == mark.x0)
        assert line.role == "title"


def test_banner_outline_roles_are_where_they_belong() -> None:
    view = view_of(BANNER)
    count = view.document.page_count
    cover = roles_on(view, 1)
    assert set(cover) == {"front-matter"}  # no running line on the cover
    for number in range(2, count + 1):
        roles = roles_on(view, number)
        assert roles["running-footer"] == 1 and roles["page-number"] == 1, number
    assert set(roles_on(view, count)) == {"back-matter", "running-footer", "page-number"}
    titles = sum(roles_on(view, n)["title"] for n in range(1, count + 1))
    assert titles >= len(golden_entries(BANNER))  # long titles wrap onto two lines


def test_toc_headings_roles_are_where_they_belong() -> None:
    view = view_of(TOC)
    entries = golden_entries(TOC)
    assert roles_on(view, 2)["toc"] == len(entries)  # one contents line per entry
    assert all(roles_on(view, n)["toc"] == 0 for n in range(1, 7) if n != 2)
    assert roles_on(view, 1)["front-matter"] > 0
    sections = {entry["section"] for entry in entries}
    headings = [line.text for line in view.document.all_lines() if line.role == "heading"]
    assert sections <= set(headings)
    # The printed page numbers (`- N -`) sit on every page from the first entry's on.
    assert [n for n in range(1, 7) if roles_on(view, n)["page-number"]] == [3, 4, 5, 6]


@pytest.mark.parametrize("pdf", [BANNER, TOC], ids=["banner-outline", "toc-headings"])
def test_every_link_line_lies_under_a_link_annotation(pdf: Path) -> None:
    # The annotations are read by PDFium, apart from either engine's reading of the text:
    # a URL line and its annotation meeting shows both use the same coordinates.
    view = view_of(pdf)
    with PdfPages(pdf) as document:
        for page in view.document.pages:
            rects = [(a.x0, a.top, a.x1, a.bottom) for a in document.links(page.number)]
            for line in page.lines:
                if line.role != "link" or line.x0 is None:
                    continue
                box = (line.x0, line.top or 0.0, line.x1 or 0.0, line.bottom or 0.0)
                area = (box[2] - box[0]) * (box[3] - box[1])
                assert any(overlaps(box, rect) > 0.5 * area for rect in rects), line.text


def test_both_engines_give_the_same_roles() -> None:
    for pdf in (BANNER, TOC):
        plumber, pdfium = view_of(pdf), view_of(pdf, "pdfium")
        assert [role_counts(p.lines) for p in plumber.document.pages] == [
            role_counts(p.lines) for p in pdfium.document.pages
        ]
        assert [m.index for m in plumber.marks] == [m.index for m in pdfium.marks]


def test_dropped_roles_without_a_fixture_are_boxed_too() -> None:
    # No fixture has a lone bullet glyph, a blank line or a watermark; their boxes come
    # out like any other line's.
    lines = [
        Line("", 1, 10.0, 10.0 + 20 * index, 200.0, 20.0 + 20 * index, role=role)
        for index, role in enumerate(["bullet", "blank", "watermark", "running-header"])
    ]
    lines.append(Line("https://example.com/x", 1, role="link", kind="uri"))  # no position
    boxes = line_boxes(Page(1, lines))
    assert [(box.role, box.label) for box in boxes] == [
        ("bullet", None),
        ("blank", None),
        ("watermark", "watermark"),
        ("running-header", "running-header"),
    ]


# --------------------------------------------------------------------------- library


def test_pages_outside_the_file_and_a_file_for_a_folder_are_usage_errors(tmp_path: Path) -> None:
    view = view_of(BANNER)
    with pytest.raises(UsageError, match="page 8 does not exist; the PDF has 7 pages"):
        draw_pages(view, tmp_path / "out", pages=[2, 8])
    taken = tmp_path / "file.png"
    taken.write_bytes(b"x")
    with pytest.raises(UsageError, match="--output names a file"):
        draw_pages(view, taken, pages=[1])
    assert not (tmp_path / "out").exists()
    assert taken.read_bytes() == b"x"


def test_default_folder_is_beside_the_input() -> None:
    assert default_folder("/data/2025-03.pdf") == Path("/data/2025-03-debug")
    assert default_folder("issue.v2.pdf") == Path("issue.v2-debug")


# --------------------------------------------------------------------------- command line


def test_picture_has_the_pages_aspect_ratio_and_the_legend(tmp_path: Path) -> None:
    out = tmp_path / "pictures"
    result = runner.invoke(cli.app, ["debug", str(BANNER), "--pages", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"reportparse: drawing 1 page into {out}/\n"
    assert sorted(p.name for p in out.iterdir()) == ["page-2.png"]
    with Image.open(out / "page-2.png") as picture:
        image = picture.convert("RGB")
    assert image.width >= 1000  # readable: A4 at 1,000 pixels or more
    page_height = image.height - legend_height(image.width)
    assert abs(page_height / image.width - 841.89 / 595.28) < 0.005
    found = image.getcolors(maxcolors=1 << 24)
    assert found is not None
    legend = image.crop((0, page_height, image.width, image.height)).getcolors(1 << 24)
    assert legend is not None
    legend_colours = {colour for _, colour in legend}
    for role, style in STYLES.items():
        assert style.colour in legend_colours, role
    assert LINK_ANNOTATION_COLOUR in legend_colours and ENTRY_TAG_COLOUR in legend_colours
    # And on the page itself: the outlines of the roles page 2 has, and the entry tags.
    page_colours = {
        colour
        for _, colour in image.crop((0, 0, image.width, page_height)).getcolors(1 << 24) or []
    }
    for role in ("title", "field", "link", "summary", "commentary"):
        assert STYLES[role].colour in page_colours, role
    assert ENTRY_TAG_COLOUR in page_colours


def test_pages_selection_and_verbose_counts(tmp_path: Path) -> None:
    out = tmp_path / "d"
    result = runner.invoke(cli.app, ["-v", "debug", str(TOC), "-p", "2-3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["page-2.png", "page-3.png"]
    lines = [line for line in result.stderr.splitlines() if not line.startswith("reportparse: log")]
    assert lines[0] == f"reportparse: drawing 2 pages into {out}/"
    page_lines = [line for line in lines if line.startswith("reportparse: page ")]
    assert len(page_lines) == 2
    assert page_lines[0].startswith("reportparse: page 2: ")
    assert "toc 7" in page_lines[0] and page_lines[0].endswith("-> page-2.png")
    assert "page-number 1" in page_lines[1] and "title " in page_lines[1]
    assert lines[-1].startswith("reportparse: done in ")


def test_default_folder_and_every_page(tmp_path: Path) -> None:
    pdf = tmp_path / "issue.pdf"
    shutil.copyfile(FIXTURES / "pdf" / "plain-numbering.pdf", pdf)
    result = runner.invoke(cli.app, ["debug", str(pdf), "--engine", "pdfium"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "issue-debug"
    assert result.stderr == f"reportparse: drawing 4 pages into {folder}/\n"
    assert sorted(p.name for p in folder.iterdir()) == [f"page-{n}.png" for n in range(1, 5)]


def test_a_text_dump_has_no_page_to_draw(tmp_path: Path) -> None:
    dump = FIXTURES / "text" / "monthly-2024-09.txt"
    out = tmp_path / "out"
    result = runner.invoke(cli.app, ["debug", str(dump), "-o", str(out)])
    one_error_line(result, 2, "no page to draw", "reportparse text --explain")
    assert not out.exists()


@pytest.mark.parametrize("content", [b"%PDF-1.7\n", b"%PDF-1.7\n" + b"\x00garbage" * 50])
def test_a_bad_pdf_ends_in_one_line_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    monkeypatch.setenv("REPORTPARSE_GHOSTSCRIPT", "off")
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(content)
    result = runner.invoke(cli.app, ["debug", str(junk)])
    one_error_line(result, 1, "junk.pdf", "damaged")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.pdf"]


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for Ghostscript")
def test_a_repaired_pdf_is_drawn_from_the_repaired_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reader read a copy Ghostscript rewrote; PDFium could not open the file itself,
    # and the lines' positions are those of the copy: the pictures are drawn from it.
    gs = tmp_path / "fake-gs"
    gs.write_text(f"#!/bin/sh\ncat '{BANNER}'\n", encoding="utf-8")
    gs.chmod(0o755)
    monkeypatch.setenv("REPORTPARSE_GHOSTSCRIPT", str(gs))
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n")
    out = tmp_path / "out"
    result = runner.invoke(cli.app, ["debug", str(damaged), "-p", "7", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("warning: repaired: ")
    assert result.stderr.endswith(f"reportparse: drawing 1 page into {out}/\n")
    assert (out / "page-7.png").exists()


def test_usage_errors_exit_2_before_reading(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("x")
    result = runner.invoke(cli.app, ["debug", str(BANNER), "-o", str(taken)])
    one_error_line(result, 2, "--output names a file")
    result = runner.invoke(cli.app, ["debug", str(BANNER), "-o", str(taken / "sub")])
    one_error_line(result, 1, "cannot create the folder")
    result = runner.invoke(cli.app, ["debug", str(BANNER), "-o", "-"])
    one_error_line(result, 2, "--output takes a folder")
    result = runner.invoke(cli.app, ["debug", str(BANNER), "-p", "9", "-o", str(tmp_path / "o")])
    one_error_line(result, 2, "page 9 does not exist")
    result = runner.invoke(cli.app, ["debug", str(BANNER), "-p", "x", "-o", str(tmp_path / "o")])
    one_error_line(result, 2, "--pages")
    assert not (tmp_path / "o").exists()
    result = runner.invoke(cli.app, ["debug", str(tmp_path / "missing.pdf")])
    one_error_line(result, 1, "file not found")


def test_other_commands_start_without_the_picture_libraries() -> None:
    code = (
        "import sys, reportparse.cli; "
        "print(sorted(m for m in ('PIL', 'pypdfium2', 'reportparse.debug') if m in sys.modules))"
    )
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": src}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]"


def _turned_pdf_with_link(path: Path, rotate: int) -> Path:
    """Given a /Rotate, write a one-page PDF whose displayed page (400 x 300 points) reads
    "Linked words here" upright at (60, 100) under a URI link annotation, with its media
    box away from the origin."""

    def draw(c: canvas.Canvas) -> None:
        c.setFont("Helvetica", 14)
        text, x, baseline = "Linked words here", 60.0, 300.0 - 100.0
        width = c.stringWidth(text, "Helvetica", 14)
        c.drawString(x, baseline, text)
        c.linkURL("https://example.com/a", (x, baseline - 4, x + width, baseline + 13), relative=1)

    return turned_pdf(path, rotate, (400.0, 300.0), (30.0, 70.0), draw)


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_link_rectangles_meet_the_lines_on_turned_pages(rotate: int, tmp_path: Path) -> None:
    pdf = _turned_pdf_with_link(tmp_path / f"link-{rotate}.pdf", rotate)
    with PdfPages(pdf) as document:
        links = document.links(1)
    assert [link.uri for link in links] == ["https://example.com/a"]
    rect = (links[0].x0, links[0].top, links[0].x1, links[0].bottom)
    assert rect[2] - rect[0] > 2 * (rect[3] - rect[1])  # turned back to lie along the line
    for engine in ("pdfplumber", "pdfium"):
        (line,) = api.read(pdf, engine=engine).pages[0].lines
        assert line.text == "Linked words here" and line.links, engine
        box = (line.x0 or 0.0, line.top or 0.0, line.x1 or 0.0, line.bottom or 0.0)
        assert overlaps(box, rect) > 0.8 * (box[2] - box[0]) * (box[3] - box[1]), engine


def test_the_profile_decides_the_roles() -> None:
    # A newsletter whose back matter starts otherwise: with a profile that does not know
    # the fixture's marker, the last page's lines are taken for the last entry's summary.
    profile = replace(DEFAULT_PROFILE, back_matter_markers=("另一个标记",))
    last = explain_file(BANNER, profile=profile).document.pages[-1]
    assert role_counts(last.lines) == {"summary": 8, "running-footer": 1, "page-number": 1}
    assert role_counts(view_of(BANNER).document.pages[-1].lines)["back-matter"] == 8


def test_a_scanned_pdf_is_drawn_with_a_warning(tmp_path: Path) -> None:
    scan = tmp_path / "scan.png"
    Image.new("RGB", (200, 100), (90, 90, 90)).save(scan)
    pdf = tmp_path / "scanned.pdf"
    c = canvas.Canvas(str(pdf), pagesize=(300.0, 200.0))
    c.drawImage(str(scan), 50, 50, 200, 100)
    c.showPage()
    c.save()
    out = tmp_path / "out"
    result = runner.invoke(cli.app, ["debug", str(pdf), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("warning: no-text-layer: no text layer on pages 1: ")
    assert result.stderr.endswith(f"reportparse: drawing 1 page into {out}/\n")
    assert (out / "page-1.png").exists()


@pytest.mark.parametrize("name", ["chengming-bulletin", "langrun-monthly"])
def test_another_newsletter_is_drawn_with_its_profile_or_the_inferred_one(
    name: str, tmp_path: Path
) -> None:
    pdf = FIXTURES / "newsletters" / f"{name}.pdf"
    golden = json.loads((FIXTURES / "newsletters" / f"{name}.json").read_text(encoding="utf-8"))
    profile = FIXTURES / "profiles" / f"{name}.toml"
    with_file = explain_file(pdf, profile=load_profile(profile))
    inferred = explain_file(pdf)
    # extract finds these entries with the file and without it: the pictures mark the same.
    assert len(with_file.marks) == len(golden["entries"]) == len(inferred.marks)
    assert role_counts(with_file.document.lines())["title"] >= len(golden["entries"])

    out = tmp_path / "d"
    result = runner.invoke(
        cli.app, ["debug", str(pdf), "--profile", str(profile), "-p", "1", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["page-1.png"]


def test_a_bad_profile_file_is_a_usage_error_before_reading(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("sectoins = ['x']\n", encoding="utf-8")
    out = tmp_path / "d"
    result = runner.invoke(cli.app, ["debug", str(BANNER), "--profile", str(bad), "-o", str(out)])
    one_error_line(result, 2, "bad.toml", "sectoins")
    assert not out.exists()
