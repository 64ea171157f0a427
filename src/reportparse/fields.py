"""Turn segmented entries into the output contract: fields, links, issue metadata.

Per entry: ``发布日期`` -> ISO ``date`` (keeping ``date_text``), ``来源`` -> ``source``,
``链接`` -> ``url``/``urls`` (the listed URLs; where a link annotation shows a printed URL
was cut, the annotation's URI wins), ``摘要`` -> ``summary`` paragraphs, the commentary
block -> ``commentary``, hyperlinks anchored in the entry -> ``links``. URIs a text dump
printed between lines become links with no text, never prose; ``javascript:`` links are
dropped. The back matter gives the publisher and the editors.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import regex

from .clean import (
    URL_CHARS,
    URL_RE,
    Margins,
    best_uri,
    clean_text,
    fix_wrapped_urls,
    is_url_continuation,
    join_lines,
    join_pair,
    page_margins,
    split_paragraphs,
)
from .model import (
    Document,
    Entry,
    Issue,
    IssueInfo,
    Line,
    Link,
    RawEntry,
    Segmented,
    SourceInfo,
    Warning,
)
from .profile import Profile
from .segment import NUMBERED, compact, entry_title, outline_sections

DATE_RE = regex.compile(
    r"(\d{4})\s*(?:年|[.．\-/／])\s*(\d{1,2})\s*(?:月|[.．\-/／])\s*(\d{1,2})\s*(?:日|号)?"
)
PERIOD_RE = regex.compile(r"((?:19|20)\d{2})\s*(?:年|[.．\-/／])\s*(\d{1,2})(?!\d)\s*月?")
SAFE_SCHEMES = ("http://", "https://", "mailto:")
# A URL's wrapped tail; a printed URL cut short may end in an ellipsis.
URL_TAIL = regex.compile(rf"{URL_CHARS}+…?")
_NAME_SPLIT = regex.compile(r"[、，,；;／/|\s]+")


@dataclass(frozen=True, slots=True)
class LabelSet:
    """Compiled label patterns of one profile: each gives the text after the label."""

    date: regex.Pattern[str]
    source: regex.Pattern[str]
    link: regex.Pattern[str]
    summary: regex.Pattern[str]
    commentary: regex.Pattern[str]
    # Matches wherever one of the above does: most body lines are prose, and one failed
    # match is cheaper than five.
    any_label: regex.Pattern[str]


def _label_pattern(labels: Iterable[str], *, bare_ok: bool = True) -> regex.Pattern[str]:
    alternatives = "|".join(r"\s*".join(regex.escape(char) for char in label) for label in labels)
    tail = r"(?:\s*[:：]\s*(?P<rest>.*)|\s*$)" if bare_ok else r"\s*[:：]\s*(?P<rest>.*)"
    return regex.compile(rf"^\s*(?:{alternatives}){tail}$")


@functools.lru_cache(maxsize=16)
def label_set(profile: Profile) -> LabelSet:
    """Given a profile, return its compiled field-label patterns."""
    commentary = "|".join(
        [r"\s*".join(regex.escape(c) for c in label) for label in profile.commentary_labels]
        + [profile.commentary_pattern]
    )
    patterns = (
        _label_pattern(profile.date_labels, bare_ok=False),
        _label_pattern(profile.source_labels, bare_ok=False),
        _label_pattern(profile.link_labels),
        _label_pattern(profile.summary_labels),
        regex.compile(rf"^\s*(?:{commentary})\s*(?:[:：]\s*(?P<rest>.*))?$"),
    )
    # The commentary pattern goes first so that the profile's own groups keep their numbers
    # (a backreference in it still works); inline flags stay inside each (?:...).
    any_label = regex.compile(
        "|".join(f"(?:{pattern.pattern})" for pattern in (patterns[-1], *patterns[:-1]))
    )
    return LabelSet(*patterns, any_label=any_label)


def parse_date(text: str | None) -> str | None:
    """Given a printed date ("2024年 9月 7日", "2024.9.7", "2024/9/7"), return YYYY-MM-DD."""
    if not text:
        return None
    match = DATE_RE.search(text)
    if not match:
        return None
    try:
        day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return day.isoformat()


def uri_is_safe(uri: str) -> bool:
    """Given a URI, return True if its scheme is one we pass on (http, https, mailto)."""
    return uri.lower().startswith(SAFE_SCHEMES) or uri.lower().startswith("www.")


def is_pseudo_link(uri: str) -> bool:
    """Given a URI, return True for ``javascript:`` no-op links, dropped silently."""
    return uri.strip().lower().startswith("javascript:")


# --------------------------------------------------------------------------- one entry


@dataclass(slots=True)
class UrlItem:
    """A URL listed under the link label, with the lines it was printed on."""

    text: str
    dumped: bool
    lines: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class EntryParts:
    """An entry's body sorted into its fields, before texts are joined."""

    date_text: str | None = None
    source: str | None = None
    url_items: list[UrlItem] = field(default_factory=list)
    summary: list[Line] = field(default_factory=list)
    commentary: list[Line] | None = None
    dumped: list[Line] = field(default_factory=list)


