"""`reportparse batch`: a whole archive, with a progress bar."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from ..profile import DEFAULT_BATCH_GLOB, DEFAULT_BATCH_TIMEOUT, DEFAULT_LIMITS

if TYPE_CHECKING:  # imported when `batch` runs: other commands start without it
    from .. import batch as batch_mod
from .app import app, settings_of
from .options import (
    BomOpt,
    DbOpt,
    EncodingOpt,
    EngineOpt,
    MaxCharsOpt,
    MaxMemoryOpt,
    MaxPagesOpt,
    PasswordOpt,
    ProfileOpt,
    SectionsOpt,
    check_encoding,
    limits_of,
    memory_of,
    profile_of,
    split_sections,
)
from .output import _one_line, reporting, say

# --------------------------------------------------------------------------- batch

BATCH_EXAMPLES = """\
[bold]Examples[/bold]

\b
  reportparse batch archive --out out               # archive/2024/09.pdf -> out/2024/09.json
  reportparse batch archive/2023 archive/2024/10.pdf --out out --jobs 4
  reportparse batch archive --out out --force --bom  # redo all; entries.csv for Excel
  reportparse batch dumps --glob '*.txt' --out out --timeout 30
  reportparse batch archive --out out --xlsx --db archive.sqlite  # Excel + searchable archive
  reportparse batch other-firm --out out --profile other-firm.toml --engine pdfium

\b
  Besides one JSON per issue, DIR gets entries.jsonl and entries.csv (every entry of
  every issue JSON in DIR) and report.json (status of each input). A second run skips
  inputs whose JSON is up to date (all are converted again when the engine, profile,
  sections or limits differ from the last run's). Exit status 1 when any input failed.
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
        from .. import batch as batch_mod

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
        from .. import batch as batch_mod

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
    xlsx: Annotated[
        bool, typer.Option("--xlsx", help="Also write DIR/entries.xlsx (one row per entry).")
    ] = False,
    db: DbOpt = None,
    engine: EngineOpt = "pdfplumber",
    password: PasswordOpt = None,
    sections: SectionsOpt = None,
    profile: ProfileOpt = None,
    max_pages: MaxPagesOpt = DEFAULT_LIMITS.max_pages,
    max_chars_per_page: MaxCharsOpt = DEFAULT_LIMITS.max_chars_per_page,
    encoding: EncodingOpt = None,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Convert folders of issues: one JSON each, plus one table of every entry.

    Files convert in parallel, each with a time limit; one that fails or hangs is reported.

    Inputs whose JSON is newer and made from the same bytes are skipped: re-runs are quick.
    """
    from .. import batch as batch_mod
    from ..profile_file import profile_path

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
            xlsx=xlsx,
            db=db,
            engine=engine,
            password=password,
            sections=split_sections(sections),
            profile=profile_of(profile),
            profile_file=profile_path(profile),
            limits=limits_of(max_pages, max_chars_per_page),
            encoding=check_encoding(encoding),
            max_memory=memory_of(max_memory),
        )
        with BatchProgress(live=stderr_is_terminal(), verbose=settings.verbose) as display:
            with _terminate_as_interrupt():
                report = batch_mod.run_batch(options, on_event=display)
            display.summary(report)
        if report.exit_code:
            raise typer.Exit(report.exit_code)
