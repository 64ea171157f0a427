"""Every line's role after parsing: what ``reportparse text --explain`` and the page debug
view show. Given the cleaned document and its segments, the parse layers' decisions are
written onto copies of the lines; nothing here decides anything new."""

from __future__ import annotations

from dataclasses import replace

from ..model import Document, Line, Role, Segmented
from ..profile import Profile
from .entry_fields import label_set, sort_body
from .segment import NUMBERED, known_names, section_name


def line_roles(segmented: Segmented, profile: Profile) -> dict[int, tuple[Role, str]]:
    """Given an issue's segments, return each kept line's role and reason, keyed by id()."""
    roles: dict[int, tuple[Role, str]] = {}
    names = known_names([entry.section for entry in segmented.entries], profile)
    for line in segmented.front:
        roles[id(line)] = _front_role(line, names)
    labels = label_set(profile)
    for entry in segmented.entries:
        where = f"{entry.section} {entry.number}"
        for line in entry.title_lines:
            roles[id(line)] = ("title", f"the title of entry {where}")
        for line, role, reason in sort_body(entry.body, labels).roles:
            roles[id(line)] = (role, reason)
    for line in segmented.headings:
        roles[id(line)] = ("heading", "a section name between entries")
    for line in segmented.back:
        roles[id(line)] = ("back-matter", "after the last entry, from the back-matter marker on")
    return roles


def _front_role(line: Line, names: tuple[str, ...]) -> tuple[Role, str]:
    """Given a line before the first entry, return its role and why."""
    if line.kind == "text" and section_name(line.text, names) is not None:
        return "heading", "a section name before the first entry"
    if line.kind == "text" and NUMBERED.match(line.text):
        return "toc", "a numbered line no entry fields follow (a table of contents)"
    return "front-matter", "before the first entry"


def explained(document: Document, segmented: Segmented, profile: Profile) -> Document:
    """Given a cleaned document and its segments, return it with every line's final role."""
    roles = line_roles(segmented, profile)
    pages = []
    for page in document.pages:
        lines = []
        for line in page.lines:
            found = roles.get(id(line))
            lines.append(line.with_role(*found) if found is not None else line)
        pages.append(replace(page, lines=lines))
    return replace(document, pages=pages)
