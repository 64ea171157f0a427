"""The console script's entry point."""

from __future__ import annotations

import gc

from .app import PROG, app

# --------------------------------------------------------------------------- entry point


# Collect the youngest generation every this many allocations instead of Python's 700.
# A page makes a thousand glyph tuples that all survive into its lines, so the default
# has the collector re-scan them several times a page (3-4% of a pdfium read, measured
# with callgrind); the program makes few reference cycles, so waiting longer is cheap.
GC_THRESHOLD = 20_000


def main() -> None:
    """Run the command line (console script and ``python -m reportparse``)."""
    # A process-wide setting, so only the program sets it, never the library.
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    # A fixed name, so usage lines read the same whichever way the program was started.
    app(prog_name=PROG)
