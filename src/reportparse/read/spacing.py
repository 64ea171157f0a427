"""A line's glyphs -> its text: doubled glyphs dropped, and spaces where the gaps say so.

Every threshold is relative to the font size ("em"), since the engines' boxes differ
(pdfminer's font-bbox boxes, PDFium's tight ink boxes; see :mod:`.glyphs`):

* Space: one space goes between two glyphs whose horizontal gap exceeds
  :data:`SPACE_GAP` em above the line's typical gap (the median gap, clamped to
  [0, :data:`MAX_BASE_GAP`] em, so that justified or letter-spaced lines whose every gap is
  wide do not get a space between every glyph). Word's autospace between Han and Latin
  is ~0.25 em and becomes a space; kerning and ordinary letter spacing (< 0.1 em) do not.
* Scripts (:func:`_by_script`): a gap between two Han glyphs is a space only when it is
  :data:`SPACE_GAP` wider than the line's median Han-Han gap (justification stretches
  them all alike; a field or column gap is far wider); in a line whose typical gap is
  raised by that stretch, a gap between two Latin letters or digits is measured against
  the Latin pairs' own median, so words set with glue and no space glyph (XeLaTeX) keep
  their spaces.
* Next to full-width punctuation (``，。（）“”`` …) the glyph's ink covers only half its
  cell, so tight boxes show ~0.7 em of gap that is no space: there the gap must exceed
  :data:`PUNCT_GAP` em.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from itertools import compress, count, repeat
from operator import add, and_, eq, gt, le, sub, truediv
from typing import NamedTuple

from .glyphs import _SPACES, Char, _cy, _em, _is_space, _median, _text

SPACE_GAP = 0.2
MAX_BASE_GAP = 0.5
PUNCT_GAP = 0.9
# Two identical glyphs this close (em, and under half the narrower glyph's width) are one
# glyph drawn twice (shadow, overlapping text boxes).
DUPLICATE_OFFSET = 0.1
# A line's typical gap (em) from which it counts as stretched (justified, letter-spaced):
# below it, box rounding; a Latin word gap hidden by less would be narrower than any.
MIN_STRETCH = 0.05
# Gaps of at least this many pairs are needed before the line's median gap is trusted.
MIN_GAPS_FOR_BASE = 5

_QUOTES = frozenset("“”‘’")
_next = (1).__add__


@functools.lru_cache(maxsize=8192)
def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


@functools.lru_cache(maxsize=8192)
def _is_wide_punct(ch: str) -> bool:
    return _is_wide(ch) and unicodedata.category(ch)[0] in ("P", "S", "Z")


def _punct_pair(left: str, right: str) -> bool:
    """Whether a gap between these two texts sits next to full-width punctuation."""
    a, b = left[-1], right[0]
    if _is_wide_punct(a) or _is_wide_punct(b):
        return True
    return (a in _QUOTES and _is_wide(b)) or (b in _QUOTES and _is_wide(a))


def _is_double(prev: Char, char: Char) -> bool:
    """Given two neighbouring glyphs, return whether the second is the first drawn again."""
    narrower = min(char.x1 - char.x0, prev.x1 - prev.x0)
    limit = min(DUPLICATE_OFFSET * min(_em(char), _em(prev)), 0.5 * narrower)
    return (
        char.text == prev.text
        and abs(char.x0 - prev.x0) < limit
        and abs(_cy(char) - _cy(prev)) < limit
    )


def _dedupe(chars: Sequence[Char]) -> list[Char]:
    """Given chars sorted left to right, drop glyphs drawn twice at (almost) one spot."""
    texts = list(map(_text, chars))
    alike = compress(range(len(texts)), map(eq, texts, texts[1:]))  # C-level scan
    if not any(_is_double(chars[index], chars[index + 1]) for index in alike):
        # No neighbour doubles another, so nothing is dropped (the usual "ll", "00").
        return list(chars)
    kept: list[Char] = []
    for char in chars:
        if kept and _is_double(kept[-1], char):
            continue
        kept.append(char)
    return kept


def _drop_overprinted_spaces(
    chars: Sequence[Char], spaces: Sequence[bool] | None = None
) -> list[Char]:
    """Given one line's chars sorted left to right, drop space glyphs drawn over a letter.

    Some exporters (LibreOffice on hyperlinked list items) print a space on top of a
    line's first or last letter; sorted by left edge it would split a word ("htm l").
    Only the nearest glyphs on either side can lie under a space, so the check is local.
    ``spaces`` (which chars are whitespace) may be given when the caller knows it.
    """
    if spaces is None:
        spaces = [_is_space(char) for char in chars]
    dropped: set[int] = set()
    for index in [i for i, space in enumerate(spaces) if space]:
        char = chars[index]
        width = max(char.x1 - char.x0, 1e-6)
        nearby = [*range(max(index - 2, 0), index), *range(index + 1, min(index + 3, len(chars)))]
        covered = max(
            (
                min(char.x1, chars[other].x1) - max(char.x0, chars[other].x0)
                for other in nearby
                if not spaces[other]
            ),
            default=0.0,
        )
        if covered > 0.5 * width:
            dropped.add(index)
    if not dropped:
        return list(chars)
    return [char for index, char in enumerate(chars) if index not in dropped]


def join_chars(chars: Sequence[Char]) -> str:
    """Given one line's chars sorted left to right, return its text.

    The chars' own whitespace is kept (as one ASCII space); one space is added where the
    gap between two glyphs is wide (see the module docstring); runs of spaces collapse to
    one and the ends are stripped.
    """
    if not chars:
        return ""
    columns = _Columns(*zip(*chars, strict=True))
    return _join(columns, list(map(str.isspace, columns.texts)))


class _Columns(NamedTuple):
    """One line's glyphs as columns (``zip(*chars)``): one C-level pass instead of one
    Python-level pass per field, which is what a thousand glyphs a page can afford."""

    texts: tuple[str, ...]
    x0s: tuple[float, ...]
    tops: tuple[float, ...]
    x1s: tuple[float, ...]
    bottoms: tuple[float, ...]
    fontnames: tuple[str, ...]
    sizes: tuple[float, ...]
    uprights: tuple[bool, ...]
    tilts: tuple[float, ...]
    lightnesses: tuple[float, ...]


def _pair_gaps(columns: _Columns) -> list[float]:
    """Given a line's columns, return each neighbour pair's gap in em: the space between
    the two boxes over the mean of the two glyphs' em sizes."""
    _, x0s, tops, x1s, bottoms, _, sizes, _, _, _ = columns
    widths = map(sub, x0s[1:], x1s)
    if sizes[0] > 0.5 and sizes.count(sizes[0]) == len(sizes):
        # One size throughout: (em + em) / 2 is exactly em.
        return list(map(truediv, widths, repeat(sizes[0])))
    if min(sizes) > 0.5:
        ems: Sequence[float] = sizes
    else:
        ems = [  # _em's rule, on columns
            size if size > 0.5 else max(bottom - top, 1.0)
            for size, top, bottom in zip(sizes, tops, bottoms, strict=True)
        ]
    return list(map(truediv, widths, map(truediv, map(add, ems, ems[1:]), repeat(2))))


