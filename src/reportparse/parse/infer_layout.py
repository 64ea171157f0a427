"""Zero-config inference, the issue's layout: section names (from the outline or the
headings before each run of entries) and the back matter (its heading, the labels of the
names it lists, the words before the firm's name). :mod:`.infer` runs these steps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from ..clean.text import URL_RE
from ..model import Document, Line, OutlineItem
from ..profile import Profile
from .entry_fields import _NAME_SPLIT
from .infer_labels import _NAME, Title, _is_prose, _short_heading, entry_number, label_of
from .segment import SENTENCE_PUNCT, bare_heading, compact, is_section_bookmark


def heading_name(text: str) -> str:
    """Given a section heading ("一、立法进展", "【规则动向】", "01 观察"), return its name."""
    return compact(bare_heading(text))


def _is_decorated(text: str) -> bool:
    """Given a line, return True if brackets or an ordinal mark it as a heading."""
    return heading_name(text) != compact(text)


def outline_names(outline: Sequence[OutlineItem]) -> list[str]:
    """Given the outline, return the section names its top level holds over entry titles."""
    levels = [item.level for item in outline if entry_number(item.title) is not None]
    if not levels:
        return []
    entry_level = min(levels)
    names = [
        heading_name(item.title)
        for item in outline
        if item.level < entry_level
        and entry_number(item.title) is None
        and is_section_bookmark(item.title)
    ]
    return list(dict.fromkeys(name for name in names if name))


def _line_before(lines: Sequence[Line], index: int) -> Line | None:
    """Given the lines and an index, return the nearest text line before it (a running
    line too: a heading at the top of a page that the table of contents repeats is taken
    for one)."""
    for line in reversed(lines[:index]):
        if line.kind == "text" and len(compact(line.text)) > 1:  # not a stray glyph
            return line
    return None


def heading_names(lines: Sequence[Line], titles: Sequence[Title]) -> list[str | None]:
    """Given the lines and the titles, return for each run of entries (a new run where the
    numbering does not go up) the heading printed just before it, or None.

    A heading is a short line without sentence punctuation, marked by brackets, an ordinal,
    a larger size or bold type. Plain short lines of words count too when every run has
    one and they all differ (a text dump has no sizes).
    """
    sizes = sorted(line.size for line in lines if line.size and not line.dropped)
    body = sizes[len(sizes) // 2] if sizes else None
    marked: list[str | None] = []
    plain: list[str | None] = []
    previous = 0
    for title in titles:
        if title.number > previous and marked:
            previous = title.number
            continue
        previous = title.number
        line = _line_before(lines, title.index)
        flat = compact(line.text) if line is not None else ""
        if line is None or label_of(flat) or URL_RE.search(flat) or SENTENCE_PUNCT.search(flat):
            marked.append(None)
            plain.append(None)
            continue
        larger = bool(body and line.size and line.size > body + 0.5) or line.bold
        is_marked = len(flat) <= 16 and (_is_decorated(line.text) or larger)
        marked.append(heading_name(line.text) if is_marked else None)
        plain.append(flat if _short_heading(line.text) else None)
    names = [m or p for m, p in zip(marked, plain, strict=True)]
    if all(names) and len(set(names)) == len(names):
        return names
    return marked


def section_names(document: Document, lines: Sequence[Line], titles: Sequence[Title]) -> list[str]:
    """Given the document, its lines and titles, return the section names in print order:
    the outline's, else the headings before each run of entries, "section N" where none."""
    runs = heading_names(lines, titles)
    from_outline = outline_names(document.outline)
    if from_outline and len(from_outline) >= len(runs):
        return from_outline
    names = [name or f"section {position}" for position, name in enumerate(runs, 1)]
    return list(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class BackMatter:
    """What opens the back matter, and the labels of the people it names."""

    heading: str | None
    name_labels: tuple[str, ...]


def back_matter(
    lines: Sequence[Line], last: Sequence[Line], fields: Sequence[str], commentary: Sequence[str]
) -> BackMatter:
    """Given the lines, the lines after the last title, its field labels and the commentary
    headings, return the back matter's heading and its name labels: after the last entry's
    fields, a short heading followed by prose or by labelled names."""
    start = 0
    for position, line in enumerate(last):
        found = label_of(line.text)
        if found and found[0] in fields:
            start = position + 1
    tail = [line for line in last[start:] if not line.dropped]
    name_labels: list[str] = []
    first_names: int | None = None
    for position, line in enumerate(tail):
        found = label_of(line.text)
        if not found or found[0] in fields:
            continue
        names = [name for name in _NAME_SPLIT.split(found[1]) if name]
        if names and all(_NAME.match(name) for name in names):
            name_labels.append(found[0])
            first_names = position if first_names is None else first_names
    heading: str | None = None
    for position, line in enumerate(tail):
        if first_names is not None and position >= first_names:
            break
        candidate = _short_heading(line.text, longest=8)
        if candidate is None or candidate in commentary or URL_RE.search(line.text):
            continue
        after = tail[position + 1 : position + 4]
        next_label = label_of(after[0].text) if after else None
        if _is_prose(" ".join(other.text for other in after)) or (
            next_label is not None and next_label[0] in name_labels
        ):
            heading = candidate
            break
    return BackMatter(heading, tuple(dict.fromkeys(name_labels)))


def publisher_prefixes(
    document: Document, back: Sequence[Line], profile: Profile
) -> tuple[str, ...]:
    """Given the document, its back matter and the base profile, return the words a sentence
    puts before the firm's name: what precedes the name the cover prints on its own line."""
    pattern = regex.compile(profile.publisher_pattern)
    firm: str | None = None
    for line in document.lines():
        match = pattern.fullmatch(compact(line.text))
        if match and (firm is None or len(match.group(0)) < len(firm)):
            firm = match.group(0)
    found = list(profile.publisher_prefixes)
    if firm is None:
        return tuple(found)
    for line in back:
        for match in pattern.finditer(compact(line.text)):
            text = match.group(0)
            if text.endswith(firm) and 1 <= len(text) - len(firm) <= 6:
                prefix = text[: -len(firm)]
                if prefix not in found:
                    found.insert(0, prefix)
    return tuple(found)
