"""``reportparse batch``: discovery, safe output paths, isolation, timeouts, incremental runs.

Worker misbehaviour is injected through ``BatchOptions.worker_hook`` (:func:`misbehave`),
which runs in the worker process before each parse: a file whose name contains ``hang``
sleeps far past the timeout, ``crash`` exits the worker abruptly, ``segv`` kills it with
SIGSEGV, ``slow`` takes a moment. Production code never sets a hook.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from typer.testing import CliRunner

from reportparse import batch, cli, emit
from reportparse.api import parse
from reportparse.batch import BatchOptions, run_batch
from reportparse.cli import batch as cli_batch
from reportparse.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
PDFS = ROOT / "tests" / "fixtures" / "pdf"
GOOD = ["banner-outline", "plain-numbering", "toc-headings"]
DUMP = ROOT / "tests" / "fixtures" / "text" / "monthly-2024-09.txt"
PIDS_ENV = "REPORTPARSE_TEST_BATCH_PIDS"

runner = CliRunner()


def misbehave(path: Path) -> None:
    """Test hook run in the worker before each parse (see the module docstring)."""
    pids = os.environ.get(PIDS_ENV)
    if pids:
        Path(pids, f"{os.getpid()}.pid").write_text(str(os.getpid()))
    name = path.name
    if "hang" in name:
        time.sleep(60)
    if "crash" in name:
        os._exit(7)
    if "segv" in name:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "slow" in name:
        time.sleep(0.6)


def copy(name: str, dest: Path) -> Path:
    """Given a fixture name and a destination file, copy the fixture PDF there."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PDFS / f"{name}.pdf", dest)
    return dest


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An archive of good issues over two years plus a truncated PDF and a fake one."""
    root = tmp_path / "archive"
    copy("banner-outline", root / "2023" / "2023-11.pdf")
    copy("plain-numbering", root / "2024" / "2024-01.pdf")
    copy("toc-headings", root / "2024" / "q1" / "2024-03.pdf")
    data = (PDFS / "toc-headings.pdf").read_bytes()
    (root / "2024" / "truncated.pdf").write_bytes(data[: len(data) // 3])
    (root / "2024" / "notes.pdf").write_text("这不是PDF，只是一段文字。\n", encoding="utf-8")
    (root / "2024" / "readme.md").write_text("not an input\n")
    (root / ".hidden").mkdir()
    copy("plain-numbering", root / ".hidden" / "x.pdf")
    copy("plain-numbering", root / "2024" / "._2024-01.pdf")  # macOS shadow file
    return root


def options(srcs: list[Path], out: Path, **kwargs: Any) -> BatchOptions:
    kwargs.setdefault("jobs", 2)
    kwargs.setdefault("timeout", 20.0)
    return BatchOptions(srcs=srcs, out_dir=out, **kwargs)


def by_input(report: batch.BatchReport) -> dict[str, batch.FileResult]:
    return {Path(result.input).name: result for result in report.results}


def temp_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.name.endswith(".tmp")]


# --------------------------------------------------------------------------- discovery, paths


def test_discover_mirrors_the_tree_and_leaves_hidden_files_out(archive: Path) -> None:
    jobs = batch.discover([archive], "*.pdf")
    assert [job.relative.as_posix() for job in jobs if job.relative] == [
        "2023/2023-11.json",
        "2024/2024-01.json",
        "2024/notes.json",
        "2024/q1/2024-03.json",
        "2024/truncated.json",
    ]
    assert all(job.error is None for job in jobs)


def test_glob_is_case_insensitive_and_may_name_a_path(tmp_path: Path) -> None:
    copy("plain-numbering", tmp_path / "src" / "A.PDF")
    copy("plain-numbering", tmp_path / "src" / "sub" / "b.pdf")
    assert len(batch.discover([tmp_path / "src"], "*.pdf")) == 2
    jobs = batch.discover([tmp_path / "src"], "sub/*.pdf")
    assert [job.relative for job in jobs] == [PurePosixPath("sub/b.json")]


def test_symlink_loops_end_and_the_output_folder_is_never_searched(tmp_path: Path) -> None:
    src = tmp_path / "src"
    copy("plain-numbering", src / "a" / "x.pdf")
    (src / "a" / "loop").symlink_to(src, target_is_directory=True)
    (src / "self").symlink_to(src / "a", target_is_directory=True)
    copy("plain-numbering", src / "out" / "old.pdf")
    jobs = batch.discover([src], "*.pdf", exclude=src / "out")
    assert [job.relative.as_posix() for job in jobs if job.relative] == ["a/x.json"]


def test_a_file_src_maps_to_its_name_even_through_dot_dot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy("plain-numbering", tmp_path / "x.pdf")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    jobs = batch.discover(["../x.pdf"], "*.pdf")
    assert [job.relative for job in jobs] == [PurePosixPath("x.json")]
    report = run_batch(options([Path("../x.pdf")], Path("out")))
    assert report.exit_code == 0
    assert (work / "out" / "x.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work", "x.pdf"]


@pytest.mark.parametrize(
    "relative",
    ["../x.pdf", "a/../../x.pdf", "..", "/etc/passwd.pdf", "a/./b/../../../x.pdf", "..\\x.pdf"],
)
def test_output_paths_never_leave_the_output_folder(tmp_path: Path, relative: str) -> None:
    rel = batch.output_relative(PurePosixPath(relative))
    assert not rel.is_absolute()
    assert ".." not in rel.parts
    assert rel.name.endswith(".json")
    out = tmp_path / "out"
    out.mkdir()
    target = batch.contained_target(out, rel)
    assert out.resolve() in target.resolve().parents


def test_a_symlink_in_the_output_folder_cannot_redirect_a_write(
    archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "2023").symlink_to(elsewhere, target_is_directory=True)
    report = run_batch(options([archive / "2023"], out.parent / "out2"))
    assert report.exit_code == 0
    report = run_batch(options([archive], out))
    result = by_input(report)["2023-11.pdf"]
    assert result.status == "failed"
    assert result.code == "output"
    assert "outside" in (result.error or "")
    assert list(elsewhere.iterdir()) == []


def test_name_clashes_keep_the_full_name(tmp_path: Path) -> None:
    src = tmp_path / "src"
    copy("plain-numbering", src / "09.pdf")
    shutil.copyfile(DUMP, src / "09.txt")
    copy("banner-outline", src / "report.pdf")
    jobs = batch.discover([src], "*")
    assert sorted(job.relative.as_posix() for job in jobs if job.relative) == [
        "09.pdf.json",
        "09.txt.json",
        "report.pdf.json",
    ]


def test_inputs_of_two_srcs_writing_one_file_is_a_usage_error(tmp_path: Path) -> None:
    copy("plain-numbering", tmp_path / "2023" / "01.pdf")
    copy("banner-outline", tmp_path / "2024" / "01.pdf")
    with pytest.raises(UsageError, match="would both be written"):
        batch.discover([tmp_path / "2023", tmp_path / "2024"], "*.pdf")


def test_the_same_file_twice_is_converted_once(archive: Path) -> None:
    jobs = batch.discover([archive, archive / "2024" / "2024-01.pdf"], "*.pdf")
    assert len(jobs) == 5


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"jobs": 0}, "--jobs"),
        ({"timeout": 0}, "--timeout"),
        ({"timeout": float("nan")}, "--timeout"),
        ({"fmt": "csv"}, "--format"),
        ({"glob": " "}, "--glob"),
    ],
)
def test_options_are_checked(tmp_path: Path, kwargs: dict[str, Any], needle: str) -> None:
    with pytest.raises(UsageError, match=needle):
        BatchOptions(srcs=[tmp_path], out_dir=tmp_path / "out", **kwargs)


# --------------------------------------------------------------------------- a full run


def test_a_run_converts_good_files_and_reports_every_failure(archive: Path, tmp_path: Path) -> None:
    copy("plain-numbering", archive / "2024" / "hang.pdf")
    copy("banner-outline", archive / "2024" / "crash.pdf")
    out = tmp_path / "out"
    events: list[batch.Event] = []
    report = run_batch(
        options([archive], out, timeout=6.0, worker_hook=misbehave), on_event=events.append
    )
    assert report.exit_code == 1
    results = by_input(report)
    assert {name: r.status for name, r in results.items()} == {
        "2023-11.pdf": "converted",
        "2024-01.pdf": "converted",
        "2024-03.pdf": "converted",
        "crash.pdf": "failed",
        "hang.pdf": "failed",
        "notes.pdf": "failed",
        "truncated.pdf": "failed",
    }
    assert results["hang.pdf"].code == "timeout"
    assert "timed out after 6 s" in (results["hang.pdf"].error or "")
    assert results["hang.pdf"].seconds >= 6.0
    assert results["crash.pdf"].code == "crashed"
    assert "status 7" in (results["crash.pdf"].error or "")
    assert results["notes.pdf"].code == "not-a-pdf"
    assert results["truncated.pdf"].code == "damaged-pdf"

    # Per issue: exactly what `reportparse extract FILE -o X.json` writes.
    for source, rel in [
        (archive / "2023" / "2023-11.pdf", "2023/2023-11.json"),
        (archive / "2024" / "q1" / "2024-03.pdf", "2024/q1/2024-03.json"),
    ]:
        expected = emit.render(parse(str(source)).to_dict(), "json", file=str(source))
        assert (out / rel).read_bytes() == expected
    assert not (out / "2024" / "hang.json").exists()
    assert not (out / "2024" / "crash.json").exists()
    assert temp_files(out) == []

    # Combined tables: every entry, in period, section, number order.
    issues = [json.loads(p.read_text("utf-8")) for p in sorted(out.rglob("20*.json"))]
    total = sum(len(issue["entries"]) for issue in issues)
    lines = (out / "entries.jsonl").read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == total == report.combined.entries
    assert {r["file"] for r in records} == {issue["source"]["path"] for issue in issues}
    periods = [r["period"] for r in records]
    assert periods == sorted(periods)
    order = {"政策速递": 0, "行业新闻": 1, "交易资讯": 2}
    keys = [(r["period"], order.get(r["section"], 3), r["number"]) for r in records]
    assert keys == sorted(keys)
    rows = list(csv.reader(io.StringIO((out / "entries.csv").read_text("utf-8"), newline="")))
    assert tuple(rows[0]) == emit.CSV_COLUMNS
    assert len(rows) == total + 1

    # report.json: per input its status, counts, seconds, error.
    saved = json.loads((out / "report.json").read_text("utf-8"))
    assert saved["counts"] == {"inputs": 7, "converted": 3, "skipped": 0, "failed": 4}
    files = {Path(f["input"]).name: f for f in saved["files"]}
    assert files["hang.pdf"]["status"] == "failed" and files["hang.pdf"]["error"]
    assert files["2024-01.pdf"]["entries"] == len(
        json.loads((out / "2024" / "2024-01.json").read_text("utf-8"))["entries"]
    )
    assert files["2024-01.pdf"]["error"] is None

    # Events: started, one finish per input, combined.
    assert isinstance(events[0], batch.BatchStarted)
    assert events[0].total == 7
    finished = [e for e in events if isinstance(e, batch.FileFinished)]
    assert [e.done for e in finished] == list(range(1, 8))
    assert finished[-1].failed == 4
    assert isinstance(events[-1], batch.CombinedWritten)


def test_a_segfault_fails_only_its_file(tmp_path: Path) -> None:
    src = tmp_path / "src"
    copy("plain-numbering", src / "segv.pdf")
    copy("banner-outline", src / "good.pdf")
    copy("toc-headings", src / "good2.pdf")
    report = run_batch(options([src], tmp_path / "out", jobs=1, worker_hook=misbehave))
    results = by_input(report)
    assert results["segv.pdf"].code == "crashed"
    assert "SIGSEGV" in (results["segv.pdf"].error or "")
    assert results["good.pdf"].status == results["good2.pdf"].status == "converted"


def test_a_rerun_skips_unchanged_files_and_force_redoes_them(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_batch(options([archive], out))
    assert len(first.converted) == 3
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("20*.json")}

    second = run_batch(options([archive], out))
    assert {r.status for r in second.results} == {"skipped", "failed"}
    assert len(second.skipped) == 3
    assert {p: p.stat().st_mtime_ns for p in out.rglob("20*.json")} == stamps
    assert second.combined.entries == first.combined.entries
    assert sum(r.entries for r in second.skipped) == first.combined.entries

    # Next month's issue: only it converts.
    copy("banner-outline", archive / "2024" / "2024-04.pdf")
    third = run_batch(options([archive], out))
    assert [Path(r.input).name for r in third.converted] == ["2024-04.pdf"]
    assert third.combined.issues == 4

    # New bytes with an old mtime: the sha256 catches it.
    changed = archive / "2024" / "2024-01.pdf"
    old = changed.stat()
    copy("toc-headings", changed)
    os.utime(changed, ns=(old.st_atime_ns, old.st_mtime_ns))
    fourth = run_batch(options([archive], out))
    assert [Path(r.input).name for r in fourth.converted] == ["2024-01.pdf"]

    forced = run_batch(options([archive], out, force=True))
    assert len(forced.converted) == 4


def test_a_newer_input_with_the_same_bytes_is_converted_again(tmp_path: Path) -> None:
    src = copy("plain-numbering", tmp_path / "src" / "a.pdf")
    out = tmp_path / "out"
    run_batch(options([src.parent], out))
    past = src.stat().st_mtime - 100
    os.utime(out / "a.json", (past, past))  # as if the input changed after its output
    assert by_input(run_batch(options([src.parent], out)))["a.pdf"].status == "converted"
    assert by_input(run_batch(options([src.parent], out)))["a.pdf"].status == "skipped"


def test_a_file_that_turns_bad_loses_its_stale_output(tmp_path: Path) -> None:
    src = copy("plain-numbering", tmp_path / "src" / "a.pdf")
    copy("banner-outline", tmp_path / "src" / "b.pdf")
    out = tmp_path / "out"
    run_batch(options([src.parent], out))
    src.write_bytes(b"%PDF-1.7\n%broken")
    report = run_batch(options([src.parent], out))
    assert by_input(report)["a.pdf"].status == "failed"
    assert not (out / "a.json").exists()
    assert report.combined.issues == 1


def test_combined_tables_cover_every_issue_json_in_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"

    def issue(path: str, period: str | None, entries: list[tuple[str, int]]) -> None:
        data = {
            "schema_version": 1,
            "source": {"path": path, "sha256": "0" * 64, "kind": "pdf", "pages": 1},
            "issue": {"period": period},
            "entries": [
                {"section": section, "number": number, "title": f"{section}{number}"}
                for section, number in entries
            ],
            "links": [],
            "warnings": [],
        }
        target = out / Path(path).with_suffix(".json")
        emit.atomic_write(target, json.dumps(data, ensure_ascii=False).encode())

    issue("b/2024-02.pdf", "2024-02", [("交易资讯", 1), ("专题", 1), ("政策速递", 2)])
    issue("a/2024-01.pdf", "2024-01", [("行业新闻", 2), ("行业新闻", 1), ("政策速递", 1)])
    issue("c/undated.pdf", None, [("政策速递", 1)])
    issue("d/2024-01-copy.pdf", "2024-01", [("政策速递", 1)])
    (out / "report.json").write_text('{"schema_version": 1, "entries": []}')
    (out / "notes.json").write_text("[1, 2]")
    combined = batch.rebuild_combined(out, bom=True)
    assert combined.issues == 4
    assert combined.ignored == ("notes.json",)
    records = [
        json.loads(line) for line in (out / "entries.jsonl").read_text("utf-8").split("\n")[:-1]
    ]
    assert [(r["period"], r["section"], r["number"], r["file"]) for r in records] == [
        ("2024-01", "政策速递", 1, "a/2024-01.pdf"),
        ("2024-01", "政策速递", 1, "d/2024-01-copy.pdf"),
        ("2024-01", "行业新闻", 1, "a/2024-01.pdf"),
        ("2024-01", "行业新闻", 2, "a/2024-01.pdf"),
        ("2024-02", "政策速递", 2, "b/2024-02.pdf"),
        ("2024-02", "交易资讯", 1, "b/2024-02.pdf"),
        ("2024-02", "专题", 1, "b/2024-02.pdf"),
        (None, "政策速递", 1, "c/undated.pdf"),
    ]
    assert (out / "entries.csv").read_bytes().startswith("\ufeff".encode())


def test_temporary_files_of_a_killed_run_are_swept(tmp_path: Path) -> None:
    src = copy("plain-numbering", tmp_path / "src" / "a.pdf")
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "sub" / ".x.json.k2j4h5g6.tmp").write_text('{"half')
    (out / ".entries.csv.abcdefgh.tmp").write_text("half")
    (out / "keep.tmp").write_text("not ours")
    run_batch(options([src.parent], out))
    assert temp_files(out) == [out / "keep.tmp"]


# --------------------------------------------------------------------------- interruption


RUNNER_SCRIPT = """
import sys
from dataclasses import replace
from reportparse import batch, cli
from tests.test_batch import misbehave

