"""Fuzzing: random text dumps through the text layers, mutated PDFs through the CLI.

1. Hypothesis builds text dumps from the pieces real issues are made of (numbered titles,
   field labels with either colon, bullet glyphs, URLs, Han/Latin/digit runs, running
   headers, page footers). The dump reader, the cleaner and the segmenter must never
   raise anything but a ReportParseError, and no Han character or URL of the input may
   disappear. What the design removes on purpose is accounted for: running headers and
   footers are kept in ``document.running``, page-number lines ("第 3 页", "- 3 -") are
   dropped, the segmenter drops only section-heading lines (they become entry sections).
2. Byte-level mutations of the fixture PDFs (truncate, flip, splice, delete), each run
   through ``python -m reportparse extract`` in a child process with a timeout: exit
   status 0 or 1, never a traceback, an "internal error" or a hang.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from reportparse.api import parse_document
from reportparse.clean import document as clean_doc
from reportparse.clean.joins import join_lines
from reportparse.clean.paragraphs import split_paragraphs
from reportparse.clean.running import is_page_number
from reportparse.clean.text import URL_RE, clean_text, normalize_glyphs
from reportparse.errors import ReportParseError
from reportparse.parse.segment import section_name, segment
from reportparse.profile import DEFAULT_PROFILE
from reportparse.read.textdump import read_text_dump

REPO = Path(__file__).resolve().parents[1]
FIXTURE_PDFS = sorted((REPO / "tests" / "fixtures" / "pdf").glob("*.pdf"))
HAN = regex.compile(r"\p{Han}")

# --------------------------------------------------------------------------- strategies

han = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=12)
latin = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=1, max_size=10
)
digits = st.integers(min_value=0, max_value=99999).map(str)
punct = st.sampled_from(
    ["，", "。", "、", "：", "；", "（", "）", "《", "》", "“", "”", ",", ".", "-", "%", "/"]
)
url_path = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-_./?=&%#~"), min_size=0, max_size=30
)
url = st.builds(
    lambda scheme, host, tld, path: (
        f"{scheme}{host}.{tld}/{path}" if scheme != "mailto:" else f"mailto:{host}@{host}.{tld}"
    ),
    st.sampled_from(["http://", "https://", "https://www.", "www.", "mailto:"]),
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789"), min_size=1, max_size=12),
    st.sampled_from(["cn", "com", "gov.cn", "org"]),
    url_path,
)
label = st.builds(
    lambda name, colon: name + colon,
    st.sampled_from(
        [*DEFAULT_PROFILE.field_labels, *DEFAULT_PROFILE.back_matter_markers, "特别声明"]
    ),
    st.sampled_from(["：", ":", " ：", " : ", ""]),
)
bullet = st.sampled_from(["\uf06c", "●", "•", "\uf0d8", "■", "- ", "· "])
word = st.one_of(han, han, latin, digits, punct, url)


@st.composite
def text_line(draw: st.DrawFn) -> str:
    """A line of mixed words, maybe after a label, a number or a bullet."""
    words = draw(st.lists(word, min_size=1, max_size=6))
    body = "".join(w + draw(st.sampled_from(["", " ", " ", "  "])) for w in words)
    kind = draw(st.sampled_from(["plain", "plain", "label", "numbered", "bullet", "url"]))
    if kind == "label":
        return draw(label) + body
    if kind == "numbered":
        number = draw(st.integers(min_value=1, max_value=40))
        return f"{number}{draw(st.sampled_from(['. ', '．', '、', '.', ' . ']))}{body}"
    if kind == "bullet":
        return draw(bullet) + body
    if kind == "url":
        return draw(bullet) + " " + draw(url) if draw(st.booleans()) else draw(url)
    return body


@st.composite
def heading(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["", "一、", "二、", "1. ", "III. "]))
    return prefix + draw(st.sampled_from(DEFAULT_PROFILE.sections))


@st.composite
def entry_block(draw: st.DrawFn) -> list[str]:
    """The lines of one well-formed entry, with random texts (so some entries parse)."""
    number = draw(st.integers(min_value=1, max_value=30))
    colon = draw(st.sampled_from(["：", ":"]))
    lines = [
        f"{number}{draw(st.sampled_from(['. ', '．', '、']))}{draw(han)}{draw(latin)}{draw(han)}",
        f"发布日期{colon}2024年{draw(st.integers(1, 12))}月{draw(st.integers(1, 28))}日",
        f"来源{colon}{draw(han)}",
        f"链接{colon}",
        draw(bullet) + " " + draw(url),
        f"摘要{colon}",
        *draw(st.lists(text_line(), min_size=1, max_size=4)),
    ]
    if draw(st.booleans()):
        lines += [f"植德短评{colon}", draw(text_line())]
    return lines


@st.composite
def dump_pages(draw: st.DrawFn) -> list[list[str]]:
    """Pages of lines, with an optional running header and footer on every page."""
    header = draw(st.one_of(st.none(), st.just("元宇宙与数字经济月报 2024 年第 9 期"), han))
    footer_kind = draw(st.sampled_from(["none", "第{}页", "- {} -", "{}", "{} / 30"]))
    count = draw(st.integers(min_value=1, max_value=5))
    pages = []
    for number in range(1, count + 1):
        blocks = draw(
            st.lists(
                st.one_of(
                    text_line().map(lambda x: [x]), heading().map(lambda x: [x]), entry_block()
                ),
                min_size=1,
                max_size=8,
            )
        )
        lines = [line for block in blocks for line in block]
        if header:
            lines.insert(0, header)
        if footer_kind != "none":
            lines.append(footer_kind.format(number))
        pages.append(lines)
    return pages


def write_dump(folder: Path, pages: list[list[str]]) -> Path:
    """Write pages in the seed converter's shape (blank line after each line, page starts
    indented)."""
    chunks = []
    for page in pages:
        for index, line in enumerate(page):
            line = line.lstrip(" \u00a0\u3000")
            chunks.append((" " + line if index == 0 else line) + "\n\n")
    path = folder / "dump.txt"
    path.write_text("".join(chunks), encoding="utf-8")
    return path


def han_of(texts: list[str]) -> Counter[str]:
    return Counter(char for text in texts for char in HAN.findall(text))


# --------------------------------------------------------------------------- text-layer fuzzing


@pytest.mark.slow
@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(pages=dump_pages())
def test_text_dumps_never_crash_and_never_lose_han_or_urls(pages: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        document = read_text_dump(write_dump(Path(folder), pages))
    profile = DEFAULT_PROFILE
    cleaned = clean_doc.clean_document(document, profile)

    # Cleaning: every Han character survives, except in running lines (kept aside in
    # document.running) and page-number lines (dropped by design).
    running = set(cleaned.running)
    inputs = [line.text for line in document.lines()]
    considered = [t for t in inputs if t not in running and not is_page_number(t)]
    output = [line.text for line in cleaned.lines()]
    missing = han_of(considered) - han_of(output)
    assert not missing, (missing, considered, output)
    joined = "\n".join(output)
    for found in URL_RE.finditer("\n".join(considered)):
        assert found.group(0) in joined, found.group(0)

    # Segmenting drops nothing but section headings.
    segmented = segment(cleaned, profile)
    kept = {id(line) for line in segmented.front + segmented.back}
    for raw in segmented.entries:
        kept |= {id(line) for line in raw.title_lines + raw.body}
    for line in cleaned.lines():
        if id(line) not in kept:
            assert section_name(line.text, profile.sections), line.text

    # The rest of the pipeline may refuse the input, but only with a ReportParseError.
    event(f"segmented entries: {min(len(segmented.entries), 3)}")
    try:
        issue = parse_document(document, profile=profile)
    except ReportParseError as exc:
        event(f"refused: {exc.code}")
        return
    event("parsed")
    json.dumps(issue.to_dict(), ensure_ascii=False)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400))
@example(text="⺁")  # a radical: the cleaner rightly reads it as the ideograph 厂
@example(text="⽇ ⻛ 豈 ﬁ")  # Kangxi and supplement radicals, a compatibility ideograph
def test_any_unicode_text_never_crashes_the_cleaner(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.txt"
        path.write_text(text, encoding="utf-8")
        try:
            document = read_text_dump(path)
            parse_document(document)
        except ReportParseError:
            pass
    # Line-level functions on arbitrary text.
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned  # idempotent
    # No Han character is lost. Radicals standing in for ideographs (⺁ for 厂) come out as
    # the ideograph, so the characters are counted after that mapping and NFC.
    shown = unicodedata.normalize("NFC", normalize_glyphs(text))
    assert not (han_of([shown]) - han_of([cleaned]))
    join_lines(text.splitlines())
    split_paragraphs([])


# --------------------------------------------------------------------------- byte-level mutation

MUTATIONS_PER_FILE = 30
MUTATION_TIMEOUT = 30.0
SEED = 20240907


def mutate(data: bytes, other: bytes, rng: random.Random) -> tuple[str, bytes]:
    """Given a PDF's bytes and another's, return a name and a mutated copy."""
    kind = rng.choice(["truncate", "flip", "splice", "delete", "zero"])
    size = len(data)
    if kind == "truncate":
        cut = rng.randrange(1, size)
        return f"truncate@{cut}", data[:cut]
    if kind == "flip":
        out = bytearray(data)
        offsets = [rng.randrange(size) for _ in range(rng.randint(1, 32))]
        for offset in offsets:
            out[offset] ^= 1 << rng.randrange(8)
        return f"flip{len(offsets)}@{offsets[0]}", bytes(out)
    if kind == "splice":
        at = rng.randrange(size)
        start = rng.randrange(len(other))
        chunk = other[start : start + rng.randint(16, 8192)]
        return f"splice@{at}+{len(chunk)}", data[:at] + chunk + data[at + len(chunk) :]
    start = rng.randrange(size)
    length = rng.randint(1, 4096)
    if kind == "delete":
        return f"delete@{start}+{length}", data[:start] + data[start + length :]
    return f"zero@{start}+{length}", data[:start] + b"\0" * length + data[start + length :]


@dataclass
class Outcome:
    name: str
    status: int | None  # None: timed out
    seconds: float
    stderr: str


def run_cli(path: Path) -> Outcome:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportparse", "extract", str(path), "-o", str(path) + ".json"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        _, err = proc.communicate(timeout=MUTATION_TIMEOUT)
        status: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        status = None
    return Outcome(path.name, status, time.monotonic() - started, err.decode("utf-8", "replace"))


@pytest.mark.slow
def test_mutated_fixture_pdfs_end_in_a_result_or_one_error_line(tmp_path: Path) -> None:
    assert FIXTURE_PDFS, "no fixture PDFs"
    rng = random.Random(SEED)
    cases: list[Path] = []
    blobs = [pdf.read_bytes() for pdf in FIXTURE_PDFS]
    for index, (pdf, data) in enumerate(zip(FIXTURE_PDFS, blobs, strict=True)):
        other = blobs[(index + 1) % len(blobs)]
        for number in range(MUTATIONS_PER_FILE):
            name, mutated = mutate(data, other, rng)
            path = tmp_path / f"{pdf.stem}-{number:02d}-{name.replace('@', '-')}.pdf"
            path.write_bytes(mutated)
            cases.append(path)
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(run_cli, cases))

    bad = []
    for outcome in outcomes:
        lines = outcome.stderr.splitlines()
        errors = [line for line in lines if not line.startswith("warning: ")]
        if outcome.status is None:
            bad.append(f"{outcome.name}: no answer within {MUTATION_TIMEOUT:.0f} s")
        elif outcome.status not in (0, 1):
            bad.append(f"{outcome.name}: exit status {outcome.status}: {outcome.stderr[-300:]}")
        elif "Traceback" in outcome.stderr or "internal error" in outcome.stderr:
            bad.append(f"{outcome.name}: {outcome.stderr[-500:]}")
        elif outcome.status == 1 and (
            len(errors) != 1 or not errors[0].startswith("reportparse: error: ")
        ):
            bad.append(f"{outcome.name}: stderr is not one error line: {outcome.stderr[-300:]}")
    statuses = Counter(o.status for o in outcomes)
    slowest = max(outcomes, key=lambda o: o.seconds)
    print(
        f"{len(outcomes)} mutations: {dict(statuses)}; "
        f"slowest {slowest.name} {slowest.seconds:.1f} s"
    )
    assert not bad, "\n".join(bad)
