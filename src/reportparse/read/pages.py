"""What every PDF engine shares before layout: the file's hash, the pages to read, and
the page transformation pdfminer applies (which both engines reproduce)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from operator import itemgetter
from pathlib import Path

from ..errors import EncryptedPDFError, LimitExceededError, ReportParseError
from ..model import Page, Warning
from .glyphs import Annot, Char
from .lines import page_lines
from .textlayer import PageMapping, looks_unmapped, page_mapping

_text = itemgetter(0)  # a Char's text

Matrix = tuple[float, float, float, float, float, float]

# The document-information keys both engines report, in this order.
METADATA_KEYS = ("Title", "Author", "Subject", "Producer", "Creator")
# Guards against hostile files that are not worth an option of their own.
MAX_OUTLINE_ITEMS = 10_000
MAX_ANNOTS_PER_PAGE = 5_000

_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """Given a file, return the hex SHA-256 of its bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def wanted_pages(pages: list[int] | None, total: int, warnings: list[Warning]) -> list[int]:
    """Given requested page numbers and the page count, return those that exist.

    Pages past the end are skipped with one "page-out-of-range" warning.
    """
    if pages is None:
        return list(range(1, total + 1))
    requested = sorted(set(pages))
    missing = [n for n in requested if n > total or n < 1]
    if missing:
        shown = ", ".join(str(n) for n in missing[:10]) + (" …" if len(missing) > 10 else "")
        warnings.append(
            Warning("page-out-of-range", f"the PDF has {total} pages; skipped page(s) {shown}")
        )
    return [n for n in requested if 1 <= n <= total]


def page_matrix(box: tuple[float, float, float, float], rotate: int) -> Matrix:
    """Given a page's media box and /Rotate, return pdfminer's transformation of its content.

    This is what pdfminer's PDFPageInterpreter applies: chars end up in device space,
    relative to the media box, rotated.
    """
    x0, y0, x1, y1 = box
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


def apply_matrix(ctm: Matrix, x: float, y: float) -> tuple[float, float]:
    """Given a matrix and a point, return the transformed point."""
    a, b, c, d, e, f = ctm
    return a * x + c * y + e, b * x + d * y + f


def read_pages(
    wanted: Sequence[int], read_one: Callable[[int], Page], where: str, warnings: list[Warning]
) -> list[Page]:
    """Given page numbers and a reader of one page, return the pages read.

    One unreadable page becomes an empty page and a "page-unreadable" warning; only when
    every page fails is the first failure raised. A limit stops everything at once.
    """
    pages: list[Page] = []
    failures: list[ReportParseError] = []
    for number in wanted:
        try:
            page = read_one(number)
        except LimitExceededError as exc:
            exc.path = where
            raise
        except ReportParseError as exc:
            failures.append(exc)
            warnings.append(Warning("page-unreadable", exc.message, number))
            page = Page(number=number, lines=[])
        pages.append(page)
    if failures and len(failures) == len(wanted):
        failures[0].path = where
        raise failures[0]
    return pages


def build_page(
    number: int,
    chars: Sequence[Char],
    annots: Sequence[Annot],
    size: tuple[float, float],
    count_images: Callable[[], int],
    warnings: list[Warning],
    suspect: bool | None = None,
    mapping: PageMapping | None = None,
) -> Page:
    """Given one page's glyphs, link annotations, size and a counter of its images, return
    the Page.

    Images are counted only on a page without text (``count_images`` is not called
    otherwise): the count tells a scanned page from a blank one, and counting walks every
    page object, which PDFium does a C call at a time (a twelfth of a pdfium read).

    ``mapping``: the page's counts of glyphs without Unicode, when the engine has worked
    them out (the pdfium engine, from PDFium's flags, or none unmapped when its text shows
    no sign of it); else they are counted from the chars' text on a page that looks so.
    """
    width, height = size
    char_count = text_char_count(chars)
    if mapping is None and looks_unmapped(chars):
        mapping = page_mapping(number, chars)
    lines, unplaced = page_lines(
        chars, annots, number, page_box=(0.0, 0.0, width, height), suspect=suspect
    )
    for annot in unplaced:
        warnings.append(
            Warning("link-not-placed", f"link {annot.uri} is on a page without text", number)
        )
    return Page(
        number=number,
        lines=lines,
        width=round(width, 2),
        height=round(height, 2),
        image_count=0 if char_count else count_images(),
        char_count=char_count,
        # The engine's share of unmapped glyphs, in this page's count of glyphs (PDFium
        # counts the glyphs its flag covers, which the chars need not match one for one).
        unmapped_count=0 if mapping is None else round(mapping.share * char_count),
        unmapped_fonts=() if mapping is None else mapping.fonts,
    )


def text_char_count(chars: Sequence[Char]) -> int:
    """Given a page's glyphs, return how many are not whitespace (0: a page without text)."""
    return len(chars) - sum(map(str.isspace, map(_text, chars)))


def password_error(password: str | None, where: str) -> EncryptedPDFError:
    """Given the password tried (if any), return the error for a PDF it does not open."""
    if password:
        return EncryptedPDFError(
            "wrong password: the PDF does not open with the one given; check --password",
            path=where,
        )
    return EncryptedPDFError("the PDF is encrypted; give its password with --password", path=where)


def link_annot(
    uri: str, corner: tuple[float, float], opposite: tuple[float, float], ctm: Matrix, height: float
) -> Annot:
    """Given a link's URI, two opposite corners of its /Rect and the page's matrix and
    height, return it as an Annot with a top-left origin."""
    px0, py0 = apply_matrix(ctm, *corner)
    px1, py1 = apply_matrix(ctm, *opposite)
    return Annot(
        uri=uri,
        x0=min(px0, px1),
        top=height - max(py0, py1),
        x1=max(px0, px1),
        bottom=height - min(py0, py1),
    )


def outline_overflow() -> Warning:
    """Return the warning for an outline cut at MAX_OUTLINE_ITEMS bookmarks."""
    return Warning(
        "outline-unreadable",
        f"the outline has more than {MAX_OUTLINE_ITEMS} bookmarks; the rest are skipped",
    )
