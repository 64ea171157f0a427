"""Split a cleaned issue into front matter, numbered entries by section, and back matter.

An entry starts at a number plus a title **and** is followed, within a few title lines, by
one of its field labels; so a table of contents line or a numbered list inside a summary is
never an entry. The number is any of the common forms: digits followed by ``.`` ``．``
``、`` or a closing bracket (``1)``), digits inside any bracket pair (``（1）`` ``【1】``
``[1]``), or one enclosed-number character (``①`` ``⑴`` ``⒈`` ``❶``: Unicode ``No`` with an
integer value). A section heading may carry an ordinal or brackets (``一、`` ``（一）``
``01`` ``Part 1`` ``第一部分`` ``【…】``): the section is the bare name. Sections come from
text headings, else from the outline (bookmarks), else from the numbering restarting at 1,
in the profile's order.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from ..clean.joins import is_url_continuation, join_lines
from ..clean.text import URL_CHARS
from ..model import Document, Line, OutlineItem, RawEntry, Segmented, Warning
from ..profile import Profile

# Loose on purpose ("2.2024世界…"): a line only becomes an entry when fields follow it.
# ASCII or full-width digits: regex's \d knows digits newer than Python's int() does.
# Group 1 is the number as printed (see entry_number), group 2 the title; (?|…) gives every
# form the same group numbers.
_DIGITS_1_3 = r"[0-9０-９]{1,3}"
_ENCLOSED_NUMBER = r"[[\p{No}]--[\p{dt=Super}\p{dt=Sub}\p{dt=Fraction}]]"
NUMBERED = regex.compile(
    rf"^(?|({_DIGITS_1_3})\s*[.．、]|\p{{Ps}}\s*({_DIGITS_1_3})\s*\p{{Pe}}"
    rf"|({_DIGITS_1_3})\s*[)）]|({_ENCLOSED_NUMBER}))\s*(\S.*)$",
    regex.V1,
)
# An ordinal before a section name: digits, Han numerals, Roman numerals (letters or the
# Number Forms), an enclosed number.
_ORDINAL = (
    r"(?:[0-9０-９]{1,2}|[\p{Han}&&\p{nt=Numeric}]{1,3}|[IVXivx]{1,4}|\p{Nl}"
    rf"|{_ENCLOSED_NUMBER})"
)
_HEADING_SEPARATOR = r"[、.．:：\-–—]"


@functools.cache
def _heading_patterns() -> tuple[regex.Pattern[str], regex.Pattern[str], frozenset[str]]:
    """Return the loose and strict heading-prefix patterns and the closing characters.

    Built on first use: the Unicode sets take milliseconds to compile, which a command
    that parses nothing should not pay at import.

    Loose (the name must then match exactly): an ordinal with or without a separator, in
    brackets, after a Latin word ("Part 1") or as "第…" with a counter word ("第一部分");
    then perhaps the opening bracket around the name. Strict, for names not known
    beforehand (outline bookmarks): the ordinal needs brackets, a separator or a space
    after it, or "第" or a Latin word before it. Closing brackets and quotation marks
    (Unicode Pe, Pf) all sit below U+3020 or among the compatibility and full-width forms.
    """
    loose = regex.compile(
        rf"(?:(?:\p{{Ps}}{_ORDINAL}\p{{Pe}}|第{_ORDINAL}\p{{Han}}{{0,2}}"
        rf"|\p{{Latin}}{{1,12}}\.?{_ORDINAL}|{_ORDINAL}){_HEADING_SEPARATOR}?)?\p{{Ps}}?",
        regex.V1,
    )
    strict = regex.compile(
        rf"^(?:\p{{Ps}}{_ORDINAL}\p{{Pe}}{_HEADING_SEPARATOR}?|\p{{Latin}}{{1,12}}\.?\s*{_ORDINAL}"
        rf"\s*{_HEADING_SEPARATOR}?|第{_ORDINAL}\p{{Han}}{{0,2}}?(?:{_HEADING_SEPARATOR}|\s)"
        rf"|{_ORDINAL}(?:{_HEADING_SEPARATOR}|\s))\s*",
        regex.V1,
    )
    closing = frozenset(
        chr(code)
        for code in (*range(0x20, 0x3020), *range(0xFE10, 0xFF70))
        if unicodedata.category(chr(code)) in {"Pe", "Pf"}
    )
    return loose, strict, closing


_NO_SPACE = regex.compile(r"\s+")
_URL_TAIL = regex.compile(rf"{URL_CHARS}+…?")
# Punctuation that ends or splits a sentence: a heading or a label's value has none.
SENTENCE_PUNCT = regex.compile(r"[，。；,;！？!?]")


@dataclass(frozen=True, slots=True)
class EntryStart:
    """Where an entry begins: its line index, number and how many title lines it has."""

    index: int
    number: int
    title_lines: int


def compact(text: str) -> str:
    """Given text, return it with all whitespace removed (for comparisons)."""
    return str(_NO_SPACE.sub("", text))


def starts_with_label(text: str, labels: Sequence[str]) -> bool:
    """Given a line, return True if it opens with one of the labels (colon or alone)."""
    flat = compact(text)
    alone, with_colon = _label_forms(tuple(labels))
    return flat in alone or flat.startswith(with_colon)


@functools.lru_cache(maxsize=64)
def _label_forms(labels: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Given labels, return them as a set and each followed by a full-width or ASCII colon."""
    # Cached: lines are checked against the same few labels again and again.
    return frozenset(labels), tuple(label + colon for label in labels for colon in "：:")


