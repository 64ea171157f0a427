"""Many issues at once: ``reportparse batch SRC... --out DIR``.

Layout of DIR after a run::

    DIR/<path of the input relative to its SRC, suffix replaced by .json>
                      one issue, exactly what ``reportparse extract FILE -o X.json`` writes
    DIR/entries.jsonl every entry of every issue JSON under DIR, one per line
    DIR/entries.csv   the same rows in the ``extract --format csv`` columns
    DIR/report.json   this run: per input its status, counts, seconds and error

Choices, fixed here so the CLI and the library agree:

* **Discovery** (:func:`discover`): a SRC folder is searched recursively for file names
  matching ``glob`` (case-insensitive; a glob containing ``/`` is matched against the path
  relative to SRC). Hidden files and folders (names starting with ``.``, such as macOS
  ``._x.pdf`` shadows) are left out; symlinked folders are followed once (a loop is cut
  at the second visit). A SRC that is a file is taken whatever its name and maps to its
  bare name. The same file reached twice is converted once. DIR itself is never searched.
* **Output paths** are built from the names found, never from resolved paths: ``..``, ``.``
  and separators inside a name are neutralised, and before writing, the target's folder
  is resolved and must lie inside DIR (a symlink in DIR pointing elsewhere fails that
  input). ``2024/09.pdf`` becomes ``2024/09.json``; when two inputs would share a name
  (``09.pdf`` and ``09.txt``) or an input would take ``report.json``, the full name is kept
  (``09.pdf.json``). Inputs from different SRCs that still collide are a usage error.
* **Incremental**: an input is skipped when its output is at least as new as the input
  and the output's ``source.sha256`` equals the input's sha256 (``force`` converts
  anyway). A failed input keeps its old output only when that output was made from the
  same bytes; a stale one is removed so the tables never hold an outdated issue.
* **Isolation**: each of ``jobs`` slots runs a long-lived worker process (start method
  ``forkserver`` where available, with the parser preloaded, else ``spawn``) that converts
  one file at a time and writes its JSON itself (atomically). A file that runs past
  ``timeout`` seconds gets its worker killed; a worker that dies (segfault, ``os._exit``)
  fails only its current file. Either way a fresh worker takes the slot.
* **Combined tables** (:func:`rebuild_combined`) are rebuilt at the end from *every* issue
  JSON under DIR (``*.json`` except DIR/report.json and hidden files; a JSON that is not an
  issue is ignored and listed), not only this run's inputs: a run over part of an archive
  keeps the rest in the tables. Rows are ordered by period (unknown last), then section
  (the profile's order 政策速递, 行业新闻, 交易资讯; other sections after, in the order the
  issue prints them), then number, then file. ``file`` is the issue's ``source.path``.
* **Interruption**: every file is written through :func:`emit.atomic_write` (temporary
  file, then rename). On Ctrl-C (KeyboardInterrupt) the workers are killed and their
  temporary files removed before the exception goes on; temporary files left by a run
  that was killed outright are swept at the start of the next run, which then resumes.

Progress is reported through plain event dataclasses passed to ``on_event``; this module
never prints.

Test hook: ``BatchOptions.worker_hook`` is a picklable callable run in the worker before
each parse (tests use it to make a file hang or crash the worker). It is None in
production and the CLI never sets it.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from .. import emit
from ..read.pages import file_sha256

if TYPE_CHECKING:  # multiprocessing is imported when a batch runs, not with the CLI
    pass
from ..errors import ReportParseError, UsageError
from ..memory import describe_exit
from .combined import rebuild_combined
from .inputs import (
    _recorded_sha,
    _remove_temps,
    contained_target,
    discover,
    sweep_temps,
    up_to_date,
)
from .options import (
    _READY,
    _STARTUP_FAILURES,
    REPORT_NAME,
    BatchOptions,
    BatchReport,
    BatchStarted,
    CombinedWritten,
    EventCallback,
    FileFinished,
    FileResult,
    FileStarted,
    Job,
)
from .pool import _context, _crash_message, _Task, _Worker

# --------------------------------------------------------------------------- the run


def run_batch(options: BatchOptions, on_event: EventCallback | None = None) -> BatchReport:
    """Given options, convert every input, rebuild the combined tables, write report.json.

    Returns the report (its ``exit_code`` is 1 when any input failed). Raises UsageError for
    bad SRCs, KeyboardInterrupt after cleaning up when interrupted.
    """
    emit_event: EventCallback = on_event or (lambda event: None)
    started_wall = datetime.now(timezone.utc).isoformat(timespec="seconds")
    started = time.monotonic()
    out_dir = options.out
    jobs = discover(options.paths, options.glob, exclude=out_dir)
    if not jobs:
        where = ", ".join(str(src) for src in options.paths)
        raise UsageError(f"no file matching {options.glob!r} in {where}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create --out {str(out_dir)!r}: {exc.strerror or exc}") from None
    sweep_temps(out_dir)
    # Outputs made with other options (engine, profile, ...) are out of date whatever their age.
    redo_all = options.force or options_changed(out_dir, options)

    results: list[FileResult | None] = [None] * len(jobs)
    pending: list[_Task] = []
    for index, job in enumerate(jobs):
        if job.error is not None or job.relative is None:
            results[index] = FileResult(
                job.input, None, "failed", error=job.error, code="not-readable"
            )
            continue
        output = job.relative.as_posix()
        try:
            target = contained_target(out_dir, job.relative)
        except ReportParseError as err:
            results[index] = FileResult(
                job.input, output, "failed", error=err.message, code="output"
            )
            continue
        kept = None if redo_all else up_to_date(job.source, target)
        if kept is not None:
            results[index] = FileResult(
                job.input,
                output,
                "skipped",
                entries=len(kept["entries"]),
                warnings=len(kept.get("warnings") or []),
            )
        else:
            pending.append(_Task(index, job, target))

    workers = min(options.workers, len(pending))
    done = entries = failed = 0

    def finish(index: int, result: FileResult) -> None:
        nonlocal done, entries, failed
        results[index] = result
        done += 1
        entries += result.entries if result.status != "failed" else 0
        failed += result.status == "failed"
        emit_event(FileFinished(result, done, len(jobs), entries, failed))

    emit_event(BatchStarted(len(jobs), len(pending), len(jobs) - len(pending), workers))
    for index, result in enumerate(results):
        if result is not None:
            finish(index, result)

    # Largest first: a big file started last would leave the other slots idle at the end.
    pending.sort(key=lambda task: _size(task.job.source), reverse=True)
    _convert_all(pending, workers, options, emit_event, finish)

    for index, result in enumerate(results):
        if result is not None and result.status == "failed" and result.output is not None:
            _drop_stale_output(jobs[index], out_dir / result.output)

    combined = rebuild_combined(
        out_dir,
        bom=options.bom,
        xlsx=options.xlsx,
        db=options.db,
        sections=options.effective_profile.sections,
    )
    emit_event(CombinedWritten(combined))
    report = BatchReport(
        out_dir=out_dir,
        results=[result for result in results if result is not None],
        combined=combined,
        seconds=time.monotonic() - started,
        workers=workers,
        timeout=options.timeout,
        started=started_wall,
        options=options.options_record(),
    )
    emit.atomic_write(
        out_dir / REPORT_NAME,
        orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE),
    )
    return report


def _compared(record: Mapping[str, Any]) -> dict[str, Any]:
    """Given an options record, return what decides the output (not the password flag)."""
    return {key: value for key, value in record.items() if key != "password"}


def options_changed(out_dir: Path, options: BatchOptions) -> bool:
    """Given DIR and this run's options, return True when DIR's report.json records a run
    with other result-changing options (a report without them: the defaults)."""
    try:
        previous = orjson.loads((out_dir / REPORT_NAME).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return False
    if not isinstance(previous, dict):
        return False
    defaults = BatchOptions(srcs=[out_dir], out_dir=out_dir).options_record()
    recorded = previous.get("options")
    if not isinstance(recorded, dict):
        recorded = defaults
    # An option added since that run was at its default then.
    return _compared({**defaults, **recorded}) != _compared(options.options_record())


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _drop_stale_output(job: Job, target: Path) -> None:
    """Given a failed input, remove its old output unless it was made from the same bytes."""
    if not target.is_file():
        return
    try:
        current: str | None = file_sha256(job.source)
    except OSError:
        current = None
    if current is None or _recorded_sha(target) != current:
        with contextlib.suppress(OSError):
            target.unlink()


def _convert_all(
    pending: list[_Task],
    slots: int,
    options: BatchOptions,
    emit_event: EventCallback,
    finish: Callable[[int, FileResult], None],
) -> None:
    """Given the tasks, run them on ``slots`` worker processes with a deadline each."""
    import multiprocessing.connection

    if not pending:
        return
    context = _context()
    settings = options.parse_settings()  # what every worker, respawned ones too, parses with
    queue = deque(pending)
    workers: list[_Worker] = []

    def result_of(task: _Task, data: Mapping[str, Any]) -> FileResult:
        return FileResult(
            task.job.input,
            task.job.relative.as_posix() if task.job.relative else None,
            data["status"],
            entries=int(data.get("entries", 0)),
            warnings=int(data.get("warnings", 0)),
            seconds=float(data.get("seconds", 0.0)),
            error=data.get("error"),
            code=data.get("code"),
        )

    def fail(task: _Task, message: str, code: str) -> None:
        _remove_temps(task.target)
        seconds = time.monotonic() - task.started
        data = {"status": "failed", "error": message, "code": code, "seconds": seconds}
        finish(task.index, result_of(task, data))

    startup_failures = 0

    def lost_at_startup(worker: _Worker) -> None:
        nonlocal startup_failures
        workers.remove(worker)
        worker.kill()
        startup_failures += 1
        if startup_failures >= _STARTUP_FAILURES:
            raise ReportParseError(
                f"cannot start worker processes ({startup_failures} died while starting)"
            )

    try:
        while queue or any(worker.task for worker in workers):
            busy = sum(1 for worker in workers if worker.task is not None)
            while len(workers) < min(slots, busy + len(queue)):
                workers.append(_Worker(context, options.worker_hook, settings))
            for worker in [w for w in workers if w.ready and w.task is None]:
                if not queue:
                    break
                task = queue.popleft()
                try:
                    worker.give(task, options.timeout)
                except (OSError, ValueError):  # died while idle: the task goes back
                    worker.task = None
                    queue.appendleft(task)
                    workers.remove(worker)
                    worker.kill()
                    continue
                emit_event(FileStarted(task.job.input))

            waiting = [w for w in workers if not w.ready or w.task is not None]
            if not waiting:
                continue
            nearest = min(w.deadline for w in waiting)
            ready = set(
                multiprocessing.connection.wait(
                    [w.conn for w in waiting] + [w.process.sentinel for w in waiting],
                    timeout=max(0.0, nearest - time.monotonic()),
                )
            )
            now = time.monotonic()
            for worker in waiting:
                running = worker.task
                if worker.conn in ready or worker.process.sentinel in ready:
                    message = worker.receive()
                    if message == _READY:
                        worker.ready = True
                        startup_failures = 0
                    elif running is not None and isinstance(message, dict):
                        worker.task = None
                        finish(running.index, result_of(running, message))
                    elif running is not None:  # no result: the process died under the parser
                        workers.remove(worker)
                        worker.task = None
                        status = worker.kill()
                        # PDFium ends the process when an allocation over the cap fails.
                        over = describe_exit(status, options.max_memory) if status else None
                        if over is not None:
                            fail(running, over, "memory-limit")
                        else:
                            fail(running, _crash_message(status), "crashed")
                    elif message is None:
                        lost_at_startup(worker)
                elif now >= worker.deadline:
                    if running is None:
                        lost_at_startup(worker)
                        continue
                    workers.remove(worker)
                    worker.task = None
                    worker.kill()
                    fail(
                        running,
                        f"timed out after {options.timeout:g} s; the parser was stopped",
                        "timeout",
                    )
    finally:
        # Normal end, Ctrl-C or an error in a callback: no worker outlives the run, and
        # nothing half-written stays behind.
        for worker in workers:
            if worker.task is not None:
                worker.kill()
                _remove_temps(worker.task.target)
            else:
                worker.stop()