real = batch.run_batch
batch.run_batch = lambda options, on_event=None: real(
    replace(options, worker_hook=misbehave), on_event=on_event
)
sys.argv = ["reportparse", "batch", *sys.argv[1:]]
cli.main()
"""


def live_group_members(pgid: int) -> list[int]:
    """Given a process group, return its members that are alive (not zombies)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def pid_alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2 :].split()[0] != "Z"


def wait_until(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


@pytest.fixture
def slow_archive(tmp_path: Path) -> Iterator[Path]:
    src = tmp_path / "src"
    for i in range(8):
        copy(GOOD[i % 3], src / f"slow-{i}.pdf")
    yield src


def start_run(src: Path, out: Path, pids: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, PIDS_ENV: str(pids), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", RUNNER_SCRIPT, str(src), "--out", str(out), "--jobs", "2", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def check_outputs_whole(out: Path) -> list[Path]:
    """Given DIR after an interrupted run, check every file in it is complete."""
    assert temp_files(out) == []
    outputs = sorted(out.glob("slow-*.json"))
    for path in outputs:
        assert json.loads(path.read_text("utf-8"))["entries"]
    return outputs


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_ctrl_c_stops_workers_and_leaves_no_partial_file(
    slow_archive: Path, tmp_path: Path
) -> None:
    out, pids = tmp_path / "out", tmp_path / "pids"
    pids.mkdir()
    process = start_run(slow_archive, out, pids)
    assert wait_until(lambda: len(list(out.glob("slow-*.json"))) >= 2, 60)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1] == "reportparse: interrupted"
    assert "Traceback" not in stderr
    assert wait_until(lambda: not live_group_members(process.pid), 10)
    done = check_outputs_whole(out)
    assert 2 <= len(done) < 8
    assert not (out / "report.json").exists()

    # The next run resumes: finished files are skipped, the rest converted.
    report = run_batch(options([slow_archive], out))
    assert len(report.skipped) == len(done)
    assert len(report.converted) == 8 - len(done)
    assert temp_files(out) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_kill_9_leaves_no_partial_file_and_no_worker(slow_archive: Path, tmp_path: Path) -> None:
    out, pids = tmp_path / "out", tmp_path / "pids"
    pids.mkdir()
    copy("plain-numbering", slow_archive / "zz-hang.pdf")
    process = start_run(slow_archive, out, pids)
    assert wait_until(lambda: len(list(out.glob("slow-*.json"))) >= 1, 60)
    process.kill()
    process.communicate(timeout=30)
    worker_pids = [int(p.stem) for p in pids.glob("*.pid")]
    assert worker_pids
    # Orphaned workers notice and exit, even one stuck in a 60 s sleep.
    assert wait_until(lambda: not any(pid_alive(pid) for pid in worker_pids), 15)
    time.sleep(0.2)
    check_outputs_whole(out)
    report = run_batch(options([slow_archive], out, worker_hook=None))
    assert report.exit_code == 0
    assert len(report.converted) + len(report.skipped) == 9
    assert temp_files(out) == []


# --------------------------------------------------------------------------- the command


def test_cli_all_good_exits_0_with_a_summary(tmp_path: Path) -> None:
    src = tmp_path / "src"
    for name in GOOD:
        copy(name, src / f"{name}.pdf")
    out = tmp_path / "out"
    result = runner.invoke(cli.app, ["batch", str(src), "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "done in" in result.stderr and "3 converted, 0 skipped, 0 failed" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "banner-outline.json",
        "entries.csv",
        "entries.jsonl",
        "plain-numbering.json",
        "report.json",
        "toc-headings.json",
    ]
    again = runner.invoke(cli.app, ["batch", str(src), "--out", str(out), "--bom"])
    assert again.exit_code == 0
    assert "0 converted, 3 skipped, 0 failed" in again.stderr
    assert (out / "entries.csv").read_bytes().startswith("\ufeff".encode())


def test_cli_failures_exit_1_after_the_others(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy("plain-numbering", archive / "2024" / "hang.pdf")
    real = batch.run_batch

    def with_hook(opts: BatchOptions, on_event: Any = None) -> batch.BatchReport:
        return real(replace(opts, worker_hook=misbehave), on_event=on_event)

    monkeypatch.setattr(batch, "run_batch", with_hook)
    out = tmp_path / "out"
    args = ["batch", str(archive), "--out", str(out), "--timeout", "6", "-j", "2"]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 1, result.output
    assert "3 converted, 0 skipped, 3 failed" in result.stderr
    failed = [
        line for line in result.stderr.splitlines() if line.startswith("reportparse: failed:")
    ]
    assert len(failed) == 3
    assert any("hang.pdf: timed out after 6 s" in line for line in failed)
    assert "Traceback" not in result.output
    assert json.loads((out / "report.json").read_text("utf-8"))["counts"]["failed"] == 3


def test_cli_live_display_shows_a_summary_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "src"
    copy("plain-numbering", src / "a.pdf")
    (src / "b.pdf").write_text("plain text")
    monkeypatch.setattr(cli_batch, "stderr_is_terminal", lambda: True)
    result = runner.invoke(cli.app, ["batch", str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "converted" in result.stderr and "skipped" in result.stderr
    assert "b.pdf" in result.stderr and "not a PDF" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--jobs", "0"],
        ["--timeout", "0"],
        ["--format", "csv"],
        ["--glob", ""],
        ["--bogus"],
    ],
)
def test_cli_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    copy("plain-numbering", tmp_path / "src" / "a.pdf")
    result = runner.invoke(cli.app, ["batch", str(tmp_path / "src"), "--out", "o", *args])
    assert result.exit_code == 2, result.output


def test_cli_missing_src_out_or_inputs_exit_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    cases = [
        ["batch", str(tmp_path / "nope"), "--out", str(tmp_path / "o")],
        ["batch", str(tmp_path / "empty")],
        ["batch", str(tmp_path / "empty"), "--out", str(tmp_path / "o")],
    ]
    for args in cases:
        result = runner.invoke(cli.app, args)
        assert result.exit_code == 2, (args, result.output)
    assert "no file matching '*.pdf'" in result.stderr
