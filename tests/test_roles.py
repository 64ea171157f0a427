"""Lines carry their role: the clean layer marks what it drops instead of deleting it, the
parse layers name the rest, and ``reportparse text --explain`` prints both."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportparse import api, cli
from reportparse.clean import clean_document
from reportparse.model import DROPPED_ROLES, ROLES, Document, Line, Page
from reportparse.profile import DEFAULT_PROFILE

FIXTURES = Path(__file__).parent / "fixtures"
PDFS = sorted((FIXTURES / "pdf").glob("*.pdf"))
runner = CliRunner()


def explained(pdf: Path) -> Document:
    return api.explain_document(api.read(pdf), profile=DEFAULT_PROFILE)


def golden(pdf: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        (FIXTURES / "expected" / f"{pdf.stem}.json").read_text(encoding="utf-8")
    )
    return data


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_every_line_read_is_kept_with_a_known_role(pdf: Path) -> None:
    read = api.read(pdf)
    document = api.explain_document(read, profile=DEFAULT_PROFILE)
    assert [len(page.lines) for page in document.pages] == [len(p.lines) for p in read.pages]
    roles = Counter(line.role for line in document.all_lines())
    assert set(roles) <= set(ROLES)
    # After parsing, every line was given a role by some layer, with a reason.
    assert roles["content"] == 0
    assert all(line.reason for line in document.all_lines())


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_titles_fields_and_links_are_where_the_entries_are(pdf: Path) -> None:
    document = explained(pdf)
    entries = golden(pdf)["entries"]
    assert isinstance(entries, list)
    lines = document.all_lines()
    # One title run per entry: a title line whose previous title-or-field line is a field.
    starts = [
        line
        for index, line in enumerate(lines)
        if line.role == "title" and (index == 0 or lines[index - 1].role != "title")
    ]
    assert len(starts) == len(entries)
    assert [line.page for line in starts] == [entry["pages"][0] for entry in entries]
    # Every printed URL line belongs to the link role, and every field line opens a field.
    links = "".join(line.text for line in lines if line.role == "link")
    for entry in entries:
        for url in entry["urls"]:
            host = url.split("/")[2]
            assert host in links
    labels = ("发布日期", "来源", "链接", "摘要")
    fields = [line.text for line in lines if line.role == "field"]
    # Fields may share a line (发布日期：… 来源：…): count the labels, not the lines.
    assert sum(text.count(label) for text in fields for label in labels) >= 3 * len(entries)


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("banner-outline", "running-footer"),
        ("plain-numbering", "running-header"),
        ("toc-headings", "page-number"),
        ("toc-headings", "toc"),
        ("toc-headings", "heading"),
        ("office-zhiyuan", "running-header"),
        ("browser-jincheng", "running-header"),
        ("browser-mingli", "page-number"),
    ],
)
def test_running_lines_page_numbers_and_toc_are_named(name: str, role: str) -> None:
    document = explained(FIXTURES / "pdf" / f"{name}.pdf")
    assert any(line.role == role for line in document.all_lines())


def test_running_lines_sit_at_the_edge_they_are_named_for() -> None:
    document = explained(FIXTURES / "pdf" / "plain-numbering.pdf")
    for page in document.pages:
        assert page.height is not None
        for line in page.lines:
            assert line.top is not None
            if line.role == "running-header":
                assert line.top < page.height / 2
            if line.role == "running-footer":
                assert line.top > page.height / 2


def test_later_layers_never_see_dropped_lines() -> None:
    page = Page(
        1,
        [
            Line("标题 | 2025年3月", 1),
            Line("正文第一行", 1),
            Line("\uf06c", 1),
            Line("12", 1),
        ],
    )
    other = Page(
        2,
        [Line("标题 | 2025年3月", 2), Line("正文第二行", 2), Line("13", 2)],
    )
    document = Document("x.txt", "0" * 64, "text", 2, [page, other])
    cleaned = clean_document(document, DEFAULT_PROFILE)
    assert [line.text for line in cleaned.lines()] == ["正文第一行", "正文第二行"]
    dropped = [(line.text, line.role) for line in cleaned.all_lines() if line.dropped]
    assert ("\uf06c", "bullet") in dropped
    assert ("12", "page-number") in dropped
    assert {role for _, role in dropped} <= DROPPED_ROLES
    # The document as read is left as it was.
    assert all(line.role == "content" for line in document.all_lines())


def test_text_explain_prints_every_line_with_its_role() -> None:
    pdf = FIXTURES / "pdf" / "banner-outline.pdf"
    result = runner.invoke(cli.app, ["text", str(pdf), "--explain"])
    assert result.exit_code == 0, result.output
    rows = [row for row in result.stdout.splitlines() if not row.startswith("=== page")]
    assert len(rows) == sum(len(page.lines) for page in api.read(pdf).pages)
    shown = Counter(row.split()[0] for row in rows)
    for role in ("title", "field", "link", "summary", "commentary", "running-footer"):
        assert shown[role] > 0, role
    plain = runner.invoke(cli.app, ["text", str(pdf)])
    assert "running-footer" not in plain.stdout
    assert len(plain.stdout.splitlines()) < len(result.stdout.splitlines())


def test_text_explain_refuses_raw() -> None:
    pdf = FIXTURES / "pdf" / "banner-outline.pdf"
    result = runner.invoke(cli.app, ["text", str(pdf), "--explain", "--raw"])
    assert result.exit_code == 2
    assert "--explain" in result.stderr
