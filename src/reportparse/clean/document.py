"""The clean layer's order of rules over a whole document."""

from __future__ import annotations

from dataclasses import replace

from ..model import Document, Line, Page
from ..profile import Profile
from .running import mark_running_lines
from .text import (
    _GLYPH_STAND_IN,
    URL_RE,
    clean_line,
    is_glyph_run,
    list_item_glyph,
    normalize_glyphs,
    strip_bullet,
)


def clean_document(document: Document, profile: Profile) -> Document:
    """Given a document as read, return it with every line cleaned, and running lines, page
    numbers and lines of nothing but glyph junk marked with the role that drops them."""
    # Glyph stand-ins first: labels and headers must read as themselves to be matched.
    unified = replace(document, pages=[_glyphs_normalized(page) for page in document.pages])
    marked = mark_running_lines(unified, profile)
    return replace(marked, pages=[_cleaned(page) for page in marked.pages])


def _cleaned(page: Page) -> Page:
    """Given a page with its running lines marked, return it with the other lines cleaned."""
    cleaned = [_clean_or_mark(line) for line in page.lines]
    return replace(page, lines=_positional_bullets(page.lines, cleaned))


def _positional_bullets(raw: list[Line], lines: list[Line]) -> list[Line]:
    """Given a page's lines as read and cleaned, return the cleaned ones with the bullets
    that only their position tells (a dash or dot is a bullet only where a list puts it):

    - a line of nothing but such glyphs right before a URL line (a converter may print a
      list's bullet on a line of its own) gets the role bullet, the URL line the flag;
    - a dash or dot and a space opening two or more lines of the page at the same indent
      (a list) is taken off those lines, which get the flag. A dash before a number is a
      sign, never a bullet.
    """
    listed: dict[tuple[str, float | None], list[int]] = {}
    for index, line in enumerate(lines):
        # Most lines start with a letter, an ideograph or a digit: test that first.
        if line.text[:1].isalnum() or line.dropped or line.kind != "text":
            continue
        if is_glyph_run(line.text):
            following = next(
                (i for i in range(index + 1, len(lines)) if not lines[i].dropped), None
            )
            if following is not None and URL_RE.match(lines[following].text):
                lines[index] = line.with_role(
                    "bullet", "a bullet glyph on its own line before a URL"
                )
                lines[following] = lines[following].with_text(lines[following].text, bullet=True)
        elif (item := list_item_glyph(raw[index].text.strip())) is not None:
            indent = round(line.x0) if line.x0 is not None else None
            listed.setdefault((item, indent), []).append(index)
    for (glyph, _), indices in listed.items():
        if len(indices) < 2:
            continue
        for index in indices:
            rest = lines[index].text[len(glyph) :].lstrip()
            lines[index] = lines[index].with_text(rest, bullet=True)
    return lines


def _clean_or_mark(line: Line) -> Line:
    """Given a line, return it cleaned; a line that cleans to nothing keeps its text and
    gets the role that drops it."""
    if line.dropped:
        return line
    cleaned = clean_line(line)
    if cleaned.text:
        return cleaned
    if strip_bullet(line.text)[1]:
        return line.with_role("bullet", "a bullet glyph alone on its line")
    return line.with_role("blank", "nothing left once spaces and glyph junk are removed")


def _glyphs_normalized(page: Page) -> Page:
    """Given a page as read, return it with glyph stand-ins normalized (itself if it has none)."""
    # One look at the whole page: most pages have no stand-in. Sharing unchanged lines is
    # safe, as clean_line copies every line it keeps.
    if not _GLYPH_STAND_IN.search("".join(line.text for line in page.lines)):
        return page
    lines = [line.with_text(normalize_glyphs(line.text)) for line in page.lines]
    return replace(page, lines=lines)
