"""Profile files: TOML in, Profile out; every mistake one line naming file, key, expectation.

Also parses the two other newsletters (tests/fixtures/newsletters/) with their profile files
against golden JSON written from their content model.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportparse import parse
from reportparse.errors import UsageError
from reportparse.profile import DEFAULT_PROFILE, Profile
from reportparse.profile_file import (
    ENV_VAR,
    KEY_HELP,
    load_profile,
    profile_from_env,
    profile_toml,
    resolve_profile,
    toml_string,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FIXTURES = Path(__file__).parent / "fixtures"
PROFILES = sorted((FIXTURES / "profiles").glob("*.toml"))
NEWSLETTERS = FIXTURES / "newsletters"


def write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- reading


def test_keys_left_out_keep_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\nsections = ["甲", "乙"]\n')
    profile = load_profile(path)
    assert profile == dataclasses.replace(DEFAULT_PROFILE, name="x", sections=("甲", "乙"))


def test_a_file_without_a_name_is_named_after_the_file(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, "max_title_lines = 3\n", "weekly-brief.toml"))
    assert profile.name == "weekly-brief"
    assert profile.max_title_lines == 3


def test_an_empty_file_is_the_default_vocabulary(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, "# nothing set\n", "empty.toml"))
    assert dataclasses.replace(profile, name=DEFAULT_PROFILE.name) == DEFAULT_PROFILE


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes('\ufeffname = "bom"\n'.encode())
    assert load_profile(path).name == "bom"


# --------------------------------------------------------------------------- round trip


def test_the_default_profile_round_trips(tmp_path: Path) -> None:
    assert load_profile(write(tmp_path, profile_toml(DEFAULT_PROFILE))) == DEFAULT_PROFILE


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_the_fixture_profiles_round_trip(path: Path, tmp_path: Path) -> None:
    profile = load_profile(path)
    assert profile.name == path.stem
    assert load_profile(write(tmp_path, profile_toml(profile))) == profile


def test_awkward_strings_round_trip(tmp_path: Path) -> None:
    profile = dataclasses.replace(
        DEFAULT_PROFILE,
        name='it\'s "quoted" \\ 名\t',
        sections=("a'b", 'c"d', "e\\f", "行\x7f"),
        publisher_pattern=r"[\p{Han}']{2,24}律所",
        commentary_pattern=r"(?:\p{Han}{0,8}观察)\t?",
        max_title_lines=20,
    )
    assert load_profile(write(tmp_path, profile_toml(profile))) == profile


def test_the_template_is_commented() -> None:
    assert set(KEY_HELP) == {field.name for field in dataclasses.fields(Profile)}
    text = profile_toml()
    for field in dataclasses.fields(Profile):
        assert f"\n{field.name} = " in text
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert len(comments) > len(dataclasses.fields(Profile))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=30))
def test_toml_string_round_trips(text: str) -> None:
    assert tomllib.loads(f"k = {toml_string(text)}\n") == {"k": text}


# --------------------------------------------------------------------------- errors

BAD = [
    pytest.param(
        "sectons = ['甲']\n", "unknown key 'sectons' (did you mean 'sections'?)", id="unknown"
    ),
    pytest.param("[profile]\nname = 'x'\n", "unknown key 'profile'", id="table"),
    pytest.param("sections = 3\n", "sections: expected a list of strings, got integer", id="int"),
    pytest.param(
        "sections = '政策'\n", "sections: expected a list of strings, got string", id="string"
    ),
    pytest.param(
        "date_labels = ['日期', 7]\n",
        "date_labels: expected a list of strings, got integer as item 2",
        id="item-type",
    ),
    pytest.param(
        "link_labels = []\n",
        "link_labels: expected a list of strings, got an empty list",
        id="empty-list",
    ),
    pytest.param(
        "summary_labels = ['  ']\n",
        "summary_labels: expected a list of strings, got an empty string as item 1",
        id="blank-item",
    ),
    pytest.param(
        "source_labels = ['出处：']\n",
        "source_labels: expected labels without their colon, got '出处：' as item 1",
        id="label-colon",
    ),
    pytest.param(
        "sections = ['甲', '乙', '甲']\n",
        "sections: expected a list of distinct strings, got '甲' twice",
        id="duplicate",
    ),
    pytest.param("name = ['a']\n", "name: expected a non-empty string, got array", id="name-type"),
    pytest.param(
        "name = ''\n", "name: expected a non-empty string, got an empty string", id="name-empty"
    ),
    pytest.param(
        "max_title_lines = '4'\n",
        "max_title_lines: expected an integer from 1 to 20, got string",
        id="int-type",
    ),
    pytest.param(
        "max_title_lines = true\n",
        "max_title_lines: expected an integer from 1 to 20, got boolean",
        id="bool",
    ),
    pytest.param(
        "max_title_lines = 0\n",
        "max_title_lines: expected an integer from 1 to 20, got 0",
        id="zero",
    ),
    pytest.param(
        "publisher_pattern = '(律师'\n",
        "publisher_pattern: expected a regular expression, got '(律师': missing )",
        id="bad-regex",
    ),
    pytest.param(
        "commentary_pattern = '\\p{Hann}观察'\n",
        "commentary_pattern: expected a regular expression, got",
        id="bad-property",
    ),
    pytest.param(
        "commentary_pattern = '.*'\n",
        "commentary_pattern: expected a regular expression that needs some text",
        id="empty-match",
    ),
    pytest.param("name = 'x\n", "invalid TOML: ", id="toml"),
    pytest.param("sections = ['a'\nname = 1\n", "invalid TOML: ", id="toml-array"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_a_bad_profile_gets_one_line_naming_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(UsageError) as caught:
        load_profile(path)
    error = caught.value
    shown = str(error)
    assert "\n" not in shown
    assert shown.startswith(f"{path}: ")
    assert message in shown
    assert error.exit_code == 2


def test_invalid_toml_says_where(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\nsections = [\n  "甲"\n  "乙",\n]\n')
    with pytest.raises(UsageError, match=r"invalid TOML: .*line 4, column 3"):
        load_profile(path)


def test_the_known_keys_are_listed_for_an_unknown_one(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load_profile(write(tmp_path, "colour = 'blue'\n"))
    assert "did you mean" not in str(caught.value)
    assert "the keys are name, sections," in str(caught.value)


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(UsageError, match=r"nope\.toml: cannot read the profile file: no such file"):
        load_profile(path)


def test_a_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read the profile file: it is a folder"):
        load_profile(tmp_path)


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, 'name = "x"\n')

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(UsageError, match="cannot read the profile file: permission denied"):
        load_profile(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes('name = "月报"\n'.encode("gb18030"))
    with pytest.raises(UsageError, match="not UTF-8 text"):
        load_profile(path)


# --------------------------------------------------------------------------- environment


def test_the_environment_names_the_default(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "env"\n')
    assert profile_from_env({ENV_VAR: str(path)}).name == "env"
    assert profile_from_env({}) is DEFAULT_PROFILE
    assert profile_from_env({ENV_VAR: "  "}) is DEFAULT_PROFILE


def test_the_environment_is_read_from_os_environ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(write(tmp_path, 'name = "from-os"\n')))
    assert profile_from_env().name == "from-os"
    monkeypatch.delenv(ENV_VAR)
    assert profile_from_env() is DEFAULT_PROFILE


def test_an_error_in_the_environment_file_says_where_it_came_from(tmp_path: Path) -> None:
    path = write(tmp_path, "sections = 1\n")
    with pytest.raises(UsageError) as caught:
        profile_from_env({ENV_VAR: str(path)})
    assert str(caught.value) == (
        f"{path}: sections: expected a list of strings, got integer (the file {ENV_VAR} names)"
    )


def test_an_explicit_file_wins_over_the_environment(tmp_path: Path) -> None:
    env = {ENV_VAR: str(write(tmp_path, 'name = "env"\n', "env.toml"))}
    explicit = write(tmp_path, 'name = "cli"\n', "cli.toml")
    assert resolve_profile(explicit, env).name == "cli"
    assert resolve_profile(None, env).name == "env"
    assert resolve_profile(None, {}) is DEFAULT_PROFILE


# --------------------------------------------------------------------------- newsletters


def test_every_newsletter_has_a_profile_and_a_golden() -> None:
    pdfs = sorted(NEWSLETTERS.glob("*.pdf"))
    assert len(pdfs) >= 2
    for pdf in pdfs:
        assert (NEWSLETTERS / f"{pdf.stem}.json").exists()
        assert (FIXTURES / "profiles" / f"{pdf.stem}.toml").exists()


NEWSLETTER_PDFS = sorted(NEWSLETTERS.glob("*.pdf"))


def _golden(pdf: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    return data


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("pdf", NEWSLETTER_PDFS, ids=[p.stem for p in NEWSLETTER_PDFS])
def test_newsletter_golden_agrees_with_its_pdf(pdf: Path) -> None:
    """The golden JSON (written from the content model) against the PDF, without the parser:
    hash, page count, every paragraph in the text of its entry's pages, every URI annotated."""
    expected = _golden(pdf)
    assert expected["source"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    with pdfplumber.open(pdf) as document:
        assert len(document.pages) == expected["source"]["pages"]
        texts = [_squash(page.extract_text() or "") for page in document.pages]
        annotations = [
            (link["uri"], page.page_number) for page in document.pages for link in page.hyperlinks
        ]
    for entry in expected["entries"]:
        first, last = entry["pages"]
        text = "".join(texts[first - 1 : last])
        where = f"{entry['section']} #{entry['number']}"
        assert _squash(entry["title"]) in text, where
        for paragraph in (entry["summary"] + "\n" + (entry["commentary"] or "")).split("\n"):
            assert _squash(paragraph) in text, f"{where}: {paragraph[:20]}"
        for uri in entry["urls"] + [link["uri"] for link in entry["links"]]:
            assert any(u == uri and first <= page <= last for u, page in annotations), uri
    for link in expected["links"]:
        assert (link["uri"], link["page"]) in annotations


def field_differences(actual: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Given a parse and its golden, return every field that differs, one line each."""
    diffs = [
        f"issue.{key}: got {actual['issue'].get(key)!r}, want {value!r}"
        for key, value in expected["issue"].items()
        if actual["issue"].get(key) != value
    ]
    got = {(e["section"], e["number"]): e for e in actual["entries"]}
    for want in expected["entries"]:
        key = (want["section"], want["number"])
        entry = got.pop(key, None)
        if entry is None:
            diffs.append(f"{key}: missing")
            continue
        diffs += [
            f"{key} {name}: got {entry.get(name)!r:.100}, want {value!r:.100}"
            for name, value in want.items()
            if entry.get(name) != value
        ]
    diffs += [f"{key}: not in the issue" for key in got]
    for name in ("source", "links", "warnings", "schema_version"):
        if actual[name] != expected[name]:
            diffs.append(f"{name}: got {actual[name]!r:.200}, want {expected[name]!r:.200}")
    return diffs


@pytest.mark.parametrize("pdf", NEWSLETTER_PDFS, ids=[p.stem for p in NEWSLETTER_PDFS])
def test_newsletter_matches_golden_with_its_profile(pdf: Path) -> None:
    expected = _golden(pdf)
    profile = load_profile(FIXTURES / "profiles" / f"{pdf.stem}.toml")
    assert expected["issue"]["profile"] == profile.name
    actual = parse(pdf, profile=profile).to_dict()
    actual["source"]["path"] = Path(actual["source"]["path"]).name
    if "profile" not in actual["issue"]:
        # The output records the profile's name once the model carries it (issue 13).
        expected["issue"] = {k: v for k, v in expected["issue"].items() if k != "profile"}
    diffs = field_differences(actual, expected)
    assert not diffs, "\n".join(diffs)
