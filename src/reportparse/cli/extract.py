"""`reportparse extract`: one issue to JSON, JSON Lines or CSV."""

from __future__ import annotations

import time

import typer

from .. import emit
from ..api import parse, parse_page_spec
from ..errors import UsageError
from ..memory import run_limited
from ..profile import DEFAULT_LIMITS
from .app import app, settings_of
from .options import (
    BomOpt,
    DbOpt,
    EncodingOpt,
    EngineOpt,
    FormatOpt,
    InputFile,
    MaxCharsOpt,
    MaxMemoryOpt,
    MaxPagesOpt,
    OutputOpt,
    PagesOpt,
    PasswordOpt,
    ProfileOpt,
    SectionsOpt,
    _is_stdout,
    _refuse_overwriting_input,
    check_encoding,
    limits_of,
    memory_of,
    profile_of,
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
  reportparse extract 2024-09.pdf -f xlsx -o 2024-09.xlsx     # one row per entry
  reportparse extract 2024-09.pdf --db archive.sqlite         # into the archive
  reportparse extract 2024-09.txt --pages 3-20 --sections 政策速递,行业新闻
  reportparse extract other.pdf --profile other-firm.toml   # another newsletter
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
    db: DbOpt = None,
    profile: ProfileOpt = None,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Parse one issue into entries: title, date, source, links, summary, commentary.

    JSON is indented and coloured on a terminal, compact when piped or written with -o.

    Warnings (odd layout, missing fields) go to stderr, one per line. With --db the issue
    goes into a SQLite archive instead of stdout (give -o as well for both).
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
        active_profile = profile_of(profile)
        memory_limit = memory_of(max_memory)
        _refuse_overwriting_input(file, output)
        if fmt == "xlsx" and _is_stdout(output) and stdout_is_terminal():
            raise UsageError("--format xlsx is a binary file: give -o FILE.xlsx")

        started = time.perf_counter()
        issue = run_limited(
            lambda: parse(
                file,
                pages=page_list,
                password=password,
                sections=section_names,
                engine=engine,
                profile=active_profile,
                limits=limits,
                encoding=encoding,
            ),
            memory_limit,
            file,
        )
        issue_dict = issue.to_dict()
        parsed = time.perf_counter()
        for warning in issue_dict.get("warnings", []):
            warn(warning)

        if db is not None:
            from ..archive.store import write_issue

            write_issue(db, issue_dict, path=file)
        # With --db alone the archive is the destination asked for: stdout stays empty.
        if db is None or output is not None:
            if fmt == "json" and _is_stdout(output) and stdout_is_terminal():
                print_json_pretty(issue_dict)
            else:
                write_output(emit.render(issue_dict, fmt, file=file, bom=bom), output)
        if settings.verbose:
            say(describe_issue(issue_dict, engine, page_list))
            say(
                f"parsed in {parsed - started:.2f} s, done in {time.perf_counter() - started:.2f} s"
            )
