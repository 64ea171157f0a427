"""What ``reportparse debug`` does, as a library: read and explain a PDF issue once, then
draw each selected page with its lines boxed in their roles' colours, the file's link
annotations outlined, entry numbers in the margin and a legend, as ``page-N.png``.

Two steps, so a caller can say where the pictures go between them::

    view = explain_file("2025-03.pdf")
    pictures = draw_pages(view, "2025-03-debug", pages=[2, 3])

The roles are those of the whole file (as ``reportparse extract FILE`` parses it), even
when only some pages are drawn.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..api import Engine, check_text_layer, choose_profile, read
from ..errors import DamagedPDFError, OutputError, ScannedPDFError, UsageError
from ..model import Document, Page, Warning
from ..parse.roles import explained
from ..profile import DEFAULT_LIMITS, DEFAULT_PROFILE, Limits, Profile
from ..read.repair import repair_with_ghostscript
from .boxes import EntryMark, entry_marks, line_boxes, role_counts
from .draw import draw_overlay, save_png
from .render import PdfPages


@dataclass(slots=True)
class DebugView:
    """A PDF read and explained: every line with its final role, and where entries start."""

    document: Document
    marks: list[EntryMark] = field(default_factory=list)
    # The bytes the reader read when the file itself was damaged (a copy Ghostscript
    # repaired): the pages are drawn from them, so pixels and lines still meet.
    repaired: bytes | None = None

    @property
    def path(self) -> str:
        return self.document.path

    def open_pdf(self, *, password: str | None = None) -> PdfPages:
        """Return the PDF held open for drawing (the repaired copy if the reader read one)."""
        if self.repaired is not None:
            return PdfPages(self.path, data=self.repaired)
        return PdfPages(self.path, password=password)


@dataclass(frozen=True, slots=True)
class PagePicture:
    """One picture written: its page, file, lines per role and link annotations drawn."""

    page: int
    path: Path
    roles: dict[str, int]
    links: int


def default_folder(path: str | os.PathLike[str]) -> Path:
    """Given the input file, return where its pictures go by default: a folder beside it
    named after it, ``<folder>/<stem>-debug``."""
    source = Path(path)
    return source.with_name(f"{source.stem}-debug")


def picture_name(page: int) -> str:
    """Given a page number, return its picture's file name."""
    return f"page-{page}.png"


def explain_file(
    path: str | os.PathLike[str],
    *,
    password: str | None = None,
    engine: Engine | str = "pdfplumber",
    profile: Profile = DEFAULT_PROFILE,
    limits: Limits = DEFAULT_LIMITS,
) -> DebugView:
    """Given a PDF issue, read all its pages and return every line's role and the entries'
    first lines. A text dump raises UsageError: it has no page to draw."""
    document = read(path, password=password, engine=engine, limits=limits)
    if document.kind != "pdf":
        raise UsageError(
            "a text dump has no page to draw; "
            f"`reportparse text --explain {os.fspath(path)}` shows each line's role",
            path=os.fspath(path),
        )
    repaired = None
    if any(warning.code == "repaired" for warning in document.warnings):
        repaired = repair_with_ghostscript(Path(path), password)
        if repaired is None:
            raise DamagedPDFError(
                "the PDF is damaged; Ghostscript repaired it for reading but not for drawing",
                path=os.fspath(path),
            )
    document = replace(document, warnings=[*document.warnings, *_text_layer(document)])
    # The profile extract would parse with (an inferred one included), so the boxes
    # show the same entries.
    choice = choose_profile(document, profile, infer=True)
    return DebugView(
        explained(choice.cleaned, choice.segmented, choice.profile),
        entry_marks(choice.segmented),
        repaired,
    )


def _text_layer(document: Document) -> list[Warning]:
    """Given a PDF as read, return a warning for pages that are images without text (a
    scanned file is still drawn: the pictures show there was nothing to read)."""
    try:
        return check_text_layer(document)
    except ScannedPDFError as exc:
        return [Warning("no-text-layer", exc.message)]


def check_pages(view: DebugView, pages: Iterable[int] | None) -> list[int]:
    """Given the view and the pages asked for (None: all), return them in order; a page
    the file does not have raises UsageError."""
    count = view.document.page_count
    wanted = sorted(set(pages)) if pages is not None else list(range(1, count + 1))
    missing = [number for number in wanted if not 1 <= number <= count]
    if missing:
        raise UsageError(
            f"--pages: page {missing[0]} does not exist; the PDF has {count} "
            f"page{'s' if count != 1 else ''}",
            path=view.path,
        )
    return wanted


def check_folder(folder: str | os.PathLike[str]) -> Path:
    """Given the output folder, return it; an existing path that is no folder raises
    UsageError (the folder itself is made when the first picture is written)."""
    target = Path(folder)
    if os.fspath(folder) == "-":
        raise UsageError("--output takes a folder; pictures cannot go to stdout ('-')")
    if target.exists() and not target.is_dir():
        raise UsageError(
            "--output names a file; give a folder for the pictures", path=os.fspath(target)
        )
    return target


def make_folder(folder: str | os.PathLike[str]) -> Path:
    """Given the output folder, make it (and its parents) if missing and return it; one
    that cannot be made raises OutputError."""
    target = check_folder(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the folder: {exc.strerror or exc}", path=os.fspath(target)
        ) from None
    return target


def draw_pages(
    view: DebugView,
    folder: str | os.PathLike[str],
    *,
    pages: Iterable[int] | None = None,
    password: str | None = None,
    min_width: int = 1000,
    report: Callable[[PagePicture], None] | None = None,
    pdf: PdfPages | None = None,
) -> list[PagePicture]:
    """Given an explained PDF, a folder and the pages to draw (None: all), write
    ``page-N.png`` for each (each file whole or not at all) and return what was drawn;
    ``report`` is called after each picture. ``pdf`` is the file already opened with
    ``view.open_pdf`` (else it is opened here and closed after)."""
    target = check_folder(folder)
    wanted = check_pages(view, pages)
    if pdf is None:
        with view.open_pdf(password=password) as opened:
            return draw_pages(
                view, target, pages=wanted, min_width=min_width, report=report, pdf=opened
            )
    by_number = {page.number: page for page in view.document.pages}
    pictures: list[PagePicture] = []
    for number in wanted:
        # A page the reader skipped (it warned) is drawn without boxes.
        page = by_number.get(number) or Page(number, [])
        image, scale = pdf.render(number, min_width=min_width)
        links = pdf.links(number)
        marks = [mark.mark() for mark in view.marks if mark.page == number]
        picture = draw_overlay(image, scale, line_boxes(page), links, marks)
        out = target / picture_name(number)
        save_png(picture, out)
        drawn = PagePicture(number, out, role_counts(page.lines), len(links))
        pictures.append(drawn)
        if report is not None:
            report(drawn)
    return pictures
