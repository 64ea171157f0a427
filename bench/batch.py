"""Benchmark ``reportparse batch``: 40 fixture issues with --jobs 1 and --jobs 2.

Copies the fixture PDFs 40 times into a temporary archive (two year folders), runs the
real command in a subprocess for each job count (best of ``--repeat`` fresh runs), then
times a re-run with nothing to do and one with a single new issue. Prints files per
second and the speed-up, and writes bench/results/batch.json.

    .venv/bin/python bench/batch.py [--files 40] [--repeat 3] [--jobs 1 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ["banner-outline", "plain-numbering", "toc-headings"]
RESULTS = ROOT / "bench" / "results" / "batch.json"


def make_archive(root: Path, count: int) -> list[Path]:
    """Given a folder and a count, fill it with copies of the fixture issues."""
    made = []
    for i in range(count):
        year = 2023 + i // 20
        month = i % 12 + 1
        dest = root / str(year) / f"{year}-{month:02d}-{i:03d}.pdf"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "tests" / "fixtures" / "pdf" / f"{FIXTURES[i % 3]}.pdf", dest)
        made.append(dest)
    return made


def run(archive: Path, out: Path, *extra: str) -> float:
    """Given an archive and an output folder, run the batch command; return seconds."""
    command = [sys.executable, "-m", "reportparse", "batch", str(archive), "--out", str(out)]
    started = time.perf_counter()
    done = subprocess.run([*command, *extra], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"batch failed ({done.returncode}):\n{done.stderr}")
    return seconds


PARSE_LOOP = """
import sys, time
from reportparse.api import parse
paths = sys.argv[1:]
parse(paths[0])
started = time.perf_counter()
for path in paths:
    parse(path)
print(time.perf_counter() - started)
"""


def raw_parallel(files: list[Path], processes: int) -> float:
    """Given files, parse them split over plain processes (no batch); return wall seconds.

    The machine's own parallel capacity right now: batch's speed-up cannot beat it.
    """
    shares = [files[i::processes] for i in range(processes)]
    started = time.perf_counter()
    running = [
        subprocess.Popen(
            [sys.executable, "-c", PARSE_LOOP, *map(str, share)], stdout=subprocess.DEVNULL
        )
        for share in shares
    ]
    for process in running:
        process.wait()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="reportparse-bench-") as temp:
        archive = Path(temp) / "archive"
        files = make_archive(archive, args.files)
        raw = {n: min(raw_parallel(files, n) for _ in range(args.repeat)) for n in args.jobs}
        raw_speedup = round(raw[args.jobs[0]] / raw[args.jobs[-1]], 2)
        print(
            "plain parse loops (no batch): "
            + ", ".join(f"{n} process(es) {t:.2f} s" for n, t in raw.items())
            + f"; machine speed-up now {raw_speedup:.2f}x"
        )
        runs: dict[str, dict[str, float]] = {}
        # Interleaved (1, 2, 1, 2, ...) so both job counts see the same machine load.
        times: dict[int, list[float]] = {jobs: [] for jobs in args.jobs}
        for attempt in range(args.repeat):
            for jobs in args.jobs:
                out = Path(temp) / f"out-{jobs}-{attempt}"
                times[jobs].append(run(archive, out, "--jobs", str(jobs)))
        for jobs, taken in times.items():
            best = min(taken)
            runs[str(jobs)] = {
                "seconds": round(best, 3),
                "files_per_second": round(args.files / best, 2),
                "all_seconds": [round(t, 3) for t in taken],  # type: ignore[dict-item]
            }
            print(
                f"--jobs {jobs}: {best:6.2f} s  {args.files / best:6.2f} files/s"
                f"  (runs: {', '.join(f'{t:.2f}' for t in taken)})"
            )
        out = Path(temp) / f"out-{args.jobs[-1]}-0"
        unchanged = run(archive, out)
        make_archive(Path(temp) / "extra", 1)
        shutil.copyfile(
            next((Path(temp) / "extra").rglob("*.pdf")), archive / "2024" / "2099-01-new.pdf"
        )
        one_new = run(archive, out)
        print(f"re-run, nothing changed: {unchanged:.2f} s; with one new issue: {one_new:.2f} s")

    base = runs[str(args.jobs[0])]["seconds"]
    speedups = {
        jobs: round(base / runs[jobs]["seconds"], 2) for jobs in runs if jobs != str(args.jobs[0])
    }
    for jobs, speedup in speedups.items():
        print(f"speed-up --jobs {jobs} vs --jobs {args.jobs[0]}: {speedup:.2f}x")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "files": args.files,
                "repeat": args.repeat,
                "cores": len(os.sched_getaffinity(0))
                if hasattr(os, "sched_getaffinity")
                else os.cpu_count(),
                "python": platform.python_version(),
                "runs": runs,
                "speedup": speedups,
                "raw_parse_seconds": {str(n): round(t, 3) for n, t in raw.items()},
                "raw_speedup": raw_speedup,
                "rerun_unchanged_seconds": round(unchanged, 3),
                "rerun_one_new_seconds": round(one_new, 3),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