def entry_field_labels(profile: Profile) -> tuple[str, ...]:
    """Given a profile, return the labels that may directly follow an entry's title."""
    return (
        profile.date_labels + profile.source_labels + profile.link_labels + profile.summary_labels
    )


def find_entry_starts(lines: Sequence[Line], profile: Profile) -> list[EntryStart]:
    """Given cleaned lines, return every numbered line that its fields follow."""
    labels = entry_field_labels(profile)
    starts: list[EntryStart] = []
    for index, line in enumerate(lines):
        match = NUMBERED.match(line.text) if line.kind == "text" else None
        if not match or (index and is_url_tail(lines[index - 1].text, line.text)):
            continue
        for offset in range(1, profile.max_title_lines + 1):
            if index + offset >= len(lines):
                break
            following = lines[index + offset]
            if following.kind != "text":
                break
            if starts_with_label(following.text, labels):
                number = entry_number(match.group(1))
                if number is not None:
                    starts.append(EntryStart(index, number, offset))
                break
            if NUMBERED.match(following.text) or is_stop_line(following.text, profile):
                break
    return starts


def entry_number(printed: str) -> int | None:
    """Given NUMBERED's number as printed ("12", "１２", "①", "⑴"), return its value; None
    for an enclosed character whose value is no whole number from 1 to 99."""
    if printed.isdecimal():
        return int(printed)
    value = unicodedata.numeric(printed, -1.0)
    return int(value) if value == int(value) and 1 <= value <= 99 else None


def is_url_tail(previous: str, text: str) -> bool:
    """Given a line and the one before, return True if it is a wrapped URL's tail ("245.html")."""
    return bool(_URL_TAIL.fullmatch(text)) and is_url_continuation(previous, text)


def is_stop_line(text: str, profile: Profile) -> bool:
    """Given a line, return True if no title can run on through it."""
    return section_name(text, profile.sections) is not None or starts_with_label(
        text, profile.back_matter_markers + profile.field_labels
    )


