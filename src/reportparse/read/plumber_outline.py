"""The outline (bookmarks) and document metadata as pdfminer reads them."""

from __future__ import annotations

from typing import Any

from pdfminer.pdfdocument import (
    PDFDocument,
)
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text

from ..model import OutlineItem, Warning
from .pages import MAX_OUTLINE_ITEMS, METADATA_KEYS, outline_overflow
from .plumber_doc import error_detail, literal_name

# --------------------------------------------------------------------------- outline


def decode_pdf_text(value: Any) -> str | None:
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
        if not isinstance(action, dict) or literal_name(action.get("S")) != "GoTo":
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


def read_outline(
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
                title = decode_pdf_text(node.get("Title"))
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
            Warning("outline-unreadable", f"the outline is unreadable ({error_detail(exc)})")
        )
    return items


# --------------------------------------------------------------------------- metadata


def read_metadata(doc: PDFDocument) -> dict[str, str]:
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
                    text = decode_pdf_text(info[key])
                    if text is not None:
                        metadata[key] = text
        except Exception:
            continue
    return metadata
