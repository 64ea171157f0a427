"""Damaged PDFs rewritten by Ghostscript before a second read."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPAIR_TIMEOUT = 60.0  # seconds Ghostscript may take to repair a damaged file
MAX_REPAIRED_BYTES = 256 << 20


def ghostscript() -> str | None:
    """Return the Ghostscript program to repair damaged PDFs with, or None.

    ``REPORTPARSE_GHOSTSCRIPT`` names it (``off`` disables repairs); else ``gs`` on PATH.
    """
    chosen = os.environ.get("REPORTPARSE_GHOSTSCRIPT")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else chosen
    return shutil.which("gs")


def repair_with_ghostscript(path: Path, password: str | None) -> bytes | None:
    """Given a damaged PDF, return a copy Ghostscript rewrote, or None if that failed.

    The same route as pdfplumber's ``repair=True`` (``gs -sDEVICE=pdfwrite``), but with
    -dSAFER, a time limit and a size cap, since the input is hostile.
    """
    program = ghostscript()
    if program is None:
        return None
    args = [program, "-q", "-dSAFER", "-sstdout=%stderr", "-o", "-", "-sDEVICE=pdfwrite"]
    if password:
        args.append(f"-sPDFPassword={password}")
    args.append(str(path.absolute()))
    try:
        done = subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=REPAIR_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    size_cap = max(MAX_REPAIRED_BYTES, 20 * path.stat().st_size)
    if done.returncode or not done.stdout.startswith(b"%PDF-") or len(done.stdout) > size_cap:
        return None
    return done.stdout
