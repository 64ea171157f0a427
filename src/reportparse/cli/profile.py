"""`reportparse profile`: show, check and infer profile files (a newsletter's vocabulary)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..profile import DEFAULT_LIMITS
from .app import app, settings_of
from .options import (
    EngineOpt,
    InputFile,
    MaxCharsOpt,
    MaxPagesOpt,
    PagesOpt,
    PasswordOpt,
    ProfileOpt,
    limits_of,
    profile_of,
)
from .output import reporting, say, write_stdout

PROFILE_EXAMPLES = """\
[bold]Examples[/bold]

\b
  reportparse profile show > my-newsletter.toml     # a template to edit
  reportparse profile check my-newsletter.toml
  reportparse profile infer issue.pdf > my-newsletter.toml
  reportparse extract issue.pdf --profile my-newsletter.toml
"""

profile_app = typer.Typer(
    name="profile",
    no_args_is_help=True,
    help="Show, check or infer a profile file: what a newsletter calls its sections, field "
    "labels and back matter.",
    epilog=PROFILE_EXAMPLES,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(profile_app, name="profile")


@profile_app.command("show", epilog=PROFILE_EXAMPLES)
def show(ctx: typer.Context, profile: ProfileOpt = None) -> None:
    """Print the effective profile as TOML: a commented template to copy and edit.

    Without --profile: the file REPORTPARSE_PROFILE names, else the built-in profile.
    """
    from ..profile_file import profile_toml

    with reporting(settings_of(ctx)):
        write_stdout(profile_toml(profile_of(profile)).encode("utf-8"))


@profile_app.command("check", epilog=PROFILE_EXAMPLES)
def check(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="FILE.toml", help="The profile file.", show_default=False)
    ],
) -> None:
    """Check a profile file: one line "OK" (exit 0), or the first mistake (exit 2)."""
    from ..profile_file import load_profile

    with reporting(settings_of(ctx)):
        loaded = load_profile(file)
        write_stdout(f"{file}: OK (profile {loaded.name!r})\n".encode())


@profile_app.command("infer", epilog=PROFILE_EXAMPLES)
def infer(
    ctx: typer.Context,
    file: InputFile,
    pages: PagesOpt = None,
    password: PasswordOpt = None,
    engine: EngineOpt = "pdfplumber",
    max_pages: MaxPagesOpt = DEFAULT_LIMITS.max_pages,
    max_chars_per_page: MaxCharsOpt = DEFAULT_LIMITS.max_chars_per_page,
) -> None:
    """Print the profile inferred from one issue as TOML, to save, check and edit.

    Labels come from the short "X：" prefixes after the numbered titles, sections from the
    headings or the outline, the back matter from what follows the last entry.
    """
    from ..api import infer_document_profile, parse_page_spec, read
    from ..errors import NoEntriesError
    from ..profile_file import profile_toml

    settings = settings_of(ctx)
    with reporting(settings):
        page_list = parse_page_spec(pages)
        limits = limits_of(max_pages, max_chars_per_page)
        document = read(file, pages=page_list, password=password, engine=engine, limits=limits)
        inference = infer_document_profile(document)
        if inference is None:
            raise NoEntriesError(
                "nothing to infer: no numbered titles followed by 'label：' lines. "
                "Run `reportparse text FILE` to see the cleaned text",
                path=file,
            )
        if settings.verbose:
            say("inferred: " + "; ".join(inference.found))
        write_stdout(profile_toml(inference.profile).encode("utf-8"))
