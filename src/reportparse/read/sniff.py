"""Tell what an input file is from its first bytes, never from its name alone."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ..errors import EmptyFileError, NotAPDFError, NotReadableError

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


def sniff_kind(path: Path) -> Literal["pdf", "text"]:
    """Given a readable file, return "pdf" or "text", or raise a clear error."""
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
    if what == "text" and _is_utf8_text(path):
        if path.suffix.lower() == ".pdf":
            raise NotAPDFError(
                "not a PDF: it holds plain text; rename it to .txt to read it as a text dump",
                path=str(path),
            )
        return "text"
    raise NotAPDFError(f"not a PDF: the file looks like {what}", path=str(path))


def _is_utf8_text(path: Path) -> bool:
    with path.open("rb") as handle:
        sample = handle.read(64 * 1024)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sample's end is still text.
        return exc.start >= len(sample) - 3
    return True
