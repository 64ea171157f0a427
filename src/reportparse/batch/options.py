"""What a batch run is asked to do, and the plain records it reports back (results, events)."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # multiprocessing is imported when a batch runs, not with the CLI
    pass
from ..api import ENGINES
from ..errors import UsageError
from ..memory import DEFAULT_MAX_MEMORY
from ..profile import (
    DEFAULT_BATCH_GLOB,
    DEFAULT_BATCH_TIMEOUT,
    DEFAULT_LIMITS,
    DEFAULT_PROFILE,
    Limits,
    Profile,
    is_builtin,
)

REPORT_NAME = "report.json"
JSONL_NAME = "entries.jsonl"
CSV_NAME = "entries.csv"
XLSX_NAME = "entries.xlsx"
RESERVED_NAMES = frozenset({REPORT_NAME, JSONL_NAME, CSV_NAME, XLSX_NAME})
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


def profile_digest(profile: Profile) -> str:
    """Given a profile, return a sha256 of its fields (a changed file changes it)."""
    fields = dataclasses.asdict(profile)
    text = "\n".join(f"{key}={fields[key]!r}" for key in sorted(fields))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def worker_parse_arguments(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Given :meth:`BatchOptions.parse_settings`, return the keyword arguments of
    ``api.parse`` they stand for."""
    return {
        "engine": settings["engine"],
        "password": settings["password"],
        "profile": Profile(**settings["profile"]),
        "limits": Limits(**settings["limits"]),
        "encoding": settings.get("encoding"),
    }


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
    xlsx: bool = False  # also write entries.xlsx
    db: Path | None = None  # also write every issue into this SQLite archive
    # What `extract` takes and changes the result: every file is parsed with these.
    engine: str = "pdfplumber"
    password: str | None = None
    sections: Sequence[str] | None = None  # overrides the profile's sections
    profile: Profile = DEFAULT_PROFILE
    profile_file: str | None = None  # where the profile came from (report.json only)
    limits: Limits = DEFAULT_LIMITS
    encoding: str | None = None  # of text dumps (None: recognised)
    # Bytes each worker process may hold (0: no limit); a file needing more fails alone.
    max_memory: int = DEFAULT_MAX_MEMORY
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
        if self.engine not in ENGINES:
            raise UsageError(f"unknown engine {self.engine!r}; choose one of {', '.join(ENGINES)}")
        if self.sections is not None:
            object.__setattr__(self, "sections", tuple(self.sections))
        self.effective_profile  # noqa: B018 - checks --sections (UsageError)

    @property
    def effective_profile(self) -> Profile:
        """The profile every file is parsed with: ``profile`` with ``sections`` applied."""
        return self.profile.with_sections(None if self.sections is None else tuple(self.sections))

    def parse_settings(self) -> dict[str, Any]:
        """Return what a worker needs to parse as asked, as plain picklable data."""
        return {
            "engine": self.engine,
            "password": self.password,
            "profile": dataclasses.asdict(self.effective_profile),
            "limits": dataclasses.asdict(self.limits),
            "encoding": self.encoding,
            "max_memory": self.max_memory,
        }

    def options_record(self) -> dict[str, Any]:
        """Return the options that change the result, for report.json (whether a password
        was given, never the password)."""
        profile = self.effective_profile
        return {
            "engine": self.engine,
            "sections": list(self.sections) if self.sections else None,
            "profile": {
                "name": profile.name,
                "builtin": is_builtin(profile),  # then a profile may be inferred per file
                "file": self.profile_file,
                "sha256": profile_digest(profile),
            },
            "password": self.password is not None,
            "max_pages": self.limits.max_pages,
            "max_chars_per_page": self.limits.max_chars_per_page,
            "encoding": self.encoding,
        }

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
    options: dict[str, Any] = dataclasses.field(default_factory=dict)  # options_record()

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
            "options": self.options,
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
