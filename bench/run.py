"""Benchmark: ``reportparse extract`` against a bare pdfplumber read, and the two engines.

    .venv/bin/python bench/run.py                  # what `make bench` runs
    .venv/bin/python bench/run.py --quick          # fixtures only, no long issue/profile
    .venv/bin/python bench/run.py --pages 300 --repeat 3

Inputs: every ``tests/fixtures/pdf/*.pdf`` plus generated long issues (100 and 300 pages,
``tests/fixtures/generate.py:build_long_issue``) in a temporary folder.

Every measurement is its own process, so its peak RSS (``wait4`` rusage) is its own:

* ``bare``  -- pdfplumber: open, ``extract_text()`` on every page, close each page;
* ``plumber`` -- ``python -m reportparse extract FILE -o out.json`` (default engine);
* ``pdfium``  -- the same with ``--engine pdfium``;
* ``inproc``  -- one process timing, without start-up: each engine's char extraction
  alone, each engine's whole read (extraction + layout) and the parse layers; stages
  are interleaved round by round and each stage's best round is kept.

Small files run ``--repeat`` times (best wall time, its RSS, and as many in-process
rounds); long issues twice. On a shared 2-core VM single timings swing by a third, so
every figure is a best-of. The table shows pages/s and peak RSS, ``ours/bare``
(whole-process time of our default extract over the bare read; target <= 1.15) and the
engine speed-ups (target >= 10 for the engine). Then one extract of the shorter long
issue per engine is profiled (cProfile) and the hotspots are printed. Results go to
``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
RESULTS = ROOT / "bench" / "results"
PY = sys.executable
TARGET_OURS_OVER_BARE = 1.15
TARGET_ENGINE_SPEEDUP = 10.0
# Runs (whole process) and rounds (in process) per long issue; best of them is reported.
LONG_REPEAT = 2

# --------------------------------------------------------------------------- children


def child_bare(path: str) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()


def _time(fn: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def _extract_plumber(path: Path) -> int:
    """pdfminer char extraction only (the pdfplumber engine minus layout)."""
    from reportparse.profile import DEFAULT_LIMITS
    from reportparse.read import plumber_doc, plumber_page

    count = 0
    with path.open("rb") as stream:
        opened = plumber_doc.open_document(stream, str(path), None)
        for number, page in enumerate(
            plumber_doc.pdf_pages(opened.doc, str(path), DEFAULT_LIMITS), start=1
        ):
            layout = plumber_page._render(opened.rsrcmgr, page, number, DEFAULT_LIMITS)
            count += len(plumber_page._collect(layout)[0])
    return count


def _extract_pdfium(path: Path) -> int:
    """PDFium char extraction only (the pdfium engine minus layout)."""
    import pypdfium2.raw as pdfium_c

    from reportparse.profile import DEFAULT_LIMITS
    from reportparse.read import pdfium_calls, pdfium_engine, pdfium_links, pdfium_page
    from reportparse.read.pages import page_matrix, text_char_count

    count = 0
    document = pdfium_engine._open(path, str(path), None)
    try:
        reader = pdfium_page._PageReader(document, DEFAULT_LIMITS)
        for index in range(len(document)):
            page = pdfium_c.FPDF_LoadPage(document.raw, index)
            textpage = pdfium_c.FPDFText_LoadPage(page)
            box = reader._media_box(page)
            ctm = page_matrix(box, 0)
            chars = reader._chars(textpage, index + 1, ctm, box[3] - box[1])
            count += len(chars)
            if not text_char_count(chars):  # images are counted as reader.build_page does
                pdfium_calls._count_images(page)
            pdfium_links.read_links(document.raw, page, ctm, box[3] - box[1])
            pdfium_c.FPDFText_ClosePage(textpage)
            pdfium_c.FPDF_ClosePage(page)
    finally:
        document.close()
    return count


def child_inproc(spec: str) -> None:
    """Given "ROUNDS:PATH", print in-process timings (seconds) of each stage, as JSON on
    stdout: the best of ROUNDS rounds, each round timing every stage once (interleaved,
    so a slow spell of the machine hits both engines rather than one)."""
    import gc

    from reportparse import api
    from reportparse.cli import GC_THRESHOLD
    from reportparse.profile import DEFAULT_LIMITS, DEFAULT_PROFILE
    from reportparse.read import pdfium_engine, plumber_engine

    # The collector as the program sets it (cli.main), for both engines alike.
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    rounds, path_text = spec.split(":", 1)
    path = Path(path_text)
    best: dict[str, float] = {}
    out: dict[str, Any] = {"rounds": int(rounds)}

    def timed(key: str, fn: Any) -> Any:
        seconds, result = _time(fn)
        best[key] = min(best.get(key, seconds), seconds)
        return result

    for _ in range(int(rounds)):
        out["chars"] = timed("extract_pdfium", lambda: _extract_pdfium(path))
        timed("extract_plumber", lambda: _extract_plumber(path))
        document = timed(
            "read_pdfium",
            lambda: pdfium_engine.read_pdf(path, pages=None, password=None, limits=DEFAULT_LIMITS),
        )
        timed(
            "read_plumber",
            lambda: plumber_engine.read_pdf(path, pages=None, password=None, limits=DEFAULT_LIMITS),
        )
        timed("layers", lambda read=document: api.parse_document(read, profile=DEFAULT_PROFILE))
        timed("bare", lambda: child_bare(path_text))
    print(json.dumps({**out, **best}))


# --------------------------------------------------------------------------- measuring


# Children run as on a user's machine: with bytecode caching. A sandbox that sets
# PYTHONDONTWRITEBYTECODE makes every import compile its source again, which charges
# start-up (and so small files) with compile time no installed tool pays.
CHILD_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run_measured(argv: list[str]) -> tuple[float, float, str]:
    """Given a command, run it; return (wall seconds, peak RSS MiB, stdout)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT, env=CHILD_ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024, stdout  # ru_maxrss is KiB on Linux


