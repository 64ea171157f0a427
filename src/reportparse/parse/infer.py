"""Zero-config: work out an unknown newsletter's vocabulary (a :class:`Profile`) from one issue.

A small pipeline, each step a function "given …, return …":

    lines to read ─► numbered titles ─► the labels repeating after most of them
    ─► what each label holds, by its values (a date, URLs, a short name, long prose)
    ─► commentary headings (a short line repeated after summaries)
    ─► sections (outline, headings before the numbering restarts, else the restarts alone)
    ─► back matter (after the last entry: a short heading, a disclaimer, labelled names)
    ─► publisher prefixes ─► Profile

Everything is decided by repetition, position and what values look like; no list of words
(the only vocabulary is the base profile's own, e.g. its publisher pattern).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import regex

from ..clean.text import URL_RE
from ..model import Document, Line, OutlineItem
from ..profile import DEFAULT_PROFILE, Profile
from .entry_fields import _NAME_SPLIT, parse_date
from .segment import NUMBERED, bare_heading, compact, is_url_tail
from .segment import entry_number as number_value

INFERRED_NAME = "inferred"

# Roles whose lines hold no words of the issue (running lines may: see readable_lines).
_NOT_WORDS = frozenset({"page-number", "bullet", "blank", "watermark"})
_LABEL = regex.compile(r"^(?P<label>\p{Han}{2,6})[：:](?P<rest>.*)$")
# A further label on a field line, after a separator or right after a value that does not
# end in Han ("… | 来源：…", "…  来源：…", "2024.11.20来源：…").
_MORE_LABELS = regex.compile(
    r"(?:\s+|\s*[|｜丨/;；]\s*|(?<=[^\p{Han}\s：:]))(\p{Han}{2,6})\s*[：:]"
)
_SENTENCE = regex.compile(r"[，。；！？,;!?]")
_WORD_ONLY = regex.compile(r"^[\p{L}\p{N}]+$")
_NAME = regex.compile(r"^\p{Han}{2,4}$")
_TITLE_LOOKAHEAD = 5  # lines after a numbered line in which its first label must appear
_VALUE_LINES = 12  # lines after an empty label read as its value
_PROSE = 40  # characters of running text that make a value prose


@dataclass(frozen=True, slots=True)
class Title:
    """A numbered line that a field label follows: where it is and its number."""

    index: int
    number: int


@dataclass(frozen=True, slots=True)
class Inference:
    """The inferred profile and what was inferred, in words, for the warning."""

    profile: Profile
    found: tuple[str, ...] = field(default=())

    def message(self) -> str:
        """Return the warning text: what was inferred and how to pin it down."""
        return (
            "no profile given and the built-in one does not fit; inferred from the issue: "
            + "; ".join(self.found)
            + ". Save `reportparse profile infer FILE` as a profile file to check and keep it"
        )


# --------------------------------------------------------------------------- the steps


def readable_lines(document: Document) -> list[Line]:
    """Given a cleaned document, return its lines that hold words.

    A line taken for a running header or footer is read as content when kept lines stand
    both before and after it on its page: with the built-in profile, lines the issue
    repeats (a field line at the same place on several pages, a commentary heading, a
    section name also listed in the table of contents) can be taken for running lines
    until their words are known.
    """
    lines: list[Line] = []
    for page in document.pages:
        kept = [i for i, line in enumerate(page.lines) if not line.dropped]
        first, last = (kept[0], kept[-1]) if kept else (0, -1)
        for position, line in enumerate(page.lines):
            if line.role in _NOT_WORDS:
                continue
            if line.dropped and first < position < last:
                line = line.with_role("content", "a repeated line inside the page")
            lines.append(line)
    return lines


def entry_number(text: str) -> int | None:
    """Given a line, return the entry number it starts with ("1." "1、" "（1）" "【1】" "①"),
    or None."""
    match = NUMBERED.match(text.strip())
    return number_value(match.group(1)) if match else None


def label_of(text: str) -> tuple[str, str] | None:
    """Given a line, return its short label and the text after the colon ("出处：X" ->
    ("出处", "X")), or None."""
    match = _LABEL.match(compact(text))
    return (match.group("label"), match.group("rest")) if match else None


def numbered_titles(lines: Sequence[Line]) -> list[Title]:
    """Given the lines, return the numbered lines a label follows within a few lines."""
    titles: list[Title] = []
    for index, line in enumerate(lines):
        if line.kind != "text" or line.dropped:
            continue
        number = entry_number(line.text)
        if number is None or (index and is_url_tail(lines[index - 1].text, line.text)):
            continue
        for following in lines[index + 1 : index + 1 + _TITLE_LOOKAHEAD]:
            if (
                following.kind == "text"
                and not following.dropped
                and (entry_number(following.text) is not None)
            ):
                break
            if label_of(following.text):
                titles.append(Title(index, number))
                break
    return titles


def windows(lines: Sequence[Line], titles: Sequence[Title]) -> list[Sequence[Line]]:
    """Given the lines and the titles, return the lines after each title up to the next."""
    ends = [title.index for title in titles[1:]] + [len(lines)]
    return [lines[title.index + 1 : end] for title, end in zip(titles, ends, strict=True)]


def line_labels(text: str) -> list[tuple[str, str]]:
    """Given a line, return every label on it with its value: the label it starts with, and
    labels after a separator further on ("日期：2025-03-12 | 出处：某报" -> both)."""
    head = label_of(text)
    if head is None:
        return []
    cuts = list(_MORE_LABELS.finditer(text))
    if not cuts:
        return [head]
    first = label_of(text[: cuts[0].start()])
    found = [(head[0], first[1] if first else head[1])]
    for position, cut in enumerate(cuts):
        end = cuts[position + 1].start() if position + 1 < len(cuts) else len(text)
        found.append((cut.group(1), compact(text[cut.end() : end])))
    return found


def frequent_labels(spans: Sequence[Sequence[Line]]) -> list[str]:
    """Given the lines after each title, return the labels of lines after most titles (at
    least half and twice), in the order they first appear."""
    counts: Counter[str] = Counter()
    order: dict[str, int] = {}
    for span in spans:
        seen: set[str] = set()
        for line in span:
            for label, _ in line_labels(line.text):
                if label not in seen:
                    seen.add(label)
                    order.setdefault(label, len(order))
        counts.update(seen)
    needed = max(2, math.ceil(len(spans) / 2))
    return sorted((label for label, n in counts.items() if n >= needed), key=order.__getitem__)


def label_values(spans: Sequence[Sequence[Line]], label: str) -> list[tuple[str, list[str]]]:
    """Given the lines after each title and a label, return each value it has: the text
    after it on its line and, for the label a line starts with, the lines after it up to
    the next label line."""
    values: list[tuple[str, list[str]]] = []
    for span in spans:
        for position, line in enumerate(span):
            found = line_labels(line.text)
            value = next((rest for name, rest in found if name == label), None)
            if value is None:
                continue
            following: list[str] = []
            if found[0][0] == label:
                for after in span[position + 1 : position + 1 + _VALUE_LINES]:
                    if label_of(after.text) or entry_number(after.text) is not None:
                        break
                    following.append(after.text)
            values.append((value, following))
            break
    return values


def _is_prose(text: str) -> bool:
    return len(compact(text)) >= _PROSE and _SENTENCE.search(text) is not None


def label_kind(values: Sequence[tuple[str, list[str]]]) -> str | None:
    """Given a label's values, return what it labels: "date", "link", "summary", "source"
    (a short name), or None when the values agree on nothing."""
    if not values:
        return None
    votes: Counter[str] = Counter()
    for inline, following in values:
        first = inline or (following[0] if following else "")
        if URL_RE.search(first):  # before dates: a URL may hold one
            votes["link"] += 1
        elif parse_date(first):
            votes["date"] += 1
        elif _is_prose(inline) or (not inline and _is_prose("".join(following[:3]))):
            votes["summary"] += 1
        elif inline and len(compact(inline)) <= _PROSE and not _SENTENCE.search(inline):
            votes["source"] += 1
    kind, count = votes.most_common(1)[0] if votes else ("", 0)
    return kind if count * 2 >= len(values) else None


def classify_labels(spans: Sequence[Sequence[Line]], labels: Sequence[str]) -> dict[str, list[str]]:
    """Given the lines after each title and the frequent labels, return them by kind."""
    kinds: dict[str, list[str]] = {}
    for label in labels:
        kind = label_kind(label_values(spans, label))
        if kind is not None:
            kinds.setdefault(kind, []).append(label)
    return kinds


def _short_heading(text: str, longest: int = 10) -> str | None:
    """Given a line, return its space-free text if it is a short line of words only."""
    flat = compact(text)
    if 2 <= len(flat) <= longest and _WORD_ONLY.match(flat) and regex.search(r"\p{Han}", flat):
        return flat
    return None


def commentary_headings(spans: Sequence[Sequence[Line]], labels: Sequence[str]) -> list[str]:
    """Given the lines after each title and the field labels, return the short lines that
    recur after the fields of several entries and are followed by prose (commentary)."""
    counts: Counter[str] = Counter()
    for span in spans:
        seen: set[str] = set()
        after_fields = False
        for position, line in enumerate(span):
            found = label_of(line.text)
            if found and found[0] in labels:
                after_fields = True
                continue
            heading = _short_heading(line.text) if after_fields and not line.dropped else None
            if heading is None or entry_number(line.text) is not None:
                continue
            rest = " ".join(other.text for other in span[position + 1 : position + 4])
            if _is_prose(rest):
                seen.add(heading)
        counts.update(seen)
    return [heading for heading, n in counts.most_common() if n >= 2]


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
        and len(compact(item.title)) <= 16
        and not _SENTENCE.search(item.title)
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
        if line is None or label_of(flat) or URL_RE.search(flat) or _SENTENCE.search(flat):
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


# --------------------------------------------------------------------------- the pipeline


def infer_profile(document: Document, base: Profile = DEFAULT_PROFILE) -> Inference | None:
    """Given a cleaned document, return the profile inferred from it (starting from
    ``base``), or None when it has no numbered titles followed by labels."""
    lines = readable_lines(document)
    titles = numbered_titles(lines)
    if len(titles) < 2:
        return None
    spans = windows(lines, titles)
    labels = frequent_labels(spans)
    kinds = classify_labels(spans, labels)
    fields = [label for group in kinds.values() for label in group]
    if not fields:
        return None
    commentary = commentary_headings(spans, fields)
    keep_sections = base.sections != DEFAULT_PROFILE.sections  # --sections given
    sections = base.sections if keep_sections else tuple(section_names(document, lines, titles))
    back = back_matter(lines, spans[-1], fields, commentary)
    changes: dict[str, object] = {"name": INFERRED_NAME, "sections": sections}
    found: list[str] = []
    if not keep_sections:
        found.append("sections " + ", ".join(sections))
    for kind in ("date", "source", "link", "summary"):
        if kind in kinds:
            changes[f"{kind}_labels"] = tuple(kinds[kind])
            found.append(f"{kind} label " + "/".join(kinds[kind]))
    if commentary:
        changes["commentary_labels"] = tuple(commentary)
        found.append("commentary heading " + "/".join(commentary))
    markers = ([back.heading] if back.heading else []) + list(back.name_labels)
    if markers:
        changes["back_matter_markers"] = tuple(markers)
        found.append("back matter from " + "/".join(markers))
    if back.name_labels:
        changes["editors_labels"] = back.name_labels[:1]
        if len(back.name_labels) > 1:
            changes["executive_editors_labels"] = back.name_labels[1:2]
    profile = replace(base, **changes)  # type: ignore[arg-type]
    tail = [line for line in spans[-1] if not line.dropped]
    prefixes = publisher_prefixes(document, tail, base)
    if prefixes != base.publisher_prefixes:
        profile = replace(profile, publisher_prefixes=prefixes)
    return Inference(profile, tuple(found))


__all__ = ["INFERRED_NAME", "Inference", "entry_number", "infer_profile"]
