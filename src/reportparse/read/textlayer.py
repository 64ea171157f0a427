"""Tell a text layer whose glyphs have no Unicode mapping (fonts without ToUnicode).

A PDF font maps its glyph codes to characters through its /ToUnicode map or, for simple
fonts, through an encoding with glyph names. Subset fonts that number their glyphs 1, 2,
3... and carry neither leave the text layer without characters: the page shows text, but
no reader can say which. What each engine gives for such a glyph (measured on
``tests/fixtures/broken/no-tounicode.pdf``, see ``tests/fixtures/no_tounicode.py``):

* pdfminer / pdfplumber: the text ``(cid:N)`` (N the glyph code), one char per glyph,
  font name kept. 93-100% of the glyphs of each page.
* PDFium: the raw code as a code point (U+0001... for small codes, Latin-1 letters above
  U+001F), and ``FPDFText_HasUnicodeMapError`` is 1 for the char: 92-100% of each page.
  The text alone cannot tell code U+0041 from a real "A", so for PDFium the flag is what
  counts (:func:`pdfium_page_mapping`).

Both engines miss the codes that happen to have a name in the standard encoding (they
come out as wrong Latin letters, unflagged), so the share found is a lower bound.

:func:`page_mapping` counts one page's glyphs and the unmapped ones among them (both
engines count only on a page :func:`looks_unmapped`: a page of mapped text costs one
scan); :func:`document_message` and :func:`page_warnings` word what to tell the user.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .glyphs import Char

# pdfminer's text for a glyph it has no character for.
CID_TEXT = re.compile(r"\(cid:\d+\)")
# A page whose share of unmapped glyphs reaches this gets a warning; a document whose
# share (over all its glyphs) reaches UNREADABLE_SHARE cannot be parsed at all.
PAGE_WARNING_SHARE = 0.10
UNREADABLE_SHARE = 0.50
_TEXT = attrgetter("text")
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
_MAX_FONTS_NAMED = 3


class Glyph(Protocol):
    """What is needed of a char: :class:`reportparse.read.glyphs.Char` has both."""

    @property
    def text(self) -> str: ...

    @property
    def fontname(self) -> str: ...


@dataclass(frozen=True, slots=True)
class PageMapping:
    """One page: its glyphs (whitespace left out) and how many have no Unicode mapping,
    and the fonts of those, most used first (subset tags removed)."""

    page: int
    glyphs: int
    unmapped: int
    fonts: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        return self.unmapped / self.glyphs if self.glyphs else 0.0


def is_unmapped(text: str) -> bool:
    """Given one glyph's text as pdfminer gives it, return whether the glyph has no
    Unicode mapping: ``(cid:N)``, or U+FFFD, or a control character (a raw code below
    U+0020 other than whitespace, as PDFium passes codes on)."""
    if len(text) != 1:
        return CID_TEXT.fullmatch(text) is not None
    return text == "\ufffd" or (text < " " and not text.isspace()) or "\x7f" <= text <= "\x9f"


# A page's text is searched for any glyph that may be unmapped (is_unmapped's cases);
# only such pages are counted glyph by glyph. A lone character class is searched with
# sre's fast scan, twice as fast as an alternation with CID_TEXT.
_MAYBE_UNMAPPED_CHAR = re.compile(r"[\ufffd\x00-\x08\x0e-\x1f\x7f-\x9f]")


def looks_unmapped(chars: Iterable[Char] | str) -> bool:
    """Given a page's chars (or its whole text), return whether any of them may have no
    Unicode mapping."""
    # One C-level join and one search: this runs on every page of every file.
    text = chars if isinstance(chars, str) else "".join(map(_TEXT, chars))
    if "(cid:" in text and CID_TEXT.search(text) is not None:
        return True
    return _MAYBE_UNMAPPED_CHAR.search(text) is not None


def _font(name: str) -> str:
    return _SUBSET_TAG.sub("", name)


def page_mapping(number: int, chars: Iterable[Glyph]) -> PageMapping:
    """Given a page number and its chars, return the page's counts, a char counting as
    unmapped by its text (:func:`is_unmapped`); the pdfium engine asks PDFium's own flags
    instead (:func:`pdfium_page_mapping`)."""
    glyphs = 0
    fonts: Counter[str] = Counter()
    for char in chars:
        text = char.text
        if text.isspace():
            continue
        glyphs += 1
        if is_unmapped(text):
            fonts[_font(char.fontname)] += 1
    named = tuple(name for name, _ in fonts.most_common())
    return PageMapping(number, glyphs, sum(fonts.values()), named)


def pdfium_page_mapping(textpage: Any, number: int) -> PageMapping:
    """Given a pypdfium2 text page (``PdfTextPage`` or its raw handle) and its page
    number, return the page's counts from ``FPDFText_HasUnicodeMapError``.

    Spaces and line breaks PDFium generated are left out, as the engine leaves them out.
    """
    import ctypes

    import pypdfium2.raw as pdfium_c

    handle = getattr(textpage, "raw", textpage)
    count = pdfium_c.FPDFText_CountChars(handle)
    glyphs = 0
    fonts: Counter[str] = Counter()
    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    for index in range(max(count, 0)):
        if pdfium_c.FPDFText_IsGenerated(handle, index) == 1:
            continue
        unmapped = pdfium_c.FPDFText_HasUnicodeMapError(handle, index) == 1
        if not unmapped and chr(pdfium_c.FPDFText_GetUnicode(handle, index)).isspace():
            continue
        glyphs += 1
        if unmapped:
            size = pdfium_c.FPDFText_GetFontInfo(handle, index, buffer, len(buffer), flags)
            raw = buffer.raw[: max(size - 1, 0)] if 0 < size <= len(buffer) else b""
            fonts[_font(raw.decode("utf-8", "replace"))] += 1
    named = tuple(name for name, _ in fonts.most_common())
    return PageMapping(number, glyphs, sum(fonts.values()), named)


def total_share(pages: Sequence[PageMapping]) -> float:
    """Given the pages' counts, return the share of unmapped glyphs over all of them."""
    glyphs = sum(page.glyphs for page in pages)
    return sum(page.unmapped for page in pages) / glyphs if glyphs else 0.0


