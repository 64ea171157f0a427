"""Tell what an input file is from its first bytes, never from its name alone."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ..errors import EmptyFileError, NotAPDFError, NotReadableError, UsageError
from .encodings import UnknownEncodingError, decode

# Magic numbers of formats people mistake for PDFs (attachments, scans, office files).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image data"),
    (b"\xff\xd8\xff", "JPEG image data"),
    (b"GIF87a", "GIF image data"),
    (b"GIF89a", "GIF image data"),
    (b"II*\x00", "TIFF image data"),
    (b"MM\x00*", "TIFF image data"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx office file)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"%!PS", "a PostScript file"),
)

# PDF readers accept a header anywhere in the first kilobyte (leading junk is common).
_HEADER_WINDOW = 1024
# Bytes of a non-PDF file decoded to tell whether it is text.
_TEXT_SAMPLE = 64 * 1024


def describe_bytes(head: bytes) -> str:
    """Given a file's first bytes, return a short description of what they look like."""
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            return name
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if lowered.startswith(b"<?xml"):
        return "an XML document"
    if b"\x00" in head[:512]:
        return "binary data"
    return "text"


def sniff_kind(path: Path, encoding: str | None = None) -> Literal["pdf", "text"]:
    """Given a readable file (and the encoding of a text dump, if known), return "pdf" or
    "text", or raise a clear error.

    Text is recognised in every encoding :mod:`.encodings` knows (UTF-16 text is full of
    NUL bytes, GB18030 text is not UTF-8: neither is "binary data" nor "not a PDF").
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEADER_WINDOW)
    except OSError as exc:
        raise NotReadableError(f"cannot read the file: {exc.strerror}", path=str(path)) from exc
    if not head:
        raise EmptyFileError("the file is empty (0 bytes)", path=str(path))
    if b"%PDF-" in head:
        return "pdf"
    what = describe_bytes(head)
    if what in ("text", "binary data"):
        problem = _text_problem(path, encoding)
        if problem is None:
            if path.suffix.lower() == ".pdf":
                raise NotAPDFError(
                    "not a PDF: it holds plain text; rename it to .txt to read it as a text dump",
                    path=str(path),
                )
            return "text"
        if what == "text" or encoding is not None:
            # Text-like bytes in an encoding not recognised: say so, not "looks like text".
            raise NotAPDFError(f"not a PDF, and {problem}", path=str(path))
    raise NotAPDFError(f"not a PDF: the file looks like {what}", path=str(path))


def _text_problem(path: Path, encoding: str | None) -> str | None:
    """Given a file that is no PDF, return None if its first bytes are text (in
    ``encoding``, or in an encoding recognised), else what is wrong with them."""
    with path.open("rb") as handle:
        sample = handle.read(_TEXT_SAMPLE)
    try:
        decode(sample, encoding, partial=True)
    except UnknownEncodingError as exc:
        return f"{exc}; if it is a text dump, give its encoding with --encoding"
    except UnicodeDecodeError as exc:
        return f"not {encoding} text (bad byte at offset {exc.start}); check --encoding"
    except LookupError:
        raise UsageError(
            f"unknown encoding {encoding!r} (e.g. utf-8, gb18030, big5, utf-16)"
        ) from None
    return None
