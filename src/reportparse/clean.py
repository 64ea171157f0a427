"""Clean CJK PDF text: running lines, bullets, stray spaces, wrapped lines and URLs.

The pipeline over a document is :func:`clean_document`:
``drop_running_lines`` -> ``clean_line`` on every line. Joining wrapped lines and splitting
paragraphs happen later, per field, through :func:`join_lines` and
:func:`split_paragraphs`, because only the segment layer knows where fields end.

Spacing rules (FORMAT.md): a space between a wide character (Han, kana, CJK punctuation)
and a Latin letter or digit is an artefact of Word's autospace and goes; a space between
two Latin words, or between two Han phrases, is real and stays. A URL's inside is never
touched.
"""

from __future__ import annotations

import functools
import itertools
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

import regex

from .model import Document, Line, Page
from .profile import Profile
from .radicals import RADICAL_TO_IDEOGRAPH

# --------------------------------------------------------------------------- character classes

CJK_PUNCT = (
    "\u3000-\u303f"  # CJK symbols and punctuation: 、。〈〉《》「」【】〔〕
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"  # full-width ！（），：；？ …
    "\u2018\u2019\u201c\u201d"  # curly quotes, used as Chinese quotation marks
    "\u2014\u2026\u00b7\u30fb\u2e3a"  # —— … · ・
)
WIDE = rf"[\p{{Han}}\p{{Hiragana}}\p{{Katakana}}\p{{Hangul}}{CJK_PUNCT}]"
# What Word's autospace separates from Han: letters, digits and the signs glued to them.
NARROW = r"[\p{Latin}\p{Greek}\p{Cyrillic}\p{Nd}%‰$€£¥°+\-#@&]"
TERMINAL_PUNCT = "。！？；：…」』”）!?;:)."

URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
URL_RE = regex.compile(rf"(?:(?:https?|ftp)://|www\.|mailto:){URL_CHARS}+", regex.I)
_URL_HEAD = regex.compile(rf"^{URL_CHARS}+")
_OTHER_SPACE_CHARS = "\t\u00a0\u2000-\u200b\u3000"  # taken for a plain space
_SPACE_CHARS = _OTHER_SPACE_CHARS + " "
_SPACES = regex.compile(rf"[{_SPACE_CHARS}]+")
# Plain character sets: the stdlib's re scans for these several times faster than regex.
_OTHER_SPACE = re.compile(f"[{_OTHER_SPACE_CHARS}]")
# All the spacing rules: a space that matches goes.
_STRAY_SPACE = regex.compile(
    rf"(?<={WIDE}) (?={NARROW})|(?<={NARROW}) (?={WIDE})"
    rf"| (?=[{CJK_PUNCT}])|(?<=[{CJK_PUNCT}]) "
)
_WIDE_CHAR = regex.compile(WIDE)
_NARROW_WORD_CHAR = regex.compile(r"[\p{L}\p{Nd}]")
_PUA_CHARS = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_PUA = regex.compile(rf"[{_PUA_CHARS}]")
_LEADING_BULLET = regex.compile(r"^(?:[\ue000-\uf8ff●•◆◇■□▪▫○◦►▶▸‣⁃·・\-–*]+\s*)+")
PAGE_NUMBER_RE = regex.compile(
    r"^(?:第\s*\d{1,4}\s*页(?:\s*[/／共]\s*\d{1,4}\s*页?)?|[-–—]?\s*\d{1,4}\s*[-–—]?"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    regex.I,
)
_DIGITS = regex.compile(r"\d+")
_LETTER = regex.compile(r"\p{L}")
_NUMBER_PREFIX = regex.compile(r"^\d{1,3}\s*[.．、]")


@functools.lru_cache(maxsize=8192)
def is_wide(char: str) -> bool:
    """Given one character, return True for Han, kana, Hangul and CJK punctuation."""
    # Cached: paragraph splitting asks about the same few thousand characters again and again.
    return bool(_WIDE_CHAR.match(char))


# --------------------------------------------------------------------------- one line


def remove_stray_spaces(text: str) -> str:
    """Given text outside URLs, return it without autospace artefacts (idempotent)."""
    # Substituting costs even where nothing changes, and most text has only single plain
    # spaces: collapse runs only where there is one.
    if "  " in text or _OTHER_SPACE.search(text):
        text = _SPACES.sub(" ", text)
    if " " not in text:
        return text
    # Once runs of spaces are single spaces, whether a space goes depends only on its two
    # neighbours (removing other spaces never changes them): judge each pair once, as
    # running the rules' lookarounds over every line is slow.
    pieces = text.split(" ")
    out = [pieces[0]]
    for before, after in itertools.pairwise(pieces):
        if not _is_stray_space(before[-1:], after[:1]):
            out.append(" ")
        out.append(after)
    return "".join(out)


