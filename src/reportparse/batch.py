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
import fnmatch
import logging
import math
import os
import re
import signal
import stat
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

import orjson

from . import emit
from .reader import file_sha256

if TYPE_CHECKING:  # multiprocessing is imported when a batch runs, not with the CLI
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext
    from multiprocessing.process import BaseProcess
from .errors import ReportParseError, UsageError
from .profile import DEFAULT_BATCH_GLOB, DEFAULT_BATCH_TIMEOUT, DEFAULT_PROFILE

REPORT_NAME = "report.json"
JSONL_NAME = "entries.jsonl"
CSV_NAME = "entries.csv"
RESERVED_NAMES = frozenset({REPORT_NAME, JSONL_NAME, CSV_NAME})
DEFAULT_GLOB = DEFAULT_BATCH_GLOB
DEFAULT_TIMEOUT = DEFAULT_BATCH_TIMEOUT
REPORT_SCHEMA_VERSION = 1

Status = Literal["converted", "skipped", "failed"]
WorkerHook = Callable[[Path], None]

# Temporary files emit.atomic_write makes: ".<name>.<8 random chars>.tmp" (tempfile.mkstemp).
_TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
_READY = "ready"  # a new worker's first message: the clock of its first file starts now
_STARTUP_TIMEOUT = 60.0  # seconds a new worker may take to import the parser
_STARTUP_FAILURES = 3  # workers that die before ready, in a row, before giving up
_PRELOAD = ["reportparse.batch", "reportparse.api", "reportparse.pdf", "reportparse.pdfium"]


def default_jobs() -> int:
    """Return the number of cores this process may run on."""
    with contextlib.suppress(AttributeError, OSError):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------- options


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """What to convert, where to, and how: every field is checked on creation."""

    srcs: Sequence[str | os.PathLike[str]]
    out_dir: str | os.PathLike[str]
    jobs: int | None = None  # None: one per core
    fmt: str = "json"  # per-issue files; the only format for now
    glob: str = DEFAULT_GLOB
    timeout: float = DEFAULT_TIMEOUT  # seconds per file
    force: bool = False
    bom: bool = False  # byte-order mark at the start of entries.csv
    worker_hook: WorkerHook | None = None  # tests only: run in the worker before each parse

    def __post_init__(self) -> None:
        srcs = tuple(Path(src) for src in self.srcs)
        if not srcs:
            raise UsageError("give at least one SRC folder or file")
        object.__setattr__(self, "srcs", srcs)
        out_dir = Path(self.out_dir)
        if str(self.out_dir) == "":
            raise UsageError("--out needs a folder")
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError(f"--out {str(out_dir)!r} is a file; it must be a folder")
        object.__setattr__(self, "out_dir", out_dir)
        if self.jobs is not None and self.jobs < 1:
            raise UsageError("--jobs must be at least 1")
        if self.fmt != "json":
            raise UsageError(f"--format {self.fmt!r}: batch writes json per issue (only)")
        if not self.glob.strip():
            raise UsageError("--glob must not be empty")
        if not (self.timeout > 0 and math.isfinite(self.timeout)):
            raise UsageError("--timeout must be a positive number of seconds")

    @property
    def paths(self) -> tuple[Path, ...]:
        """The SRCs as paths."""
        return tuple(Path(src) for src in self.srcs)

    @property
    def out(self) -> Path:
        """DIR as a path."""
        return Path(self.out_dir)

    @property
    def workers(self) -> int:
        """The number of worker slots (``jobs``, or one per core)."""
        return self.jobs if self.jobs is not None else default_jobs()


# --------------------------------------------------------------------------- results, events


