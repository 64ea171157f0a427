"""`reportparse debug`: a picture of each page with every line's role drawn over it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..api import parse_page_spec
from ..memory import run_limited
from ..profile import DEFAULT_LIMITS

if TYPE_CHECKING:  # the debug package (Pillow, PDFium) is imported when `debug` runs
    from ..debug.pictures import PagePicture
from .app import app, settings_of
from .options import (
    EngineOpt,
    MaxCharsOpt,
    MaxMemoryOpt,
    MaxPagesOpt,
    PasswordOpt,
    ProfileOpt,
    limits_of,
    memory_of,
    profile_of,
)
from .output import reporting, say, warn

DEBUG_EXAMPLES = """\
[bold]Examples[/bold]

\b
  reportparse debug 2024-09.pdf                 # 2024-09-debug/page-1.png, page-2.png, ...
  reportparse debug 2024-09.pdf -p 3 -o /tmp/d  # /tmp/d/page-3.png
  reportparse debug other.pdf --profile other-firm.toml   # another newsletter
  reportparse -v debug 2024-09.pdf              # and how many lines had each role, per page
"""

PdfFile = Annotated[
    str,
    typer.Argument(
        metavar="FILE",
        help="A newsletter issue as a PDF (a text dump has no page to draw).",
        show_default=False,
    ),
]
FolderOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="DIR",
        help="Folder for the pictures (made if missing; default: <input stem>-debug beside "
        "the input).",
        show_default=False,
    ),
]


@app.command(epilog=DEBUG_EXAMPLES)
def debug(
    ctx: typer.Context,
    file: PdfFile,
    pages: Annotated[
        str | None,
        typer.Option(
            "--pages", "-p", metavar="LIST", help="Pages to draw, e.g. 1-3,7 (default: all)."
        ),
    ] = None,
    output: FolderOpt = None,
    password: PasswordOpt = None,
    engine: EngineOpt = "pdfplumber",
    max_pages: MaxPagesOpt = DEFAULT_LIMITS.max_pages,
    max_chars_per_page: MaxCharsOpt = DEFAULT_LIMITS.max_chars_per_page,
    profile: ProfileOpt = None,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Draw what the parser saw: DIR/page-N.png, each page with every line boxed in the
    colour of its role, link annotations outlined, entry numbers in the margin, a legend.

    Kept lines: heading, title, field, link, summary, commentary, front and back matter.
    Dropped lines, hatched: running header and footer, page number, bullet, blank,
    watermark, table of contents.

    The roles are the whole file's, as extract parses it, whichever pages are drawn; an
    entry's number is its place in extract's "entries" (1 = the first). A text dump has
    no page to draw (exit status 2): use reportparse text --explain.
    """
    settings = settings_of(ctx)
    with reporting(settings):
        from ..debug.pictures import (
            check_folder,
            check_pages,
            default_folder,
            draw_pages,
            explain_file,
            make_folder,
        )

        # Check every option before reading the file, so usage errors always exit 2.
        page_list = parse_page_spec(pages)
        limits = limits_of(max_pages, max_chars_per_page)
        folder = check_folder(output if output is not None else default_folder(file))
        active_profile = profile_of(profile)
        memory_limit = memory_of(max_memory)

        started = time.perf_counter()
        view = run_limited(
            lambda: explain_file(
                file, password=password, engine=engine, profile=active_profile, limits=limits
            ),
            memory_limit,
            file,
        )
        for warning in view.document.warnings:
            warn(warning.to_dict())
        wanted = check_pages(view, page_list)

        def report(picture: PagePicture) -> None:
            if settings.verbose:
                say(describe_picture(picture))

        # Opened and made before saying anything: a file PDFium cannot open, or a folder
        # that cannot be made, ends in one line.
        with view.open_pdf(password=password) as pdf:
            make_folder(folder)
            say(f"drawing {len(wanted)} page{'s' if len(wanted) != 1 else ''} into {folder}/")
            draw_pages(view, folder, pages=wanted, report=report, pdf=pdf)
        if settings.verbose:
            say(f"done in {time.perf_counter() - started:.2f} s")


def describe_picture(picture: PagePicture) -> str:
    """Given a picture written, return its one-line --verbose summary."""
    roles = ", ".join(f"{role} {count}" for role, count in picture.roles.items()) or "no lines"
    return (
        f"page {picture.page}: {roles}; {picture.links} link annotation"
        f"{'s' if picture.links != 1 else ''} -> {picture.path.name}"
    )
