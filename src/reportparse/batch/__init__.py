"""Many issues at once: ``reportparse batch SRC... --out DIR`` (see ``run.py``).

inputs (discovery, output paths, freshness) -> pool (worker processes) -> run (the loop,
the report) -> combined (the tables over every issue JSON under DIR).
"""

from __future__ import annotations

from .combined import combined_records, issue_files, rebuild_combined
from .inputs import contained_target, discover, output_relative, sweep_temps, up_to_date
from .options import (
    CSV_NAME,
    DEFAULT_GLOB,
    DEFAULT_TIMEOUT,
    JSONL_NAME,
    REPORT_NAME,
    BatchOptions,
    BatchReport,
    BatchStarted,
    Combined,
    CombinedWritten,
    Event,
    FileFinished,
    FileResult,
    FileStarted,
    Job,
    default_jobs,
)
from .run import run_batch

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
    "combined_records",
    "contained_target",
    "default_jobs",
    "discover",
    "issue_files",
    "output_relative",
    "rebuild_combined",
    "run_batch",
    "sweep_temps",
    "up_to_date",
]
