"""Suite-wide settings: deterministic Hypothesis under CI, and one PDF repair route.

* Under CI (the ``CI`` environment variable set, as every CI service does) Hypothesis runs
  derandomised: the same examples every run, no deadline, no example database, so a run
  cannot fail by chance or by the runner's speed. Local runs keep exploring new examples
  (``--hypothesis-seed=N`` replays one exploration; ``--hypothesis-profile=ci`` forces the
  CI settings).
* Commands run in this process (Typer's CliRunner) get no memory cap: the cap counts the
  whole process, and the test process holds far more than a command does. Capped runs
  are tested in fresh processes (``tests/test_memory.py``).
* Damaged PDFs are read without Ghostscript unless a test asks for it: whether ``gs`` is
  installed must not change what the suite sees. Tests of the repair route set
  ``REPORTPARSE_GHOSTSCRIPT`` themselves (a real ``gs`` or a stand-in script).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
if os.environ.get("CI", "").strip().lower() not in ("", "0", "false"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _plain_pdf_route(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read damaged PDFs without Ghostscript (tests of the repair route override this)."""
    monkeypatch.setenv("REPORTPARSE_GHOSTSCRIPT", "off")


@pytest.fixture(autouse=True)
def _no_memory_cap_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run commands in this process without --max-memory's default cap (see above)."""
    monkeypatch.setenv("REPORTPARSE_MAX_MEMORY", "0")
