"""Issue dicts -> JSON bytes: the whole issue, or one flat record per entry (JSON Lines)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson


def issue_json(issue_dict: Mapping[str, Any], *, pretty: bool) -> bytes:
    """Given an issue dict, return it as UTF-8 JSON ending in a newline."""
    option = orjson.OPT_APPEND_NEWLINE
    if pretty:
        option |= orjson.OPT_INDENT_2
    return orjson.dumps(issue_dict, option=option)


def entry_records(issue_dict: Mapping[str, Any], file: str) -> list[dict[str, Any]]:
    """Given an issue dict and the input's name, return one flat record per entry."""
    period = issue_dict.get("issue", {}).get("period")
    # file and period first: they are what tells rows from different issues apart.
    return [{"file": file, "period": period, **entry} for entry in issue_dict.get("entries", [])]


def jsonl_bytes(records: Iterable[Mapping[str, Any]]) -> bytes:
    """Given records, return them as JSON Lines (one compact object per line)."""
    return b"".join(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE) for record in records)
