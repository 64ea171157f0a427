"""Running headers, footers and page numbers: lines repeated where running lines sit."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from operator import attrgetter

from ..model import DROPPED_ROLES, Document, Page, Role
from ..profile import Profile
from .text import _DIGITS, _LETTER, _NUMBER_PREFIX, _SPACES, PAGE_NUMBER_RE, URL_RE

_ROLE = attrgetter("role")

# --------------------------------------------------------------------------- running lines

_PERIOD_ONLY = re.compile(r"(?:19|20)\d\d(?:年|[.．/／-])\d{1,2}月?")


def running_key(text: str) -> str:
    """Given a line, return the form compared across pages: no spaces, digits masked."""
    return str(_DIGITS.sub("#", _SPACES.sub("", text)))


def is_page_number(text: str) -> bool:
    """Given a line, return True if it is only a page number ("12", "- 12 -", "第12页")."""
    return bool(PAGE_NUMBER_RE.match(text.strip()))


def _edge_indices(page: Page, depth: int = 3) -> list[int]:
    """Given a page, return the indices of its first and last ``depth`` lines still kept
    (a watermark the reader already marked neither runs nor hides the page's edge)."""
    count = len(page.lines)
    if DROPPED_ROLES.isdisjoint(map(_ROLE, page.lines)):  # most pages: one C-level pass
        return sorted({*range(min(depth, count)), *range(max(count - depth, 0), count)})
    kept = [i for i, line in enumerate(page.lines) if not line.dropped]
    return sorted(set(kept[:depth] + kept[-depth:]))


def _looks_like_content(text: str, profile: Profile) -> bool:
    """Given a line, return True if it is a field, entry start, URL or heading, never running.

    A running line names something (at least four letters) and is not a sentence's tail;
    a wrapped title's last line like "（2024-2026年）》" repeats too but is content.
    """
    compact = _SPACES.sub("", text)
    if not compact or URL_RE.search(compact) or compact[-1] in "。，；！？,;":
        return True
    if len(_LETTER.findall(compact)) < 4:
        # A line of nothing but the month ("2025年3月") is a footer's left part
        # when it repeats; other short lines are a title's or sentence's tail.
        return not _PERIOD_ONLY.fullmatch(compact)
    if compact in profile.sections:
        return True
    if any(compact.startswith(label) for label in profile.field_labels):
        return True
    if profile.is_commentary_heading(compact):
        return True  # repeats on every page that has a commentary, in any position
    return bool(_NUMBER_PREFIX.match(compact))


def find_running_keys(document: Document, profile: Profile) -> set[str]:
    """Given a document, return the keys of lines repeated across pages as header/footer.

    A running line repeats (digits masked) on at least two pages and is not content. In
    PDFs it must sit among a page's first or last lines; text dumps print footers where
    they please, so there it only has to be short, and as a dump's page breaks may be
    missing (one "page" for the whole issue), every repetition counts.
    """
    places: dict[str, set[tuple[int, int]]] = {}
    # Running lines repeat, so most candidates' texts were judged on an earlier page.
    judged: dict[str, str | None] = {}
    for page in document.pages:
        if document.kind == "pdf":
            candidates = [(0, page.lines[i]) for i in _edge_indices(page)]
        else:
            candidates = [(i, line) for i, line in enumerate(page.lines) if len(line.text) <= 60]
        for index, line in candidates:
            if line.kind != "text" or line.dropped:
                continue
            if line.text not in judged:
                judged[line.text] = _candidate_key(line.text, profile)
            key = judged[line.text]
            if key is not None:
                places.setdefault(key, set()).add((page.number, index))
    # A header must repeat at least twice and, in long PDFs, on a fair share of the pages
    # read (a sentence that happens to repeat twice in 60 pages is not a header).
    needed = max(2, len(document.pages) // 10) if document.kind == "pdf" else 2
    return {key for key, found in places.items() if len(found) >= needed}


def _candidate_key(text: str, profile: Profile) -> str | None:
    """Given a line where running lines sit, return its running key; None if it is a page
    number or content."""
    if is_page_number(text) or _looks_like_content(text, profile):
        return None
    return running_key(text)


def mark_running_lines(document: Document, profile: Profile) -> Document:
    """Given a document, return it with running headers/footers and page numbers marked
    with their role (they stay in their pages; later layers skip them)."""
    keys = find_running_keys(document, profile)
    may_run = _running_hint(keys)
    running: list[str] = []
    pages: list[Page] = []
    for page in document.pages:
        found = {
            i
            for i, line in enumerate(page.lines)
            if line.kind == "text"
            and may_run(line.text)
            and running_key(line.text) in keys
            and not line.dropped
        }
        running.extend(page.lines[i].text for i in sorted(found))
        numbers = _page_number_indices(page, found, document.kind) - found
        if not found and not numbers:
            pages.append(page)
            continue
        lines = list(page.lines)
        for i in found:
            role: Role = "running-header" if _in_upper_half(page, i) else "running-footer"
            lines[i] = lines[i].with_role(role, "repeats on other pages where running lines sit")
        for i in numbers:
            lines[i] = lines[i].with_role("page-number", "a page number at the page's edge")
        pages.append(replace(page, lines=lines))
    pages = calibrate_dump_pages(pages) if document.kind == "text" else pages
    return replace(document, pages=pages, running=_unique(running))


def _in_upper_half(page: Page, index: int) -> bool:
    """Given a page and a line's index, return True if the line sits in the page's top half."""
    line = page.lines[index]
    if line.top is not None and line.bottom is not None and page.height:
        return line.top + line.bottom < page.height
    return 2 * index < len(page.lines)


def _running_hint(keys: set[str]) -> Callable[[str], object]:
    """Given running keys, return a quick test that every line with one of them passes."""
    # A key keeps every character of its line but spaces and digits (masked as "#"), so
    # its line shows the key's first other character; most lines show none and skip
    # running_key, which costs more.
    if not keys:
        return lambda text: False
    firsts = [key.replace("#", "")[:1] for key in keys]
    if "" in firsts:
        return lambda text: True
    return re.compile("[" + "".join(re.escape(char) for char in set(firsts)) + "]").search


def _page_number_indices(page: Page, running: set[int], kind: str) -> set[int]:
    """Given a page and its running lines, return the indices of page-number lines."""
    edges = set(_edge_indices(page, depth=2)) if kind == "pdf" else {0, len(page.lines) - 1}
    # Only lines at the edges or next to a running line can be page numbers: look at those.
    near_running = {i + step for i in running for step in (-1, 1)}
    return {
        i
        for i in edges | near_running
        if 0 <= i < len(page.lines)
        and page.lines[i].kind == "text"
        and not page.lines[i].dropped
        and is_page_number(page.lines[i].text)
    }


def calibrate_dump_pages(pages: list[Page]) -> list[Page]:
    """Given a dump's pages, return them renumbered by the page numbers its footers print.

    A dump's own page breaks are guesses; a footer's page number is the publisher's word.
    Only used when the printed numbers agree with one constant offset.
    """
    offsets: Counter[int] = Counter()
    for page in pages:
        for line in page.lines:
            if line.dropped and line.text.isdigit():
                offsets[int(line.text) - page.number] += 1
    if len(offsets) != 1:
        return pages
    offset = next(iter(offsets))
    if offset == 0:
        return pages
    return [
        replace(
            page,
            number=page.number + offset,
            lines=[replace(line, page=line.page + offset) for line in page.lines],
        )
        for page in pages
    ]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