@dataclass(frozen=True, slots=True)
class Job:
    """One input found under a SRC, and where its JSON goes (relative to DIR).

    ``error`` is set (and ``relative`` None) for a folder that could not be listed: it
    becomes a failed line of the report rather than silently missing files.
    """

    source: Path
    relative: PurePosixPath | None
    error: str | None = None

    @property
    def input(self) -> str:
        """The input path as shown in messages, the report and ``source.path``."""
        return str(self.source)


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one input."""

    input: str
    output: str | None  # relative to DIR, "/"-separated
    status: Status
    entries: int = 0
    warnings: int = 0
    seconds: float = 0.0
    error: str | None = None
    code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "output": self.output,
            "status": self.status,
            "entries": self.entries,
            "warnings": self.warnings,
            "seconds": round(self.seconds, 3),
            "error": self.error,
            "code": self.code,
        }


@dataclass(frozen=True, slots=True)
class Combined:
    """What :func:`rebuild_combined` put in entries.jsonl / entries.csv."""

    issues: int
    entries: int
    ignored: tuple[str, ...] = ()  # JSON files under DIR that are not issues


@dataclass(slots=True)
class BatchReport:
    """The outcome of :func:`run_batch`; ``to_dict`` is report.json."""

    out_dir: Path
    results: list[FileResult]
    combined: Combined
    seconds: float
    workers: int
    timeout: float
    started: str  # ISO 8601, UTC

    def of(self, status: Status) -> list[FileResult]:
        return [result for result in self.results if result.status == status]

    @property
    def converted(self) -> list[FileResult]:
        return self.of("converted")

    @property
    def skipped(self) -> list[FileResult]:
        return self.of("skipped")

    @property
    def failed(self) -> list[FileResult]:
        return self.of("failed")

    @property
    def exit_code(self) -> int:
        """0 when every input converted or was skipped, 1 when any failed."""
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": REPORT_SCHEMA_VERSION,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "out_dir": str(self.out_dir),
            "jobs": self.workers,
            "timeout": self.timeout,
            "counts": {
                "inputs": len(self.results),
                "converted": len(self.converted),
                "skipped": len(self.skipped),
                "failed": len(self.failed),
            },
            "combined": {
                "issues": self.combined.issues,
                "entries": self.combined.entries,
                "ignored": list(self.combined.ignored),
            },
            "files": [result.to_dict() for result in self.results],
        }


@dataclass(frozen=True, slots=True)
class BatchStarted:
    total: int  # inputs found
    to_convert: int
    skipped: int
    workers: int  # worker processes that will run (0 when nothing needs converting)


@dataclass(frozen=True, slots=True)
class FileStarted:
    input: str


@dataclass(frozen=True, slots=True)
class FileFinished:
    result: FileResult
    done: int  # inputs finished so far (skipped ones included)
    total: int
    entries: int  # entries in converted + skipped inputs so far
    failed: int  # failures so far


@dataclass(frozen=True, slots=True)
class CombinedWritten:
    combined: Combined


Event = BatchStarted | FileStarted | FileFinished | CombinedWritten
EventCallback = Callable[[Event], None]


# --------------------------------------------------------------------------- discovery


def discover(
    srcs: Iterable[str | os.PathLike[str]],
    glob: str = DEFAULT_GLOB,
    *,
    exclude: str | os.PathLike[str] | None = None,
) -> list[Job]:
    """Given SRC folders/files and a file-name glob, return the jobs in path order.

    ``exclude`` is a folder never searched (DIR). Raises UsageError for a SRC that does not
    exist and for inputs from different SRCs that would be written to the same file.
    """
    excluded = _identity(Path(exclude)) if exclude is not None else None
    seen: set[tuple[int, int]] = set()
    groups: list[list[tuple[Path, PurePosixPath | None, str | None]]] = []
    for src in srcs:
        root = Path(src)
        try:
            info = root.stat()
        except FileNotFoundError:
            raise UsageError(f"{str(root)!r} not found (SRC must be a folder or a file)") from None
        except OSError as exc:
            raise UsageError(f"cannot read {str(root)!r}: {exc.strerror or exc}") from None
        found: list[tuple[Path, PurePosixPath | None, str | None]] = []
        if stat.S_ISDIR(info.st_mode):
            for path, rel, error in _walk(root, glob, excluded):
                if error is None:
                    key = _identity(path)
                    if key is not None and key in seen:
                        continue
                    if key is not None:
                        seen.add(key)
                found.append((path, rel, error))
            found.sort(key=lambda item: item[0].relative_to(root).parts)
        else:
            key = (info.st_dev, info.st_ino)
            if key not in seen:
                seen.add(key)
                found.append((root, PurePosixPath(_safe_part(root.name)), None))
        groups.append(found)
    return _assign_outputs(groups)


def _identity(path: Path) -> tuple[int, int] | None:
    """Given a path, return (device, inode) of what it points to, or None if unreadable."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _walk(
    root: Path, glob: str, excluded: tuple[int, int] | None
) -> Iterator[tuple[Path, PurePosixPath | None, str | None]]:
    """Given a SRC folder, yield (path, path relative to root, None) for matching files.

    An unreadable folder yields (folder, None, reason). Folders are visited once each by
    identity, so symlink loops end.
    """
    visited: set[tuple[int, int]] = set()
    stack: list[tuple[Path, PurePosixPath]] = [(root, PurePosixPath())]
    root_id = _identity(root)
    if root_id is not None:
        visited.add(root_id)
    pattern = glob.casefold()
    by_path = "/" in glob
    while stack:
        folder, rel_folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                items = sorted(listing, key=lambda item: item.name)
        except OSError as exc:
            yield folder, None, f"cannot list the folder: {exc.strerror or exc}"
            continue
        subfolders: list[tuple[Path, PurePosixPath]] = []
        for item in items:
            if item.name.startswith("."):
                continue
            path = folder / item.name
            rel = rel_folder / _safe_part(item.name)
            try:
                is_dir = item.is_dir(follow_symlinks=True)
                is_file = not is_dir and item.is_file(follow_symlinks=True)
            except OSError:
                continue
            if is_dir:
                key = _identity(path)
                if key is None or key in visited or key == excluded:
                    continue
                visited.add(key)
                subfolders.append((path, rel))
            elif is_file:
                subject = rel.as_posix() if by_path else item.name
                if fnmatch.fnmatchcase(subject.casefold(), pattern):
                    yield path, rel, None
        # Depth first, in name order: push in reverse so the first name pops first.
        stack.extend(reversed(subfolders))