@functools.lru_cache(maxsize=16384)
def _is_stray_space(before: str, after: str) -> bool:
    """Given the characters either side of a space ("" at an end), return True if it goes."""
    return _STRAY_SPACE.search(f"{before} {after}") is not None


# Code points a text layer uses for a glyph instead of the characters the page shows:
# radical twins of ideographs (⽇ for 日, ⻛ for 风), which producers pick when a font
# shares one glyph between them, and Latin ligatures (ﬁ for fi).
_GLYPH_STAND_INS: dict[int, str] = {
    **{code: chr(ideograph) for code, ideograph in RADICAL_TO_IDEOGRAPH.items()},
    **{code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)},
}


# Translating CJK text through the table is slow and most text has no stand-in, so look
# first.
_STAND_IN_CHARS = "".join(re.escape(chr(code)) for code in sorted(_GLYPH_STAND_INS))
_GLYPH_STAND_IN = re.compile(f"[{_STAND_IN_CHARS}]")
_GLYPH_JUNK = re.compile(f"[{_PUA_CHARS}{_STAND_IN_CHARS}]")
# A character clean_text changes or acts on; text without any only needs stripping.
_CLEANABLE = re.compile(f"[{_PUA_CHARS}{_STAND_IN_CHARS}{_SPACE_CHARS}]")


def normalize_glyphs(text: str) -> str:
    """Given text from a PDF, return it with glyph stand-ins as the characters the page
    shows: radicals as their ideographs (⽇ -> 日), ligatures as their letters (ﬁ -> fi)."""
    if not _GLYPH_STAND_IN.search(text):
        return text
    return text.translate(_GLYPH_STAND_INS)