def _percent(share: float) -> str:
    # Never "0%" or "100%" for a share that is neither.
    value = round(share * 100)
    if share > 0:
        value = max(value, 1)
    if share < 1:
        value = min(value, 99)
    return f"{value}%"


def _fonts(pages: Iterable[PageMapping]) -> str:
    names: list[str] = []
    for page in pages:
        names += [name for name in page.fonts if name not in names]
    shown = ", ".join(names[:_MAX_FONTS_NAMED]) + (", ..." if len(names) > _MAX_FONTS_NAMED else "")
    return f"fonts without ToUnicode: {shown}" if shown else "fonts without ToUnicode"


def document_message(pages: Sequence[PageMapping], *, nothing_found: bool = False) -> str | None:
    """Given the pages' counts, return the error message when the text layer as a whole
    cannot be read, else None (then :func:`page_warnings` tells about single pages).

    It cannot be read when every page with glyphs has PAGE_WARNING_SHARE or more of them
    unmapped and UNREADABLE_SHARE or more over all; or, when the parse found nothing
    (``nothing_found``), as soon as any page has, since that is the likelier cause.
    """
    share = total_share(pages)
    with_glyphs = [page for page in pages if page.glyphs]
    hit = [page for page in with_glyphs if page.share >= PAGE_WARNING_SHARE]
    if not hit:
        return None
    if not nothing_found and (len(hit) < len(with_glyphs) or share < UNREADABLE_SHARE):
        return None
    return (
        f"the text layer has no Unicode mapping for {_percent(share)} of its characters "
        f"({_fonts(hit)}), so its text cannot be read; run OCR on it first "
        "(for example with ocrmypdf)"
    )


def page_warnings(pages: Sequence[PageMapping]) -> list[tuple[int, str]]:
    """Given the pages' counts, return (page, message) for each page with
    PAGE_WARNING_SHARE or more of its glyphs unmapped."""
    return [
        (
            page.page,
            f"no Unicode mapping for {_percent(page.share)} of its "
            f"characters ({_fonts([page])}); its text is missing from the output; "
            "run OCR on the page to read it",
        )
        for page in pages
        if page.glyphs and page.share >= PAGE_WARNING_SHARE
    ]
