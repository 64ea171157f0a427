"""The ``reportparse`` command: a thin shell over :mod:`reportparse.api` and :mod:`.emit`.

No parsing happens here. A command turns options into library calls, writes what they
return, and leaves errors to :func:`reporting`, which maps every ``ReportParseError`` to
one line on stderr and its exit status. Options that several commands share are defined
once below as ``Annotated`` aliases, so a new command is one function.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import regex
import typer

from . import __version__, emit
from .api import parse, parse_page_spec, read
from .clean import clean_document
from .errors import ReportParseError, UsageError
from .profile import (
    DEFAULT_BATCH_GLOB,
    DEFAULT_BATCH_TIMEOUT,
    DEFAULT_LIMITS,
    DEFAULT_PROFILE,
    Limits,
)

if TYPE_CHECKING:  # imported when `batch` runs: other commands start without it
    from . import batch as batch_mod

PROG = "reportparse"
EXIT_INTERRUPTED = 130

app = typer.Typer(
    name=PROG,
    no_args_is_help=True,
    add_completion=False,
    # Errors are ours to report (one line, no traceback); --debug brings tracebacks back.
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass(frozen=True, slots=True)
class Settings:
    """Global options, handed to every command through the click context."""

    verbose: bool = False
    debug: bool = False


# --------------------------------------------------------------------------- shared options

EngineName = Literal["pdfplumber", "pdfium"]
FormatName = Literal["json", "jsonl", "csv"]

InputFile = Annotated[
    str,
    typer.Argument(
        metavar="FILE",
        help="A newsletter issue: a PDF, or a UTF-8 text dump of one.",
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
SectionsOpt = Annotated[
    str | None,
    typer.Option(
        "--sections",
        metavar="NAMES",
        help="Section names in print order, e.g. " + ",".join(DEFAULT_PROFILE.sections) + ".",
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
        help="json: the whole issue; jsonl: one entry per line; csv: one entry per row.",
    ),
]
BomOpt = Annotated[
    bool,
    typer.Option("--bom", help="Start the CSV with a byte-order mark so Excel shows Chinese."),
]


# --------------------------------------------------------------------------- global options


def _version_callback(value: bool) -> None:
    """Given --version was passed, print the version and stop."""
    if value:
        typer.echo(f"{PROG} {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Report engine, pages, entries and timing on stderr."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback when something goes wrong.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Turn PDF issues of Chinese law-firm newsletters into JSON, JSON Lines or CSV.

    Global options go before the command, e.g. reportparse -v extract issue.pdf
    """
    ctx.obj = Settings(verbose=verbose, debug=debug)
    configure_logging(show=verbose or debug)


class _LogHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler this module installed, so a second run replaces it."""


class _QuietHandler(logging.NullHandler):
    """Marks the do-nothing handler this module installed (see _LogHandler)."""


def configure_logging(*, show: bool) -> None:
    """Given whether to show library log records, route them to stderr or nowhere."""
    # PDF libraries log their repairs ("MediaBox missing ...") as warnings. Without a
    # handler, Python prints them raw and breaks the one-line-per-problem promise; they
    # are shown, prefixed, only with -v or --debug.
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _LogHandler | _QuietHandler)]:
        root.removeHandler(handler)
    if show:
        handler = _LogHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter(f"{PROG}: log: %(name)s: %(message)s"))
        root.addHandler(handler)
    else:
        root.addHandler(_QuietHandler())


def settings_of(ctx: typer.Context) -> Settings:
    """Given a command's context, return the global settings (defaults if none were set)."""
    found = ctx.find_object(Settings)
    return found if found is not None else Settings()


# --------------------------------------------------------------------------- error reporting


def say(message: str) -> None:
    """Given a message, write it to stderr as one line prefixed with the program name."""
    typer.echo(f"{PROG}: {_one_line(message)}", err=True)


def _one_line(text: str) -> str:
    """Given any text, return it folded onto one line."""
    return " ".join(text.split())


