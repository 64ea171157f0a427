"""`reportparse text`: the lines the parser sees."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from .. import emit
from ..api import explain_document, parse_page_spec, read
from ..clean.document import clean_document
from ..errors import UsageError
from ..memory import run_limited
from ..profile import DEFAULT_LIMITS
from .app import app, settings_of
from .options import (
    EncodingOpt,
    EngineOpt,
    InputFile,
    MaxCharsOpt,
    MaxMemoryOpt,
    MaxPagesOpt,
    PagesOpt,
    PasswordOpt,
    ProfileOpt,
    check_encoding,
    limits_of,
    memory_of,
    profile_of,
)
from .output import reporting, say, warn, write_stdout

TEXT_EXAMPLES = """\
[bold]Examples[/bold]

\b
  reportparse text 2024-09.pdf --pages 5 | less     # lines after cleaning
  reportparse text 2024-09.pdf --raw > raw.txt      # lines as read
  reportparse text 2024-09.pdf --explain | grep -v summary   # each line's role
"""


@app.command(epilog=TEXT_EXAMPLES)
def text(
    ctx: typer.Context,
    file: InputFile,
    pages: PagesOpt = None,
    password: PasswordOpt = None,
    engine: EngineOpt = "pdfplumber",
    encoding: EncodingOpt = None,
    raw: Annotated[
        bool, typer.Option("--raw", help="Show the lines as read, before cleaning.")
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Show every line, dropped ones too, after its role (title, field, summary, "
            "running-footer, page-number, ...) and why it has it.",
        ),
    ] = False,
    max_pages: MaxPagesOpt = DEFAULT_LIMITS.max_pages,
    max_chars_per_page: MaxCharsOpt = DEFAULT_LIMITS.max_chars_per_page,
    profile: ProfileOpt = None,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Print the text lines of each page after cleaning, to see what the parser sees.

    Each page starts with a line "=== page N ==="; a dumped link URI shows as <uri: ...>.
    """
    settings = settings_of(ctx)
    with reporting(settings):
        page_list = parse_page_spec(pages)
        limits = limits_of(max_pages, max_chars_per_page)
        active_profile = profile_of(profile)
        encoding = check_encoding(encoding)
        memory_limit = memory_of(max_memory)
        if raw and explain:
            raise UsageError("--explain shows roles after cleaning; leave out --raw")
        started = time.perf_counter()
        document = run_limited(
            lambda: read(
                file,
                pages=page_list,
                password=password,
                engine=engine,
                limits=limits,
                encoding=encoding,
            ),
            memory_limit,
            file,
        )
        if explain:
            document = explain_document(document, profile=active_profile)
        elif not raw:
            document = clean_document(document, active_profile)
        for warning in document.warnings:
            warn(warning.to_dict())
        write_stdout(emit.render_text(document, explain=explain).encode("utf-8"))
        if settings.verbose:
            reader = "text dump" if document.kind == "text" else engine
            say(
                f"read with {reader}: {len(document.pages)} of {document.page_count} pages; "
                f"{sum(len(page.content()) for page in document.pages)} lines "
                f"in {time.perf_counter() - started:.2f} s"
            )
