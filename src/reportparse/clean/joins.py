"""Wrapped lines joined again: the space a wrap took, URLs cut over two lines."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .text import _NARROW_WORD_CHAR, _URL_HEAD, URL_RE, find_urls, is_wide

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