@contextlib.contextmanager
def reporting(settings: Settings) -> Iterator[None]:
    """Given the settings, turn any exception in the block into one stderr line and exit."""
    try:
        yield
    except typer.Exit:
        raise
    except ReportParseError as err:
        if settings.debug:
            traceback.print_exc()
        say(f"error: {err}")
        raise typer.Exit(err.exit_code) from None
    except KeyboardInterrupt:
        if settings.debug:
            raise
        say("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        # The reader went away (`| head`): nothing left to say, and nowhere to say it.
        _silence_stdout()
        raise typer.Exit(1) from None
    except Exception as err:
        if settings.debug:
            raise
        detail = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        say(f"internal error: {detail} (run with --debug for the traceback)")
        raise typer.Exit(1) from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def warn(warning: Mapping[str, Any]) -> None:
    """Given a warning dict, write it to stderr as one line."""
    page = f" p.{warning['page']}" if warning.get("page") is not None else ""
    message = _one_line(str(warning.get("message", "")))
    typer.echo(f"warning: {warning.get('code', 'warning')}{page}: {message}", err=True)


# --------------------------------------------------------------------------- option helpers


def split_sections(text: str | None) -> list[str] | None:
    """Given "政策速递,行业新闻" (ASCII, full-width or 、 commas), return the names."""
    if text is None:
        return None
    names = [name.strip() for name in regex.split(r"[,，、]", text) if name.strip()]
    if not names:
        raise UsageError("--sections needs at least one section name")
    return names


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


# --------------------------------------------------------------------------- output helpers


def stdout_is_terminal() -> bool:
    """Return whether a person (not a pipe or a file) reads stdout."""
    return sys.stdout.isatty()


def write_stdout(data: bytes) -> None:
    """Given bytes, write them to stdout unchanged (no re-encoding, no colour)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def print_json_pretty(issue_dict: Mapping[str, Any]) -> None:
    """Given an issue dict, print it indented and highlighted for a person at a terminal."""
    from rich.console import Console

    # rich is only reached when stdout is a terminal; it still honours NO_COLOR.
    Console(soft_wrap=True).print_json(data=issue_dict, indent=2, ensure_ascii=False)


def write_output(data: bytes, output: Path | None) -> None:
    """Given bytes and the --output value, write them to stdout or atomically to the file."""
    if _is_stdout(output) or output is None:
        write_stdout(data)
    else:
        emit.atomic_write(output, data)


def describe_issue(issue_dict: Mapping[str, Any], engine: str, pages: list[int] | None) -> str:
    """Given a parsed issue, return the one-line --verbose summary (without timing)."""
    source = issue_dict.get("source", {})
    reader = "text dump" if source.get("kind") == "text" else engine
    total = source.get("pages")
    read_count = len([p for p in pages if total is None or p <= total]) if pages else total
    counts = Counter(entry["section"] for entry in issue_dict.get("entries", []))
    per_section = ", ".join(f"{name} {count}" for name, count in counts.items()) or "none"
    return (
        f"read with {reader}: {read_count} of {total} pages; "
        f"{sum(counts.values())} entries ({per_section}); "
        f"{len(issue_dict.get('warnings', []))} warnings"
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

TEXT_EXAMPLES = """\
[bold]Examples[/bold]

\b
  reportparse text 2024-09.pdf --pages 5 | less     # lines after cleaning
  reportparse text 2024-09.pdf --raw > raw.txt      # lines as read
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


@app.command(epilog=TEXT_EXAMPLES)
def text(
    ctx: typer.Context,
    file: InputFile,
    pages: PagesOpt = None,
    password: PasswordOpt = None,
    engine: EngineOpt = "pdfplumber",
    raw: Annotated[
        bool, typer.Option("--raw", help="Show the lines as read, before cleaning.")
    ] = False,
    max_pages: MaxPagesOpt = DEFAULT_LIMITS.max_pages,
    max_chars_per_page: MaxCharsOpt = DEFAULT_LIMITS.max_chars_per_page,
) -> None:
    """Print the text lines of each page after cleaning, to see what the parser sees.

    Each page starts with a line "=== page N ==="; a dumped link URI shows as <uri: ...>.
    """
    settings = settings_of(ctx)
    with reporting(settings):
        page_list = parse_page_spec(pages)
        limits = limits_of(max_pages, max_chars_per_page)
        started = time.perf_counter()
        document = read(file, pages=page_list, password=password, engine=engine, limits=limits)
        if not raw:
            document = clean_document(document, DEFAULT_PROFILE)
        for warning in document.warnings:
            warn(warning.to_dict())
        write_stdout(emit.render_text(document).encode("utf-8"))
        if settings.verbose:
            reader = "text dump" if document.kind == "text" else engine
            say(
                f"read with {reader}: {len(document.pages)} of {document.page_count} pages; "
                f"{sum(len(page.lines) for page in document.pages)} lines "
                f"in {time.perf_counter() - started:.2f} s"
            )


# --------------------------------------------------------------------------- batch

BATCH_EXAMPLES = """\
[bold]Examples[/bold]

\b
  reportparse batch archive --out out               # archive/2024/09.pdf -> out/2024/09.json
  reportparse batch archive/2023 archive/2024/10.pdf --out out --jobs 4
  reportparse batch archive --out out --force --bom  # redo all; entries.csv for Excel
  reportparse batch dumps --glob '*.txt' --out out --timeout 30

\b
  Besides one JSON per issue, DIR gets entries.jsonl and entries.csv (every entry of
  every issue JSON in DIR) and report.json (status of each input). A second run skips
  inputs whose JSON is up to date. Exit status 1 when any input failed.
"""


def stderr_is_terminal() -> bool:
    """Return whether a person (not a log file) reads stderr."""
    return sys.stderr.isatty()


def _clock(seconds: float) -> str:
    """Given seconds, return them as m:ss (or h:mm:ss)."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class BatchProgress:
    """Shows batch events on stderr: a rich progress bar on a terminal, else log lines."""

    def __init__(self, *, live: bool, verbose: bool) -> None:
        self.live = live
        self.verbose = verbose
        self.progress: Any = None  # rich.progress.Progress while the bar is shown
        self.bar: Any = None
        self.started = time.monotonic()
        self.to_convert = 0
        self.processed = 0  # converted or failed (skipped inputs take no time)

    def __enter__(self) -> BatchProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Take the bar off the screen (it stays as the last line)."""
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def eta(self) -> str:
        """Return the estimated time left, from the conversions so far."""
        if not self.processed:
            return "-:--"
        rate = (time.monotonic() - self.started) / self.processed
        return _clock(rate * max(0, self.to_convert - self.processed))

    def __call__(self, event: batch_mod.Event) -> None:
        from . import batch as batch_mod

        if isinstance(event, batch_mod.BatchStarted):
            self.started = time.monotonic()
            self.to_convert = event.to_convert
            if self.live:
                self._start_bar(event.total)
            else:
                say(
                    f"{event.total} files: {event.to_convert} to convert with "
                    f"{event.workers} worker(s), {event.skipped} unchanged"
                )
        elif isinstance(event, batch_mod.FileStarted):
            if self.progress is not None:
                self.progress.update(self.bar, description=_short(event.input))
        elif isinstance(event, batch_mod.FileFinished):
            self._finished(event)

    def _start_bar(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.progress = Progress(
            TextColumn("{task.description}", style="cyan"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files  {task.fields[entries]} entries"),
            TextColumn("[red]{task.fields[failed]} failed[/red]"),
            TextColumn("ETA {task.fields[eta]}"),
            console=Console(stderr=True),
        )
        self.progress.start()
        self.bar = self.progress.add_task("starting", total=total, entries=0, failed=0, eta="-:--")

    def _finished(self, event: batch_mod.FileFinished) -> None:
        result = event.result
        if result.status != "skipped":
            self.processed += 1
        if self.progress is not None:
            if result.status == "failed":
                from rich.markup import escape

                reason = escape(_one_line(result.error or ""))
                self.progress.console.print(
                    f"[red]failed[/red] {escape(result.input)}: {reason}", highlight=False
                )
            self.progress.update(
                self.bar,
                completed=event.done,
                entries=event.entries,
                failed=event.failed,
                eta=self.eta(),
            )
            return
        where = f"[{event.done}/{event.total}]"
        if result.status == "converted":
            say(
                f"{where} converted {result.input}: {result.entries} entries "
                f"in {result.seconds:.2f} s"
            )
        elif result.status == "failed":
            say(f"{where} failed {result.input}: {result.error}")
        elif self.verbose:
            say(f"{where} skipped {result.input}: unchanged")

    def summary(self, report: batch_mod.BatchReport) -> None:
        """Given the report, show what was converted, skipped and failed (and why)."""
        from . import batch as batch_mod

        self.close()
        converted, skipped, failed = report.converted, report.skipped, report.failed
        out = report.out_dir
        wrote = (
            f"wrote {out / batch_mod.JSONL_NAME} and {out / batch_mod.CSV_NAME} "
            f"({report.combined.entries} entries from {report.combined.issues} issues) "
            f"and {out / batch_mod.REPORT_NAME}"
        )
        if not self.live:
            say(
                f"done in {report.seconds:.1f} s: {len(converted)} converted, "
                f"{len(skipped)} skipped, {len(failed)} failed"
            )
            for result in failed:
                say(f"failed: {result.input}: {result.error}")
            say(wrote)
            return
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        table = Table(title=f"reportparse batch: {report.seconds:.1f} s", title_justify="left")
        table.add_column("status")
        table.add_column("files", justify="right")
        table.add_column("detail", overflow="fold")
        table.add_row(
            "[green]converted[/green]",
            str(len(converted)),
            f"{sum(r.entries for r in converted)} entries",
        )
        table.add_row("skipped", str(len(skipped)), "unchanged since the last run")
        reasons = "\n".join(
            f"{escape(r.input)}: {escape(_one_line(r.error or ''))}" for r in failed
        )
        table.add_row("[red]failed[/red]" if failed else "failed", str(len(failed)), reasons)
        console = Console(stderr=True, highlight=False)
        console.print(table)
        console.print(escape(wrote), highlight=False)


def _short(text: str, width: int = 32) -> str:
    """Given a path, return it cut from the left to at most ``width`` characters."""
    return text if len(text) <= width else "…" + text[-(width - 1) :]


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (kill) like Ctrl-C in the block, so workers and temp files go too."""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@app.command("batch", epilog=BATCH_EXAMPLES)
def batch_command(
    ctx: typer.Context,
    srcs: Annotated[
        list[Path],
        typer.Argument(
            metavar="SRC",
            help="Folders (searched recursively) or files to convert.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Output folder: one JSON per input (mirroring the folders), "
            "entries.jsonl, entries.csv, report.json.",
            show_default=False,
        ),
    ],
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            help="Files converted at once (default: one per core).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        Literal["json"],
        typer.Option("--format", "-f", help="Format of the per-issue files."),
    ] = "json",
    glob: Annotated[
        str,
        typer.Option(
            "--glob", metavar="PATTERN", help="File names to take from SRC folders (any case)."
        ),
    ] = DEFAULT_BATCH_GLOB,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", metavar="SECONDS", help="Stop and fail a file that takes longer."
        ),
    ] = DEFAULT_BATCH_TIMEOUT,
    force: Annotated[
        bool, typer.Option("--force", help="Convert every input, even unchanged ones.")
    ] = False,
    bom: BomOpt = False,
) -> None:
    """Convert folders of issues: one JSON each, plus one table of every entry.

    Files convert in parallel, each with a time limit; one that fails or hangs is reported.

    Inputs whose JSON is newer and made from the same bytes are skipped: re-runs are quick.
    """
    from . import batch as batch_mod

    settings = settings_of(ctx)
    with reporting(settings):
        options = batch_mod.BatchOptions(
            srcs=srcs,
            out_dir=out,
            jobs=jobs,
            fmt=fmt,
            glob=glob,
            timeout=timeout,
            force=force,
            bom=bom,
        )
        with BatchProgress(live=stderr_is_terminal(), verbose=settings.verbose) as display:
            with _terminate_as_interrupt():
                report = batch_mod.run_batch(options, on_event=display)
            display.summary(report)
        if report.exit_code:
            raise typer.Exit(report.exit_code)


# --------------------------------------------------------------------------- entry point


# Collect the youngest generation every this many allocations instead of Python's 700.
# A page makes a thousand glyph tuples that all survive into its lines, so the default
# has the collector re-scan them several times a page (3-4% of a pdfium read, measured
# with callgrind); the program makes few reference cycles, so waiting longer is cheap.
GC_THRESHOLD = 20_000


def main() -> None:
    """Run the command line (console script and ``python -m reportparse``)."""
    # A process-wide setting, so only the program sets it, never the library.
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    # A fixed name, so usage lines read the same whichever way the program was started.
    app(prog_name=PROG)
