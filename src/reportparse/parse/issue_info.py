"""The issue's own fields: title, period, publisher, editors (cover, running lines, back matter)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import regex

from ..clean.joins import join_lines
from ..clean.paragraphs import Margins, page_margins, split_paragraphs
from ..clean.running import is_page_number
from ..clean.text import URL_RE, clean_text
from ..model import Document, Entry, Issue, IssueInfo, Line, Link, Segmented, SourceInfo, Warning
from ..profile import Profile, is_builtin
from .entry_fields import (
    _NAME_SPLIT,
    PERIOD_RE,
    _label_pattern,
    anchored_links,
    build_entry,
    filter_links,
    parse_date,
)
from .segment import NUMBERED, compact, outline_sections

# --------------------------------------------------------------------------- the issue


def outline_title_map(document: Document) -> dict[str, str]:
    """Given the document, return outline entry titles keyed by their space-free form."""
    titles: dict[str, str] = {}
    for item in document.outline:
        match = NUMBERED.match(item.title)
        if match:
            cleaned = clean_text(match.group(2))
            titles.setdefault(compact(cleaned), cleaned)
    return titles


def find_period(texts: Iterable[str]) -> str | None:
    """Given texts in order of trust, return the first "YYYY-MM" they print."""
    for text in texts:
        for match in PERIOD_RE.finditer(text):
            month = int(match.group(2))
            if 1 <= month <= 12:
                return f"{int(match.group(1))}-{month:02d}"
    return None


_RUNNING_SEPARATOR = regex.compile(r"\s*[|｜丨·・•/／]\s*|\s+")


def running_parts(running: Sequence[str], profile: Profile) -> list[tuple[str, bool]]:
    """Given running header/footer texts, return the pieces that may be the newsletter's
    title, in order, each with whether the period is printed beside it.

    A running line may hold the firm at its left and the title at its right, the period
    and the page number ("标题 · 2025年2月  1 / 3"). Periods, page numbers, the firm's name
    and pieces with fewer than two Han characters are left out. Beside the period means on
    the same running line, or on the running line just before or after it (a text dump
    prints a header's pieces on lines of their own).
    """
    parts: dict[str, bool] = {}
    publisher = regex.compile(profile.publisher_pattern)
    dated = [PERIOD_RE.search(text) is not None for text in running]
    for index, text in enumerate(running):
        beside = any(dated[max(index - 1, 0) : index + 2])
        for part in _RUNNING_SEPARATOR.split(PERIOD_RE.sub(" ", text)):
            part = clean_text(part).strip(" -–—·")
            if (
                regex.search(r"\p{Han}{2}", part)
                and not is_page_number(part)
                and not publisher.search(compact(part))
            ):
                parts[part] = parts.get(part, False) or beside
    return list(parts.items())


def title_from_running(
    running: Sequence[str], profile: Profile, confirming: Sequence[str] = ()
) -> str | None:
    """Given running header/footer texts, return the newsletter title they carry: the first
    piece (see running_parts) that the confirming texts (cover, metadata title) also print,
    else the first printed beside the period, else the first."""
    parts = running_parts(running, profile)
    flat = [compact(text) for text in confirming if text]
    for part, _ in parts:
        if any(compact(part) in text for text in flat):
            return part
    beside = [part for part, dated in parts if dated]
    ordered = beside or [part for part, _ in parts]
    return ordered[0] if ordered else None


def _without_period(text: str) -> str | None:
    """Given a title that may carry the month ("通讯 2025年2月", "通讯 | 2025.2"), return
    it without the month and the separators around it (None if nothing is left)."""
    bare = clean_text(PERIOD_RE.sub(" ", text)).strip(" |｜丨·・-–—/")
    return bare or None


_QUOTED_TITLE = regex.compile(r"《([^《》]{2,40})》")


def title_from_back(texts: Sequence[str]) -> str | None:
    """Given the back matter's texts, return the first name it quotes in 《》 (a
    disclaimer naming the newsletter: "本刊《…》仅供参考")."""
    for text in texts:
        match = _QUOTED_TITLE.search(text)
        if match:
            return clean_text(match.group(1))
    return None


def title_from_cover(front: Sequence[Line], first_page: int | None, profile: Profile) -> str | None:
    """Given the front matter, return the cover's title: its largest type, or (in a text
    dump, which has no sizes) its first line that names something and is not a date, the
    firm, a section or a URL."""
    cover = [
        line for line in front if line.page == first_page and regex.search(r"\p{Han}", line.text)
    ]
    sized = [line for line in cover if line.size]
    if sized:
        largest = max(line.size or 0 for line in sized)
        return (
            join_lines([line.text for line in sized if (line.size or 0) >= largest - 0.5]) or None
        )
    for line in cover:
        text = line.text
        if (
            PERIOD_RE.search(text)
            or URL_RE.search(text)
            or regex.search(profile.publisher_pattern, text)
        ):
            continue
        if compact(text) in {*profile.sections, "目录", "目 录"} or NUMBERED.match(text):
            continue
        if len(regex.findall(r"\p{Han}", text)) >= 4:
            return text
    return None


def find_publisher(
    groups: Sequence[Sequence[Line]], profile: Profile, margins: Margins | None = None
) -> str | None:
    """Given groups of lines in order of trust, return the firm's name.

    The first group (the back matter) is read in paragraphs, so that a name wrapped over
    two lines of a disclaimer ("…非经武汉" / "澄明律师事务所同意…") is found whole.
    """
    pattern = regex.compile(profile.publisher_pattern)
    for position, lines in enumerate(groups):
        if position == 0 and lines:
            texts = [
                join_lines([line.text for line in paragraph])
                for paragraph in split_paragraphs(lines, margins)
            ]
        else:
            texts = [line.text for line in lines]
        for text in texts:
            match = pattern.search(compact(text))
            if match:
                return _strip_prefixes(match.group(0), profile.publisher_prefixes)
    return None


def _strip_prefixes(name: str, prefixes: Sequence[str]) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in sorted(prefixes, key=len, reverse=True):
            if name.startswith(prefix) and len(name) - len(prefix) >= 6:
                name = name[len(prefix) :]
                changed = True
    return name


def names_after(lines: Sequence[Line], labels: Sequence[str]) -> list[str]:
    """Given back-matter lines, return the names listed after one of the labels."""
    pattern = _label_pattern(labels, bare_ok=False)
    for index, line in enumerate(lines):
        match = pattern.match(line.text)
        if not match:
            continue
        text = match.group("rest") or ""
        # A list wrapped after a separator goes on on the next line.
        follow = index + 1
        while text.endswith(("、", "，", ",")) and follow < len(lines):
            text += lines[follow].text
            follow += 1
        return [name for name in _NAME_SPLIT.split(clean_text(text)) if name]
    return []


def build_issue_info(
    document: Document,
    segmented: Segmented,
    entries: Sequence[Entry],
    profile: Profile,
    warnings: list[Warning],
    margins: Margins | None = None,
) -> IssueInfo:
    """Given the document and its parts, return the issue's title, period and people."""
    first_page = document.pages[0].number if document.pages else None
    cover = [line.text for line in segmented.front if line.page == first_page]
    confirming = [*cover, document.metadata.get("Title", "")]
    title = title_from_running(document.running, profile, confirming) or title_from_cover(
        segmented.front, first_page, profile
    )
    back = [line.text for line in segmented.back]
    title = title or _without_period(document.metadata.get("Title", "")) or title_from_back(back)
    # A cover that is one image leaves the running lines, the metadata, the outline and
    # the back matter to tell the month.
    period = find_period(
        [
            *document.running,
            *cover,
            document.metadata.get("Title", ""),
            *(item.title for item in document.outline),
            *back,
        ]
    )
    if period is None:
        months = Counter(entry.date[:7] for entry in entries if entry.date)
        if months:
            period = months.most_common(1)[0][0]
            warnings.append(
                Warning(
                    "period-guessed", f"no issue month printed; guessed {period} from entry dates"
                )
            )
    return IssueInfo(
        title=title,
        period=period,
        publisher=find_publisher(
            [segmented.back, segmented.front, document.lines()], profile, margins
        ),
        editors=names_after(segmented.back, profile.editors_labels),
        executive_editors=names_after(segmented.back, profile.executive_editors_labels),
        profile=None if is_builtin(profile) else profile.name,
    )


def loose_links(lines: Sequence[Line], warnings: list[Warning]) -> list[Link]:
    """Given lines outside every entry, return their hyperlinks (with page)."""
    links = anchored_links(lines) + [
        Link(None, line.text, line.page) for line in lines if line.kind == "uri"
    ]
    return filter_links(links, warnings)


def build_issue(document: Document, segmented: Segmented, profile: Profile) -> Issue:
    """Given a cleaned document and its segments, return the Issue."""
    warnings: list[Warning] = list(document.warnings) + list(segmented.warnings)
    titles = outline_title_map(document)
    margins = page_margins(document)
    entries: list[Entry] = []
    for raw in segmented.entries:
        entry, entry_warnings = build_entry(raw, profile, titles, margins)
        entries.append(entry)
        warnings.extend(entry_warnings)
    links = loose_links([*segmented.front, *segmented.headings, *segmented.back], warnings)
    info = build_issue_info(document, segmented, entries, profile, warnings, margins)
    source = SourceInfo(
        path=document.path, sha256=document.sha256, kind=document.kind, pages=document.page_count
    )
    return Issue(source=source, issue=info, entries=entries, links=links, warnings=warnings)


__all__ = ["build_issue", "outline_sections", "parse_date"]
