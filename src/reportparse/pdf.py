"""Read a PDF with pdfplumber/pdfminer.six into a :class:`~reportparse.model.Document`.

This module only extracts: per page it collects :class:`~reportparse.layout.Char` and
:class:`~reportparse.layout.Annot` records and hands them to :mod:`reportparse.layout`
(shared with the pypdfium2 engine). Nothing is cleaned here.

Pages are rendered one at a time by pdfminer's interpreter into a small aggregating
device that counts glyphs as they are drawn, so ``--max-chars-per-page`` stops a hostile
page early, and each page's layout is dropped before the next one (memory stays flat).
The page tree and the outline are walked iteratively with cycle guards, because
pdfminer's own walkers recurse and hostile files loop.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer, LTImage, LTItem, LTPage
from pdfminer.pdfdocument import (
    PDFDocument,
    PDFEncryptionError,
    PDFPasswordIncorrect,
)
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text
from pdfplumber.pdf import PDF as PlumberPDF
from pdfplumber.utils.exceptions import PdfminerException

from .errors import (
    DamagedPDFError,
    EncryptedPDFError,
    LimitExceededError,
    NotReadableError,
    ReportParseError,
)
from .layout import Annot, Char
from .model import Document, OutlineItem, Page, Warning
from .profile import DEFAULT_LIMITS, Limits
from .reader import (
    MAX_ANNOTS_PER_PAGE,
    MAX_OUTLINE_ITEMS,
    METADATA_KEYS,
    Matrix,
    build_page,
    file_sha256,
    link_annot,
    outline_overflow,
    page_matrix,
    password_error,
    read_pages,
    wanted_pages,
)

MAX_FALLBACK_OBJECTS = 200_000  # objects scanned for pages when the page tree is missing
_INHERITABLE = ("Resources", "MediaBox", "CropBox", "Rotate")
REPAIR_TIMEOUT = 60.0  # seconds Ghostscript may take to repair a damaged file
MAX_REPAIRED_BYTES = 256 << 20


class _TooManyChars(Exception):
    """Raised inside the interpreter when a page draws more glyphs than allowed."""


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
            reason = damaged.message.removeprefix("the PDF is damaged: ").split("; try ")[0]
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
    pdf = _open(stream, where, password)
    doc = pdf.doc
    page_objects = _page_objects(doc, where, limits)
    warnings: list[Warning] = []
    total = len(page_objects)
    wanted = wanted_pages(pages, total, warnings)
    rsrcmgr = pdf.rsrcmgr
    out_pages = read_pages(
        wanted,
        lambda number: _read_page(rsrcmgr, page_objects[number - 1], number, limits, warnings),
        where,
        warnings,
    )
    outline = _read_outline(doc, page_objects, warnings)
    metadata = _read_metadata(doc)
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


def ghostscript() -> str | None:
    """Return the Ghostscript program to repair damaged PDFs with, or None.

    ``REPORTPARSE_GHOSTSCRIPT`` names it (``off`` disables repairs); else ``gs`` on PATH.
    """
    chosen = os.environ.get("REPORTPARSE_GHOSTSCRIPT")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else chosen
    return shutil.which("gs")


def repair_with_ghostscript(path: Path, password: str | None) -> bytes | None:
    """Given a damaged PDF, return a copy Ghostscript rewrote, or None if that failed.

    The same route as pdfplumber's ``repair=True`` (``gs -sDEVICE=pdfwrite``), but with
    -dSAFER, a time limit and a size cap, since the input is hostile.
    """
    program = ghostscript()
    if program is None:
        return None
    args = [program, "-q", "-dSAFER", "-sstdout=%stderr", "-o", "-", "-sDEVICE=pdfwrite"]
    if password:
        args.append(f"-sPDFPassword={password}")
    args.append(str(path.absolute()))
    try:
        done = subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=REPAIR_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    size_cap = max(MAX_REPAIRED_BYTES, 20 * path.stat().st_size)
    if done.returncode or not done.stdout.startswith(b"%PDF-") or len(done.stdout) > size_cap:
        return None
    return done.stdout


# --------------------------------------------------------------------------- errors


def _unwrap(exc: BaseException) -> BaseException:
    """Given an exception, return the pdfminer error pdfplumber wrapped in it, if any."""
    seen = 0
    while isinstance(exc, PdfminerException) and exc.args and seen < 5:
        inner = exc.args[0]
        if not isinstance(inner, BaseException):
            break
        exc, seen = inner, seen + 1
    return exc


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > 100:
        text = text[:97] + "..."
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def _damaged(exc: BaseException, what: str) -> DamagedPDFError:
    """Given a low-level failure while doing ``what``, return a one-line DamagedPDFError."""
    exc = _unwrap(exc)
    hint = "try --engine pdfium, or repair the file (e.g. qpdf in.pdf out.pdf)"
    if isinstance(exc, RecursionError):
        reason = "objects refer to each other in a loop or nest too deeply"
    elif isinstance(exc, MemoryError):
        reason = "it needs more memory than is available"
    elif isinstance(exc, zlib.error):
        reason = f"a compressed stream is corrupt ({_detail(exc)})"
    else:
        reason = _detail(exc)
    return DamagedPDFError(f"the PDF is damaged: {what} failed: {reason}; {hint}")


def _open(stream: BinaryIO, where: str, password: str | None) -> Any:
    try:
        return PlumberPDF(stream, stream_is_external=True, password=password or "")  # type: ignore[arg-type]
    except Exception as exc:  # pdfminer raises anything on broken files
        inner = _unwrap(exc)
        if isinstance(inner, PDFPasswordIncorrect):
            raise password_error(password, where) from None
        if isinstance(inner, PDFEncryptionError):
            raise EncryptedPDFError(
                f"the PDF's encryption is not supported ({_detail(inner)}); try --engine pdfium",
                path=where,
            ) from None
        error = _damaged(inner, "opening the file")
        error.path = where
        raise error from None


# --------------------------------------------------------------------------- page tree


def _literal_name(value: Any) -> str | None:
    value = resolve1(value)
    if isinstance(value, PSLiteral):
        name = value.name
        return name.decode("latin-1") if isinstance(name, bytes) else str(name)
    return None


def _page_objects(doc: PDFDocument, where: str, limits: Limits) -> list[PDFPage]:
    """Given an open document, return its pages in order (at most ``max_pages``)."""
    found: list[PDFPage] = []
    try:
        for page in _iter_pages(doc):
            found.append(page)
            if len(found) > limits.max_pages:
                raise LimitExceededError(
                    f"the PDF has more than {limits.max_pages} pages; "
                    "raise the limit with --max-pages",
                    path=where,
                )
    except ReportParseError:
        raise
    except Exception as exc:
        error = _damaged(exc, "reading the page tree")
        error.path = where
        raise error from None
    if not found:
        raise DamagedPDFError(
            "the PDF has no pages (its page tree is empty or unreadable); "
            "try --engine pdfium, or repair the file (e.g. qpdf in.pdf out.pdf)",
            path=where,
        )
    return found


def _iter_pages(doc: PDFDocument) -> Iterator[PDFPage]:
    """Walk the page tree depth-first without recursion, visiting every node once.

    Like pdfminer's ``PDFPage.create_pages`` but safe against loops and deep trees, and it
    accepts page dictionaries written directly (not by reference) into ``/Kids``.
    """
    catalog = doc.catalog
    yielded = False
    root = catalog.get("Pages")
    if root is not None:
        inherited_root = {k: catalog[k] for k in _INHERITABLE if k in catalog}
        stack: list[tuple[Any, dict[str, Any]]] = [(root, inherited_root)]
        visited: set[int] = set()
        while stack:
            node, inherited = stack.pop()
            objid = node.objid if isinstance(node, PDFObjRef) else None
            if objid is not None:
                if objid in visited:
                    continue
                visited.add(objid)
            attrs = resolve1(node)
            if not isinstance(attrs, dict):
                continue
            props = dict(attrs)
            for key, value in inherited.items():
                props.setdefault(key, value)
            kind = _literal_name(props.get("Type")) or _literal_name(props.get("type"))
            kids = resolve1(props.get("Kids")) if "Kids" in props else None
            if kind != "Page" and isinstance(kids, list):
                passed = {k: props[k] for k in _INHERITABLE if k in props}
                stack.extend((kid, passed) for kid in reversed(kids))
            elif kind == "Page" or (kind is None and "Contents" in props):
                yield PDFPage(doc, objid, props, None)
                yielded = True
    if yielded:
        return
    # No usable /Pages tree: pick page objects out of the cross-reference table(s).
    scanned = 0
    for xref in doc.xrefs:
        for objid in xref.get_objids():
            scanned += 1
            if scanned > MAX_FALLBACK_OBJECTS:
                return
            try:
                obj = doc.getobj(objid)
            except Exception:
                continue
            if isinstance(obj, dict) and _literal_name(obj.get("Type")) == "Page":
                yield PDFPage(doc, objid, obj, None)


# --------------------------------------------------------------------------- one page


class _CountingAggregator(PDFPageAggregator):
    """A layout-free aggregator that stops once a page has drawn too many glyphs."""

    def __init__(self, rsrcmgr: PDFResourceManager, pageno: int, limit: int) -> None:
        super().__init__(rsrcmgr, pageno=pageno, laparams=None)
        self.limit = limit
        self.count = 0

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self.count += 1
        if self.count > self.limit:
            raise _TooManyChars
        return float(super().render_char(*args, **kwargs))


def _page_ctm(page: PDFPage) -> Matrix:
    x0, y0, x1, y1 = page.mediabox
    return page_matrix((x0, y0, x1, y1), page.rotate)


def _render(rsrcmgr: PDFResourceManager, page: PDFPage, number: int, limits: Limits) -> LTPage:
    device = _CountingAggregator(rsrcmgr, number, limits.max_chars_per_page)
    try:
        PDFPageInterpreter(rsrcmgr, device).process_page(page)
    except _TooManyChars:
        raise LimitExceededError(
            f"page {number} has more than {limits.max_chars_per_page} characters; "
            "raise the limit with --max-chars-per-page"
        ) from None
    except Exception as exc:
        raise _damaged(exc, f"reading page {number}") from None
    finally:
        device.close()
    result: LTPage = device.get_result()
    return result


def _collect(layout: LTPage) -> tuple[list[Char], int]:
    """Given a rendered page, return its chars (top-left origin) and its image count."""
    height = float(layout.height)
    chars: list[Char] = []
    images = 0
    stack: list[LTItem] = [layout]
    while stack:
        item = stack.pop()
        if isinstance(item, LTChar):
            fontname: Any = item.fontname
            if isinstance(fontname, bytes):
                fontname = fontname.decode("latin-1")
            chars.append(
                Char(
                    text=item.get_text(),
                    x0=float(item.x0),
                    top=height - float(item.y1),
                    x1=float(item.x1),
                    bottom=height - float(item.y0),
                    fontname=str(fontname),
                    size=float(item.size),
                    upright=bool(item.upright),
                )
            )
        elif isinstance(item, LTImage):
            images += 1
        elif isinstance(item, LTContainer):
            stack.extend(reversed(list(item)))
    return chars, images


def _decode_uri(value: Any) -> str | None:
    value = resolve1(value)
    if isinstance(value, bytes):
        if value.startswith((b"\xfe\xff", b"\xff\xfe")):
            text = _decode_pdf_text(value)
        else:
            try:
                text = value.decode("utf-8")
            except UnicodeDecodeError:
                text = value.decode("latin-1")
    elif isinstance(value, str):
        text = value
    else:
        return None
    text = (text or "").strip().strip("\x00").strip()
    return text or None


def _annots(page: PDFPage, height: float) -> list[Annot]:
    """Given a page, return its URI link annotations in top-left coordinates."""
    raw = resolve1(page.annots)
    if not isinstance(raw, list):
        return []
    ctm = _page_ctm(page)
    found: list[Annot] = []
    for item in raw[:MAX_ANNOTS_PER_PAGE]:
        try:
            annot = resolve1(item)
            if not isinstance(annot, dict):
                continue
            action = resolve1(annot.get("A"))
            if not isinstance(action, dict):
                continue
            uri = _decode_uri(action.get("URI"))
            rect = resolve1(annot.get("Rect"))
            if uri is None or not isinstance(rect, list) or len(rect) != 4:
                continue
            ax0, ay0, ax1, ay1 = (float(resolve1(v)) for v in rect)
            found.append(link_annot(uri, (ax0, ay0), (ax1, ay1), ctm, height))
        except Exception:  # one malformed annotation must not cost the page
            continue
    return found


def _read_page(
    rsrcmgr: PDFResourceManager,
    page_obj: PDFPage,
    number: int,
    limits: Limits,
    warnings: list[Warning],
) -> Page:
    layout = _render(rsrcmgr, page_obj, number, limits)
    chars, images = _collect(layout)
    width, height = float(layout.width), float(layout.height)
    del layout  # the page's objects are not needed any more
    try:
        annots = _annots(page_obj, height)
    except Exception:
        annots = []
        warnings.append(Warning("annots-unreadable", "link annotations unreadable", number))
    return build_page(number, chars, annots, (width, height), lambda: images, warnings)


class LazyReading:
    """One PDF as pdf.py reads it, opened with pdfminer at first use: ``pdfium.py`` asks it
    for what PDFium cannot give as pdfminer does (a page of turned text, a bookmark title
    or metadata value in UTF-8 without a byte-order mark).

    Every method returns None where pdfminer cannot read what is asked.
    """

    def __init__(self, path: Path, password: str | None, limits: Limits) -> None:
        self.path = path
        self.password = password
        self.limits = limits
        self._stream: BinaryIO | None = None
        self._opened: Any = None
        self._pages: list[PDFPage] | None = None
        self._failed = False  # the file does not open
        self._no_pages = False  # it opens, but its page tree cannot be read

    def _open_document(self) -> Any:
        if self._opened is None and not self._failed:
            try:
                self._stream = self.path.open("rb")
                self._opened = _open(self._stream, str(self.path), self.password)
            except Exception:  # pdfminer raises anything on broken files
                self._failed = True
        return self._opened

    def _page_list(self) -> list[PDFPage] | None:
        opened = self._open_document()
        if opened is not None and self._pages is None and not self._no_pages:
            try:
                self._pages = _page_objects(opened.doc, str(self.path), self.limits)
            except Exception:
                self._no_pages = True
        return self._pages

    def page(self, number: int) -> tuple[Page, list[Warning]] | None:
        """Given a 1-based page number, return the page and the warnings reading it gave."""
        page_objects = self._page_list()
        if page_objects is None:
            return None
        warnings: list[Warning] = []
        try:
            page = _read_page(
                self._opened.rsrcmgr, page_objects[number - 1], number, self.limits, warnings
            )
        except Exception:  # the caller keeps its own reading of the page
            return None
        return page, warnings

    def outline(self, warnings: list[Warning]) -> list[OutlineItem] | None:
        """Return the bookmarks, adding to ``warnings`` what reading them gave."""
        page_objects = self._page_list()
        if page_objects is None:
            return None
        try:
            return _read_outline(self._opened.doc, page_objects, warnings)
        except Exception:
            return None

    def metadata(self) -> dict[str, str] | None:
        """Return the document-information values."""
        opened = self._open_document()
        if opened is None:
            return None
        try:
            return _read_metadata(opened.doc)
        except Exception:
            return None

    def close(self) -> None:
        """Close the file, if it was opened."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None


