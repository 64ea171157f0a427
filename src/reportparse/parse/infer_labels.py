"""Zero-config inference, the entries' vocabulary: the numbered titles, the labels that
repeat after most of them, what each label holds (told by its values) and the commentary
heading. :mod:`.infer` runs these steps."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from ..clean.text import URL_RE
from ..model import Document, Line
from .entry_fields import parse_date
from .segment import NUMBERED, SENTENCE_PUNCT, compact, is_url_tail
from .segment import entry_number as number_value

# Roles whose lines hold no words of the issue (running lines may: see readable_lines).
_NOT_WORDS = frozenset({"page-number", "bullet", "blank", "watermark"})


_LABEL = regex.compile(r"^(?P<label>\p{Han}{2,6})[：:](?P<rest>.*)$")


# A further label on a field line, after a separator or right after a value that does not
# end in Han ("… | 来源：…", "…  来源：…", "2024.11.20来源：…").
_MORE_LABELS = regex.compile(
    r"(?:\s+|\s*[|｜丨/;；]\s*|(?<=[^\p{Han}\s：:]))(\p{Han}{2,6})\s*[：:]"
)


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
    return len(compact(text)) >= _PROSE and SENTENCE_PUNCT.search(text) is not None


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
        elif inline and len(compact(inline)) <= _PROSE and not SENTENCE_PUNCT.search(inline):
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