def commands(path: Path, output: Path) -> dict[str, list[str]]:
    me = str(Path(__file__).resolve())
    extract = [PY, "-m", "reportparse", "extract", str(path), "-o", str(output)]
    return {
        "bare": [PY, me, "--child", "bare", str(path)],
        "plumber": extract,
        "pdfium": [*extract, "--engine", "pdfium"],
    }


def page_count(path: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()


def measure(path: Path, repeat: int, workdir: Path) -> dict[str, Any]:
    pages = page_count(path)
    row: dict[str, Any] = {"file": path.name, "pages": pages, "runs": repeat}
    output = workdir / f"{path.stem}.json"
    for name, argv in commands(path, output).items():
        best: tuple[float, float] | None = None
        for _ in range(repeat):
            wall, rss, _ = run_measured(argv)
            if best is None or wall < best[0]:
                best = (wall, rss)
        assert best is not None
        row[name] = {
            "seconds": round(best[0], 3),
            "pages_per_s": round(pages / best[0], 1),
            "peak_rss_mib": round(best[1], 1),
        }
    me = str(Path(__file__).resolve())
    _, _, stdout = run_measured([PY, me, "--child", "inproc", f"{repeat}:{path}"])
    inproc = json.loads(stdout)
    row["inproc"] = {k: round(v, 4) if isinstance(v, float) else v for k, v in inproc.items()}
    row["ours_over_bare"] = round(row["plumber"]["seconds"] / row["bare"]["seconds"], 3)
    row["pdfium_ours_over_bare"] = round(row["pdfium"]["seconds"] / row["bare"]["seconds"], 3)
    row["speedup_process"] = round(row["plumber"]["seconds"] / row["pdfium"]["seconds"], 2)
    row["speedup_read"] = round(inproc["read_plumber"] / inproc["read_pdfium"], 2)
    row["speedup_extract"] = round(inproc["extract_plumber"] / inproc["extract_pdfium"], 2)
    return row


# --------------------------------------------------------------------------- profiling


LAYER_FUNCS = {
    "read (engine + layout)": ("api.py", "read"),
    "  layout.page_lines": ("read/lines.py", "page_lines"),
    "clean": ("clean/document.py", "clean_document"),
    "segment": ("parse/segment.py", "segment"),
    "fields": ("parse/issue_info.py", "build_issue"),
}


def profile(path: Path, engine: str, workdir: Path, top: int) -> dict[str, Any]:
    """Profile one in-process parse + JSON dump with cProfile; return hotspots."""
    import orjson

    from reportparse import api

    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    issue = api.parse(path, engine=engine)
    (workdir / f"profile-{engine}.json").write_bytes(orjson.dumps(issue.to_dict()))
    profiler.disable()
    total = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    layers: dict[str, float] = {}
    for label, (filename, func) in LAYER_FUNCS.items():
        layers[label] = round(
            sum(v[3] for k, v in raw.items() if k[0].endswith(filename) and k[2] == func), 3
        )
    rows = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:top]
    hot = [
        {
            "function": f"{Path(k[0]).name}:{k[1]}({k[2]})",
            "calls": v[1],
            "tottime": round(v[2], 3),
            "cumtime": round(v[3], 3),
        }
        for k, v in rows
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    stats.dump_stats(str(RESULTS / f"profile-{engine}.prof"))
    return {
        "engine": engine,
        "file": path.name,
        "profiled_seconds": round(total, 2),
        "layers_cumtime": layers,
        "hotspots": hot,
    }


# --------------------------------------------------------------------------- report


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'file':<22}{'pages':>6} | {'bare p/s':>9}{'MiB':>7} | {'ours p/s':>9}{'MiB':>7}"
        f"{'ours/bare':>10} | {'pdfium p/s':>10}{'MiB':>7} | {'x proc':>7}{'x read':>7}"
        f"{'x chars':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['file'][:22]:<22}{r['pages']:>6} | {r['bare']['pages_per_s']:>9}"
            f"{r['bare']['peak_rss_mib']:>7} | {r['plumber']['pages_per_s']:>9}"
            f"{r['plumber']['peak_rss_mib']:>7}{r['ours_over_bare']:>10} | "
            f"{r['pdfium']['pages_per_s']:>10}{r['pdfium']['peak_rss_mib']:>7} | "
            f"{r['speedup_process']:>7}{r['speedup_read']:>7}{r['speedup_extract']:>8}"
        )
    lines.append("")
    lines.append(
        "ours/bare: whole-process time of `reportparse extract` (pdfplumber) over the bare "
        f"pdfplumber extract_text read (target <= {TARGET_OURS_OVER_BARE}).\n"
        "x proc / x read / x chars: pdfplumber engine over pdfium engine for the whole "
        "process, the in-process read (chars + layout) and char extraction alone "
        f"(target >= {TARGET_ENGINE_SPEEDUP})."
    )
    return "\n".join(lines)


