"""Dates in every printed form: ``date`` is ISO, ``date_text`` as printed with the
whitespace inside the date removed (issue 12, class 9)."""

from __future__ import annotations

import pytest

from reportparse.clean.text import clean_text
from reportparse.model import Line
from reportparse.parse.entry_fields import date_as_printed, label_set, parse_date, sort_body
from reportparse.profile import DEFAULT_PROFILE


@pytest.mark.parametrize(
    ("printed", "date_text", "iso"),
    [
        ("2025年1月8日", "2025年1月8日", "2025-01-08"),
        ("２０２５年２月１４日", "２０２５年２月１４日", "2025-02-14"),
        ("２０２５年 ２月 １４日", "２０２５年２月１４日", "2025-02-14"),
        ("2024 年 11 月 5 日", "2024年11月5日", "2024-11-05"),
        ("2024年 9月 7日", "2024年9月7日", "2024-09-07"),
        ("2024.11.20", "2024.11.20", "2024-11-20"),
        ("2024. 11. 20", "2024.11.20", "2024-11-20"),
        ("2024-12-12", "2024-12-12", "2024-12-12"),
        ("2024/12/1", "2024/12/1", "2024-12-01"),
        ("2024／12／1", "2024／12／1", "2024-12-01"),
        ("２０２４．１２．０１", "２０２４．１２．０１", "2024-12-01"),
        ("2025.09.28", "2025.09.28", "2025-09-28"),
        ("2025年3月5号", "2025年3月5号", "2025-03-05"),
        ("2025年2月30日", "2025年2月30日", None),
        ("近日", "近日", None),
    ],
)
def test_dates(printed: str, date_text: str, iso: str | None) -> None:
    parts = sort_body([Line(text=f"发布日期：{printed}", page=1)], label_set(DEFAULT_PROFILE))
    assert parts.date_text == date_text
    assert parse_date(parts.date_text) == iso
    assert date_as_printed(clean_text(printed)) == date_text