def clean_text(text: str) -> str:
    """Given a line's or field's text, return it with stray spaces and glyph junk removed.

    URLs are cut out first and put back untouched; a space next to a URL is kept so that
    the URL's end stays visible.
    """
    if not _CLEANABLE.search(text) and unicodedata.is_normalized("NFC", text):
        return text.strip()  # most lines of CJK prose: nothing to remove
    if _GLYPH_JUNK.search(text) or not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", normalize_glyphs(_PUA.sub("", text)))
    pieces: list[str] = []
    last = 0
    for match in find_urls(text):
        pieces.append(remove_stray_spaces(text[last : match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(remove_stray_spaces(text[last:]))
    return str("".join(pieces)).strip()


def find_urls(text: str) -> Iterable[regex.Match[str]]:
    """Given text, return URL_RE's matches in it."""
    # Every URL has an ASCII ":" or "." ("://", "www.", "mailto:"), which CJK prose rarely
    # does; a substring test is much cheaper than starting a regex scan.
    if ":" not in text and "." not in text:
        return ()
    matches: Iterable[regex.Match[str]] = URL_RE.finditer(text)
    return matches


def strip_bullet(text: str) -> tuple[str, bool]:
    """Given a line's text, return it without leading bullet glyphs and whether it had one."""
    stripped = text.strip()
    match = _LEADING_BULLET.match(stripped)
    if not match:
        return stripped, False
    rest = stripped[match.end() :]
    # A dash or dot before a number is a sign or a decimal, not a bullet.
    if match.group(0).strip() in {"-", "–", "·", "・", "*"} and not URL_RE.match(rest):
        return stripped, False
    return rest, True


def clean_line(line: Line) -> Line:
    """Given a line as read, return it with bullet removed and its text cleaned."""
    if line.kind == "uri":
        return line.with_text(line.text.strip())
    text, bullet = strip_bullet(line.text)
    return line.with_text(clean_text(text), bullet=bullet or line.bullet)


# --------------------------------------------------------------------------- running lines


def running_key(text: str) -> str:
    """Given a line, return the form compared across pages: no spaces, digits masked."""
    return str(_DIGITS.sub("#", _SPACES.sub("", text)))


def is_page_number(text: str) -> bool:
    """Given a line, return True if it is only a page number ("12", "- 12 -", "第12页")."""
    return bool(PAGE_NUMBER_RE.match(text.strip()))


def _edge_indices(page: Page, depth: int = 3) -> list[int]:
    count = len(page.lines)
    first = list(range(min(depth, count)))
    last = list(range(max(count - depth, 0), count))
    return sorted(set(first + last))


def _looks_like_content(text: str, profile: Profile) -> bool:
    """Given a line, return True if it is a field, entry start, URL or heading, never running.

    A running line names something (at least four letters) and is not a sentence's tail;
    a wrapped title's last line like "（2024-2026年）》" repeats too but is content.
    """
    compact = _SPACES.sub("", text)
    if not compact or URL_RE.search(compact) or compact[-1] in "。，；！？,;":
        return True
    if len(_LETTER.findall(compact)) < 4:
        return True
    if compact in profile.sections:
        return True
    if any(compact.startswith(label) for label in profile.field_labels):
        return True
    if profile.is_commentary_heading(compact):
        return True  # repeats on every page that has a commentary, in any position
    return bool(_NUMBER_PREFIX.match(compact))


def find_running_keys(document: Document, profile: Profile) -> set[str]:
    """Given a document, return the keys of lines repeated across pages as header/footer.

    A running line repeats (digits masked) on at least two pages and is not content. In
    PDFs it must sit among a page's first or last lines; text dumps print footers where
    they please, so there it only has to be short, and as a dump's page breaks may be
    missing (one "page" for the whole issue), every repetition counts.
    """
    places: dict[str, set[tuple[int, int]]] = {}
    # Running lines repeat, so most candidates' texts were judged on an earlier page.
    judged: dict[str, str | None] = {}
    for page in document.pages:
        if document.kind == "pdf":
            candidates = [(0, page.lines[i]) for i in _edge_indices(page)]
        else:
            candidates = [(i, line) for i, line in enumerate(page.lines) if len(line.text) <= 60]
        for index, line in candidates:
            if line.kind != "text":
                continue
            if line.text not in judged:
                judged[line.text] = _candidate_key(line.text, profile)
            key = judged[line.text]
            if key is not None:
                places.setdefault(key, set()).add((page.number, index))
    # A header must repeat at least twice and, in long PDFs, on a fair share of the pages
    # read (a sentence that happens to repeat twice in 60 pages is not a header).
    needed = max(2, len(document.pages) // 10) if document.kind == "pdf" else 2
    return {key for key, found in places.items() if len(found) >= needed}


def _candidate_key(text: str, profile: Profile) -> str | None:
    """Given a line where running lines sit, return its running key; None if it is a page
    number or content."""
    if is_page_number(text) or _looks_like_content(text, profile):
        return None
    return running_key(text)


def drop_running_lines(document: Document, profile: Profile) -> Document:
    """Given a document, return it without running headers/footers and page numbers."""
    keys = find_running_keys(document, profile)
    may_run = _running_hint(keys)
    running: list[str] = []
    pages: list[Page] = []
    for page in document.pages:
        drop = {
            i
            for i, line in enumerate(page.lines)
            if line.kind == "text" and may_run(line.text) and running_key(line.text) in keys
        }
        running.extend(page.lines[i].text for i in sorted(drop))
        drop |= _page_number_indices(page, drop, document.kind)
        lines = [line for i, line in enumerate(page.lines) if i not in drop]
        pages.append(replace(page, lines=lines))
    pages = calibrate_dump_pages(document, pages) if document.kind == "text" else pages
    return replace(document, pages=pages, running=_unique(running))


def _running_hint(keys: set[str]) -> Callable[[str], object]:
    """Given running keys, return a quick test that every line with one of them passes."""
    # A key keeps every character of its line but spaces and digits (masked as "#"), so
    # its line shows the key's first other character; most lines show none and skip
    # running_key, which costs more.
    if not keys:
        return lambda text: False
    firsts = [key.replace("#", "")[:1] for key in keys]
    if "" in firsts:
        return lambda text: True
    return re.compile("[" + "".join(re.escape(char) for char in set(firsts)) + "]").search


def _page_number_indices(page: Page, running: set[int], kind: str) -> set[int]:
    """Given a page and its running lines, return the indices of page-number lines."""
    edges = set(_edge_indices(page, depth=2)) if kind == "pdf" else {0, len(page.lines) - 1}
    # Only lines at the edges or next to a running line can be page numbers: look at those.
    near_running = {i + step for i in running for step in (-1, 1)}
    return {
        i
        for i in edges | near_running
        if 0 <= i < len(page.lines)
        and page.lines[i].kind == "text"
        and is_page_number(page.lines[i].text)
    }


def calibrate_dump_pages(document: Document, pages: list[Page]) -> list[Page]:
    """Given a dump's pages, return them renumbered by the page numbers its footers print.

    A dump's own page breaks are guesses; a footer's page number is the publisher's word.
    Only used when the printed numbers agree with one constant offset.
    """
    offsets: Counter[int] = Counter()
    for original, cleaned in zip(document.pages, pages, strict=True):
        kept = {id(line) for line in cleaned.lines}
        for line in original.lines:
            if id(line) not in kept and line.text.isdigit():
                offsets[int(line.text) - original.number] += 1
    if len(offsets) != 1:
        return pages
    offset = next(iter(offsets))
    if offset == 0:
        return pages
    return [
        replace(
            page,
            number=page.number + offset,
            lines=[replace(line, page=line.page + offset) for line in page.lines],
        )
        for page in pages
    ]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def clean_document(document: Document, profile: Profile) -> Document:
    """Given a document as read, return it with running lines gone and every line cleaned."""
    # Glyph stand-ins first: labels and headers must read as themselves to be matched.
    unified = replace(document, pages=[_glyphs_normalized(page) for page in document.pages])
    without_running = drop_running_lines(unified, profile)
    pages = [
        replace(page, lines=[cleaned for line in page.lines if (cleaned := clean_line(line)).text])
        for page in without_running.pages
    ]
    return replace(without_running, pages=pages)


def _glyphs_normalized(page: Page) -> Page:
    """Given a page as read, return it with glyph stand-ins normalized (itself if it has none)."""
    # One look at the whole page: most pages have no stand-in. Sharing unchanged lines is
    # safe, as clean_line copies every line it keeps.
    if not _GLYPH_STAND_IN.search("".join(line.text for line in page.lines)):
        return page
    lines = [line.with_text(normalize_glyphs(line.text)) for line in page.lines]
    return replace(page, lines=lines)


# --------------------------------------------------------------------------- joining lines


def ends_inside_url(text: str) -> bool:
    """Given a line, return True if its last token is a URL (which may continue)."""
    tail = text.rsplit(" ", 1)[-1]
    match = URL_RE.search(tail)
    return bool(match and match.end() == len(tail))


def is_url_continuation(previous: str, following: str) -> bool:
    """Given two consecutive lines, return True if the second continues the first's URL."""
    # Cheapest test first: most following lines do not start with a URL character.
    if not _URL_HEAD.match(following) or URL_RE.match(following):
        return False
    return ends_inside_url(previous)


def _is_narrow_word_char(char: str) -> bool:
    return bool(_NARROW_WORD_CHAR.match(char)) and not is_wide(char)


def join_pair(previous: str, following: str) -> str:
    """Given a line and the next one, return them joined as if the wrap had never happened."""
    if not previous or not following:
        return previous or following
    if is_url_continuation(previous, following):
        return previous + following
    # Word wraps Latin text only at spaces: a letter or digit on both sides lost a space.
    if _is_narrow_word_char(previous[-1]) and _is_narrow_word_char(following[0]):
        return previous + " " + following
    return previous + following


def join_lines(texts: Sequence[str]) -> str:
    """Given the wrapped lines of one paragraph or title, return its text."""
    joined = ""
    for text in texts:
        joined = join_pair(joined, text.strip())
    return joined


def fix_wrapped_urls(text: str, uris: Iterable[str]) -> str:
    """Given text and known annotation URIs, return it with visible cut URLs replaced.

    A link annotation carries the whole URI even where the printed URL was cut short.
    """
    known = [uri for uri in uris if uri]
    out: list[str] = []
    last = 0
    for match in find_urls(text):
        visible = match.group(0)
        out.append(text[last : match.start()])
        out.append(best_uri(visible, known))
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def best_uri(visible: str, known: Sequence[str]) -> str:
    """Given a visible URL and annotation URIs over it, return the URI that completes it."""
    stem = visible.rstrip(".…")
    for uri in known:
        if uri == visible:
            return uri
    for uri in known:
        if len(stem) >= 8 and uri.startswith(stem) and len(uri) > len(stem):
            return uri
    return visible


# --------------------------------------------------------------------------- paragraphs

_LIST_ITEM = regex.compile(
    r"^(?:\d{1,2}\s*[.．、)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}[、.．])"
)


def display_width(text: str) -> int:
    """Given text, return its width in columns: wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


Margins = dict[int, tuple[float, float]]


def page_margins(document: Document) -> Margins:
    """Given a PDF document, return each page's text left edge and right edge.

    The left edge is where most lines start (first-line indents and bullets stand out
    from it); the right edge is where full lines end.
    """
    margins: Margins = {}
    for page in document.pages:
        boxes = [
            (line.x0, line.x1) for line in page.lines if line.x0 is not None and line.x1 is not None
        ]
        if not boxes:
            continue
        starts = Counter(round(x0) for x0, _ in boxes)
        left = float(starts.most_common(1)[0][0])
        ends = sorted(x1 for _, x1 in boxes)
        margins[page.number] = (left, ends[int(len(ends) * 0.9)])
    return margins


def split_paragraphs(lines: Sequence[Line], margins: Margins | None = None) -> list[list[Line]]:
    """Given the lines of a text block, return them grouped into paragraphs.

    PDFs: a first-line indent starts a paragraph, a short line ends one. Text dumps have
    no geometry: a line ending a sentence well short of the full width ends a paragraph.
    """
    if not lines:
        return []
    if all(line.x0 is not None and line.x1 is not None for line in lines):
        breaks = _geometry_breaks(lines, margins or {})
    else:
        breaks = _width_breaks(lines)
    paragraphs: list[list[Line]] = [[lines[0]]]
    for index in range(1, len(lines)):
        if index in breaks:
            paragraphs.append([])
        paragraphs[-1].append(lines[index])
    return paragraphs


def block_edges(lines: Sequence[Line], margins: Margins) -> Margins:
    """Given a block's lines, return per page the left and right edges its text runs to.

    A block set in a box or indented (a commentary) has edges of its own: where it has
    enough lines on a page, they give the edges; else the page's margins do.
    """
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    edges: Margins = {}
    for page, page_lines in by_page.items():
        lefts = [line.x0 for line in page_lines if line.x0 is not None]
        rights = [line.x1 for line in page_lines if line.x1 is not None]
        page_left, page_right = margins.get(page, (min(lefts), max(rights)))
        left = min(lefts) if len(lefts) >= 2 else page_left
        right = max(rights) if len(rights) >= 3 else page_right
        edges[page] = (left, right)
    return edges


def _geometry_breaks(lines: Sequence[Line], margins: Margins) -> set[int]:
    sizes = [line.size for line in lines if line.size]
    em = statistics.median(sizes) if sizes else 10.0
    edges = block_edges(lines, margins)
    breaks: set[int] = set()
    for index in range(1, len(lines)):
        if _starts_paragraph(lines[index], lines[index - 1], edges, em):
            breaks.add(index)
    return breaks


def _starts_paragraph(line: Line, previous: Line, edges: Margins, em: float) -> bool:
    """Given a PDF line, the line before it, the block's edges and em, return True if the
    line is indented, follows a short line or starts a list item after a sentence."""
    # Cheapest tests first; the regex ones only run where they can decide.
    assert line.x0 is not None and previous.x1 is not None
    if line.x0 > edges[line.page][0] + 0.8 * em:
        return True
    # A line is short only if the next line's first unbreakable piece would have fit. The
    # threshold is at least 1.5 em, so a fuller line (most of them) needs no measuring.
    room = edges[previous.page][1] - previous.x1
    if (room > 1.5 * em or em <= 0) and room > max(1.5, first_unit_ems(line.text) + 0.5) * em:
        return True
    return previous.text[-1:] in TERMINAL_PUNCT and bool(_LIST_ITEM.match(line.text))


_FIRST_UNIT = regex.compile(
    rf"^[（(“‘《〈「【]*(?:[A-Za-z0-9\-.,/%+&:_#@=?~]+|.)[{CJK_PUNCT}.,;:!?)]*"
)


def first_unit_ems(text: str) -> float:
    """Given a line, return the width in em of the piece a line break cannot split.

    Word moves a whole Latin word or number (and punctuation that may not start a line)
    to the next line, leaving the previous line short without ending a paragraph.
    """
    match = _FIRST_UNIT.match(text)
    unit = match.group(0) if match else text[:1]
    return sum(1.0 if is_wide(char) else 0.6 for char in unit)


def _width_breaks(lines: Sequence[Line]) -> set[int]:
    widths = [display_width(line.text) for line in lines]
    full = sorted(widths)[int(len(widths) * 0.9)] if len(widths) >= 5 else max(widths)
    breaks: set[int] = set()
    for index in range(1, len(lines)):
        previous = lines[index - 1].text
        ends_sentence = previous[-1:] in TERMINAL_PUNCT
        short = widths[index - 1] <= full - 3
        listed = bool(_LIST_ITEM.match(lines[index].text)) and ends_sentence
        if (ends_sentence and short) or listed:
            breaks.add(index)
    return breaks
