"""The library's front door: ``read`` a file into lines, ``parse`` it into an Issue.

The CLI and the batch runner are thin shells over these two functions.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from .clean import clean_document
from .errors import (
    InputNotFoundError,
    NoEntriesError,
    NotReadableError,
    ScannedPDFError,
    UsageError,
)
from .model import Document, Issue, Segmented, Warning
from .parse import build_issue, segment
from .parse.infer import Inference, infer_profile
from .parse.roles import explained
from .parse.segment import NUMBERED, section_name, starts_with_label
from .profile import DEFAULT_LIMITS, DEFAULT_PROFILE, Limits, Profile, is_builtin
from .read.sniff import sniff_kind
from .read.textlayer import PageMapping, document_message, page_warnings

Engine = Literal["pdfplumber", "pdfium"]
ENGINES: tuple[str, ...] = ("pdfplumber", "pdfium")
PageSpec = str | Iterable[int] | None


def parse_page_spec(spec: PageSpec) -> list[int] | None:
    """Given "1-3,7" (or an iterable of page numbers), return sorted unique 1-based pages."""
    if spec is None:
        return None
    if isinstance(spec, str):
        pages: set[int] = set()
        for part in spec.replace(" ", "").split(","):
            if not part:
                continue
            try:
                if "-" in part:
                    first_text, last_text = part.split("-", 1)
                    first, last = int(first_text), int(last_text)
                    if first > last:
                        raise ValueError
                    pages.update(range(first, last + 1))
                else:
                    pages.add(int(part))
            except ValueError:
                raise UsageError(f"--pages: cannot read {part!r}; use a list like 1-3,7") from None
        numbers = pages
    else:
        numbers = set(spec)
    if not numbers:
        raise UsageError("--pages selects no page")
    if min(numbers) < 1:
        raise UsageError("--pages: page numbers start at 1")
    return sorted(numbers)


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise InputNotFoundError("file not found", path=str(path))
    if path.is_dir():
        raise NotReadableError("is a folder, not a file", path=str(path))
    if not os.access(path, os.R_OK):
        raise NotReadableError("permission denied: the file is not readable", path=str(path))


def read(
    path: str | os.PathLike[str],
    *,
    pages: PageSpec = None,
    password: str | None = None,
    engine: Engine | str = "pdfplumber",
    limits: Limits = DEFAULT_LIMITS,
    encoding: str | None = None,
) -> Document:
    """Given a PDF or text dump, return its pages as lines (nothing cleaned yet).

    ``encoding`` is a text dump's (e.g. "gb18030"); None recognises UTF-8, UTF-16 and
    UTF-32 with a byte-order mark, GB18030/GBK and Big5. A PDF ignores it.
    """
    file_path = Path(path)
    _check_readable(file_path)
    page_numbers = parse_page_spec(pages)
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    kind = sniff_kind(file_path, encoding)
    if kind == "text":
        from .read.textdump import read_text_dump

        return read_text_dump(file_path, pages=page_numbers, limits=limits, encoding=encoding)
    if engine == "pdfium":
        from .read.pdfium_engine import read_pdf as read_pdfium

        return read_pdfium(file_path, pages=page_numbers, password=password, limits=limits)
    from .read.plumber_engine import read_pdf

    return read_pdf(file_path, pages=page_numbers, password=password, limits=limits)


def parse(
    path: str | os.PathLike[str],
    *,
    pages: PageSpec = None,
    password: str | None = None,
    sections: list[str] | tuple[str, ...] | None = None,
    engine: Engine | str = "pdfplumber",
    profile: Profile = DEFAULT_PROFILE,
    limits: Limits = DEFAULT_LIMITS,
    infer: bool = True,
    encoding: str | None = None,
) -> Issue:
    """Given a PDF or text dump of one issue, return the Issue with all its entries.

    With the built-in profile (``sections`` aside) and ``infer``, an issue the built-in
    profile does not fit is parsed with a profile inferred from it (warning
    ``inferred-profile``); a profile from a file is used as it is. ``encoding``: a text
    dump's, as for :func:`read`.
    """
    active = profile.with_sections(sections)
    document = read(
        path, pages=pages, password=password, engine=engine, limits=limits, encoding=encoding
    )
    return parse_document(document, profile=active, infer=infer)


def parse_document(
    document: Document, *, profile: Profile = DEFAULT_PROFILE, infer: bool = True
) -> Issue:
    """Given a document as read, return the Issue (clean -> segment -> fields).

    The document itself is left as it was (parsing it twice gives the same Issue). See
    :func:`parse` for ``infer``.
    """
    layer_warnings = check_text_layer(document)
    if layer_warnings:
        document = dataclasses.replace(document, warnings=[*document.warnings, *layer_warnings])
    choice = choose_profile(document, profile, infer=infer)
    if not choice.issue.entries:
        # Nothing found where glyphs have no Unicode: that, not the layout, is the cause.
        unreadable = document_message(_mappings(document), nothing_found=True)
        if document.kind == "pdf" and unreadable is not None:
            raise ScannedPDFError(unreadable, path=document.path)
        raise NoEntriesError(diagnose_no_entries(choice.cleaned, profile), path=document.path)
    if choice.inference is not None:
        choice.issue.warnings.append(Warning("inferred-profile", choice.inference.message()))
    return choice.issue


@dataclasses.dataclass(frozen=True, slots=True)
class ProfileChoice:
    """The profile an issue is parsed with, the document cleaned with it, its segments and
    the issue."""

    profile: Profile
    cleaned: Document
    segmented: Segmented
    issue: Issue
    inference: Inference | None = None


def choose_profile(document: Document, profile: Profile, *, infer: bool) -> ProfileChoice:
    """Given a document as read and the profile asked for, return the profile to parse it
    with: the one asked for, or (built-in profile, ``infer``) one inferred from the
    document when the built-in one does not fit and the inferred one does better."""
    cleaned = clean_document(document, profile)
    chosen = ProfileChoice(profile, cleaned, *_parsed(cleaned, profile))
    if not infer or not is_builtin(profile) or fits(chosen.issue):
        return chosen
    inference = infer_profile(cleaned, profile)
    if inference is None:
        return chosen
    recleaned = clean_document(document, inference.profile)
    segmented, issue = _parsed(recleaned, inference.profile)
    if issue.entries and (not chosen.issue.entries or fits(issue)):
        return ProfileChoice(inference.profile, recleaned, segmented, issue, inference)
    return chosen


def _parsed(cleaned: Document, profile: Profile) -> tuple[Segmented, Issue]:
    """Given a cleaned document and its profile, return its segments and the issue."""
    segmented = segment(cleaned, profile)
    return segmented, build_issue(cleaned, segmented, profile)


def fits(issue: Issue) -> bool:
    """Given an issue parsed with some profile, return True unless the profile clearly does
    not fit it: no entries, or most entries without a date, a source and a link alike."""
    if not issue.entries:
        return False
    bare = sum(1 for entry in issue.entries if not (entry.date or entry.source or entry.urls))
    return bare * 2 <= len(issue.entries)


def infer_document_profile(
    document: Document, *, profile: Profile = DEFAULT_PROFILE
) -> Inference | None:
    """Given a document as read, return the profile inferred from it (what ``reportparse
    profile infer`` prints), or None when nothing could be inferred."""
    return infer_profile(clean_document(document, profile), profile)


def explain_document(
    document: Document, *, profile: Profile = DEFAULT_PROFILE, infer: bool = True
) -> Document:
    """Given a document as read, return it cleaned, every line carrying its final role and
    the reason for it (dropped lines included): what ``text --explain`` prints.

    Uses the profile :func:`parse_document` would use (an inferred one included).
    """
    choice = choose_profile(document, profile, infer=infer)
    return explained(choice.cleaned, choice.segmented, choice.profile)


def page_ranges(numbers: Iterable[int]) -> str:
    """Given page numbers, return them as compact ranges ("1-3, 7")."""
    spans: list[list[int]] = []
    for number in sorted(set(numbers)):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def check_text_layer(document: Document) -> list[Warning]:
    """Given a PDF as read, raise ScannedPDFError if no page has readable text (no
    characters, or characters without Unicode mapping); else return a warning for each
    page that is only an image, but the cover (page 1: an issue's cover is often one
    picture; its title and month come from elsewhere), and for each page whose fonts
    give no Unicode for its characters."""
    if document.kind != "pdf" or not document.pages:
        return []
    textless = [page.number for page in document.pages if page.char_count == 0]
    if len(textless) == len(document.pages):
        if any(page.image_count for page in document.pages):
            what = "the PDF looks scanned (pages are images)"
        else:
            # Nothing drawn as characters: blank pages, or text drawn as outlines.
            what = "the pages hold neither characters nor images (text drawn as shapes?)"
        raise ScannedPDFError(
            f"no text layer on pages {page_ranges(textless)}: {what}; "
            "run OCR on it first (for example with ocrmypdf)",
            path=document.path,
        )
    mappings = _mappings(document)
    unreadable = document_message(mappings)
    if unreadable is not None:
        raise ScannedPDFError(unreadable, path=document.path)
    return [
        Warning(
            "no-text-layer", f"page {page.number} is an image without text (scanned?)", page.number
        )
        for page in document.pages
        if page.char_count == 0 and page.image_count > 0 and page.number != 1
    ] + [Warning("no-unicode", message, number) for number, message in page_warnings(mappings)]


def _mappings(document: Document) -> list[PageMapping]:
    """Given a PDF as read, return each page's glyph counts for the text-layer checks."""
    return [
        PageMapping(page.number, page.char_count, page.unmapped_count, page.unmapped_fonts)
        for page in document.pages
    ]


