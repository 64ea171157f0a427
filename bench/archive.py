"""Benchmark the SQLite archive: build a database of 1,000 generated issues, time searches.

The issues recombine the golden fixtures' entries (titles, sentences, sources, links) with
varied dates and numbers, deterministically (``--seed``): 25 to 27 entries each, so 1,000
issues hold more than 25,000 entries. Times, in process:

* the build: every issue written with ``write_issues`` (one transaction per issue), and a
  re-run writing the same issues again (unchanged issues keep their rows);
* searches of a 2-character query (the scan path) and a 4-character one (the trigram
  index), with and without ``--section``, best of ``--repeat`` runs, both as the CLI
  calls it (``search(path, ...)``: open, check, query, close) and on an open archive.

Prints the figures and writes bench/results/archive.json (or --results FILE).

    .venv/bin/python bench/archive.py [--issues 1000] [--repeat 20] [--keep FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.archive_issues: the issue generator
RESULTS = ROOT / "bench" / "results" / "archive.json"

from tests.archive_issues import generated  # noqa: E402

from reportparse.archive import open_archive, search, write_issues  # noqa: E402

# Frequent 2- and 4-character words, and a 2-character one that never occurs (the scan
# then reads every entry: the slowest case).
QUERIES = ("算力", "人工智能", "鲸鱼")
SECTION = "政策速递"


def best(function: Callable[[], Any], repeat: int) -> float:
    """Given a function, return its fastest run in milliseconds (after one warm-up)."""
    function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the JSON goes")
    args = parser.parse_args()

    started = time.perf_counter()
    issues = list(generated(args.issues, seed=args.seed))
    generate_seconds = time.perf_counter() - started
    entries = sum(len(issue["entries"]) for _, issue in issues)

    with tempfile.TemporaryDirectory() as temp:
        db = args.keep or Path(temp) / "archive.sqlite"
        if db.exists():
            sys.exit(f"{db} exists; give a new path to --keep")
        started = time.perf_counter()
        write_issues(db, issues, profile="default", converted_at="2025-01-01T00:00:00Z")
        build_seconds = time.perf_counter() - started
        # A re-run over the same issues: unchanged content keeps its rows.
        started = time.perf_counter()
        write_issues(db, issues, profile="default", converted_at="2025-01-02T00:00:00Z")
        rerun_seconds = time.perf_counter() - started
        size = db.stat().st_size
        with sqlite3.connect(db) as connection:
            (fts_pages,) = connection.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'entries_fts%'"
            ).fetchone()
        connection.close()

        print(f"{len(issues)} issues, {entries} entries (generated in {generate_seconds:.2f} s)")
        print(
            f"build: {build_seconds:.2f} s ({entries / build_seconds:,.0f} entries/s); "
            f"database {size / 1e6:.1f} MB, of which the full-text index {fts_pages / 1e6:.1f} MB"
        )
        print(f"re-run over the same issues (nothing changed): {rerun_seconds:.2f} s")
        searches: list[dict[str, Any]] = []
        with open_archive(db, create=False) as archive:
            for query in QUERIES:
                for section in (None, SECTION):
                    matches = len(search(archive, query, section=section, limit=None))
                    cli = best(lambda q=query, s=section: search(db, q, section=s), args.repeat)
                    opened = best(
                        lambda q=query, s=section: search(archive, q, section=s), args.repeat
                    )
                    label = f"{query!r} ({len(query)} chars)" + (
                        f" --section {section}" if section else ""
                    )
                    print(
                        f"search {label}: {matches} matches; top 50 in {cli:.1f} ms "
                        f"(open + search), {opened:.1f} ms on an open archive"
                    )
                    searches.append(
                        {
                            "query": query,
                            "chars": len(query),
                            "section": section,
                            "matches": matches,
                            "ms": round(cli, 2),
                            "ms_open_archive": round(opened, 2),
                        }
                    )

    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(
        json.dumps(
            {
                "issues": len(issues),
                "entries": entries,
                "repeat": args.repeat,
                "build_seconds": round(build_seconds, 2),
                "rerun_seconds": round(rerun_seconds, 2),
                "database_bytes": size,
                "fts_bytes": fts_pages,
                "searches": searches,
                "sqlite": sqlite3.sqlite_version,
                "python": platform.python_version(),
                "cores": len(os.sched_getaffinity(0))
                if hasattr(os, "sched_getaffinity")
                else os.cpu_count(),
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