def section_name(text: str, names: Sequence[str]) -> str | None:
    """Given a line, return the section it heads, if any: the bare name, whatever ordinal
    or brackets stand around it ("一、政策速递", "（一）政策速递", "【政策速递】",
    "01 政策速递", "Part 1 政策速递" -> 政策速递)."""
    by_form, last_chars = _names_by_compact_form(tuple(names))
    last = _last_visible(text)
    prefix, _, closing_chars = _heading_patterns()
    # A heading ends as a name ends, or with the bracket closing around it.
    closing = last in closing_chars
    if last_chars is not None and last not in last_chars and not closing:
        return None
    flat = compact(text)
    found = by_form.get(flat)
    if found is not None:
        return found
    core = flat[:-1] if closing else flat
    for form, name in by_form.items():
        if form and core.endswith(form) and prefix.fullmatch(core[: -len(form)]):
            return name
    return None


def bare_heading(title: str) -> str:
    """Given a heading as printed (an outline bookmark), return the name without its
    ordinal and brackets ("一、立法进展", "【规则动向】", "Part 2 行业新闻" -> the name)."""
    text = title.strip()
    bare = _heading_patterns()[1].sub("", text, count=1)
    if (
        len(bare) > 2
        and unicodedata.category(bare[0]) == "Ps"
        and unicodedata.category(bare[-1]) == "Pe"
    ):
        bare = bare[1:-1].strip()
    return bare or text


def _last_visible(text: str) -> str:
    """Given text, return the last character compact() keeps ("" if none)."""
    last = text[-1:]
    # Cleaned lines end in a visible character, so compact() (a regex call) is rarely
    # needed; str.isspace() is true for every character it removes.
    return compact(text)[-1:] if last.isspace() else last


@functools.lru_cache(maxsize=64)
def _names_by_compact_form(
    names: tuple[str, ...],
) -> tuple[dict[str, str], frozenset[str] | None]:
    """Given section names, return them keyed by their space-free form (first name wins)
    and the last characters of those forms (None if a name is blank)."""
    # Cached: every line is checked against the same few names.
    by_form: dict[str, str] = {}
    for name in names:
        by_form.setdefault(compact(name), name)
    last_chars = None if "" in by_form else frozenset(form[-1] for form in by_form)
    return by_form, last_chars


def outline_sections(outline: Sequence[OutlineItem]) -> list[tuple[str, list[str]]]:
    """Given the outline, return its sections in order, each with its entry titles.

    A section bookmark is short, unnumbered and not a sentence; bookmarks that are body
    sentences (junk some producers leave) are skipped.
    """
    sections: list[tuple[str, list[str]]] = []
    for item in outline:
        numbered = NUMBERED.match(item.title)
        if numbered:
            if sections:
                sections[-1][1].append(compact(numbered.group(2)))
            continue
        title = item.title.strip()
        if is_section_bookmark(title):
            sections.append((bare_heading(title), []))
    return [(name, titles) for name, titles in sections if titles] or sections


def is_section_bookmark(title: str) -> bool:
    """Given a bookmark's title, return whether it may name a section: short, and no
    sentence."""
    return len(compact(title)) <= 16 and not SENTENCE_PUNCT.search(title)


def find_back_matter(lines: Sequence[Line], after: int, profile: Profile) -> int:
    """Given lines and the last entry's start, return where the back matter begins."""
    for index in range(after + 1, len(lines)):
        if lines[index].kind == "text" and starts_with_label(
            lines[index].text, profile.back_matter_markers
        ):
            return index
    return len(lines)


def segment(document: Document, profile: Profile) -> Segmented:
    """Given a cleaned document, return its entries, front matter and back matter."""
    lines = document.lines()
    starts = find_entry_starts(lines, profile)
    if not starts:
        return Segmented(front=list(lines), entries=[], back=[])
    back_start = find_back_matter(lines, starts[-1].index, profile)
    names = assign_sections(lines, starts, document.outline, profile)
    entries: list[RawEntry] = []
    warnings: list[Warning] = []
    headings: list[Line] = []
    known = known_names(names, profile)
    for position, start in enumerate(starts):
        end = starts[position + 1].index if position + 1 < len(starts) else back_start
        title_end = start.index + start.title_lines
        body: list[Line] = []
        for line in lines[title_end:end]:
            is_heading = line.kind == "text" and section_name(line.text, known) is not None
            (headings if is_heading else body).append(line)
        title_lines = list(lines[start.index : title_end])
        entries.append(RawEntry(names[position], start.number, title_lines, body))
    warnings.extend(numbering_gaps(entries))
    return Segmented(
        front=list(lines[: starts[0].index]),
        entries=entries,
        back=list(lines[back_start:]),
        warnings=warnings,
        headings=headings,
    )


