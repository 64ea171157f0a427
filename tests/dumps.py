"""Small text dumps built in tests, in the seed converter's shape."""

from __future__ import annotations

from pathlib import Path


def write_dump(
    tmp_path: Path,
    pages: list[list[str]],
    outline: list[str] | None = None,
    name: str = "issue.txt",
) -> Path:
    """Given pages of lines, write a dump: blank line after each line, pages start with a space."""
    chunks: list[str] = []
    for page in pages:
        for index, line in enumerate(page):
            chunks.append((" " + line if index == 0 else line) + "\n\n")
    for item in outline or []:
        chunks.append("\t" + item + "\n")
    path = tmp_path / name
    path.write_text("".join(chunks), encoding="utf-8")
    return path


def entry(
    number: str,
    title: str,
    *,
    date: str = "发布日期：2025年 3月 7日",
    summary: list[str] | None = None,
    url: str = "\uf06c https://example.cn/a.html",
    extra: list[str] | None = None,
) -> list[str]:
    """Given an entry's number and title, return its dump lines."""
    lines = [f"{number} {title}", date, "来源：测试网", "链接：", url, "摘要："]
    lines += summary or ["这是摘要的内容。"]
    return lines + (extra or [])
