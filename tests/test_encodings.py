"""Text dumps in any common encoding, with any line ends, from pdftotext (with -layout too).

One small dump is saved in each encoding and line-end form; every one must read to the
same pages and lines. A file in no encoding tried gets one clear line naming them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportparse import api, cli
from reportparse.errors import NotAPDFError, NotReadableError, UsageError
from reportparse.read.encodings import TRIED, UnknownEncodingError, decode
from reportparse.read.sniff import sniff_kind
from reportparse.read.textdump import read_text_dump, split_pages

runner = CliRunner()

# pdftotext's form: lines, a form feed after every page (an image page is empty).
SIMPLIFIED = (
    "网络安全与数据合规月报\n2024年11月\n\f"
    "\f"
    "政策速递\n1. 国家网信办发布《网络数据安全风险评估办法》\n发布日期：2024年11月20日\n"
    "来源：中国网信网\n摘要：\n对重要数据处理者开展风险评估的频次、内容作出规定。\n\f"
)
TRADITIONAL = "網路安全與資料合規月報\n政策速遞\n1. 國家網信辦發布《網路資料安全風險評估辦法》\n\f"

ENCODINGS = [
    ("utf-8", b"", "UTF-8"),
    ("utf-8", b"\xef\xbb\xbf", "UTF-8"),
    ("utf-16-le", b"\xff\xfe", "UTF-16"),
    ("utf-16-be", b"\xfe\xff", "UTF-16"),
    ("utf-32-le", b"\xff\xfe\x00\x00", "UTF-32"),
    ("gb18030", b"", "GB18030"),
    ("gbk", b"", "GB18030"),
]


def _lines(document: api.Document) -> list[tuple[int, str]]:
    return [(line.page, line.text) for line in document.all_lines()]


@pytest.fixture(scope="module")
def utf8_lines(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, str]]:
    path = tmp_path_factory.mktemp("enc") / "plain.txt"
    path.write_bytes(SIMPLIFIED.encode("utf-8"))
    return _lines(api.read(path))


@pytest.mark.parametrize(("codec", "bom", "name"), ENCODINGS)
@pytest.mark.parametrize("ends", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_every_encoding_and_line_end_reads_alike(
    codec: str, bom: bytes, name: str, ends: str, tmp_path: Path, utf8_lines: list[object]
) -> None:
    data = bom + SIMPLIFIED.replace("\n", ends).encode(codec)
    assert decode(data)[1] == name
    path = tmp_path / "dump.txt"
    path.write_bytes(data)
    assert sniff_kind(path) == "text"
    assert _lines(api.read(path)) == utf8_lines


def test_big5_is_told_from_gb18030(tmp_path: Path) -> None:
    data = TRADITIONAL.encode("big5")
    text, name = decode(data)
    assert (text, name) == (TRADITIONAL, "Big5")
    path = tmp_path / "big5.txt"
    path.write_bytes(data)
    assert api.read(path).all_lines()[0].text == "網路安全與資料合規月報"


def test_gb18030_is_not_read_as_big5() -> None:
    # GB2312 text whose every byte pair is also a Big5 pair: punctuation decides.
    text = "数据，合规。"
    assert decode(text.encode("gb18030")) == (text, "GB18030")


def test_form_feeds_are_page_breaks_and_empty_pages_count() -> None:
    pages = split_pages(SIMPLIFIED.split("\n"))
    assert len(pages) == 3 and not any(line.strip() for line in pages[1])


def test_encoding_given_is_used(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_bytes(SIMPLIFIED.encode("gb18030"))
    document = api.read(path, encoding="gb18030")
    assert document.pages[0].lines[0].text == "网络安全与数据合规月报"
    with pytest.raises(NotAPDFError, match="not utf-8 text"):
        api.read(path, encoding="utf-8")
    with pytest.raises(UsageError, match="unknown encoding"):
        api.read(path, encoding="klingon")


def test_no_known_encoding_names_those_tried(tmp_path: Path) -> None:
    # Text-like bytes (no NULs) that no encoding tried reads as text.
    data = bytes(range(0x80, 0x100)) * 8
    with pytest.raises(UnknownEncodingError, match="GB18030"):
        decode(data)
    path = tmp_path / "odd.txt"
    path.write_bytes(data)
    with pytest.raises(NotAPDFError) as caught:
        sniff_kind(path)
    assert "looks like text" not in str(caught.value)
    assert TRIED in str(caught.value) and "--encoding" in str(caught.value)
    with pytest.raises(NotReadableError, match="GB18030"):
        read_text_dump(path)


def test_a_text_file_in_another_encoding_is_never_told_it_looks_like_text(
    tmp_path: Path,
) -> None:
    for codec in ("gb18030", "utf-16", "big5"):
        path = tmp_path / f"dump-{codec}.txt"
        path.write_bytes(TRADITIONAL.encode(codec))
        assert sniff_kind(path) == "text"


def test_layout_columns_are_split() -> None:
    from reportparse.read.textdump import to_lines

    raw = [
        "北京鸿途律师事务所                                  网络安全与数据合规月报",
        "发布日期：2024.11.20          来源：中国网信网",
        "   11 月 20 日，国家互联网信息办公室发布《办法》",
        "Cyber Resilience Act  and  more",
    ]
    assert [line.text for line in to_lines(raw, 1)] == [
        "北京鸿途律师事务所",
        "网络安全与数据合规月报",
        "发布日期：2024.11.20",
        "来源：中国网信网",
        "11 月 20 日，国家互联网信息办公室发布《办法》",
        "Cyber Resilience Act  and  more",
    ]


def test_a_watermarks_fragments_are_marked_in_a_dump(tmp_path: Path) -> None:
    body = ["政策速递", "1. 标题{n}", "所", "来源：网站{n}", "有", "摘要：", "权", "正文{n}。"]
    pages = ["\n".join(body).format(n=n) + "\n\f" for n in range(4)]
    path = tmp_path / "wm.txt"
    path.write_text("".join(pages), encoding="utf-8")
    document = api.read(path)
    marked = [(line.page, line.text) for line in document.all_lines() if line.role == "watermark"]
    assert marked == [(n, ch) for n in range(1, 5) for ch in "所有权"]
    assert all(len(line.text) > 2 for line in document.lines())


@pytest.mark.parametrize("command", ["extract", "text"])
def test_cli_encoding_option(command: str, tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_bytes(SIMPLIFIED.encode("gb18030"))
    result = runner.invoke(cli.app, [command, str(path), "--encoding", "klingon"])
    assert result.exit_code == 2 and "unknown encoding" in result.stderr
    result = runner.invoke(cli.app, [command, str(path), "--encoding", "utf-16"])
    assert result.exit_code == 1
    assert "looks like" not in result.stderr and "--encoding" in result.stderr
    if command == "text":
        result = runner.invoke(cli.app, [command, str(path), "--encoding", "gbk", "--raw"])
        assert result.exit_code == 0 and "网络安全与数据合规月报" in result.stdout


def test_extract_reads_a_gb18030_dump(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_bytes(SIMPLIFIED.encode("gb18030"))
    result = runner.invoke(cli.app, ["extract", str(path)])
    assert result.exit_code == 0, result.stderr
    issue = json.loads(result.stdout)
    assert issue["source"]["kind"] == "text" and issue["entries"][0]["source"] == "中国网信网"
