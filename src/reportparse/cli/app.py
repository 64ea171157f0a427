"""The Typer app, its global options and the settings handed to every command."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Annotated

import typer

from .. import __version__

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