def _join(columns: _Columns, spaces: list[bool]) -> str:
    """Given a line's columns and which glyphs are whitespace, return join_chars's text.

    Only the few gaps wide enough for a space are looked at one by one.
    """
    texts = columns.texts
    # Gap i lies between glyphs i and i + 1; a gap next to a space glyph does not count
    # (it is NaN here: never wide, and left out of the median).
    pair_gaps = _pair_gaps(columns)
    has_space = True in spaces
    if has_space:
        pair_gaps = [
            _NAN if left_space or right_space else gap
            for gap, left_space, right_space in zip(pair_gaps, spaces, spaces[1:], strict=False)
        ]
        gaps = [
            gap
            for gap, left_space, right_space in zip(pair_gaps, spaces, spaces[1:], strict=False)
            if not (left_space or right_space)
        ]
    else:
        gaps = pair_gaps
    base = 0.0
    if len(gaps) >= MIN_GAPS_FOR_BASE:
        base = min(max(_median(gaps), 0.0), MAX_BASE_GAP)
    limit = base + SPACE_GAP
    # Only a gap wide enough for a space needs the (rarer) punctuation check.
    wide = [
        index
        for index in compress(count(), map(gt, pair_gaps, repeat(limit)))
        if pair_gaps[index] > PUNCT_GAP or not _punct_pair(texts[index], texts[index + 1])
    ]
    if base >= MIN_STRETCH or (
        wide
        and any(
            map(
                and_,
                map(_han_last, map(texts.__getitem__, wide)),
                map(_han_first, map(texts.__getitem__, map(_next, wide))),
            )
        )
    ):
        # A justified line mixes two kinds of gap: the stretch between Han glyphs and
        # the word gaps of Latin text (drawn with or without a space glyph).
        wide = _by_script(texts, pair_gaps, wide, base)
    if not has_space and not wide:
        return _SPACES.sub(" ", "".join(texts)).strip()
    parts = [" " if space else text for text, space in zip(texts, spaces, strict=True)]
    for index in reversed(wide):
        parts.insert(index + 1, " ")
    return _SPACES.sub(" ", "".join(parts)).strip()


