"""Read a text dump made by another PDF converter into the same lines a PDF reader gives.

What such dumps look like (``shared/seed``): each visual line followed by a blank line; a
page begins with a line that starts with a space (or at a form feed, where the converter
writes them); link-annotation URIs printed on lines of their own; the outline dumped at
the end as tab-indented lines. Lines carry no geometry.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import regex

from ..errors import LimitExceededError, NotReadableError
from ..model import Document, Line, LineKind, OutlineItem, Page, Warning
from ..profile import DEFAULT_LIMITS, Limits

# A line that is nothing but a URI: what converters print for link annotations.
_BARE_URI = regex.compile(
    r"^(?:(?:https?|ftp)://\S+|www\.\S+\.\S+|mailto:\S+|javascript:\S*)$", regex.I
)
_PAGE_START_INDENT = (" ", "\u00a0", "\u3000")


def read_text_dump(
    path: Path, *, pages: list[int] | None = None, limits: Limits = DEFAULT_LIMITS
) -> Document:
    """Given a text dump file, return its pages of lines, its outline and its hash."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NotReadableError(f"cannot read the file: {exc.strerror}", path=str(path)) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotReadableError(
            f"not UTF-8 text (bad byte at offset {exc.start}); save the dump as UTF-8",
            path=str(path),
        ) from exc
    body, outline_lines = split_outline(text.replace("\r\n", "\n").replace("\r", "\n"))
    raw_pages = split_pages(body)
    if len(raw_pages) > limits.max_pages:
        raise LimitExceededError(
            f"{len(raw_pages)} pages is more than the limit of {limits.max_pages}; "
            "raise it with --max-pages",
            path=str(path),
        )
    warnings: list[Warning] = []
    wanted = set(pages) if pages else None
    if wanted and max(wanted) > len(raw_pages):
        warnings.append(
            Warning(
                "page-out-of-range",
                f"the dump has {len(raw_pages)} pages; pages past that were ignored",
            )
        )
    doc_pages: list[Page] = []
    for number, raw_lines in enumerate(raw_pages, start=1):
        if wanted is not None and number not in wanted:
            continue
        chars = sum(len(line) for line in raw_lines)
        if chars > limits.max_chars_per_page:
            raise LimitExceededError(
                f"page {number} holds {chars} characters, more than the limit of "
                f"{limits.max_chars_per_page}; raise it with --max-chars-per-page",
                path=str(path),
            )
        doc_pages.append(Page(number=number, lines=to_lines(raw_lines, number), char_count=chars))
    return Document(
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        kind="text",
        page_count=len(raw_pages),
        pages=doc_pages,
        outline=parse_outline(outline_lines),
        warnings=warnings,
    )


def split_outline(text: str) -> tuple[list[str], list[str]]:
    """Given the dump's text, return (body lines, trailing tab-indented outline lines)."""
    lines = text.split("\n")
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and (lines[start - 1].startswith("\t") or not lines[start - 1].strip()):
        start -= 1
    while start < end and not lines[start].strip():
        start += 1
    outline = [line for line in lines[start:end] if line.strip()]
    return lines[:start], outline


def split_pages(lines: list[str]) -> list[list[str]]:
    """Given body lines, return them grouped by page (form feeds, else indented page starts)."""
    if any("\f" in line for line in lines):
        pages: list[list[str]] = [[]]
        for line in lines:
            parts = line.split("\f")
            for index, part in enumerate(parts):
                if index:
                    pages.append([])
                pages[-1].append(part)
        return [page for page in pages if any(line.strip() for line in page)] or [[]]
    pages = []
    for line in lines:
        if not line.strip():
            continue
        if not pages or line.startswith(_PAGE_START_INDENT):
            pages.append([])
        pages[-1].append(line)
    return pages or [[]]


def to_lines(raw_lines: list[str], page: int) -> list[Line]:
    """Given one page's raw lines, return Line records (bare URIs marked as dumped)."""
    lines: list[Line] = []
    for raw in raw_lines:
        text = raw.strip()
        if not text:
            continue
        kind: LineKind = "uri" if _BARE_URI.match(text) else "text"
        lines.append(Line(text=text, page=page, kind=kind))
    return lines


def parse_outline(outline_lines: list[str]) -> list[OutlineItem]:
    """Given tab-indented outline lines, return items (level = number of leading tabs)."""
    items: list[OutlineItem] = []
    for raw in outline_lines:
        level = len(raw) - len(raw.lstrip("\t"))
        title = raw.strip()
        if title:
            items.append(OutlineItem(title=title, level=max(level, 1), page=None))
    return items
