"""Bound the memory one parse may take, and say so in one line when a file needs more.

A small PDF can hold a content stream that inflates to gigabytes (a decompression bomb).
Neither engine caps what a stream inflates to: pdfminer.six calls ``zlib.decompress`` on
the whole stream, and PDFium decodes a page's content streams in full when the page loads.
So the limit is put on the process: :func:`limit_memory` lowers ``RLIMIT_DATA`` (private
writable memory: the heap, anonymous mappings, thread stacks; not shared libraries nor
reserved but unused address space) so that an allocation past it fails instead of the
machine running out. What the failure looks like depends on who allocates:

* Python (pdfminer's ``zlib.decompress``, ``bytes`` joins): a ``MemoryError``. The
  pdfminer reader turns it into a :class:`MemoryLimitError` (see :func:`over_limit`).
* PDFium: its allocator does not return NULL to the caller; the process aborts
  (SIGABRT). A PDFium parse under a cap therefore runs in a child process
  (:func:`run_limited`; ``batch`` workers are children already), whose parent turns that
  death into the same message (:func:`describe_exit`).

The cap is on the whole process (interpreter and libraries included, about 30 MB of
data), so the process never holds more than ``--max-memory``. 0 means no limit.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import LimitExceededError, ReportParseError

T = TypeVar("T")

DEFAULT_MAX_MEMORY = 1 << 30  # bytes: 1 GiB
LATER_CODE = 16 << 20  # bytes of library code a parse may still map after the cap is set
# How a process dies when PDFium cannot allocate: it does not return NULL to its caller
# but aborts (measured: SIGABRT with pypdfium2 5.15 under RLIMIT_DATA and RLIMIT_AS).
_OUT_OF_MEMORY_SIGNALS = (signal.SIGABRT,)


class MemoryLimitError(LimitExceededError):
    """The file needs more memory than ``--max-memory`` allows.

    A LimitExceededError, so a reader stops at once (no page-by-page fallback, no repair
    through Ghostscript: a rewritten bomb is still a bomb).
    """

    code = "memory-limit"


_active_limit = 0  # bytes: the cap limit_memory set in this process (0: none)


def over_limit(path: str | None = None) -> ReportParseError | None:
    """Given the file being read, return the error for a MemoryError met while reading it
    under a cap, or None when no cap is set (then the machine itself ran out)."""
    if _active_limit <= 0:
        return None
    return MemoryLimitError(over_limit_message(_active_limit), path=path)


def format_size(size: int) -> str:
    """Given a byte count, return it as people write it: "1 GiB", "512 MiB", "1.5 GiB"."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift:
            value = size / (1 << shift)
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def over_limit_message(max_bytes: int) -> str:
    """Given the limit, return the one-line message for a file that needs more."""
    return f"needs more than {format_size(max_bytes)} of memory (raise --max-memory)"


def _status_bytes(*keys: str) -> int:
    """Given /proc/self/status keys (VmData, VmLib, ...), return the sum of their sizes in
    bytes; 0 where that cannot be read (not Linux)."""
    total = 0
    try:
        with open(f"/proc/{os.getpid()}/status", encoding="ascii") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in keys:
                    total += int(value.split()[0]) * 1024
    except (OSError, ValueError, IndexError):
        return 0
    return total


def limit_memory(max_bytes: int) -> int | None:
    """Given the bytes this process may hold (0: no limit), cap its private writable
    memory (``RLIMIT_DATA``) there; return the cap set, or None if none was (no limit
    asked, or the platform has no RLIMIT_DATA).

    The cap counts the whole process, the interpreter and libraries included (about
    30 MB of data: VmData in /proc/self/status), less the code and stack mapped now, so its
    resident size stays under ``max_bytes``. The cap only ever lowers the limit (an
    existing lower one is kept) and is a soft limit, so a caller can lift it again.
    """
    global _active_limit
    if max_bytes <= 0 or sys.platform == "win32":
        return None
    import resource

    kind = getattr(resource, "RLIMIT_DATA", None)
    if kind is None:  # pragma: no cover - every POSIX system has it
        return None
    soft, hard = resource.getrlimit(kind)
    # Resident memory is data plus mapped code and the stack, which RLIMIT_DATA does not
    # count: leave room for the code mapped now (5-20 MB of shared libraries) and for a
    # library loaded later (libpdfium: 8 MB).
    code = _status_bytes("VmExe", "VmLib", "VmStk") + LATER_CODE
    cap = max(max_bytes - code, max_bytes // 2)
    if soft != resource.RLIM_INFINITY:
        cap = min(cap, soft)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(kind, (cap, hard))
    _active_limit = max_bytes
    return cap


def run_limited(function: Callable[[], T], max_bytes: int, path: str | None = None) -> T:
    """Given a function, a memory cap and the file it reads, return what the function
    returns when run in a forked child capped at ``max_bytes``.

    A ReportParseError the child raises is raised here; a MemoryError becomes a
    MemoryLimitError; a child that dies the way PDFium dies when an allocation fails
    becomes one too, any other death a ReportParseError saying the parser crashed. Without
    a cap, or without fork, the function runs in this process.
    """
    if max_bytes <= 0 or not hasattr(os, "fork"):
        return function()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        status = 0
        try:
            limit_memory(max_bytes)
            outcome = _outcome(function, max_bytes, path)
            try:
                payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # an exception that does not pickle: its text does
                payload = pickle.dumps(("exception", RuntimeError(repr(outcome[1])), ""))
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        except BaseException:
            status = 70
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as source:
        payload = source.read()
    _, wait_status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(wait_status)
    if code == 0 and payload:
        kind, value, *rest = pickle.loads(payload)
        if kind == "ok":
            return value  # type: ignore[no-any-return]
        if kind == "exception":  # a bug, not bad input: raised here as it was there
            value.add_note(f"raised in the memory-capped child process:\n{rest[0]}")
            raise value
        error_type, message, where = value
        raise error_type(message, path=where)
    message = describe_exit(code, max_bytes)
    if message is not None:
        raise MemoryLimitError(message, path=path)
    raise ReportParseError(f"the parser crashed (exit status {code})", path=path)


def _outcome(function: Callable[[], T], max_bytes: int, path: str | None) -> tuple[Any, ...]:
    """Given the function a capped child runs, return what to send its parent."""
    try:
        return ("ok", function())
    except MemoryError:
        return ("error", (MemoryLimitError, over_limit_message(max_bytes), path))
    except ReportParseError as exc:
        return ("error", (type(exc), exc.message, exc.path))
    except Exception as exc:
        return ("exception", exc, traceback.format_exc())


def describe_exit(status: int, max_bytes: int) -> str | None:
    """Given a child's exit status (negative: killed by that signal) and the limit it ran
    under, return the over-limit message if the death looks like running out of memory,
    else None."""
    if max_bytes > 0 and status < 0 and -status in _OUT_OF_MEMORY_SIGNALS:
        return over_limit_message(max_bytes)
    return None
