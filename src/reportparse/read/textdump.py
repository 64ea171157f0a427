"""Read a text dump made by another PDF converter into the same lines a PDF reader gives.

What such dumps look like (``shared/seed``): each visual line followed by a blank line; a
page begins with a line that starts with a space (or at a form feed, where the converter
writes them, as pdftotext does); link-annotation URIs printed on lines of their own; the
outline dumped at the end as tab-indented lines. Lines carry no geometry. Any encoding
:mod:`.encodings` recognises, any line ends (LF, CRLF, CR); ``pdftotext -layout``
columns are split apart (:func:`to_lines`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace
from pathlib import Path

import regex

from ..errors import LimitExceededError, NotReadableError, UsageError
from ..model import Document, Line, LineKind, OutlineItem, Page, Warning
from ..profile import DEFAULT_LIMITS, Limits
from .encodings import UnknownEncodingError, decode

# A line that is nothing but a URI: what converters print for link annotations.
_BARE_URI = regex.compile(
    r"^(?:(?:https?|ftp)://\S+|www\.\S+\.\S+|mailto:\S+|javascript:\S*)$", regex.I
)
_PAGE_START_INDENT = (" ", "\u00a0", "\u3000")
# Spaces that separate two columns of a ``pdftotext -layout`` line.
COLUMN_GAP = 4
_COLUMN_GAP = regex.compile(f" {{{COLUMN_GAP},}}")
# One or two letters (Han or other), nothing else: a watermark's fragment.
_FRAGMENT = regex.compile(r"\p{L}{1,2}")
MIN_WATERMARK_PAGES = 3
MIN_WATERMARK_FRAGMENTS = 3


def read_text_dump(
    path: Path,
    *,
    pages: list[int] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    encoding: str | None = None,
) -> Document:
    """Given a text dump file (and its encoding, if known: else it is recognised, see
    :mod:`.encodings`), return its pages of lines, its outline and its hash."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NotReadableError(f"cannot read the file: {exc.strerror}", path=str(path)) from exc
    text = decode_dump(data, encoding, str(path))
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
    doc_pages = mark_watermark_fragments(doc_pages)
    return Document(
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        kind="text",
        page_count=len(raw_pages),
        pages=doc_pages,
        outline=parse_outline(outline_lines),
        warnings=warnings,
    )


def decode_dump(data: bytes, encoding: str | None, where: str) -> str:
    """Given a dump's bytes and the encoding given (None: recognise it), return its text,
    or raise a NotReadableError that names the encoding given or those tried."""
    try:
        return decode(data, encoding)[0]
    except UnknownEncodingError as exc:
        raise NotReadableError(
            f"cannot read the text: {exc}; give its encoding with --encoding", path=where
        ) from None
    except UnicodeDecodeError as exc:
        raise NotReadableError(
            f"not {encoding} text (bad byte at offset {exc.start}); check --encoding", path=where
        ) from None
    except LookupError:
        raise UsageError(
            f"unknown encoding {encoding!r} (e.g. utf-8, gb18030, big5, utf-16)"
        ) from None


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
    """Given body lines, return them grouped by page (form feeds, else indented page starts).

    With form feeds, pages keep their numbers: a page without text is an empty page.
    """
    if any("\f" in line for line in lines):
        pages: list[list[str]] = [[]]
        for line in lines:
            parts = line.split("\f")
            for index, part in enumerate(parts):
                if index:
                    pages.append([])
                pages[-1].append(part)
        # A form feed ends every page, so the text after the last one is no page; a page
        # without text (an image) between two form feeds still is one.
        if len(pages) > 1 and not any(line.strip() for line in pages[-1]):
            pages.pop()
        return pages
    pages = []
    for line in lines:
        if not line.strip():
            continue
        if not pages or line.startswith(_PAGE_START_INDENT):
            pages.append([])
        pages[-1].append(line)
    return pages or [[]]


def to_lines(raw_lines: list[str], page: int) -> list[Line]:
    """Given one page's raw lines, return Line records (bare URIs marked as dumped).

    ``pdftotext -layout`` keeps the page's columns apart with runs of spaces (a header's
    firm at the left and title at the right, two fields of one line, a watermark's glyph
    beside the body): each run of :data:`COLUMN_GAP` spaces or more ends a line.
    """
    lines: list[Line] = []
    for raw in raw_lines:
        for part in _COLUMN_GAP.split(raw.strip()):
            text = part.strip()
            if not text:
                continue
            kind: LineKind = "uri" if _BARE_URI.match(text) else "text"
            lines.append(Line(text=text, page=page, kind=kind))
    return lines


def mark_watermark_fragments(pages: list[Page]) -> list[Page]:
    """Given a dump's pages, return them with a watermark's fragments marked.

    A converter dumps a turned watermark as its glyphs one or two at a time, each on a
    line of its own, the same few on every page. Such a fragment (one or two letters,
    nothing else) found on at least half the pages, and at least
    :data:`MIN_WATERMARK_PAGES` of them, gets the role "watermark" on every page that has
    at least :data:`MIN_WATERMARK_FRAGMENTS` of them; a body line is never so short and
    so repeated.
    """
    on_pages: Counter[str] = Counter()
    for page in pages:
        on_pages.update({line.text for line in page.lines if _FRAGMENT.fullmatch(line.text)})
    needed = max(MIN_WATERMARK_PAGES, (len(pages) + 1) // 2)
    repeated = {text for text, count in on_pages.items() if count >= needed}
    if not repeated:
        return pages
    marked: list[Page] = []
    for page in pages:
        hits = [i for i, line in enumerate(page.lines) if line.text in repeated]
        if len(hits) < MIN_WATERMARK_FRAGMENTS:
            marked.append(page)
            continue
        lines = list(page.lines)
        for i in hits:
            lines[i] = lines[i].with_role(
                "watermark", "a fragment of one or two letters repeated on most pages"
            )
        marked.append(replace(page, lines=lines))
    return marked


def parse_outline(outline_lines: list[str]) -> list[OutlineItem]:
    """Given tab-indented outline lines, return items (level = number of leading tabs)."""
    items: list[OutlineItem] = []
    for raw in outline_lines:
        level = len(raw) - len(raw.lstrip("\t"))
        title = raw.strip()
        if title:
            items.append(OutlineItem(title=title, level=max(level, 1), page=None))
    return items
