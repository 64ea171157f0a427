"""Options shared by the commands, and their conversion into library arguments."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Annotated, Literal

import regex
import typer

from ..errors import UsageError
from ..profile import DEFAULT_PROFILE, Limits, Profile
from ..read.encodings import codec_for

# --------------------------------------------------------------------------- shared options

EngineName = Literal["pdfplumber", "pdfium"]
FormatName = Literal["json", "jsonl", "csv", "xlsx"]

InputFile = Annotated[
    str,
    typer.Argument(
        metavar="FILE",
        help="A newsletter issue: a PDF, or a text dump of one (see --encoding).",
        show_default=False,
    ),
]
PagesOpt = Annotated[
    str | None,
    typer.Option("--pages", "-p", metavar="LIST", help="Pages to read, e.g. 1-3,7 (default: all)."),
]
PasswordOpt = Annotated[
    str | None,
    typer.Option(
        "--password",
        envvar="REPORTPARSE_PASSWORD",
        metavar="PW",
        help="Password of an encrypted PDF (or set REPORTPARSE_PASSWORD).",
        show_envvar=False,
    ),
]
EngineOpt = Annotated[
    EngineName,
    typer.Option("--engine", help="PDF library that extracts the characters."),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="NAME",
        help="Encoding of a text dump, e.g. gb18030, big5, utf-16 (default: recognised: "
        "UTF-8, UTF-16/32 with BOM, GB18030/GBK, Big5). PDFs ignore it.",
    ),
]
SectionsOpt = Annotated[
    str | None,
    typer.Option(
        "--sections",
        metavar="NAMES",
        help="Section names in print order, e.g. " + ",".join(DEFAULT_PROFILE.sections) + ".",
    ),
]
ProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--profile",
        metavar="FILE.toml",
        help="What the newsletter calls things (sections, field labels, back matter), "
        "as a profile file; see `reportparse profile show`. Default: the file "
        "REPORTPARSE_PROFILE names, else the built-in profile, inferring another "
        "from the issue when it finds no entries.",
        show_default=False,
    ),
]
MaxPagesOpt = Annotated[
    int,
    typer.Option("--max-pages", metavar="N", help="Refuse files with more pages than this."),
]
MaxCharsOpt = Annotated[
    int,
    typer.Option(
        "--max-chars-per-page", metavar="N", help="Refuse pages with more characters than this."
    ),
]
MaxMemoryOpt = Annotated[
    str | None,
    typer.Option(
        "--max-memory",
        metavar="SIZE",
        envvar="REPORTPARSE_MAX_MEMORY",
        help="Stop a file that needs more memory than this, e.g. 512MiB, 2GiB; 0: no limit "
        "(default: 1GiB).",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write here (atomically) instead of to stdout; '-' means stdout.",
        dir_okay=False,
    ),
]
FormatOpt = Annotated[
    FormatName,
    typer.Option(
        "--format",
        "-f",
        help="json: the whole issue; jsonl: one entry per line; csv or xlsx: one entry per row.",
    ),
]
DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        metavar="FILE",
        help="Also write into this SQLite archive (created if missing; search it with "
        "`reportparse search`).",
        dir_okay=False,
    ),
]
BomOpt = Annotated[
    bool,
    typer.Option("--bom", help="Start the CSV with a byte-order mark so Excel shows Chinese."),
]


# --------------------------------------------------------------------------- option helpers


def split_sections(text: str | None) -> list[str] | None:
    """Given "政策速递,行业新闻" (ASCII, full-width or 、 commas), return the names."""
    if text is None:
        return None
    names = [name.strip() for name in regex.split(r"[,，、]", text) if name.strip()]
    if not names:
        raise UsageError("--sections needs at least one section name")
    return names


def profile_of(path: str | None) -> Profile:
    """Given the --profile value (None if not given), return the profile to use: the file's,
    else the one REPORTPARSE_PROFILE names, else the built-in one (bad files exit 2)."""
    from ..profile_file import resolve_profile

    return resolve_profile(path)


def limits_of(max_pages: int, max_chars_per_page: int) -> Limits:
    """Given the limit options, return Limits (which rejects values below 1)."""
    return Limits(max_pages=max_pages, max_chars_per_page=max_chars_per_page)


def _is_stdout(output: Path | None) -> bool:
    """Given the --output value, return whether output goes to stdout."""
    return output is None or str(output) == "-"


def _refuse_overwriting_input(file: str, output: Path | None) -> None:
    """Given input and output paths, raise if writing would destroy the input."""
    if _is_stdout(output) or output is None or not output.exists():
        return
    with contextlib.suppress(OSError):
        if os.path.samefile(file, output):
            raise UsageError("--output names the input file; choose another output path")


_SIZE = regex.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:([KMGT])(?:i?B)?|B)?\s*", regex.IGNORECASE)


def memory_of(value: str | None) -> int:
    """Given --max-memory's value (None: not given), return the limit in bytes (0: none):
    a number of bytes or of KiB, MiB, GiB or TiB (K, M, G, T and KB... read as binary)."""
    from ..memory import DEFAULT_MAX_MEMORY

    if value is None:
        return DEFAULT_MAX_MEMORY
    match = _SIZE.fullmatch(value)
    if match is None:
        raise UsageError(f"--max-memory: expected a size such as 512MiB or 2GiB, got {value!r}")
    number, unit = float(match[1]), (match[2] or "").upper()
    size = int(number * (1 << (10 * " KMGT".index(unit or " "))))
    if 0 < size < 64 << 20:
        # Python and a PDF engine alone take 40 MB: a smaller cap fails every file.
        raise UsageError(f"--max-memory: {value} is too little to read any PDF; give 64MiB or more")
    return size


def check_encoding(name: str | None) -> str | None:
    """Given --encoding's value, return it, or raise a usage error for an unknown name."""
    if name is None:
        return None
    try:
        codec_for(name)
    except LookupError:
        raise UsageError(
            f"unknown encoding {name!r} for --encoding (e.g. utf-8, gb18030, big5, utf-16)"
        ) from None
    return name
