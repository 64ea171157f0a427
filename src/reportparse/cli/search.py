"""`reportparse search`: entries of a SQLite archive whose text holds a word."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import orjson
import typer

from .. import emit
from .app import app, settings_of
from .output import reporting, say, stdout_is_terminal, write_stdout

if TYPE_CHECKING:  # the archive is imported when a search runs
    from ..archive.search import Hit

SEARCH_EXAMPLES = """\
[bold]Examples[/bold]

\b
  reportparse search 数据跨境 --db archive.sqlite --since 2023-01 --section 政策速递
  reportparse search 算力 --db archive.sqlite --format jsonl | jq -r .title
  reportparse search 芯片 --db archive.sqlite --format csv > hits.csv
"""

SearchFormat = Literal["table", "json", "jsonl", "csv"]


@app.command(epilog=SEARCH_EXAMPLES)
def search(
    ctx: typer.Context,
    query: Annotated[
        str,
        typer.Argument(
            metavar="QUERY",
            help="Text to find in titles, summaries, "
            "commentary and sources (any length, e.g. 算力).",
        ),
    ],
    db: Annotated[
        Path,
        typer.Option(
            "--db",
            metavar="FILE",
            help="The archive written by extract/batch --db.",
            dir_okay=False,
        ),
    ],
    section: Annotated[
        str | None, typer.Option("--section", metavar="NAME", help="Only this section.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="YYYY-MM", help="From this month on.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="YYYY-MM", help="Up to this month.")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", metavar="TEXT", help="Sources holding this text.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", metavar="N", help="At most N entries.")] = 50,
    fmt: Annotated[
        SearchFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table on a terminal, else json (a list of entry records); jsonl; csv.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Find entries in an archive: best matches (bm25) first, then the newest.

    A record has the keys of an entries.jsonl row: file, period, then the entry's fields.
    """
    settings = settings_of(ctx)
    with reporting(settings):
        from ..archive.search import search as search_archive

        hits = search_archive(
            db, query, section=section, since=since, until=until, source=source, limit=limit
        )
        chosen = fmt or ("table" if stdout_is_terminal() else "json")
        records = [hit.record for hit in hits]
        if chosen == "table":
            _print_table(hits, query)
        elif chosen == "json":
            write_stdout(orjson.dumps(records, option=orjson.OPT_APPEND_NEWLINE))
        elif chosen == "jsonl":
            write_stdout(emit.jsonl_bytes(records))
        else:
            write_stdout(emit.csv_text(records).encode("utf-8"))
        if settings.verbose:
            say(f"{len(hits)} entries for {query!r} in {db}")


def _print_table(hits: list[Hit], query: str) -> None:
    """Given search hits, print them as a table with the match highlighted in a snippet."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{len(hits)} entries for “{query}”")
    for column in ("period", "section", "no.", "title", "match"):
        table.add_column(column, overflow="fold", no_wrap=column in ("period", "no."))
    for hit in hits:
        record = hit.record
        snippet = Text()
        if hit.snippet is not None:
            snippet.append(hit.snippet.before)
            snippet.append(hit.snippet.match, style="bold reverse")
            snippet.append(hit.snippet.after)
        table.add_row(
            record.get("period") or "",
            record.get("section") or "",
            str(record.get("number", "")),
            record.get("title") or "",
            snippet,
        )
    Console().print(table)
