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

from dataclasses import dataclass, field, replace

from ..model import Document
from ..profile import DEFAULT_PROFILE, Profile
from .infer_labels import (
    classify_labels,
    commentary_headings,
    frequent_labels,
    numbered_titles,
    readable_lines,
    windows,
)
from .infer_layout import back_matter, publisher_prefixes, section_names

INFERRED_NAME = "inferred"


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


__all__ = ["INFERRED_NAME", "Inference", "infer_profile"]
