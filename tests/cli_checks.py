"""Checks shared by the command-line tests."""

from __future__ import annotations

from typing import Any


def one_error_line(
    result: Any, code: int, *needles: str, prefix: str = "reportparse: error: "
) -> str:
    """Given a CliRunner result, check the exit status, an empty stdout and one
    traceback-free line on stderr (warnings aside) starting with ``prefix`` and holding
    every needle; return it."""
    assert result.exit_code == code, result.output
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(prefix)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    for needle in needles:
        assert needle in lines[0]
    return lines[0]
