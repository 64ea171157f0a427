"""Zero-config runs of the other firms' newsletters: parse without a profile, score the
result field by field against the exact golden (written from the content model), and
write the snapshot of our own output.

    .venv/bin/python tests/zero_config.py            # print the scores
    .venv/bin/python tests/zero_config.py --write    # rewrite newsletters/*.zero-config.json

``newsletters/<name>.zero-config.json`` is a snapshot of this parser's output (not ground
truth): it shows what a user gets with no profile, and a test keeps it from changing
unnoticed. The ground truth stays ``newsletters/<name>.json``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NEWSLETTERS = ROOT / "tests" / "fixtures" / "newsletters"
ENTRY_FIELDS = (
    "title",
    "date",
    "date_text",
    "source",
    "url",
    "urls",
    "summary",
    "commentary",
    "links",
    "pages",
)
ISSUE_FIELDS = ("title", "period", "publisher", "editors", "executive_editors")
INFERRED_WARNING = "inferred-profile"


def newsletter_pdfs() -> list[Path]:
    return sorted(NEWSLETTERS.glob("*.pdf"))


def snapshot_path(pdf: Path) -> Path:
    return pdf.with_name(f"{pdf.stem}.zero-config.json")


def zero_config_dict(pdf: Path) -> dict[str, Any]:
    """Given a newsletter PDF, return the issue parsed with no profile (path: the file name)."""
    from reportparse.api import parse
    from reportparse.profile import DEFAULT_PROFILE

    data = parse(pdf, profile=DEFAULT_PROFILE).to_dict()
    data["source"]["path"] = pdf.name
    return data


def snapshot_text(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@dataclass
class Score:
    """Fields of a zero-config run that equal the golden's, and the ones that do not."""

    right: int = 0
    wrong: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)  # entries the golden does not have

    @property
    def total(self) -> int:
        return self.right + len(self.wrong)

    @property
    def ratio(self) -> float:
        return self.right / self.total if self.total else 0.0

    def check(self, name: str, got: object, want: object) -> None:
        if got == want:
            self.right += 1
        else:
            self.wrong.append(f"{name}: got {got!r:.80}, want {want!r:.80}")


def score(actual: dict[str, Any], expected: dict[str, Any]) -> Score:
    """Given a zero-config run and the exact golden, return how many fields agree.

    Counted: the issue's title, period, publisher, editors, executive editors; for every
    golden entry its section, number (found at all) and ENTRY_FIELDS; the top-level links;
    the warnings other than ``inferred-profile`` (which a zero-config run gives by design);
    the source. ``issue.profile`` is not counted: it names the profile ("inferred"), it is
    not read from the issue.
    """
    result = Score()
    for key in ISSUE_FIELDS:
        result.check(f"issue.{key}", actual["issue"].get(key), expected["issue"].get(key))
    got = {(e["section"], e["number"]): e for e in actual["entries"]}
    for want in expected["entries"]:
        key = (want["section"], want["number"])
        entry = got.pop(key, None)
        result.check(f"{key} found", entry is not None, True)
        for name in ENTRY_FIELDS:
            result.check(f"{key} {name}", None if entry is None else entry.get(name), want[name])
    result.invented = [f"{section} #{number}" for section, number in got]
    result.check("links", actual["links"], expected["links"])
    warnings = [w for w in actual["warnings"] if w["code"] != INFERRED_WARNING]
    result.check("warnings", warnings, expected["warnings"])
    result.check("source", actual["source"], expected["source"])
    return result


def main(argv: list[str]) -> int:
    for pdf in newsletter_pdfs():
        expected = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
        try:
            actual = zero_config_dict(pdf)
        except Exception as exc:  # a refusal is a result too: nothing right
            print(f"{pdf.stem}: refused: {exc}")
            continue
        result = score(actual, expected)
        print(
            f"{pdf.stem}: {result.right}/{result.total} fields right ({result.ratio:.1%}), "
            f"{len(result.invented)} invented entries"
        )
        for line in result.wrong:
            print(f"  {line}")
        if "--write" in argv:
            snapshot_path(pdf).write_text(snapshot_text(actual), encoding="utf-8")
            print(f"  wrote {snapshot_path(pdf).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main(sys.argv[1:]))
