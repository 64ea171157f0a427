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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import regex

from ..clean.joins import best_uri, fix_wrapped_urls, is_url_continuation, join_lines, join_pair
from ..clean.paragraphs import Margins, split_paragraphs
from ..clean.text import URL_CHARS, URL_RE, clean_text
from ..model import Entry, Line, Link, RawEntry, Role, Warning
from ..profile import Profile
from .segment import compact, entry_field_labels, entry_title

DATE_RE = regex.compile(
    r"(\d{4})\s*(?:年|[.．\-/／－])\s*(\d{1,2})\s*(?:月|[.．\-/／－])\s*(\d{1,2})\s*(?:日|号)?"
)
PERIOD_RE = regex.compile(
    r"((?:19|20|１９|２０)\d{2})\s*(?:年|[.．\-/／－])\s*(\d{1,2})(?!\d)\s*月?"
)
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
    # A date, source, link or summary label with its colon anywhere in a line: where a
    # date or source line holds one after its value, the label starts a new field.
    inline: regex.Pattern[str]


def _label_pattern(labels: Iterable[str], *, bare_ok: bool = True) -> regex.Pattern[str]:
    alternatives = _alternatives(labels)
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
    inline = _alternatives(entry_field_labels(profile))
    return LabelSet(
        *patterns,
        any_label=any_label,
        inline=regex.compile(rf"(?:{inline})\s*[:：]"),
    )


def _alternatives(labels: Iterable[str]) -> str:
    """Given labels, return a pattern of any of them, with spaces allowed between characters."""
    return "|".join(r"\s*".join(regex.escape(char) for char in label) for label in labels)


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


def date_as_printed(text: str) -> str:
    """Given a date field's cleaned value, return it with the spaces inside its date removed
    (``2024 年 11 月 5 日`` -> ``2024年11月5日``, ``2024. 11. 20`` -> ``2024.11.20``); digits
    keep their printed width."""
    if " " not in text:
        return text  # cleaning leaves only plain spaces, and most values hold none
    match = DATE_RE.search(text)
    if match is None or not any(char.isspace() for char in match.group(0)):
        return text
    return text[: match.start()] + compact(match.group(0)) + text[match.end() :]


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
    # Each body line with the role sorting gave it and why (for ``text --explain``).
    roles: list[tuple[Line, Role, str]] = field(default_factory=list)


def sort_body(body: Sequence[Line], labels: LabelSet) -> EntryParts:
    """Given an entry's body lines, return them sorted into fields by their labels."""
    parts = EntryParts()
    state = "fields"
    roles = parts.roles
    for line in body:
        if line.kind == "uri":
            if state == "links":
                parts.url_items.append(UrlItem(line.text, dumped=True, lines=[line]))
            else:
                parts.dumped.append(line)
            roles.append((line, "link", "a link URI another converter printed between lines"))
            continue
        if labels.any_label.match(line.text):
            labelled = _sort_labelled(parts, line, state, labels)
            if labelled is not None:
                state = labelled
                roles.append((line, "field", "starts with a field label"))
                continue
        if state == "links" and _add_url_text(parts, line):
            roles.append((line, "link", "a URL (or its wrapped tail) in the link list"))
            continue
        if state == "commentary" and parts.commentary is not None:
            parts.commentary.append(line)
            roles.append((line, "commentary", "after the commentary heading"))
        else:
            state = "summary" if state == "links" else state
            parts.summary.append(line)
            roles.append((line, "summary", "prose after the fields"))
    return parts


# What separates two fields sharing a line: spaces (ideographic ones too, once cleaned), a
# tab, a bar, a semicolon or a comma.
_FIELD_SEPARATORS = " \t\u3000|｜丨;；,，/／·・"


def _next_field(line: Line, match: regex.Match[str], labels: LabelSet) -> Line | None:
    """Given a date or source line and its label's match, return the field that shares the
    line after its value as a line of its own (None if the value runs to the line's end).

    ``发布日期：2025年1月8日　　来源：新华网``, ``来源：X | 发布日期：Y``, ``来源：X；日期：Y``:
    any order, whatever separates them (even nothing, where cleaning took the space
    between a date and a Han label away).
    """
    start = match.start("rest")
    text = line.text
    # Another label needs its colon: most values have none, and need no search.
    if start < 0 or ("：" not in text[start:] and ":" not in text[start:]):
        return None
    found = labels.inline.search(text, start)
    return line.with_text(text[found.start() :]) if found is not None else None


def _value_before(line: Line, following: Line | None, match: regex.Match[str]) -> str:
    """Given a field line, the field sharing it and the label's match, return the value."""
    value = match.group("rest") or ""
    if following is not None:
        value = value[: len(value) - len(following.text)].rstrip(_FIELD_SEPARATORS)
    return clean_text(value)


def _sort_labelled(parts: EntryParts, line: Line, state: str, labels: LabelSet) -> str | None:
    """Given a body line that may open a field, add it to parts and return the new state;
    None if it opens none (a second date, a summary label inside the commentary)."""
    text = line.text
    if (match := labels.date.match(text)) and parts.date_text is None:
        following = _next_field(line, match, labels)
        parts.date_text = date_as_printed(_value_before(line, following, match)) or None
        return _sort_labelled(parts, following, state, labels) or state if following else state
    if (match := labels.source.match(text)) and parts.source is None:
        following = _next_field(line, match, labels)
        parts.source = _value_before(line, following, match) or None
        return _sort_labelled(parts, following, state, labels) or state if following else state
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
