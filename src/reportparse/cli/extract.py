"""`reportparse extract`: one issue to JSON, JSON Lines or CSV."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import typer

from .. import emit
from ..api import parse, parse_page_spec
from ..errors import UsageError
from ..profile import DEFAULT_LIMITS

if TYPE_CHECKING:  # imported when `batch` runs: other commands start without it
    pass
from .app import app, settings_of
from .options import (
    BomOpt,
    EncodingOpt,
    EngineOpt,
    FormatOpt,
    InputFile,
    MaxCharsOpt,
    MaxPagesOpt,
    OutputOpt,
    PagesOpt,
    PasswordOpt,
    SectionsOpt,
    _is_stdout,
    _refuse_overwriting_input,
    check_encoding,
    limits_of,
    split_sections,
)
from .output import (
    describe_issue,
    print_json_pretty,
    reporting,
    say,
    stdout_is_terminal,
    warn,
    write_output,
)

# --------------------------------------------------------------------------- commands

EXTRACT_EXAMPLES = """\
[bold]Examples[/bold]

\b
  reportparse extract 2024-09.pdf                    # coloured JSON on screen
  reportparse extract 2024-09.pdf -o 2024-09.json    # compact JSON file
  reportparse extract 2024-09.pdf -f csv --bom -o 2024-09.csv   # for Excel
  reportparse extract 2024-09.pdf -f jsonl | grep 交易资讯
  reportparse extract 2024-09.txt --pages 3-20 --sections 政策速递,行业新闻
"""


@app.command(epilog=EXTRACT_EXAMPLES)
def extract(
    ctx: typer.Context,
    file: InputFile,
    output: OutputOpt = None,
    fmt: FormatOpt = "json",
    bom: BomOpt = False,
    pages: PagesOpt = None,
    password: PasswordOpt = None,
    sections: SectionsOpt = None,
    engine: EngineOpt = "pdfplumber",
    encoding: EncodingOpt = None,
    max_pages: MaxPagesOpt = DEFAULT_LIMITS.max_pages,
    max_chars_per_page: MaxCharsOpt = DEFAULT_LIMITS.max_chars_per_page,
) -> None:
    """Parse one issue into entries: title, date, source, links, summary, commentary.

    JSON is indented and coloured on a terminal, compact when piped or written with -o.

    Warnings (odd layout, missing fields) go to stderr, one per line.
    """
    settings = settings_of(ctx)
    with reporting(settings):
        if bom and fmt != "csv":
            raise UsageError("--bom only applies to --format csv")
        # Check every option before touching the file, so usage errors always exit 2.
        page_list = parse_page_spec(pages)
        limits = limits_of(max_pages, max_chars_per_page)
        encoding = check_encoding(encoding)
        section_names = split_sections(sections)
        _refuse_overwriting_input(file, output)

        started = time.perf_counter()
        issue = parse(
            file,
            pages=page_list,
            password=password,
            sections=section_names,
            engine=engine,
            limits=limits,
            encoding=encoding,
        )
        issue_dict = issue.to_dict()
        parsed = time.perf_counter()
        for warning in issue_dict.get("warnings", []):
            warn(warning)

        if fmt == "json" and _is_stdout(output) and stdout_is_terminal():
            print_json_pretty(issue_dict)
        else:
            write_output(emit.render(issue_dict, fmt, file=file, bom=bom), output)
        if settings.verbose:
            say(describe_issue(issue_dict, engine, page_list))
            say(
                f"parsed in {parsed - started:.2f} s, done in {time.perf_counter() - started:.2f} s"
            )
