"""Zero-config inference: the other firms' newsletters parsed with no profile.

``test_zero_config_gets_most_fields_right`` scores the run field by field against the
exact golden (ground truth from the content model): at least 90% of the fields and no
entry the issue does not have. ``test_zero_config_snapshot`` compares the run with
``newsletters/<name>.zero-config.json``, a snapshot of this parser's output (not ground
truth; rewrite it with ``python tests/zero_config.py --write`` when a change is meant).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import regex

from reportparse.api import parse
from reportparse.model import Document, Line, OutlineItem, Page
from reportparse.parse.infer import infer_profile
from reportparse.parse.infer_labels import entry_number
from reportparse.parse.infer_layout import heading_name
from reportparse.profile import DEFAULT_PROFILE

from .zero_config import (
    INFERRED_WARNING,
    newsletter_pdfs,
    score,
    snapshot_path,
    zero_config_dict,
)

PDFS = newsletter_pdfs()
IDS = [pdf.stem for pdf in PDFS]
GOAL = 0.9


@pytest.mark.parametrize("pdf", PDFS, ids=IDS)
def test_zero_config_gets_most_fields_right(pdf: Path) -> None:
    expected = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    actual = zero_config_dict(pdf)
    result = score(actual, expected)
    assert not result.invented, f"invented entries: {result.invented}"
    assert actual["issue"]["profile"] == "inferred"
    assert [w["code"] for w in actual["warnings"]].count(INFERRED_WARNING) == 1
    assert result.ratio >= GOAL, f"{result.right}/{result.total} fields right:\n" + "\n".join(
        result.wrong
    )


@pytest.mark.parametrize("pdf", PDFS, ids=IDS)
def test_zero_config_snapshot(pdf: Path) -> None:
    snapshot = snapshot_path(pdf)
    assert snapshot.exists(), f"no snapshot: run python tests/zero_config.py --write ({pdf.name})"
    assert zero_config_dict(pdf) == json.loads(snapshot.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the steps


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1. 标题", 1),
        ("12、标题", 12),
        ("（3）标题", 3),
        ("(4) 标题", 4),
        ("【5】标题", 5),
        ("① 标题", 1),
        ("⑫标题", 12),
        ("❸ 标题", 3),
        ("² 标题", None),  # a superscript is no entry number
        ("½ 标题", None),
        ("①", None),  # a number alone
        ("标题", None),
    ],
)
def test_entry_numbers_in_any_form(text: str, number: int | None) -> None:
    assert entry_number(text) == number


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("一、立法进展", "立法进展"),
        ("【规则动向】", "规则动向"),
        ("01 观察", "观察"),
        ("二．司法实践", "司法实践"),
        ("〔监管动态〕", "监管动态"),
        ("政策速递", "政策速递"),
    ],
)
def test_heading_names_lose_ordinals_and_brackets(text: str, name: str) -> None:
    assert heading_name(text) == name


def _document(texts: list[str], outline: list[OutlineItem] | None = None) -> Document:
    lines = [
        Line(text, 1, 0.0, float(i * 12), 100.0, float(i * 12 + 10)) for i, text in enumerate(texts)
    ]
    return Document(
        path="x.txt",
        sha256="0" * 64,
        kind="text",
        page_count=1,
        pages=[Page(1, lines)],
        outline=outline or [],
    )


ISSUE = [
    "甲所通讯",
    "【第一栏】",
    "⑴ 某机关发布某办法",
    "载体：某某日报",
    "公布：2025年3月2日",
    "正文：",
    "某机关发布某办法，明确了若干事项，自发布之日起施行，相关单位应当遵照执行，并及时报告。",
    "地址：",
    "https://example.org/a.html",
    "本所评析",
    "该办法对企业影响较大，建议企业及时梳理现有制度，并开展相应的合规自查与整改工作。",
    "⑵ 某法院审结某案",
    "载体：某某法院",
    "公布：2025-03-05",
    "正文：",
    "某法院审结一起纠纷案件，判令被告赔偿原告经济损失，并承担本案的诉讼费用及其他合理开支。",
    "地址：",
    "https://example.org/b.html",
    "【第二栏】",
    "⑴ 某公司完成融资",
    "载体：某某网",
    "公布：2025.3.9",
    "正文：",
    "某公司宣布完成新一轮融资，资金将用于产品研发、市场拓展以及团队建设等方面的持续投入。",
    "地址：",
    "https://example.org/c.html",
    "本所评析",
    "融资交易中的尽职调查应当关注数据合规问题，投资人可以要求目标公司作出相应的陈述保证。",
    "郑重声明",
    "本刊内容仅供参考，不构成对任何具体事项的法律意见，如需引用请注明出处并事先取得同意。",
    "统筹：张三、李四",
    "校对：王五",
]


def test_infer_reads_labels_by_their_values() -> None:
    inference = infer_profile(_document(ISSUE), DEFAULT_PROFILE)
    assert inference is not None
    profile = inference.profile
    assert profile.sections == ("第一栏", "第二栏")
    assert profile.date_labels == ("公布",)
    assert profile.source_labels == ("载体",)
    assert profile.link_labels == ("地址",)
    assert profile.summary_labels == ("正文",)
    assert profile.commentary_labels == ("本所评析",)
    assert profile.back_matter_markers == ("郑重声明", "统筹", "校对")
    assert profile.editors_labels == ("统筹",)
    assert profile.executive_editors_labels == ("校对",)


def test_sections_from_the_outline_and_from_restarts() -> None:
    no_headings = [text for text in ISSUE if not text.startswith("【")]
    inference = infer_profile(_document(no_headings), DEFAULT_PROFILE)
    assert inference is not None
    assert inference.profile.sections == ("section 1", "section 2")
    outline = [
        OutlineItem("一、第一栏", 1, 1),
        OutlineItem("⑴ 某机关发布某办法", 2, 1),
        OutlineItem("二、第二栏", 1, 1),
        OutlineItem("⑴ 某公司完成融资", 2, 1),
    ]
    inference = infer_profile(_document(no_headings, outline), DEFAULT_PROFILE)
    assert inference is not None
    assert inference.profile.sections == ("第一栏", "第二栏")


def test_sections_given_on_the_command_line_are_kept() -> None:
    base = DEFAULT_PROFILE.with_sections(["子", "丑"])
    inference = infer_profile(_document(ISSUE), base)
    assert inference is not None and inference.profile.sections == ("子", "丑")


def test_nothing_to_infer_from_prose() -> None:
    assert infer_profile(_document(["一段文字。"] * 5), DEFAULT_PROFILE) is None


# --------------------------------------------------------------------------- other vocabulary

TEXT = Path(__file__).parent / "fixtures" / "text"
# Text dumps in the built-in vocabulary; the layout dump (watermark glyphs between the
# lines) and the dumps the built-in profile cannot read yet are left out.
DUMPS = [TEXT / "monthly-2024-09.txt"] + [
    TEXT / "pdftotext" / f"{name}.txt"
    for name in (
        "banner-outline",
        "browser-mingli",
        "office-hengping",
        "office-zhiyuan",
        "plain-numbering",
        "toc-headings",
        "typst-yunfan.crlf",
    )
]
# Every word of the built-in vocabulary an issue prints, replaced by another newsletter's.
RENAMED = [
    ("参与成员编委会", "编委成员"),
    ("本期执行编辑", "值班编辑"),
    ("特别声明", "法律声明"),
    ("原文链接", "网址"),
    ("发布日期", "刊发日期"),
    ("发布时间", "刊发日期"),
    ("来源", "出处"),
    ("链接", "网址"),
    ("摘要", "内容提要"),
    ("政策速递", "监管动向"),
    ("行业新闻", "市场消息"),
    ("交易资讯", "投融资"),
]
COMMENTARY_LINE = regex.compile(r"(?m)^(\s*\p{Han}{0,8})(?:短评|点评)(\s*)$")


def renamed(text: str) -> str:
    for old, new in RENAMED:
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("dump", DUMPS, ids=[dump.name for dump in DUMPS])
def test_an_issue_in_other_words_parses_with_no_profile(dump: Path, tmp_path: Path) -> None:
    """Every label, section name, commentary heading and back-matter marker of a dump the
    built-in profile reads is replaced by other words; the run with no profile finds the
    same entries and fields (in the other words) as the built-in profile on the original.
    A section whose name the dump never prints (an image heading) is "section N"."""
    original = parse(dump, profile=DEFAULT_PROFILE).to_dict()
    text = renamed(dump.read_text(encoding="utf-8"))
    text = COMMENTARY_LINE.sub(r"\1观察\2", text)
    copy = tmp_path / "other.txt"
    copy.write_text(text, encoding="utf-8")
    actual = parse(copy).to_dict()
    expected = json.loads(renamed(json.dumps(original, ensure_ascii=False)))
    printed = {"".join(line.split()) for line in text.splitlines()}
    names = list(dict.fromkeys(entry["section"] for entry in expected["entries"]))
    unseen = {
        name: f"section {position}"
        for position, name in enumerate(names, 1)
        if not any(line.endswith(name) and len(line) <= len(name) + 8 for line in printed)
    }
    for entry in expected["entries"]:
        entry["section"] = unseen.get(entry["section"], entry["section"])
    expected["source"] = actual["source"]
    result = score(actual, expected)
    assert actual["issue"]["profile"] == "inferred"
    assert not result.invented, result.invented
    assert result.ratio >= GOAL, f"{result.right}/{result.total}:\n" + "\n".join(result.wrong)


def test_entries_without_fields_are_parsed_again_with_an_inferred_profile(tmp_path: Path) -> None:
    """The built-in profile finds entries by the one label the issue shares with it (摘要)
    but none of their dates, sources or links: clearly the wrong reading, so the issue is
    parsed with an inferred profile."""
    dump = TEXT / "pdftotext" / "office-hengping.txt"
    original = parse(dump, profile=DEFAULT_PROFILE).to_dict()
    copy = tmp_path / "other.txt"
    copy.write_text(
        renamed(dump.read_text(encoding="utf-8")).replace("内容提要", "摘要"), encoding="utf-8"
    )
    builtin = parse(copy, profile=DEFAULT_PROFILE, infer=False).to_dict()
    assert builtin["entries"] and not any(entry["date"] for entry in builtin["entries"])
    actual = parse(copy).to_dict()
    assert actual["issue"]["profile"] == "inferred"
    assert [(e["date"], e["source"], e["urls"]) for e in actual["entries"]] == [
        (e["date"], renamed(e["source"]), e["urls"]) for e in original["entries"]
    ]