# --------------------------------------------------------------------------- outline


def _decode_pdf_text(value: Any) -> str | None:
    """Given a PDF text string (bytes, str or name), return it as str, or None."""
    value = resolve1(value)
    if isinstance(value, PSLiteral):
        value = value.name
    if isinstance(value, str):
        text = value
    elif isinstance(value, bytes):
        try:
            if value.startswith(b"\xfe\xff"):
                text = value[2:].decode("utf-16-be")
            elif value.startswith(b"\xff\xfe"):
                text = value[2:].decode("utf-16-le")
            elif value.startswith(b"\xef\xbb\xbf"):
                text = value[3:].decode("utf-8")
            else:
                try:
                    # Not in the standard, but common: UTF-8 without a BOM.
                    text = value.decode("utf-8") if any(b > 0x7F for b in value) else ""
                except UnicodeDecodeError:
                    text = ""
                if not text:
                    text = decode_text(value)  # PDFDocEncoding
        except (UnicodeDecodeError, KeyError, IndexError):
            return None
    else:
        return None
    text = "".join(ch for ch in text if ch >= " " or ch in "\t\n")
    text = " ".join(text.split())
    return text or None


def _page_numbers(page_objects: list[PDFPage]) -> dict[int, int]:
    numbers: dict[int, int] = {}
    for index, page in enumerate(page_objects, start=1):
        if isinstance(page.pageid, int):
            numbers.setdefault(page.pageid, index)
    return numbers


