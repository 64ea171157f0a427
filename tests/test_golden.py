"""Golden pairs: every fixture PDF against the JSON its generator wrote from its content.

The expected JSON comes from the generator's content model (the ground truth it typeset),
never from this parser's output. The test fails when the corpus is empty.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reportparse import parse

FIXTURES = Path(__file__).parent / "fixtures"
PDFS = sorted((FIXTURES / "pdf").glob("*.pdf"))


def test_corpus_is_not_empty() -> None:
    assert PDFS, "no fixture PDFs: run `make fixtures`"
    for pdf in PDFS:
        assert (FIXTURES / "expected" / f"{pdf.stem}.json").exists(), (
            f"no golden JSON for {pdf.name}"
        )


def normalised(issue: dict[str, Any]) -> dict[str, Any]:
    issue["source"]["path"] = Path(issue["source"]["path"]).name
    return issue


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_fixture_matches_golden(pdf: Path) -> None:
    expected = json.loads((FIXTURES / "expected" / f"{pdf.stem}.json").read_text(encoding="utf-8"))
    actual = normalised(parse(pdf).to_dict())
    assert actual["issue"] == expected["issue"]
    assert [(e["section"], e["number"]) for e in actual["entries"]] == [
        (e["section"], e["number"]) for e in expected["entries"]
    ]
    for got, want in zip(actual["entries"], expected["entries"], strict=True):
        for key in want:
            assert got[key] == want[key], f"{want['section']} #{want['number']} {key}"
    assert actual == expected
