"""Profiles through the command line: --profile on extract / text / batch, REPORTPARSE_PROFILE,
one-line errors with exit status 2, issue.profile, and ``reportparse profile show|check|infer``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportparse import cli
from reportparse.batch import BatchOptions, run_batch
from reportparse.errors import UsageError
from reportparse.profile import DEFAULT_PROFILE, Profile
from reportparse.profile_file import ENV_VAR, load_profile, profile_toml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PLAIN = FIXTURES / "pdf" / "plain-numbering.pdf"  # sections only from the numbering restarting
NEWSLETTERS = sorted((FIXTURES / "newsletters").glob("*.pdf"))

runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    environment = {ENV_VAR: "", "REPORTPARSE_PASSWORD": ""}
    environment.update(env or {})
    result = runner.invoke(cli.app, list(args), env=environment)
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# One bad file per mistake: (file text, the key, words of what it expects).
BAD_FILES = {
    "unknown key": ('sectoins = ["甲"]\n', "sectoins", "unknown key"),
    "wrong type": ('date_labels = "日期"\n', "date_labels", "expected a list of strings"),
    "wrong item type": ("source_labels = [1]\n", "source_labels", "got integer as item 1"),
    "empty list": ("sections = []\n", "sections", "got an empty list"),
    "bad regex": ("publisher_pattern = '(律师'\n", "publisher_pattern", "regular expression"),
    "regex matching nothing": ("commentary_pattern = 'x*'\n", "commentary_pattern", "empty"),
    "integer out of range": ("max_title_lines = 0\n", "max_title_lines", "integer from 1"),
    "boolean for integer": ("max_title_lines = true\n", "max_title_lines", "got boolean"),
    "label with colon": ('link_labels = ["网址："]\n', "link_labels", "without their colon"),
    "invalid toml": ('name = "x\n', "", "invalid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
@pytest.mark.parametrize("command", ["extract", "text", "batch", "profile show", "profile check"])
def test_a_bad_profile_file_is_one_line_and_exit_2(case: str, command: str, tmp_path: Path) -> None:
    text, key, expected = BAD_FILES[case]
    bad = write(tmp_path, text)
    args = {
        "extract": ["extract", str(PLAIN), "--profile", str(bad)],
        "text": ["text", str(PLAIN), "--profile", str(bad)],
        "batch": ["batch", str(PLAIN), "--out", str(tmp_path / "out"), "--profile", str(bad)],
        "profile show": ["profile", "show", "--profile", str(bad)],
        "profile check": ["profile", "check", str(bad)],
    }[command]
    code, stdout, stderr = invoke(*args)
    assert code == 2, stderr
    assert stdout == ""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"reportparse: error: {bad}: ")
    assert key in lines[0] and expected in lines[0]
    assert not (tmp_path / "out").exists()  # nothing was converted


def test_a_bad_file_named_by_the_environment_says_so(tmp_path: Path) -> None:
    bad = write(tmp_path, "sections = []\n")
    code, _, stderr = invoke("extract", str(PLAIN), env={ENV_VAR: str(bad)})
    assert code == 2
    assert f"{bad}: sections: " in stderr and ENV_VAR in stderr


def test_a_missing_profile_file_is_a_usage_error(tmp_path: Path) -> None:
    code, _, stderr = invoke("extract", str(PLAIN), "--profile", str(tmp_path / "no.toml"))
    assert code == 2 and "no such file" in stderr


# --------------------------------------------------------------------------- using a profile


def extract_json(*args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    code, stdout, stderr = invoke("extract", *args, env=env)
    assert code == 0, stderr
    data: dict[str, object] = json.loads(stdout)
    return data


def sections_of(data: dict[str, object]) -> list[str]:
    entries = data["entries"]
    assert isinstance(entries, list)
    return list(dict.fromkeys(entry["section"] for entry in entries))


def test_the_builtin_profile_writes_no_profile_key() -> None:
    data = extract_json(str(PLAIN))
    assert "profile" not in data["issue"]  # type: ignore[operator]
    assert sections_of(data) == list(DEFAULT_PROFILE.sections)


def test_a_profile_file_names_itself_and_its_sections(tmp_path: Path) -> None:
    mine = write(tmp_path, 'name = "mine"\nsections = ["甲", "乙", "丙"]\n')
    data = extract_json(str(PLAIN), "--profile", str(mine))
    assert data["issue"]["profile"] == "mine"  # type: ignore[index]
    assert sections_of(data) == ["甲", "乙", "丙"]
    # The environment gives the same default; --sections overrides the file's sections.
    assert extract_json(str(PLAIN), env={ENV_VAR: str(mine)}) == data
    overridden = extract_json(str(PLAIN), "--profile", str(mine), "--sections", "子,丑,寅")
    assert sections_of(overridden) == ["子", "丑", "寅"]
    assert overridden["issue"]["profile"] == "mine"  # type: ignore[index]


def test_sections_alone_keep_the_builtin_profile() -> None:
    data = extract_json(str(PLAIN), "--sections", "子,丑,寅")
    assert sections_of(data) == ["子", "丑", "寅"]
    assert "profile" not in data["issue"]  # type: ignore[operator]


def test_text_uses_the_profile(tmp_path: Path) -> None:
    mine = write(tmp_path, 'sections = ["甲", "乙", "丙"]\n')
    code, stdout, _ = invoke("text", str(PLAIN), "--explain", "--profile", str(mine))
    assert code == 0
    assert "政策速递 1]" not in stdout and "甲 1]" in stdout


# --------------------------------------------------------------------------- profile commands


def test_profile_show_prints_the_effective_profile(tmp_path: Path) -> None:
    code, stdout, _ = invoke("profile", "show")
    assert code == 0 and stdout == profile_toml(DEFAULT_PROFILE)
    saved = write(tmp_path, stdout, "saved.toml")
    assert load_profile(saved) == DEFAULT_PROFILE
    mine = FIXTURES / "profiles" / "langrun-monthly.toml"
    code, stdout, _ = invoke("profile", "show", "--profile", str(mine))
    assert code == 0 and stdout == profile_toml(load_profile(mine))
    code, from_env, _ = invoke("profile", "show", env={ENV_VAR: str(mine)})
    assert from_env == stdout


def test_profile_check_says_ok_in_one_line() -> None:
    mine = FIXTURES / "profiles" / "chengming-bulletin.toml"
    code, stdout, stderr = invoke("profile", "check", str(mine))
    assert (code, stderr) == (0, "")
    assert stdout == f"{mine}: OK (profile 'chengming-bulletin')\n"


VOCABULARY = (
    "sections",
    "date_labels",
    "source_labels",
    "link_labels",
    "summary_labels",
    "commentary_labels",
    "back_matter_markers",
    "editors_labels",
    "executive_editors_labels",
)


@pytest.mark.parametrize("pdf", NEWSLETTERS, ids=[p.stem for p in NEWSLETTERS])
def test_profile_infer_finds_the_newsletters_vocabulary(pdf: Path, tmp_path: Path) -> None:
    """The inferred profile states what the hand-written profile file states."""
    code, stdout, stderr = invoke("profile", "infer", str(pdf))
    assert code == 0, stderr
    inferred = load_profile(write(tmp_path, stdout, "inferred.toml"))
    written = load_profile(FIXTURES / "profiles" / f"{pdf.stem}.toml")
    for key in VOCABULARY:
        assert getattr(inferred, key) == getattr(written, key), key
    assert inferred.name == "inferred"


def test_profile_infer_without_entries_fails(tmp_path: Path) -> None:
    dump = write(tmp_path, "只有一段文字，没有编号的标题。\n" * 3, "prose.txt")
    code, stdout, stderr = invoke("profile", "infer", str(dump))
    assert code == 1 and stdout == "" and "nothing to infer" in stderr


# --------------------------------------------------------------------------- batch parity


def test_batch_options_record_what_changes_the_result(tmp_path: Path) -> None:
    mine = write(tmp_path, 'name = "mine"\nsections = ["甲", "乙", "丙"]\n')
    out = tmp_path / "out"
    code, _, stderr = invoke(
        "batch", str(PLAIN), "--out", str(out), "--jobs", "1", "--profile", str(mine),
        "--engine", "pdfium", "--password", "s3cret", "--max-pages", "50",
        "--max-chars-per-page", "90000",
    )  # fmt: skip
    assert code == 0, stderr
    report = (out / "report.json").read_text(encoding="utf-8")
    assert "s3cret" not in report
    options = json.loads(report)["options"]
    assert options["engine"] == "pdfium"
    assert options["password"] is True
    assert (options["max_pages"], options["max_chars_per_page"]) == (50, 90000)
    assert options["profile"]["name"] == "mine" and options["profile"]["file"] == str(mine)
    assert options["sections"] is None
    issue = json.loads((out / "plain-numbering.json").read_text(encoding="utf-8"))
    assert issue["issue"]["profile"] == "mine"
    assert sections_of(issue) == ["甲", "乙", "丙"]
    # The same result as extract with the same options.
    assert issue == extract_json(str(PLAIN), "--profile", str(mine), "--engine", "pdfium")


def test_batch_sections_and_limits_reach_the_workers(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = run_batch(BatchOptions([PLAIN], out, jobs=1, sections=["子", "丑", "寅"]))
    assert report.options["sections"] == ["子", "丑", "寅"]
    issue = json.loads((out / "plain-numbering.json").read_text(encoding="utf-8"))
    assert sections_of(issue) == ["子", "丑", "寅"]
    from reportparse.profile import Limits

    refused = run_batch(BatchOptions([PLAIN], tmp_path / "o2", jobs=1, limits=Limits(max_pages=1)))
    assert [result.status for result in refused.results] == ["failed"]
    assert refused.results[0].code == "too-large" or "page" in (refused.results[0].error or "")


def test_batch_converts_again_when_the_options_change(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_batch(BatchOptions([PLAIN], out, jobs=1))
    assert [r.status for r in first.results] == ["converted"]
    same = run_batch(BatchOptions([PLAIN], out, jobs=1, password="unused"))
    assert [r.status for r in same.results] == ["skipped"]  # a password changes no output
    other = run_batch(BatchOptions([PLAIN], out, jobs=1, profile=Profile(name="other")))
    assert [r.status for r in other.results] == ["converted"]
    issue = json.loads((out / "plain-numbering.json").read_text(encoding="utf-8"))
    assert issue["issue"]["profile"] == "other"
    again = run_batch(BatchOptions([PLAIN], out, jobs=1, profile=Profile(name="other")))
    assert [r.status for r in again.results] == ["skipped"]


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [({"engine": "mupdf"}, "unknown engine"), ({"sections": ["甲", "甲"]}, "twice")],
)
def test_batch_checks_the_extract_options(kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(UsageError, match=needle):
        BatchOptions([PLAIN], "out", **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- zero-config


def test_no_profile_infers_one_and_says_so() -> None:
    pdf = FIXTURES / "newsletters" / "chengming-bulletin.pdf"
    code, stdout, stderr = invoke("extract", str(pdf))
    assert code == 0
    assert json.loads(stdout)["issue"]["profile"] == "inferred"
    assert "warning: inferred-profile" in stderr and "date label 时间" in stderr
    code, stdout, _ = invoke("text", str(pdf), "--explain")
    assert code == 0
    assert "field          时间：2025年10月9日" in stdout
    assert "field          澄明观点" in stdout  # the commentary heading


def test_a_profile_file_is_used_as_it_is(tmp_path: Path) -> None:
    """A file (or REPORTPARSE_PROFILE) turns inference off: the user said what to use."""
    pdf = FIXTURES / "newsletters" / "chengming-bulletin.pdf"
    mine = write(tmp_path, 'name = "mine"\n')
    code, stdout, stderr = invoke("extract", str(pdf), "--profile", str(mine))
    assert code == 1 and stdout == "" and "no entries found" in stderr
    code, _, stderr = invoke("extract", str(pdf), env={ENV_VAR: str(mine)})
    assert code == 1 and "no entries found" in stderr


def test_the_combined_table_follows_the_profiles_section_order() -> None:
    from reportparse.batch import combined_records

    def entry(section: str, number: int) -> dict[str, object]:
        return {"section": section, "number": number, "title": f"{section}{number}"}

    issue = {
        "source": {"path": "a.pdf"},
        "issue": {"period": "2025-01"},
        "entries": [entry("甲", 1), entry("乙", 1), entry("丙", 1)],
    }
    rows = combined_records([("a.pdf", issue)], sections=["乙", "甲"])
    assert [row["section"] for row in rows] == ["乙", "甲", "丙"]
    rows = combined_records([("a.pdf", issue)])  # the built-in order: unknown in print order
    assert [row["section"] for row in rows] == ["甲", "乙", "丙"]
