"""Memory caps against decompression bombs (``reportparse.memory``).

Each capped parse runs in its own Python process (a cap cannot be lifted from a process
that holds more than it, and PDFium ends the process it runs in when an allocation
fails). The caps are small (256 MiB) so the tests stay light; the bomb inflates to 1 GiB.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from reportparse import memory

REPO = Path(__file__).resolve().parents[1]
BOMB = REPO / "tests" / "fixtures" / "broken" / "bomb-1gib.pdf"
GOOD = REPO / "tests" / "fixtures" / "pdf" / "plain-numbering.pdf"
CAP_MIB = 256
MESSAGE = f"needs more than {CAP_MIB} MiB of memory (raise --max-memory)"

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="RLIMIT_DATA bounds mmap only on Linux"
)

# Runs one parse under a cap; prints "ok <entries>" or "error <code>: <message>".
SCRIPT = """
import sys
from reportparse import api, memory
from reportparse.errors import ReportParseError
mode, engine, path, cap = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) << 20
parse = lambda: api.parse(path, engine=engine).to_dict()
try:
    if mode == "in-process":
        memory.limit_memory(cap)
        issue = parse()
    else:
        issue = memory.run_limited(parse, cap, path)
    print("ok", len(issue["entries"]))
except ReportParseError as exc:
    print(f"error {exc.code}: {exc.message}")
"""


def run_capped(mode: str, engine: str, path: Path, gs: str = "off") -> str:
    """Given how to cap, the engine and a file, parse it in a child Python; return its
    one line of output."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "REPORTPARSE_GHOSTSCRIPT": gs}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, engine, str(path), str(CAP_MIB)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,  # a guard against a hang, not a speed check
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_bomb_is_small_and_inflates_to_1_gib() -> None:
    data = BOMB.read_bytes()
    assert len(data) <= 1_500_000
    start = data.index(b"stream\n") + len(b"stream\n")
    stream = data[start : data.rindex(b"\nendstream")]
    unpacker, inflated = zlib.decompressobj(), 0
    for offset in range(0, len(stream), 1 << 16):
        inflated += len(unpacker.decompress(stream[offset : offset + (1 << 16)], 1 << 24))
        while unpacker.unconsumed_tail:
            inflated += len(unpacker.decompress(unpacker.unconsumed_tail, 1 << 24))
    assert inflated == 1 << 30


@pytest.mark.parametrize("mode", ["in-process", "child"])
def test_pdfplumber_engine_stops_at_the_cap(mode: str) -> None:
    assert run_capped(mode, "pdfplumber", BOMB) == f"error memory-limit: {MESSAGE}"


def test_pdfium_engine_stops_at_the_cap_in_a_child() -> None:
    # PDFium aborts the process when an allocation fails: only a child can report it.
    assert run_capped("child", "pdfium", BOMB) == f"error memory-limit: {MESSAGE}"


def test_a_bomb_is_not_handed_to_ghostscript() -> None:
    gs = shutil.which("gs")
    if gs is None:
        pytest.skip("Ghostscript (gs) is not installed")
    # Over the cap is not damage: the repair route is not tried.
    assert run_capped("in-process", "pdfplumber", BOMB, gs=gs) == f"error memory-limit: {MESSAGE}"


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_a_normal_issue_parses_the_same_under_the_cap(engine: str) -> None:
    assert run_capped("child", engine, GOOD) == "ok 9"
    assert run_capped("in-process", engine, GOOD) == "ok 9"


def test_run_limited_returns_the_value_and_passes_errors_on() -> None:
    assert memory.run_limited(lambda: {"a": [1, 2]}, 0) == {"a": [1, 2]}  # no cap: in here
    if not hasattr(os, "fork"):
        return
    assert memory.run_limited(lambda: {"a": [1, 2]}, 512 << 20) == {"a": [1, 2]}

    def fails() -> None:
        from reportparse.errors import NoEntriesError

        raise NoEntriesError("no entries found", path="x.pdf")

    with pytest.raises(memory.ReportParseError) as info:
        memory.run_limited(fails, 512 << 20, "x.pdf")
    assert type(info.value).__name__ == "NoEntriesError"
    assert str(info.value) == "x.pdf: no entries found"


def test_messages_and_exit_statuses() -> None:
    assert memory.over_limit_message(1 << 30) == (
        "needs more than 1 GiB of memory (raise --max-memory)"
    )
    assert memory.format_size(1536 << 20) == "1.5 GiB"
    assert memory.format_size(300 << 20) == "300 MiB"
    assert memory.describe_exit(-6, 1 << 30) == memory.over_limit_message(1 << 30)
    assert memory.describe_exit(-6, 0) is None  # no cap: a crash is a crash
    assert memory.describe_exit(-11, 1 << 30) is None
    assert memory.describe_exit(1, 1 << 30) is None


# --------------------------------------------------------------------------- the command


def reportparse(*args: str, cwd: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "REPORTPARSE_GHOSTSCRIPT": "off",
        "REPORTPARSE_MAX_MEMORY": "",  # the command's own default
        **environ,
    }
    return subprocess.run(
        [sys.executable, "-m", "reportparse", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,  # a guard against a hang, not a speed check
        check=False,
    )


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_cli_extract_stops_a_bomb_with_one_line(engine: str, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    args = ["extract", "--engine", engine, "--max-memory", f"{CAP_MIB}MiB", str(BOMB)]
    done = reportparse(*args, "-o", str(out), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == f"reportparse: error: {BOMB}: {MESSAGE}\n"
    assert not out.exists()


def test_cli_batch_fails_the_bomb_and_goes_on(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copyfile(BOMB, src / "bomb.pdf")
    shutil.copyfile(GOOD, src / "good.pdf")
    args = ["batch", str(src), "--out", str(tmp_path / "out"), "--max-memory", f"{CAP_MIB}MiB"]
    done = reportparse(*args, cwd=tmp_path)
    assert done.returncode == 1
    assert "1 converted, 0 skipped, 1 failed" in done.stderr
    assert f"bomb.pdf: {MESSAGE}" in done.stderr


@pytest.mark.parametrize("command", ["text", "debug"])
def test_other_commands_reading_a_pdf_are_capped_too(command: str, tmp_path: Path) -> None:
    done = reportparse(command, "--max-memory", f"{CAP_MIB}MiB", str(BOMB), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.endswith(f"{BOMB}: {MESSAGE}\n")
    assert list(tmp_path.iterdir()) == []  # debug drew nothing


def test_the_default_cap_is_1_gib_and_env_sets_another(tmp_path: Path) -> None:
    env_cap = reportparse("extract", str(BOMB), cwd=tmp_path, REPORTPARSE_MAX_MEMORY="300MiB")
    assert env_cap.stderr == (
        f"reportparse: error: {BOMB}: needs more than 300 MiB of memory (raise --max-memory)\n"
    )
    bad = reportparse("extract", "--max-memory", "lots", str(GOOD), cwd=tmp_path)
    assert bad.returncode == 2 and "--max-memory" in bad.stderr