def _named_dest(doc: PDFDocument, name: Any) -> Any:
    keys: list[Any] = [name]
    if isinstance(name, bytes):
        keys.append(name.decode("latin-1"))
    elif isinstance(name, str):
        keys.append(name.encode("latin-1", errors="ignore"))
    for key in keys:
        try:
            return resolve1(doc.get_dest(key))
        except Exception:
            continue
    return None


def _dest_page(
    doc: PDFDocument, dest: Any, action: Any, numbers: dict[int, int], total: int
) -> int | None:
    """Given a bookmark's /Dest or /A, return the 1-based page it points to, or None."""
    if dest is None:
        action = resolve1(action)
        if not isinstance(action, dict) or _literal_name(action.get("S")) != "GoTo":
            return None
        dest = action.get("D")
    target: Any = dest
    for _ in range(4):  # name -> array or {/D array}; bounded against loops
        if isinstance(target, PDFObjRef):
            target = resolve1(target)
        if isinstance(target, PSLiteral):
            target = _named_dest(doc, target.name)
        elif isinstance(target, (bytes, str)):
            target = _named_dest(doc, target)
        elif isinstance(target, dict):
            target = target.get("D")
        else:
            break
    if not isinstance(target, list) or not target:
        return None
    first = target[0]
    if isinstance(first, PDFObjRef):
        return numbers.get(first.objid)
    if isinstance(first, int) and not isinstance(first, bool) and 0 <= first < total:
        return first + 1  # some producers write a page index instead of a reference
    return None


