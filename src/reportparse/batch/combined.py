"""The combined tables (entries.jsonl, entries.csv), rebuilt from every issue JSON under DIR."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import emit
from ..profile import DEFAULT_PROFILE
from .inputs import _load_issue
from .options import (
    CSV_NAME,
    JSONL_NAME,
    REPORT_NAME,
    XLSX_NAME,
    Combined,
)

# --------------------------------------------------------------------------- combined tables


def issue_files(out_dir: Path) -> list[Path]:
    """Given DIR, return every candidate issue JSON under it (sorted, report.json left out)."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(out_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.endswith(".json"):
                continue
            path = Path(folder, name)
            if name == REPORT_NAME and Path(folder) == out_dir:
                continue
            found.append(path)
    return found


def combined_records(
    issues: Iterable[tuple[str, Mapping[str, Any]]],
    sections: Sequence[str] = DEFAULT_PROFILE.sections,
) -> list[dict[str, Any]]:
    """Given (file, issue dict) pairs and the profile's section order, return all entry
    records in the combined order (those sections first, then others in print order)."""
    known = {name: rank for rank, name in enumerate(dict.fromkeys(sections))}
    keyed: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for file, issue in issues:
        records = emit.entry_records(issue, file)
        extra: dict[str, int] = {}
        for record in records:
            section = record.get("section")
            if section not in known and section not in extra:
                extra[str(section)] = len(known) + len(extra)
        for position, record in enumerate(records):
            period = record.get("period")
            section = str(record.get("section"))
            number = record.get("number")
            keyed.append(
                (
                    (
                        period is None,
                        str(period or ""),
                        known.get(section, extra.get(section, len(known))),
                        number if isinstance(number, int) else math.inf,
                        file,
                        position,
                    ),
                    record,
                )
            )
    keyed.sort(key=lambda pair: pair[0])
    return [record for _, record in keyed]


def rebuild_combined(
    out_dir: str | os.PathLike[str],
    *,
    bom: bool = False,
    xlsx: bool = False,
    db: str | os.PathLike[str] | None = None,
    sections: Sequence[str] = DEFAULT_PROFILE.sections,
) -> Combined:
    """Given DIR, rewrite entries.jsonl and entries.csv (and entries.xlsx, and the issues in
    the SQLite archive ``db``) from every issue JSON under it (rows in the order of
    ``sections``, see :func:`combined_records`)."""
    root = Path(out_dir)
    issues: list[tuple[str, Mapping[str, Any]]] = []
    ignored: list[str] = []
    for path in issue_files(root):
        issue = _load_issue(path)
        relative = path.relative_to(root).as_posix()
        if issue is None:
            ignored.append(relative)
            continue
        issues.append((str(issue["source"].get("path") or relative), issue))
    records = combined_records(issues, sections)
    emit.atomic_write(root / JSONL_NAME, emit.jsonl_bytes(records))
    emit.atomic_write(root / CSV_NAME, emit.csv_text(records, bom=bom).encode("utf-8"))
    if xlsx:
        from ..write.xlsx import write_xlsx

        write_xlsx(records, root / XLSX_NAME)
    if db is not None:
        from ..archive.store import write_issues

        # The same (file, issue) pairs as the tables, so a search finds what they hold.
        write_issues(db, issues)
    return Combined(issues=len(issues), entries=len(records), ignored=tuple(ignored))