def known_names(names: Sequence[str], profile: Profile) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*profile.sections, *names]))


def assign_sections(
    lines: Sequence[Line],
    starts: Sequence[EntryStart],
    outline: Sequence[OutlineItem],
    profile: Profile,
) -> list[str]:
    """Given entry starts, return each entry's section name.

    A new section begins at a text heading or where the numbering does not go up. Its name
    is the heading's; else the outline section listing its first entry; else the next
    name in the outline's (or profile's) order.
    """
    from_outline = outline_sections(outline)
    order = [name for name, _ in from_outline] or list(profile.sections)
    known = tuple(dict.fromkeys([*profile.sections, *order]))
    headings = headings_before(lines, starts, known)
    names: list[str] = []
    current: str | None = None
    previous_number = 0
    for position, start in enumerate(starts):
        heading = headings[position]
        if heading is not None or start.number <= previous_number or current is None:
            title = compact(numbered_title(lines[start.index].text))
            current = (
                heading
                or _outline_section_of(title, from_outline)
                or _next_name(order, current, names)
            )
        names.append(current)
        previous_number = start.number
    return names


def numbered_title(text: str) -> str:
    """Given a numbered line ("1. 标题"), return it without its number."""
    match = NUMBERED.match(text)
    return match.group(2) if match else text


def headings_before(
    lines: Sequence[Line], starts: Sequence[EntryStart], names: Sequence[str]
) -> list[str | None]:
    """Given entry starts in line order, return for each the section heading printed just
    before it.

    A heading only counts when no other numbered line (a table of contents, a list)
    stands between it and the entry.
    """
    result: list[str | None] = []
    pending: str | None = None
    position = 0
    for index, line in enumerate(lines):
        if position < len(starts) and index == starts[position].index:
            result.append(pending)
            pending = None
            position += 1
            continue
        if line.kind != "text":
            continue
        name = section_name(line.text, names)
        if name is not None:
            pending = name
        elif NUMBERED.match(line.text):  # starts were taken by the branch above
            pending = None
    return result


def _outline_section_of(title: str, sections: Sequence[tuple[str, list[str]]]) -> str | None:
    for name, titles in sections:
        if title and title in titles:
            return name
    return None


def _next_name(order: Sequence[str], current: str | None, used: Sequence[str]) -> str:
    if current is None:
        return order[0]
    if current in order:
        index = order.index(current) + 1
        if index < len(order):
            return order[index]
    return f"section {len(set(used)) + 1}"


def numbering_gaps(entries: Sequence[RawEntry]) -> list[Warning]:
    """Given entries in order, return a warning for every gap or repeat in a section's numbering."""
    warnings: list[Warning] = []
    expected: dict[str, int] = {}
    for entry in entries:
        want = expected.get(entry.section, 1)
        if entry.number != want:
            page = entry.title_lines[0].page
            warnings.append(
                Warning(
                    "numbering-gap",
                    f"{entry.section}: expected entry {want}, found {entry.number}",
                    page,
                )
            )
        expected[entry.section] = entry.number + 1
    return warnings


def entry_title(entry: RawEntry) -> str:
    """Given a raw entry, return its title with wrapped lines joined and number removed."""
    texts = [line.text for line in entry.title_lines]
    texts[0] = numbered_title(texts[0])
    return join_lines(texts)