def _safe_part(name: str) -> str:
    """Given one file or folder name, return it as a single harmless path component."""
    cleaned = name.replace("/", "_").replace("\\", "_").replace("\x00", "_")
    if cleaned in ("", ".", ".."):
        return cleaned.replace(".", "_") or "_"
    return cleaned


def output_relative(rel: PurePosixPath, *, keep_suffix: bool = False) -> PurePosixPath:
    """Given an input's path relative to its SRC, return its JSON's path relative to DIR.

    Every component is made safe (no ``..``, ``.``, separators), so the result can only
    name something inside DIR. ``keep_suffix`` keeps the input's full name (``x.pdf.json``).
    """
    parts = [_safe_part(part) for part in rel.parts if part not in ("", ".", "/")]
    if not parts:
        parts = ["_"]
    name = parts[-1]
    stem = PurePosixPath(name).stem if not keep_suffix else name
    parts[-1] = f"{stem or name}.json"
    return PurePosixPath(*parts)


def _assign_outputs(
    groups: list[list[tuple[Path, PurePosixPath | None, str | None]]],
) -> list[Job]:
    """Given the files found per SRC, return jobs with collision-free output paths."""
    flat = [
        (index, path, rel, error)
        for index, found in enumerate(groups)
        for path, rel, error in found
    ]

    def key(rel: PurePosixPath) -> str:
        # Case-insensitive, so two names cannot clash on macOS or Windows either.
        return rel.as_posix().casefold()

    preferred = {i: output_relative(rel) for i, (_, _, rel, _) in enumerate(flat) if rel}
    counts: dict[str, int] = {}
    for rel in preferred.values():
        counts[key(rel)] = counts.get(key(rel), 0) + 1
    final: dict[int, PurePosixPath] = {}
    for i, rel in preferred.items():
        clash = counts[key(rel)] > 1 or key(rel) in RESERVED_NAMES
        source_rel = flat[i][2]
        assert source_rel is not None
        final[i] = output_relative(source_rel, keep_suffix=True) if clash else rel
    owners: dict[str, int] = {}
    for i, rel in final.items():
        other = owners.setdefault(key(rel), i)
        if other != i:
            raise UsageError(
                f"{str(flat[other][1])!r} and {str(flat[i][1])!r} would both be written to "
                f"{rel.as_posix()!r} in --out; pass their common parent folder as SRC, "
                "or convert them into different --out folders"
            )
    jobs: list[Job] = []
    for i, (_, path, _, error) in enumerate(flat):
        jobs.append(Job(path, final.get(i), error))
    return jobs


