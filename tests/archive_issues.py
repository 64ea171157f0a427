"""Issue dicts for the archive and xlsx tests and the archive benchmark.

* :func:`golden`: the fixtures' expected JSON (real parser output);
* :func:`synthetic`: a few hand-made issues with the awkward cases (ASCII case, FTS5
  syntax characters, formula-like text, missing dates, periods and sources);
* :func:`generated`: any number of issues made by recombining the golden entries (their
  titles, sentences, sources, links) with varied dates and numbers; deterministic for a
  given seed.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

EXPECTED = Path(__file__).parent / "fixtures" / "expected"
SECTIONS = ("政策速递", "行业新闻", "交易资讯")


def golden() -> list[tuple[str, dict[str, Any]]]:
    """Return (file, issue dict) for every golden JSON, file being its source.path."""
    issues = []
    for path in sorted(EXPECTED.glob("*.json")):
        issue = orjson.loads(path.read_bytes())
        issues.append((issue["source"]["path"], issue))
    return issues


def _entry(section: str, number: int, title: str, **fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "section": section,
        "number": number,
        "title": title,
        "date": "2024-01-15",
        "date_text": "2024年1月15日",
        "source": "新华网",
        "url": f"https://example.com/{section}/{number}",
        "urls": [f"https://example.com/{section}/{number}"],
        "summary": "",
        "commentary": None,
        "links": [],
        "pages": [2, 2],
    }
    entry.update(fields)
    return entry


def _issue(path: str, period: str | None, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "source": {"path": path, "sha256": "0" * 64, "kind": "pdf", "pages": 5},
        "issue": {
            "title": "测试月报",
            "period": period,
            "publisher": "示例律师事务所",
            "editors": ["张三"],
            "executive_editors": [],
        },
        "entries": entries,
        "links": [{"text": "官网", "uri": "https://example.com/", "page": 1}],
        "warnings": [{"code": "test", "message": "a warning", "page": None}],
    }


def synthetic() -> list[tuple[str, dict[str, Any]]]:
    """Return two hand-made issues full of edge cases."""
    first = _issue(
        "synthetic/2024-01.pdf",
        "2024-01",
        [
            _entry(
                "政策速递",
                1,
                "OpenAI发布新模型，AI芯片需求上升",
                summary="业内认为ai算力需求将继续增长。\n多家Ai芯片公司扩产。",
                source="Reuters",
                commentary="算力是关键。",
                links=[{"text": "OpenAI", "uri": "https://openai.example/"}],
            ),
            _entry(
                "政策速递",
                2,
                '=HYPERLINK("http://evil.example","点我")',
                summary='含有 "AI" AND NOT NEAR(x, y) * ^ - 的文本，以及 100% 与 a_b。',
                source=None,
                url="javascript:void(0)",
                urls=["javascript:void(0)"],
            ),
            _entry(
                "行业新闻",
                1,
                "ＡＩ芯片（全角）与数据跨境新规",
                date=None,
                date_text=None,
                summary="+86 电话；@提及；-负号开头",
                source="@数据观察",
                pages=[3, 4],
            ),
            _entry(
                "交易资讯",
                1,
                "芯片企业完成融资",
                date="2023-12-28",
                date_text="2023年12月28日",
                summary="Chip maker raised funds.\n第二段：算力、芯片。",
                commentary="\t以制表符开头的短评",
                source="新浪财经",
            ),
        ],
    )
    second = _issue(
        "synthetic/undated.txt",
        None,
        [
            _entry(
                "政策速递",
                1,
                "没有日期也没有期号的条目：数据",
                date=None,
                date_text=None,
                summary="数据治理",
                source=None,
            ),
            _entry("政策速递", 2, "有日期的条目：芯片", date="2024-02-01", summary="算力"),
        ],
    )
    second["source"]["kind"] = "text"
    return [("synthetic/2024-01.pdf", first), ("synthetic/undated.txt", second)]


def generated(
    count: int, *, seed: int = 14, start_year: int = 2014
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``count`` (file, issue dict) pairs recombined from the golden issues."""
    rng = random.Random(seed)
    models = [issue for _, issue in golden()]
    entries = [entry for issue in models for entry in issue["entries"]]
    titles = [entry["title"] for entry in entries]
    sources = sorted({entry["source"] for entry in entries if entry["source"]})
    sentences = sorted(
        {
            sentence + "。"
            for entry in entries
            for text in (entry["summary"], entry["commentary"] or "")
            for paragraph in text.split("\n")
            for sentence in paragraph.split("。")
            if len(sentence) > 4
        }
    )
    for index in range(count):
        model = models[index % len(models)]
        month_index = index // len(models)
        year, month = start_year + month_index // 12, month_index % 12 + 1
        period = f"{year:04d}-{month:02d}"
        slug = Path(model["source"]["path"]).stem
        file = f"{slug}/{year}/{period}.pdf"
        issue = copy.deepcopy(model)
        issue["source"]["path"] = file
        issue["source"]["sha256"] = f"{rng.getrandbits(256):064x}"
        issue["issue"]["period"] = period
        made = []
        total = 25 + rng.randrange(3)
        cuts = (total * 2 // 5, total * 4 // 5)
        page = 2
        for position in range(total):
            section = SECTIONS[sum(position >= cut for cut in cuts)]
            number = position - max([0, *(cut for cut in cuts if position >= cut)]) + 1
            base = rng.choice(entries)
            other = rng.choice(titles)
            split = rng.randrange(4, max(5, len(base["title"]) - 2))
            title = base["title"][:split] + other[len(other) // 2 :]
            paragraphs = [
                "".join(rng.choice(sentences) for _ in range(rng.randint(1, 3)))
                for _ in range(rng.randint(1, 3))
            ]
            day_roll = rng.random()
            if day_roll < 0.03:
                date = date_text = None
            else:
                y, m = (year, month) if day_roll > 0.1 else _previous(year, month)
                day = rng.randint(1, 28)
                date, date_text = f"{y:04d}-{m:02d}-{day:02d}", f"{y}年{m}月{day}日"
            urls = [f"{uri}#{index}-{position}" for uri in base["urls"]]
            pages = [page, page + rng.randrange(2)]
            page = pages[1] + rng.randrange(2)
            made.append(
                {
                    "section": section,
                    "number": number,
                    "title": title,
                    "date": date,
                    "date_text": date_text,
                    "source": rng.choice(sources) if rng.random() > 0.03 else None,
                    "url": urls[0] if urls else None,
                    "urls": urls,
                    "summary": "\n".join(paragraphs),
                    "commentary": (
                        "".join(rng.choice(sentences) for _ in range(rng.randint(1, 2)))
                        if rng.random() < 0.35
                        else None
                    ),
                    "links": copy.deepcopy(base["links"]),
                    "pages": pages,
                }
            )
        issue["entries"] = made
        issue["source"]["pages"] = page + 1
        yield file, issue


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)