def _read_outline(
    doc: PDFDocument, page_objects: list[PDFPage], warnings: list[Warning]
) -> list[OutlineItem]:
    """Given a document, return its bookmarks in order; never raises."""
    items: list[OutlineItem] = []
    try:
        root = resolve1(doc.catalog.get("Outlines"))
        if not isinstance(root, dict):
            return []
        numbers = _page_numbers(page_objects)
        total = len(page_objects)
        visited: set[int] = set()
        looped = False
        stack: list[tuple[Any, int]] = [(root.get("First"), 1)]
        while stack:
            ref, level = stack.pop()
            while ref is not None:
                if isinstance(ref, PDFObjRef):
                    if ref.objid in visited:
                        looped = True
                        break
                    visited.add(ref.objid)
                node = resolve1(ref)
                if not isinstance(node, dict):
                    break
                title = _decode_pdf_text(node.get("Title"))
                if title is not None:
                    try:
                        page = _dest_page(doc, node.get("Dest"), node.get("A"), numbers, total)
                    except Exception:
                        page = None
                    items.append(OutlineItem(title=title, level=level, page=page))
                    if len(items) >= MAX_OUTLINE_ITEMS:
                        warnings.append(outline_overflow())
                        return items
                child, following = node.get("First"), node.get("Next")
                if child is not None:
                    stack.append((following, level))
                    ref, level = child, level + 1
                else:
                    ref = following
        if looped:
            warnings.append(
                Warning("outline-unreadable", "the outline loops; bookmarks seen twice skipped")
            )
    except Exception as exc:
        warnings.append(
            Warning("outline-unreadable", f"the outline is unreadable ({_detail(exc)})")
        )
    return items


# --------------------------------------------------------------------------- metadata


def _read_metadata(doc: PDFDocument) -> dict[str, str]:
    """Given a document, return Title/Author/Subject/Producer/Creator as text; never raises."""
    metadata: dict[str, str] = {}
    try:
        infos = list(doc.info)
    except Exception:
        return metadata
    for info in infos:
        try:
            info = resolve1(info)
            if not isinstance(info, dict):
                continue
            for key in METADATA_KEYS:
                if key in info:
                    text = _decode_pdf_text(info[key])
                    if text is not None:
                        metadata[key] = text
        except Exception:
            continue
    return metadata