def inproc_table(rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'file':<22}{'pages':>6} | ms/page: {'chars plumber':>13}{'chars pdfium':>13}"
        f"{'read plumber':>13}{'read pdfium':>12}{'layout*':>9}{'layers':>8}{'bare':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        i, n = r["inproc"], r["pages"]

        def ms(key: str, i: dict[str, Any] = i, n: int = n) -> str:
            return f"{1000 * i[key] / n:.1f}"

        layout = 1000 * (i["read_pdfium"] - i["extract_pdfium"]) / n
        lines.append(
            f"{r['file'][:22]:<22}{n:>6} |          {ms('extract_plumber'):>13}"
            f"{ms('extract_pdfium'):>13}{ms('read_plumber'):>13}{ms('read_pdfium'):>12}"
            f"{layout:>9.1f}{ms('layers'):>8}{ms('bare'):>8}"
        )
    lines.append("layout* = read pdfium - chars pdfium (layout.page_lines and page overhead).")
    return "\n".join(lines)


def child_generate(spec: str) -> None:
    """Given "PAGES:PATH", write a generated long issue there."""
    pages, path = spec.split(":", 1)
    sys.path.insert(0, str(FIXTURES))
    from generate import build_long_issue  # type: ignore[import-not-found]

    build_long_issue(Path(path), pages=int(pages))


