"""Text dumps of the fixture PDFs made by other converters.

``text/pdftotext/``: poppler's ``pdftotext``: form feeds between pages, no bullets, no
annotation URIs, no geometry. ``text/plumber/``: pdfplumber's ``extract_text`` of each
page joined by newlines: no page breaks at all, footers glued to page numbers, and the
radical code points Chromium writes (⽇ for 日) left as they are.

The expected values are the PDFs' golden JSON: a dump must give the same entries and
fields, except what only the PDF holds (a URL printed cut short, whose whole URI is in
the link annotation; paragraph breaks, which need geometry; the odd space between two
Han phrases of a headline, which is a wider gap in the PDF that pdftotext may not print).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import regex

from reportparse import parse

FIXTURES = Path(__file__).parent / "fixtures"
DUMPS = sorted((FIXTURES / "text" / "pdftotext").glob("*.txt")) + sorted(
    (FIXTURES / "text" / "plumber").glob("*.txt")
)


def han_spaces_out(text: str) -> str:
    return regex.sub(r"(?<=\p{Han}) (?=\p{Han})", "", text)


def flat(text: str | None) -> str | None:
    return None if text is None else "".join(text.split())


def test_dumps_exist() -> None:
    assert len(DUMPS) >= 3


# pdftotext -layout draws the diagonal watermark's glyphs into the rows they cross: one
# lands at the end of an entry's date line, which it then prints above the entry's title.
# A dump keeps no geometry to undo that; the same PDF dumped without -layout is exact.
SCRAMBLED = {"xelatex-hongtu.layout"}


def dump_case(dump: Path) -> object:
    marks = [pytest.mark.xfail(strict=True, reason="pdftotext -layout scrambled the rows")]
    return pytest.param(
        dump, id=f"{dump.parent.name}-{dump.stem}", marks=marks if dump.stem in SCRAMBLED else []
    )


@pytest.mark.parametrize("dump", [dump_case(d) for d in DUMPS])
def test_dump_gives_the_pdfs_entries(dump: Path) -> None:
    # NAME.txt or NAME.<encoding|crlf|layout>.txt: the golden of pdf/NAME.pdf
    golden = dump.name.split(".", 1)[0]
    expected = json.loads((FIXTURES / "expected" / f"{golden}.json").read_text("utf-8"))
    issue = parse(dump).to_dict()
    assert issue["source"]["kind"] == "text"
    assert issue["issue"] == expected["issue"]
    got_entries, want_entries = issue["entries"], expected["entries"]
    assert [(e["section"], e["number"], han_spaces_out(e["title"])) for e in got_entries] == [
        (e["section"], e["number"], han_spaces_out(e["title"])) for e in want_entries
    ]
    for got, want in zip(got_entries, want_entries, strict=True):
        label = f"{want['section']} #{want['number']}"
        for key in ("date", "date_text", "source"):
            assert got[key] == want[key], f"{label} {key}"
        assert flat(got["summary"]) == flat(want["summary"]), f"{label} summary"
        assert flat(got["commentary"]) == flat(want["commentary"]), f"{label} commentary"
        assert len(got["urls"]) == len(want["urls"]), f"{label} urls"
        for printed, uri in zip(got["urls"], want["urls"], strict=True):
            assert uri.startswith(printed.rstrip("…")), f"{label} url {printed} vs {uri}"
