"""Every public malformed PDF ends, within 60 s, in a result or in one clear error line.

The corpus lives outside the repository, in ``../shared/corpus/broken`` next to the clone
(or wherever ``REPORTPARSE_CORPUS`` points). Without it the test is skipped on a
developer's machine and fails under CI (``CI=true``), so CI never passes by silently
testing nothing.

Each file runs in its own ``python -m reportparse extract`` process (two at a time), so a
hang is a timeout, a crash is a crash, and the peak memory of each run is measured with
``os.wait4`` in a small launcher process. The peak RSS of the largest file and of the
hungriest run is reported as a warning, which pytest shows in its summary.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "broken"
TIMEOUT = 60.0  # seconds per file
RSS_BOUND = 1 << 30  # bytes: 1 GiB
WORKERS = 2

# Files whose outcome is known: a part of the one-line message each must give.
EXPECTED = {
    "qpdf-ossfuzz__70245.pdf": "the file is empty (0 bytes)",
    "qpdf__bad1.pdf": "not a PDF",
    "qpdf-ossfuzz__17630.pdf": "not a PDF: the file looks like binary data",
    "pdfplumber__password-example.pdf": "--password",
    "pdfminer__aes-256-r6.pdf": "--password",
    "qpdf__enc-XI-long-password.pdf": "--password",
    "qpdf__append-xref-loop.pdf": "the PDF is damaged",
    "qpdf__issue-149.pdf": "the PDF is damaged",
    "qpdf__empty.pdf": "the PDF has no pages",
    "pdfminer__i1040nr.pdf": "no entries found",
}


def corpus_dir() -> Path:
    return Path(os.environ.get("REPORTPARSE_CORPUS") or DEFAULT_CORPUS)


@dataclass
class Run:
    name: str
    size: int
    status: int | None  # None: timed out
    seconds: float
    peak_rss: int  # bytes
    stderr: str
    output: bytes | None


# Runs the command in a grandchild and writes its peak RSS (KiB) to argv[1]. Measured in a
# small launcher, not in pytest: Linux counts the forking parent's resident memory in a
# child's ru_maxrss, so a child forked from a big pytest process would report pytest's size.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as handle:
    handle.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def run_one(path: Path, out_dir: Path) -> Run:
    """Given a corpus file, run the CLI on it in a child process; return what happened."""
    out = out_dir / f"{path.name}.json"
    err_path = out_dir / f"{path.name}.err"
    rss_path = out_dir / f"{path.name}.rss"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("REPORTPARSE_PASSWORD", None)
    env["REPORTPARSE_GHOSTSCRIPT"] = "off"  # the same outcomes whether or not gs is installed
    command = [sys.executable, "-m", "reportparse", "extract", str(path), "-o", str(out)]
    started = time.monotonic()
    with err_path.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", LAUNCHER, str(rss_path), *command[1:]],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            cwd=out_dir,
            start_new_session=True,
        )
        status: int | None
        try:
            status = proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the launcher and the command
            proc.wait()
            status = None
    seconds = time.monotonic() - started
    peak = int(rss_path.read_text()) * 1024 if rss_path.exists() else 0  # KiB on Linux
    return Run(
        name=path.name,
        size=path.stat().st_size,
        status=status,
        seconds=seconds,
        peak_rss=peak,
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
        output=out.read_bytes() if out.exists() else None,
    )


def problems_of(run: Run) -> list[str]:
    """Given one run, return what is wrong with its outcome (empty when all is well)."""
    if run.status is None:
        return [f"no answer within {TIMEOUT:.0f} s"]
    found = []
    if run.status not in (0, 1):
        found.append(f"exit status {run.status}")
    if "Traceback" in run.stderr or "internal error" in run.stderr:
        found.append("traceback or internal error")
    lines = run.stderr.splitlines()
    if run.status == 1:
        if len(lines) != 1 or not lines[0].startswith("reportparse: error: "):
            found.append("stderr is not exactly one 'reportparse: error:' line")
        if run.output is not None:
            found.append("an output file was written although the run failed")
        expected = EXPECTED.get(run.name)
        if expected and expected not in run.stderr:
            found.append(f"expected {expected!r} in the message")
    elif run.status == 0:
        if not all(line.startswith("warning: ") for line in lines):
            found.append("stderr holds more than warnings")
        try:
            assert run.output is not None
            data = json.loads(run.output)
            assert data["schema_version"] == 1 and data["entries"]
        except (AssertionError, ValueError, KeyError, TypeError):
            found.append("the output is not an issue in JSON")
        if run.name in EXPECTED:
            found.append(f"expected an error with {EXPECTED[run.name]!r}")
    if run.peak_rss > RSS_BOUND:
        found.append(f"peak RSS {run.peak_rss >> 20} MiB is over {RSS_BOUND >> 20} MiB")
    return found


def outcome(run: Run) -> str:
    if run.status is None:
        return "TIMEOUT"
    if run.status == 0:
        return "ok"
    line = run.stderr.strip().splitlines()[0] if run.stderr.strip() else ""
    message = line.split(f"{run.name}: ", 1)[-1]
    return f"error: {message[:90]}"


@pytest.mark.slow
def test_whole_corpus_ends_in_a_result_or_a_clear_error(tmp_path: Path) -> None:
    corpus = corpus_dir()
    files = sorted(corpus.glob("*.pdf")) if corpus.is_dir() else []
    if not files:
        message = (
            f"public malformed-PDF corpus not found at {corpus} (expected ../shared/corpus/broken "
            "beside the repository, or set REPORTPARSE_CORPUS)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)

    # Biggest first, so the slow ones do not end up alone at the tail.
    files.sort(key=lambda p: p.stat().st_size, reverse=True)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        runs = list(pool.map(lambda p: run_one(p, tmp_path), files))
    runs.sort(key=lambda r: r.name)

    width = max(len(r.name) for r in runs)
    table = [f"{'file':<{width}}  {'secs':>5}  {'RSS MiB':>7}  outcome"]
    table += [
        f"{r.name:<{width}}  {r.seconds:5.1f}  {r.peak_rss / 2**20:7.1f}  {outcome(r)}"
        for r in runs
    ]
    print("\n".join(table))  # shown with -rA (or -s)

    largest = max(runs, key=lambda r: r.size)
    hungriest = max(runs, key=lambda r: r.peak_rss)
    warnings.warn(
        f"corpus: {len(runs)} files; largest file {largest.name} ({largest.size / 2**20:.2f} MiB) "
        f"peak RSS {largest.peak_rss / 2**20:.0f} MiB; highest peak RSS "
        f"{hungriest.peak_rss / 2**20:.0f} MiB ({hungriest.name}); "
        f"slowest {max(r.seconds for r in runs):.1f} s",
        UserWarning,
        stacklevel=1,
    )

    failures = {
        r.name: (problems, r.stderr.strip()[:300]) for r in runs if (problems := problems_of(r))
    }
    assert not failures, "\n".join(f"{name}: {p} -- {err}" for name, (p, err) in failures.items())