def contained_target(out_dir: Path, relative: PurePosixPath) -> Path:
    """Given DIR and a relative output path, return the target or raise if it leaves DIR."""
    target = out_dir.joinpath(*relative.parts)
    root = out_dir.resolve()
    parent = target.parent.resolve()
    if parent != root and root not in parent.parents:
        raise ReportParseError(
            f"the output {relative.as_posix()!r} would be written outside --out "
            "(a symlink inside the output folder?); refused",
            path=str(target),
        )
    return target


# --------------------------------------------------------------------------- incremental


def _load_issue(path: Path) -> dict[str, Any] | None:
    """Given a JSON file, return it if it is an issue (schema_version 1), else None."""
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if (
        isinstance(data, dict)
        and data.get("schema_version") == 1
        and isinstance(data.get("source"), dict)
        and isinstance(data.get("entries"), list)
    ):
        return data
    return None


def up_to_date(source: Path, target: Path) -> dict[str, Any] | None:
    """Given an input and its output, return the output's issue if it may be kept as is.

    Kept: the output is at least as new as the input and records the input's sha256.
    """
    try:
        if target.stat().st_mtime_ns < source.stat().st_mtime_ns:
            return None
    except OSError:
        return None
    issue = _load_issue(target)
    if issue is None:
        return None
    try:
        current = file_sha256(source)
    except OSError:
        return None
    return issue if issue["source"].get("sha256") == current else None


def _recorded_sha(target: Path) -> str | None:
    issue = _load_issue(target)
    return None if issue is None else issue["source"].get("sha256")


def _remove_temps(target: Path) -> None:
    """Given an output path, remove temporary files an atomic write to it left behind."""
    prefix = f".{target.name}."
    with contextlib.suppress(OSError), os.scandir(target.parent) as listing:
        for item in listing:
            if item.name.startswith(prefix) and item.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(item.path)


def sweep_temps(out_dir: Path) -> int:
    """Given DIR, remove temporary files left by a killed run; return how many."""
    removed = 0
    if not out_dir.is_dir():
        return 0
    for folder, _dirs, files in os.walk(out_dir):
        for name in files:
            if _TEMP_NAME.match(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))
                    removed += 1
    return removed


# --------------------------------------------------------------------------- worker process


def _worker_main(conn: Connection, hook: WorkerHook | None) -> None:
    """Worker loop: receive (input, output), convert, send a result dict; None stops."""
    # The parent decides what Ctrl-C means; the terminal sends SIGINT to us all.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _quiet_worker()
    _exit_with_parent()
    from .api import parse

    try:
        conn.send(_READY)
    except (OSError, ValueError):
        return
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        source, output = message
        started = time.perf_counter()
        try:
            if hook is not None:
                hook(Path(source))
            issue_dict = parse(source).to_dict()
            emit.atomic_write(output, emit.issue_json(issue_dict, pretty=False))
            result: dict[str, Any] = {
                "status": "converted",
                "entries": len(issue_dict["entries"]),
                "warnings": len(issue_dict["warnings"]),
            }
        except ReportParseError as err:
            result = {"status": "failed", "error": err.message, "code": err.code}
        except Exception as err:
            detail = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
            result = {"status": "failed", "error": f"internal error: {detail}", "code": "internal"}
        result["seconds"] = time.perf_counter() - started
        try:
            conn.send(result)
        except (OSError, ValueError):
            return


