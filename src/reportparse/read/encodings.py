"""Tell the encoding of a text dump, and decode it.

Dumps come from other converters and from users on any system: UTF-8 with or without a
byte-order mark, UTF-16 with one (Windows Notepad's "Unicode"), GB18030/GBK (Windows'
"ANSI" on a Simplified Chinese system) or Big5 (the same on a Traditional one).

A byte-order mark decides. Without one, UTF-8 is tried first: text in another encoding
is almost never valid UTF-8. GB18030 and Big5 overlap (most byte pairs of one decode
under the other), so both are tried and the reading with fewer *odd* characters wins:
private-use code points, unassigned code points, control characters and Bopomofo. Each
encoding's punctuation read under the other lands there (GBK's ``，`` read as Big5 is a
Bopomofo letter; Big5's ``，`` read as GBK a private-use code point), so the right reading
has far fewer. Text with many control characters under every reading is not text.
"""

from __future__ import annotations

import codecs

import regex

# (name shown to users, Python codec) in the order they are tried after the BOMs.
GUESSED: tuple[tuple[str, str], ...] = (("GB18030", "gb18030"), ("Big5", "cp950"))
# What the error message lists as tried.
TRIED = "UTF-8 (with or without BOM), UTF-16 and UTF-32 (with BOM), GB18030/GBK, Big5"

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "UTF-32", "utf-32"),  # before UTF-16 LE: it starts the same
    (codecs.BOM_UTF32_BE, "UTF-32", "utf-32"),
    (codecs.BOM_UTF8, "UTF-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "UTF-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "UTF-16", "utf-16"),
)
# Characters no converter writes into a text layer's dump: controls other than the
# whitespace ones (form feed included), private-use and unassigned code points, and
# Bopomofo (which a Chinese newsletter does not print, but mis-decoded punctuation is).
_ODD = regex.compile(r"[^\P{Cc}\t\n\r\f\v]|\p{Co}|\p{Cn}|\p{Bopomofo}|\uFFFD")
# A reading where more than this share of the characters is odd is not text.
MAX_ODD_SHARE = 0.05


class UnknownEncodingError(ValueError):
    """The bytes are text in no encoding tried (or not text at all)."""


def codec_for(name: str) -> str:
    """Given an encoding name a user typed, return Python's codec name for it.

    Raises LookupError for a name Python does not know.
    """
    info = codecs.lookup(name.strip())
    if info.name == "utf-8":
        return "utf-8-sig"  # a BOM, if there is one, is not text
    if info.name == "big5":
        return "cp950"  # Windows' Big5, a superset
    if info.name in ("gbk", "gb2312"):
        return "gb18030"  # a superset of both
    return info.name


def decode(data: bytes, encoding: str | None = None, *, partial: bool = False) -> tuple[str, str]:
    """Given a dump's bytes (and the encoding if known), return (text, encoding name).

    ``partial``: the bytes are a file's first bytes, so a character cut at the end is
    not an error. Raises UnicodeDecodeError when a given encoding does not fit, and
    UnknownEncodingError when no encoding tried does.
    """
    if encoding is not None:
        codec = codec_for(encoding)
        return _decode(data, codec, partial), encoding
    for bom, name, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _decode(data, codec, partial), name
            except UnicodeDecodeError as exc:
                raise UnknownEncodingError(
                    f"starts with a {name} byte-order mark but is not {name}"
                ) from exc
    try:
        text = _decode(data, "utf-8", partial)
    except UnicodeDecodeError:
        pass
    else:
        if _odd_share(text) <= MAX_ODD_SHARE:
            return text, "UTF-8"
        raise UnknownEncodingError("not text (control characters throughout)")
    readings: list[tuple[int, int, str, str]] = []
    for order, (name, codec) in enumerate(GUESSED):
        try:
            text = _decode(data, codec, partial)
        except UnicodeDecodeError:
            continue
        readings.append((len(_ODD.findall(text)), order, text, name))
    if readings:
        odd, _, text, name = min(readings)
        if odd <= MAX_ODD_SHARE * max(len(text), 1):
            return text, name
    raise UnknownEncodingError(f"not text in any encoding tried ({TRIED})")


def _decode(data: bytes, codec: str, partial: bool) -> str:
    if not partial:
        return data.decode(codec)
    decoder = codecs.getincrementaldecoder(codec)()
    return str(decoder.decode(data, final=False))


def _odd_share(text: str) -> float:
    return len(_ODD.findall(text)) / max(len(text), 1)