def sort_body(body: Sequence[Line], labels: LabelSet) -> EntryParts:
    """Given an entry's body lines, return them sorted into fields by their labels."""
    parts = EntryParts()
    state = "fields"
    for line in body:
        if line.kind == "uri":
            if state == "links":
                parts.url_items.append(UrlItem(line.text, dumped=True, lines=[line]))
            else:
                parts.dumped.append(line)
            continue
        if labels.any_label.match(line.text):
            labelled = _sort_labelled(parts, line, state, labels)
            if labelled is not None:
                state = labelled
                continue
        if state == "links" and _add_url_text(parts, line):
            continue
        if state == "commentary" and parts.commentary is not None:
            parts.commentary.append(line)
        else:
            state = "summary" if state == "links" else state
            parts.summary.append(line)
    return parts


def _sort_labelled(parts: EntryParts, line: Line, state: str, labels: LabelSet) -> str | None:
    """Given a body line that may open a field, add it to parts and return the new state;
    None if it opens none (a second date, a summary label inside the commentary)."""
    text = line.text
    if (match := labels.date.match(text)) and parts.date_text is None:
        parts.date_text = clean_text(match.group("rest") or "") or None
        return state
    if (match := labels.source.match(text)) and parts.source is None:
        parts.source = clean_text(match.group("rest") or "") or None
        return state
    if match := labels.link.match(text):
        rest = (match.group("rest") or "").strip()
        if rest:
            _add_url_text(parts, line.with_text(rest))
        return "links"
    if state in {"fields", "links", "summary"} and (match := labels.summary.match(text)):
        if rest := (match.group("rest") or "").strip():
            parts.summary.append(line.with_text(rest))
        return "summary"
    if parts.commentary is None and (match := labels.commentary.match(text)):
        parts.commentary = []
        if rest := (match.group("rest") or "").strip():
            parts.commentary.append(line.with_text(rest))
        return "commentary"
    return None


def _add_url_text(parts: EntryParts, line: Line) -> bool:
    """Given a line in the link list, add it as a URL or a URL's tail; False if it is prose."""
    text = line.text.strip()
    if URL_RE.fullmatch(text.rstrip("…")):
        parts.url_items.append(UrlItem(text, dumped=False, lines=[line]))
        return True
    last = parts.url_items[-1] if parts.url_items else None
    if last is not None and URL_TAIL.fullmatch(text) and is_url_continuation(last.text, text):
        # A URL wrapped onto the next line was printed, even where a converter without
        # bullets made it look like a dumped annotation URI.
        last.text += text
        last.dumped = False
        last.lines.append(line)
        return True
    return False


def choose_urls(items: Sequence[UrlItem]) -> tuple[list[str], list[Link]]:
    """Given the URLs under the link label, return (the entry's URLs, other links).

    PDF lines are all printed URLs. In a text dump, where the list marks its URLs with
    bullets, a bare URI among them is an annotation dumped from words elsewhere: it
    becomes a link without text. Without bullets, every URI in the list is the entry's.
    """
    chosen = list(items)
    if any(item.dumped for item in items) and any(item.lines[0].bullet for item in items):
        # The list marks its URLs with bullets: a bare URI among them is a dump.
        chosen = [item for item in items if item.lines[0].bullet]
    urls: list[str] = []
    for item in chosen:
        anchors = [anchor.uri for line in item.lines for anchor in line.links]
        urls.append(best_uri(item.text, anchors).rstrip("…"))
    others = [Link(None, item.text, item.lines[0].page) for item in items if item not in chosen]
    return list(dict.fromkeys(urls)), others


def paragraphs_text(lines: Sequence[Line], margins: Margins | None = None) -> str:
    """Given the lines of a block, return its paragraphs joined by newlines."""
    paragraphs: list[str] = []
    for paragraph in split_paragraphs(lines, margins):
        text = join_lines([line.text for line in paragraph])
        uris = [anchor.uri for line in paragraph for anchor in line.links]
        paragraphs.append(fix_wrapped_urls(text, uris))
    return "\n".join(text for text in paragraphs if text)