def _quiet_worker() -> None:
    """Keep library chatter (log records, warnings, C-level prints) off the terminal."""
    logging.getLogger().addHandler(logging.NullHandler())
    warnings.simplefilter("ignore")
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.close(devnull)


def _exit_with_parent() -> None:
    """Exit this worker when the process that started it dies (e.g. ``kill -9``)."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _context() -> BaseContext:
    """Return the multiprocessing context the workers start from."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # Imported once in the server, so every worker starts with the parser loaded.
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


@dataclass(slots=True)
class _Task:
    index: int
    job: Job
    target: Path
    deadline: float = 0.0
    started: float = 0.0


class _Worker:
    """One slot: a worker process, whether it has said it is ready, and its task."""

    def __init__(self, context: BaseContext, hook: WorkerHook | None) -> None:
        parent_end, child_end = context.Pipe(duplex=True)
        process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(child_end, hook), daemon=True, name="reportparse-worker"
        )
        process.start()
        child_end.close()
        self.process = process
        self.conn = parent_end
        self.ready = False
        self.deadline = time.monotonic() + _STARTUP_TIMEOUT  # until ready, then per task
        self.task: _Task | None = None

    def give(self, task: _Task, timeout: float) -> None:
        task.started = time.monotonic()
        self.deadline = task.started + timeout
        self.task = task
        self.conn.send((task.job.input, str(task.target)))

    def receive(self) -> Any:
        """Return the message waiting on the pipe, or None if the process has died."""
        with contextlib.suppress(EOFError, OSError):
            if self.conn.poll():
                return self.conn.recv()
        return None

    def kill(self) -> int | None:
        """Kill the process now; return its exit code."""
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(5)
        self.conn.close()
        return self.process.exitcode

    def stop(self) -> None:
        """Ask an idle worker to finish; kill it if it does not."""
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(2)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()


def _crash_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        with contextlib.suppress(ValueError):
            return f"the parser crashed (killed by {signal.Signals(-exitcode).name})"
        return f"the parser crashed (killed by signal {-exitcode})"
    return f"the parser crashed (worker exited with status {exitcode})"


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
        kept = None if options.force else up_to_date(job.source, target)
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

    combined = rebuild_combined(out_dir, bom=options.bom)
    emit_event(CombinedWritten(combined))
    report = BatchReport(
        out_dir=out_dir,
        results=[result for result in results if result is not None],
        combined=combined,
        seconds=time.monotonic() - started,
        workers=workers,
        timeout=options.timeout,
        started=started_wall,
    )
    emit.atomic_write(
        out_dir / REPORT_NAME,
        orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE),
    )
    return report


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
                workers.append(_Worker(context, options.worker_hook))
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
                        fail(running, _crash_message(worker.kill()), "crashed")
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


def combined_records(issues: Iterable[tuple[str, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Given (file, issue dict) pairs, return all entry records in the combined order."""
    known = {name: rank for rank, name in enumerate(DEFAULT_PROFILE.sections)}
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


def rebuild_combined(out_dir: str | os.PathLike[str], *, bom: bool = False) -> Combined:
    """Given DIR, rewrite entries.jsonl and entries.csv from every issue JSON under it."""
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
    records = combined_records(issues)
    emit.atomic_write(root / JSONL_NAME, emit.jsonl_bytes(records))
    emit.atomic_write(root / CSV_NAME, emit.csv_text(records, bom=bom).encode("utf-8"))
    return Combined(issues=len(issues), entries=len(records), ignored=tuple(ignored))


__all__ = [
    "CSV_NAME",
    "DEFAULT_GLOB",
    "DEFAULT_TIMEOUT",
    "JSONL_NAME",
    "REPORT_NAME",
    "BatchOptions",
    "BatchReport",
    "BatchStarted",
    "Combined",
    "CombinedWritten",
    "Event",
    "FileFinished",
    "FileResult",
    "FileStarted",
    "Job",
    "contained_target",
    "discover",
    "output_relative",
    "rebuild_combined",
    "run_batch",
    "up_to_date",
]