def long_issue(pages: int, workdir: Path) -> Path | None:
    """Generate a long issue in a child process and return its path (None if that fails).

    Not in this process: a child's peak RSS (``wait4``) counts the memory it was forked
    with, so a parent grown by reportlab would set a floor under every later figure.
    """
    path = workdir / f"long-{pages}.pdf"
    start = time.perf_counter()
    try:
        run_measured([PY, str(Path(__file__).resolve()), "--child", "generate", f"{pages}:{path}"])
    except RuntimeError as exc:
        print(f"! no long issue: tests/fixtures/generate.py failed ({str(exc)[-300:]})")
        return None
    print(
        f"  generated {path.name}: {page_count(path)} pages in {time.perf_counter() - start:.1f}s"
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="fixtures only, no profile")
    parser.add_argument("--pages", type=int, default=300, help="long issue size (300)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per small file (3)")
    parser.add_argument("--top", type=int, default=15, help="hotspots to show (15)")
    args = parser.parse_args()
    if args.child:
        kind, path = args.child
        {"bare": child_bare, "inproc": child_inproc, "generate": child_generate}[kind](path)
        return

    inputs = sorted((FIXTURES / "pdf").glob("*.pdf"))
    if not inputs:
        print("! no fixture PDFs: run `make fixtures` first")
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="reportparse-bench-") as tmp:
        workdir = Path(tmp)
        for path in inputs:
            print(f"measuring {path.name} ...", flush=True)
            rows.append(measure(path, args.repeat, workdir))
        longs: list[Path] = []
        if not args.quick:
            print("generating long issues ...", flush=True)
            for pages in sorted({100, args.pages}):
                made = long_issue(pages, workdir)
                if made is not None:
                    longs.append(made)
        for path in longs:
            print(f"measuring {path.name} ...", flush=True)
            rows.append(measure(path, LONG_REPEAT, workdir))
        profiles: list[dict[str, Any]] = []
        if longs:
            # The shortest long issue: pdfminer under cProfile takes 0.2 s a page.
            for engine in ("pdfplumber", "pdfium"):
                print(f"profiling {longs[0].name} with {engine} ...", flush=True)
                profiles.append(profile(longs[0], engine, workdir, args.top))

    print()
    print(table(rows))
    print()
    print(inproc_table(rows))
    if len(longs) >= 2:
        small, big = rows[-2], rows[-1]
        print()
        print("memory vs page count (peak RSS MiB):")
        for name in ("bare", "plumber", "pdfium"):
            print(
                f"  {name:<8} {small['pages']:>4} pages: {small[name]['peak_rss_mib']:>7}"
                f"   {big['pages']:>4} pages: {big[name]['peak_rss_mib']:>7}"
            )
    for prof in profiles:
        print()
        print(
            f"profile: {prof['file']} --engine {prof['engine']} "
            f"({prof['profiled_seconds']}s under cProfile)"
        )
        for label, seconds in prof["layers_cumtime"].items():
            print(f"  {label:<26}{seconds:>8.2f}s cumulative")
        print(f"  {'tottime':>8} {'cumtime':>8} {'calls':>9}  function")
        for hot in prof["hotspots"]:
            print(
                f"  {hot['tottime']:>8.3f} {hot['cumtime']:>8.3f} {hot['calls']:>9}  "
                f"{hot['function']}"
            )

    RESULTS.mkdir(parents=True, exist_ok=True)
    latest = RESULTS / "latest.json"
    latest.write_text(
        json.dumps(
            {
                "rows": rows,
                "profiles": profiles,
                "targets": {
                    "ours_over_bare": TARGET_OURS_OVER_BARE,
                    "engine_speedup": TARGET_ENGINE_SPEEDUP,
                },
            },
            indent=2,
        )
        + "\n"
    )
    print()
    print(
        f"results: {latest.relative_to(ROOT)}"
        + (f", profiles: {RESULTS.relative_to(ROOT)}/profile-*.prof" if profiles else "")
    )


if __name__ == "__main__":
    main()
