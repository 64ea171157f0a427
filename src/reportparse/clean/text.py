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
import unicodedata
from collections.abc import Iterable

import regex

from ..model import Line
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
# A page number alone on its line, in the common forms: "12", "- 12 -", "— 12 —", "(12)",
# "12 / 40", "第 12 页", "第12页 共40页", "共40页 第12页", "Page 12 of 40", "p. 12"; digits
# ASCII or full-width, dashes and brackets of any kind around it.
_PAGE_N = r"\d{1,4}"
_PAGE_DECOR = r"[\p{Pd}\p{Ps}\p{Pe}·•・~～\s]*"
PAGE_NUMBER_RE = regex.compile(
    rf"^{_PAGE_DECOR}(?:第\s*{_PAGE_N}\s*页(?:\s*(?:[,，/／]\s*共?|共)\s*{_PAGE_N}\s*页?)?"
    rf"|共\s*{_PAGE_N}\s*页\s*[,，]?\s*第\s*{_PAGE_N}\s*页"
    rf"|{_PAGE_N}(?:\s*[/／]\s*{_PAGE_N})?"
    rf"|(?:page|p\.)\s*{_PAGE_N}(?:\s*(?:of|/)\s*{_PAGE_N})?){_PAGE_DECOR}$",
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


# Bullet glyphs are told by their Unicode properties, never by a list of examples.
_ANYWHERE = 2  # a bullet at the start of any line: symbol glyphs, Private Use Area glyphs
_BEFORE_URL = 1  # a bullet only where a URL follows: dashes, dots, other punctuation
_SYMBOL_CATEGORIES = frozenset({"So", "Sm"})
_WEAK_CATEGORIES = frozenset({"Pd", "Po", "So", "Sm"})


@functools.lru_cache(maxsize=4096)
def bullet_kind(char: str) -> int:
    """Given one character, return how it may serve as a bullet: _ANYWHERE, _BEFORE_URL, 0.

    Anywhere: a Private Use Area glyph (Wingdings, Symbol: no meaning of its own), any
    character Unicode names a bullet, and the symbols of the arrow, technical, shape,
    dingbat and pictograph blocks (U+2190-U+2FFF but the mathematical operators, and from
    U+1F000). Only before a URL: other dashes, punctuation and symbols (``·`` ``–`` ``*``
    ``⋅``), which before a number or a word are signs, decimals or prose.
    """
    category = unicodedata.category(char)
    if category == "Co":
        return _ANYWHERE
    if category not in _WEAK_CATEGORIES or char in "'\"":
        return 0
    code = ord(char)
    if "BULLET" in unicodedata.name(char, ""):
        return _ANYWHERE
    if category in _SYMBOL_CATEGORIES and (
        (0x2190 <= code < 0x3000 and not 0x2200 <= code < 0x2300) or code >= 0x1F000
    ):
        return _ANYWHERE
    return _BEFORE_URL


def is_glyph_run(text: str) -> bool:
    """Given a cleaned line, return True if it is only bullet-like glyphs (and spaces)."""
    return (
        bool(text)
        and not text[0].isalnum()
        and all(char.isspace() or bullet_kind(char) for char in text)
    )


def list_item_glyph(text: str) -> str | None:
    """Given a line as read, return the glyph run opening it if it may be a list's bullet
    that only position confirms: one or two dashes or dots (bullets before a URL only)
    followed by whitespace and then a letter or ideograph, never a digit (a sign)."""
    end = 0
    while end < len(text) and bullet_kind(text[end]) == _BEFORE_URL:
        end += 1
    if not 0 < end <= 2 or not text[end : end + 1].isspace():
        return None
    following = text[end:].lstrip()[:1]
    return text[:end] if following.isalpha() else None


def strip_bullet(text: str) -> tuple[str, bool]:
    """Given a line's text, return it without leading bullet glyphs and whether it had one.

    A run of symbol glyphs (see bullet_kind) at the line's start is a bullet; a dash, dot
    or other punctuation among them only when a URL follows (before a number it is a sign
    or a decimal).
    """
    stripped = text.strip()
    # Most lines start with a letter, an ideograph or a digit: nothing to look at.
    if not stripped or stripped[0].isalnum():
        return stripped, False
    end = 0
    weakest = _ANYWHERE
    for char in stripped:
        if char.isspace():
            end += 1
            continue
        kind = bullet_kind(char)
        if not kind:
            break
        weakest = min(weakest, kind)
        end += 1
    rest = stripped[end:].lstrip()
    if not rest and end == len(stripped) and weakest < _ANYWHERE:
        return stripped, False  # a lone dash or dot is text, not a bullet
    if end == 0 or (weakest < _ANYWHERE and not URL_RE.match(rest)):
        return stripped, False
    return rest, True


def clean_line(line: Line) -> Line:
    """Given a line as read, return it with bullet removed and its text cleaned."""
    if line.kind == "uri":
        return line.with_text(line.text.strip())
    text, bullet = strip_bullet(line.text)
    return line.with_text(clean_text(text), bullet=bullet or line.bullet)
