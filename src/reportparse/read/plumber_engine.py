"""Read a PDF with pdfplumber/pdfminer.six into a :class:`~reportparse.model.Document`.

This module only extracts: per page it collects :class:`~reportparse.read.glyphs.Char` and
:class:`~reportparse.read.glyphs.Annot` records and hands them to :mod:`reportparse.read.lines`
(shared with the pypdfium2 engine). Nothing is cleaned here.

Pages are rendered one at a time by pdfminer's interpreter into a small aggregating
device that counts glyphs as they are drawn, so ``--max-chars-per-page`` stops a hostile
page early, and each page's layout is dropped before the next one (memory stays flat).
The page tree and the outline are walked iteratively with cycle guards, because
pdfminer's own walkers recurse and hostile files loop.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from ..errors import (
    DamagedPDFError,
    NotReadableError,
)
from ..model import Document, Warning
from ..profile import DEFAULT_LIMITS, Limits
from .pages import file_sha256, read_pages, wanted_pages
from .plumber_doc import open_document, pdf_pages
from .plumber_outline import read_metadata, read_outline
from .plumber_page import read_page
from .repair import repair_with_ghostscript

# --------------------------------------------------------------------------- entry point


def read_pdf(
    path: Path,
    *,
    pages: list[int] | None = None,
    password: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Document:
    """Given a PDF file, return its pages as lines, its outline and metadata.

    ``pages`` are 1-based page numbers (None: all); numbers past the end are skipped with
    a "page-out-of-range" warning. Raises EncryptedPDFError, DamagedPDFError or
    LimitExceededError (all ReportParseError) with one-line, actionable messages. A file
    pdfminer cannot read is retried once through Ghostscript when it is installed (see
    :func:`repair_with_ghostscript`), with a "repaired" warning.
    """
    where = str(path)
    try:
        digest = file_sha256(path)
    except OSError as exc:
        raise NotReadableError(f"cannot read the file: {exc.strerror}", path=where) from exc
    with path.open("rb") as stream:
        try:
            return _read_stream(stream, where, digest, pages, password, limits)
        except DamagedPDFError as damaged:
            # pdfplumber's repair route: let Ghostscript rewrite the file, if installed.
            repaired = repair_with_ghostscript(path, password)
            if repaired is None:
                raise
            try:
                document = _read_stream(io.BytesIO(repaired), where, digest, pages, None, limits)
            except DamagedPDFError:
                raise damaged from None
            head, sep, hint = damaged.message.partition("; try ")
            if not any(page.char_count for page in document.pages):
                # Ghostscript rewrites even garbage into a blank page: that is no repair.
                raise DamagedPDFError(
                    f"{head}; a repair with Ghostscript recovered nothing{sep}{hint}", path=where
                ) from None
            reason = head.removeprefix("the PDF is damaged: ")
    document.warnings.insert(
        0, Warning("repaired", f"read a copy Ghostscript repaired; the file is damaged ({reason})")
    )
    return document


def _read_stream(
    stream: BinaryIO,
    where: str,
    digest: str,
    pages: list[int] | None,
    password: str | None,
    limits: Limits,
) -> Document:
    pdf = open_document(stream, where, password)
    doc = pdf.doc
    page_objects = pdf_pages(doc, where, limits)
    warnings: list[Warning] = []
    total = len(page_objects)
    wanted = wanted_pages(pages, total, warnings)
    rsrcmgr = pdf.rsrcmgr
    out_pages = read_pages(
        wanted,
        lambda number: read_page(rsrcmgr, page_objects[number - 1], number, limits, warnings),
        where,
        warnings,
    )
    outline = read_outline(doc, page_objects, warnings)
    metadata = read_metadata(doc)
    return Document(
        path=where,
        sha256=digest,
        kind="pdf",
        page_count=total,
        pages=out_pages,
        outline=outline,
        metadata=metadata,
        warnings=warnings,
    )


# --------------------------------------------------------------------------- errors


# --------------------------------------------------------------------------- page tree
