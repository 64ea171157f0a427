"""Fields sharing one line, in any order and with any separator (issue 12, class 2)."""

from __future__ import annotations

import pytest

from reportparse.model import Line
from reportparse.parse.entry_fields import label_set, parse_date, sort_body
from reportparse.profile import DEFAULT_PROFILE, Profile

LABELS = label_set(DEFAULT_PROFILE)


def _sorted(texts: list[str], profile: Profile = DEFAULT_PROFILE):  # type: ignore[no-untyped-def]
    return sort_body([Line(text=t, page=1) for t in texts], label_set(profile))


@pytest.mark.parametrize(
    "line",
    [
        "发布日期：2025年1月8日 来源：新华网",  # ideographic spaces, once cleaned
        "发布日期：2025年1月8日来源：新华网",  # the separating space cleaned away
        "发布日期：2025年1月8日\t来源：新华网",
        "发布日期：2025年1月8日 | 来源：新华网",
        "发布日期：2025年1月8日｜来源：新华网",
        "发布日期：2025年1月8日；来源：新华网",
        "发布日期: 2025年1月8日; 来源: 新华网",
        "来源：新华网 发布日期：2025年1月8日",
        "来源：新华网 | 发布日期：2025年1月8日",
        "来源：新华网；发布日期：2025年1月8日",
        "来源：新华网\t发布日期：2025年1月8日",
        "来源：新华网，发布日期：2025年1月8日",
    ],
)
def test_date_and_source_on_one_line(line: str) -> None:
    parts = _sorted([line, "链接：", "https://a.cn/1", "摘要：", "正文。"])
    assert parts.date_text == "2025年1月8日"
    assert parts.source == "新华网"
    assert [item.text for item in parts.url_items] == ["https://a.cn/1"]
    assert [line.text for line in parts.summary] == ["正文。"]
    # The shared line is one field line; every body line keeps one role.
    assert [role for _, role, _ in parts.roles] == ["field", "field", "link", "field", "summary"]


@pytest.mark.parametrize(
    ("line", "date_text", "source", "urls"),
    [
        ("发布日期：2024-10-08 来源：工信部 链接：https://a.cn/1", "2024-10-08", "工信部", ["https://a.cn/1"]),
        ("来源：工信部 链接：https://a.cn/1", None, "工信部", ["https://a.cn/1"]),
        ("发布日期：2024/12/1", "2024/12/1", None, []),
        ("来源：人民网-财经频道", None, "人民网-财经频道", []),
        ("来源：某网 日期", None, "某网 日期", []),  # a label without colon stays text
    ],
)  # fmt: skip
def test_shared_line_variants(
    line: str, date_text: str | None, source: str | None, urls: list[str]
) -> None:
    parts = _sorted([line])
    assert parts.date_text == date_text
    assert parts.source == source
    assert [item.text for item in parts.url_items] == urls


def test_a_summary_mentioning_a_label_is_not_split() -> None:
    parts = _sorted(["摘要：据新华社报道，来源：官方通报显示……"])
    assert parts.source is None
    assert [line.text for line in parts.summary] == ["据新华社报道，来源：官方通报显示……"]


def test_shared_line_with_a_newsletters_own_labels() -> None:
    profile = Profile(date_labels=("时间",), source_labels=("出处",), link_labels=("网址",))
    parts = _sorted(["出处：网信浙江　　时间：2025.09.28", "网址：https://a.cn/1"], profile)
    assert (parts.source, parts.date_text) == ("网信浙江", "2025.09.28")
    assert parse_date(parts.date_text) == "2025-09-28"