_NAN = float("nan")


@functools.lru_cache(maxsize=8192)
def _is_han(ch: str) -> bool:
    """Whether a char is a full-width letter (Han, kana, Hangul): one em cell, no space
    around it in CJK text."""
    return _is_wide(ch) and unicodedata.category(ch)[0] == "L"


@functools.lru_cache(maxsize=8192)
def _is_word_char(ch: str) -> bool:
    """Whether a char belongs to a word of Latin-like text (a narrow letter or digit)."""
    return ch.isalnum() and not _is_wide(ch)


# Per glyph text (a ligature's text has several chars): its first or last char's kind.
@functools.lru_cache(maxsize=8192)
def _han_first(text: str) -> bool:
    return _is_han(text[0])


@functools.lru_cache(maxsize=8192)
def _han_last(text: str) -> bool:
    return _is_han(text[-1])


@functools.lru_cache(maxsize=8192)
def _word_first(text: str) -> bool:
    return _is_word_char(text[0])


@functools.lru_cache(maxsize=8192)
def _word_last(text: str) -> bool:
    return _is_word_char(text[-1])


def _by_script(
    texts: Sequence[str], pair_gaps: Sequence[float], wide: list[int], base: float
) -> list[int]:
    """Given a line's typical gap (``base``, in em), its glyphs' texts,
    pair gaps and the gaps found wide enough for a space, return those gaps corrected
    by the scripts on either side.

    Justification stretches every gap between two Han glyphs alike: such a gap is a space
    only when it is :data:`SPACE_GAP` wider than the line's Han-Han median (clamped to
    :data:`MAX_BASE_GAP`), however the rest of the line is set; a column or field gap is
    far wider. Between two Latin letters or digits the stretch is not the
    Han one: a word gap is a space when it is :data:`SPACE_GAP` wider than the median of
    the Latin pairs, though the line's median, raised by the Han stretch, is wider.
    """
    kept = set(wide)
    # Pair i lies between glyphs i and i + 1; gaps next to a space glyph are neither.
    han = list(compress(count(), map(and_, map(_han_last, texts), map(_han_first, texts[1:]))))
    if han and kept.intersection(han):
        # Every Han pair counts, however few: two glyphs set apart alike are one word
        # spaced out (a letter-spaced heading), not words.
        han_gaps = list(map(pair_gaps.__getitem__, han))
        han_limit = min(max(_median(han_gaps), 0.0), MAX_BASE_GAP) + SPACE_GAP
        kept.difference_update(compress(han, map(le, han_gaps, repeat(han_limit))))
    if base < MIN_STRETCH:
        return sorted(kept)
    latin = list(compress(count(), map(and_, map(_word_last, texts), map(_word_first, texts[1:]))))
    if len(latin) >= MIN_GAPS_FOR_BASE:
        latin_gaps = list(map(pair_gaps.__getitem__, latin))
        latin_limit = min(max(_median(latin_gaps), 0.0), MAX_BASE_GAP) + SPACE_GAP
        if latin_limit < base + SPACE_GAP:
            kept.update(compress(latin, map(gt, latin_gaps, repeat(latin_limit))))
    return sorted(kept)