def diagnose_no_entries(document: Document, profile: Profile) -> str:
    """Given a cleaned document without entries, return what markers were missing."""
    texts = [line.text for line in document.lines() if line.kind == "text"]
    if not texts:
        if document.running:
            # Every line repeated on several pages and was dropped as a header/footer.
            shown = ", ".join(repr(text) for text in document.running[:3])
            return (
                "no entries found: the only text repeats on every page and was taken for "
                f"running headers/footers ({shown}). Is this a newsletter issue? "
                "Run `reportparse text FILE --raw` to see the text as read"
            )
        return "no entries found: the selected pages hold no text"
    numbered = sum(1 for text in texts if NUMBERED.match(text))
    missing = [
        "/".join(labels)
        for labels in (profile.date_labels[:1], profile.source_labels, profile.link_labels[:1])
        if not any(starts_with_label(text, labels) for text in texts)
    ]
    found_sections = [
        name for name in profile.sections if any(section_name(t, [name]) for t in texts)
    ]
    details = []
    if not numbered:
        details.append("no numbered title line such as '1. 标题'")
    if missing:
        details.append("no field label " + ", ".join(f"'{label}：'" for label in missing))
    if not found_sections:
        details.append("no section heading (" + ", ".join(profile.sections) + ")")
    if not details:
        details.append("numbered lines are never followed by the entry's fields")
    return (
        "no entries found: " + "; ".join(details) + ". Is this a newsletter issue? "
        "Run `reportparse text FILE` to see the cleaned text"
    )
