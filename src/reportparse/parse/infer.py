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
from .segment import NUMBERED, bare_heading, compact
from .segment import entry_number as number_value

INFERRED_NAME = "inferred"

# Roles whose lines hold no words of the issue. Running lines are read: a field line that
# repeats at the same place on several pages ("日期：2025-10-27") can be taken for one
# until the labels are known.
_NOT_WORDS = frozenset({"page-number", "bullet", "blank", "watermark"})
_LABEL = regex.compile(r"^(?P<label>\p{Han}{2,6})[：:](?P<rest>.*)$")
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
    """Given a cleaned document, return its lines that hold words, running lines included."""
    return [line for line in document.all_lines() if line.role not in _NOT_WORDS]


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
        if number is None:
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


def frequent_labels(spans: Sequence[Sequence[Line]]) -> list[str]:
    """Given the lines after each title, return the labels that start a line after most
    titles (at least half and twice), in the order they first appear."""
    counts: Counter[str] = Counter()
    order: dict[str, int] = {}
    for span in spans:
        seen: set[str] = set()
        for line in span:
            found = label_of(line.text)
            if found and found[0] not in seen:
                seen.add(found[0])
                order.setdefault(found[0], len(order))
        counts.update(seen)
    needed = max(2, math.ceil(len(spans) / 2))
    return sorted((label for label, n in counts.items() if n >= needed), key=order.__getitem__)


def label_values(spans: Sequence[Sequence[Line]], label: str) -> list[tuple[str, list[str]]]:
    """Given the lines after each title and a label, return each value it has: the text on
    its line and the lines after it up to the next label line."""
    values: list[tuple[str, list[str]]] = []
    for span in spans:
        for position, line in enumerate(span):
            found = label_of(line.text)
            if not found or found[0] != label:
                continue
            following: list[str] = []
            for after in span[position + 1 : position + 1 + _VALUE_LINES]:
                if label_of(after.text) or entry_number(after.text) is not None:
                    break
                following.append(after.text)
            values.append((found[1], following))
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
        if parse_date(first):
            votes["date"] += 1
        elif URL_RE.search(first):
            votes["link"] += 1
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


def heading_names(lines: Sequence[Line], titles: Sequence[Title]) -> list[str | None]:
    """Given the lines and the titles, return for each run of entries (a new run where the
    numbering does not go up) the heading printed just before it, or None."""
    sizes = sorted(line.size for line in lines if line.size and not line.dropped)
    body = sizes[len(sizes) // 2] if sizes else None
    runs: list[str | None] = []
    previous = 0
    for title in titles:
        if title.number > previous and runs:
            previous = title.number
            continue
        previous = title.number
        found: str | None = None
        for line in reversed(lines[: title.index]):
            if line.dropped or line.kind != "text":
                continue
            flat = compact(line.text)
            larger = bool(body and line.size and line.size > body + 0.5) or line.bold
            if (
                len(flat) <= 16
                and not _SENTENCE.search(flat)
                and not label_of(flat)
                and not URL_RE.search(flat)
                and (_is_decorated(line.text) or larger)
            ):
                found = heading_name(line.text)
            break
        runs.append(found)
    return runs


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
        if _is_prose(" ".join(other.text for other in after)) or (
            after and label_of(after[0].text) and label_of(after[0].text)[0] in name_labels  # type: ignore[index]
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
