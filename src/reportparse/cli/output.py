"""What the commands print: errors as one line, warnings, and output to stdout or a file."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import typer

from .. import emit
from ..errors import ReportParseError
from .app import EXIT_INTERRUPTED, PROG, Settings
from .options import _is_stdout

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
