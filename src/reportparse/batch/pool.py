"""Worker processes: one file at a time each, killed at the deadline, replaced when they die."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import emit

if TYPE_CHECKING:  # multiprocessing is imported when a batch runs, not with the CLI
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext
    from multiprocessing.process import BaseProcess
from ..errors import ReportParseError
from ..memory import limit_memory, over_limit_message
from .options import (
    _PRELOAD,
    _READY,
    _STARTUP_TIMEOUT,
    Job,
    WorkerHook,
    worker_parse_arguments,
)

# --------------------------------------------------------------------------- worker process


def _worker_main(conn: Connection, hook: WorkerHook | None, settings: Mapping[str, Any]) -> None:
    """Worker loop: receive (input, output), convert, send a result dict; None stops.

    ``settings`` (BatchOptions.parse_settings) say how to parse every file."""
    # The parent decides what Ctrl-C means; the terminal sends SIGINT to us all.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _quiet_worker()
    _exit_with_parent()
    from ..api import parse

    arguments = worker_parse_arguments(settings)
    max_memory = settings.get("max_memory", 0)
    limit_memory(max_memory)
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
            issue_dict = parse(source, **arguments).to_dict()
            emit.atomic_write(output, emit.issue_json(issue_dict, pretty=False))
            result: dict[str, Any] = {
                "status": "converted",
                "entries": len(issue_dict["entries"]),
                "warnings": len(issue_dict["warnings"]),
            }
        except ReportParseError as err:
            result = {"status": "failed", "error": err.message, "code": err.code}
        except MemoryError:
            message = over_limit_message(max_memory) if max_memory else "out of memory"
            result = {"status": "failed", "error": message, "code": "memory-limit"}
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

    def __init__(
        self,
        context: BaseContext,
        hook: WorkerHook | None,
        settings: Mapping[str, Any],
    ) -> None:
        parent_end, child_end = context.Pipe(duplex=True)
        process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=_worker_main,
            args=(child_end, hook, settings),
            daemon=True,
            name="reportparse-worker",
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