def anchored_links(lines: Sequence[Line]) -> list[Link]:
    """Given lines, return their link annotations, merging one anchor wrapped over lines."""
    links: list[Link] = []
    previous: Line | None = None
    for line in lines:
        wrapped_from = previous if previous is not None and previous.page == line.page else None
        for anchor in line.links:
            text = clean_text(anchor.text or "")
            last = links[-1] if links else None
            continues = wrapped_from is not None and anchor.uri in {
                a.uri for a in wrapped_from.links
            }
            if last is not None and last.uri == anchor.uri and continues:
                links[-1] = replace(last, text=join_pair(last.text or "", text))
                wrapped_from = None
                continue
            links.append(Link(text, anchor.uri, line.page))
        previous = line
    return links


def filter_links(links: Iterable[Link], warnings: list[Warning]) -> list[Link]:
    """Given links, return those with safe schemes; warn about unsafe ones, drop pseudo-links."""
    kept: list[Link] = []
    for link in links:
        if is_pseudo_link(link.uri):
            continue
        if not uri_is_safe(link.uri):
            warnings.append(
                Warning(
                    "unsafe-uri",
                    f"dropped a link with an unsupported scheme: {link.uri[:80]}",
                    link.page,
                )
            )
            continue
        kept.append(link)
    return list(dict.fromkeys(kept))


def build_entry(
    raw: RawEntry, profile: Profile, outline_titles: dict[str, str], margins: Margins | None = None
) -> tuple[Entry, list[Warning]]:
    """Given a raw entry, return the Entry and the warnings it raised."""
    warnings: list[Warning] = []
    parts = sort_body(raw.body, label_set(profile))
    urls, listed_others = choose_urls(parts.url_items)
    all_lines = raw.title_lines + list(raw.body)
    first_page = min(line.page for line in all_lines)
    last_page = max(line.page for line in all_lines)
    title = entry_title(raw)
    title = outline_titles.get(compact(title), title)
    url_set = set(urls)
    # The entry's own URLs are its url/urls, not repeated among its links.
    anchors = [link for link in anchored_links(all_lines) if link.uri not in url_set]
    dumped = [Link(None, line.text, line.page) for line in parts.dumped]
    links = filter_links(anchors + listed_others + dumped, warnings)
    safe_urls = [url for url in urls if not is_pseudo_link(url)]
    date = parse_date(parts.date_text)
    label = f"{raw.section} #{raw.number}"
    if date is None:
        what = f"no date it could read ({parts.date_text!r})" if parts.date_text else "no date"
        warnings.append(Warning("entry-without-date", f"{label} has {what}", first_page))
    if not safe_urls:
        warnings.append(Warning("entry-without-link", f"{label} has no link", first_page))
    entry = Entry(
        section=raw.section,
        number=raw.number,
        title=title,
        date=date,
        date_text=parts.date_text,
        source=parts.source,
        url=safe_urls[0] if safe_urls else None,
        urls=safe_urls,
        summary=paragraphs_text(parts.summary, margins),
        commentary=paragraphs_text(parts.commentary, margins)
        if parts.commentary is not None
        else None,
        links=[Link(link.text, link.uri) for link in links],  # replace() is slow
        pages=(first_page, last_page),
    )
    return entry, warnings


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
                return f"{match.group(1)}-{month:02d}"
    return None


def title_from_running(running: Sequence[str], profile: Profile) -> str | None:
    """Given running header/footer texts, return the newsletter title they carry."""
    for text in running:
        for part in regex.split(r"\s*[|｜丨]\s*|\s{2,}", text):
            part = clean_text(PERIOD_RE.sub("", part)).strip(" -–—·")
            if regex.search(r"\p{Han}{2}", part) and not regex.search(
                profile.publisher_pattern, compact(part)
            ):
                return part
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


def find_publisher(groups: Sequence[Sequence[Line]], profile: Profile) -> str | None:
    """Given groups of lines in order of trust, return the firm's name."""
    pattern = regex.compile(profile.publisher_pattern)
    for lines in groups:
        for line in lines:
            match = pattern.search(compact(line.text))
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
) -> IssueInfo:
    """Given the document and its parts, return the issue's title, period and people."""
    first_page = document.pages[0].number if document.pages else None
    cover = [line.text for line in segmented.front if line.page == first_page]
    title = title_from_running(document.running, profile) or title_from_cover(
        segmented.front, first_page, profile
    )
    title = title or document.metadata.get("Title") or None
    period = find_period([*document.running, *cover, document.metadata.get("Title", "")])
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
        publisher=find_publisher([segmented.back, segmented.front, document.lines()], profile),
        editors=names_after(segmented.back, profile.editors_labels),
        executive_editors=names_after(segmented.back, profile.executive_editors_labels),
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
    info = build_issue_info(document, segmented, entries, profile, warnings)
    source = SourceInfo(
        path=document.path, sha256=document.sha256, kind=document.kind, pages=document.page_count
    )
    return Issue(source=source, issue=info, entries=entries, links=links, warnings=warnings)


__all__ = ["build_issue", "outline_sections", "parse_date"]
