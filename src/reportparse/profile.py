"""What one newsletter calls things: section names, field labels, back-matter markers.

Another newsletter is a new :class:`Profile`, not new code. Labels are matched with an
optional full-width or ASCII colon after them and stray spaces inside ignored.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import regex

from .errors import UsageError


@dataclass(frozen=True, slots=True)
class Profile:
    name: str = "zhide-monthly"
    # Sections in the order an issue prints them; used when neither headings nor the
    # outline say which section a run of entries belongs to.
    sections: tuple[str, ...] = ("政策速递", "行业新闻", "交易资讯")
    date_labels: tuple[str, ...] = ("发布日期", "发布时间", "日期")
    source_labels: tuple[str, ...] = ("来源",)
    link_labels: tuple[str, ...] = ("链接", "原文链接")
    summary_labels: tuple[str, ...] = ("摘要",)
    commentary_labels: tuple[str, ...] = ("植德短评",)
    # The first line starting with one of these opens the back matter.
    back_matter_markers: tuple[str, ...] = ("特别声明", "参与成员编委会", "本期执行编辑")
    editors_labels: tuple[str, ...] = ("参与成员编委会", "编委会")
    executive_editors_labels: tuple[str, ...] = ("本期执行编辑", "执行编辑")
    # Unicode-aware pattern (``regex`` module) that finds the publisher in the text.
    publisher_pattern: str = r"\p{Han}{2,24}律师事务所"
    # Words a sentence puts before the firm's name ("非经北京某某律师事务所同意").
    publisher_prefixes: tuple[str, ...] = ("非经", "未经", "本刊由", "本刊", "本所", "经", "由")
    # A commentary heading of another firm ("明衡短评", "律师点评"): a whole short line.
    commentary_pattern: str = r"\p{Han}{0,8}(?:短评|点评)"
    # How many lines a title may wrap over before its fields must start.
    max_title_lines: int = 4

    def with_sections(self, sections: list[str] | tuple[str, ...] | None) -> Profile:
        """Given an override of the section order, return a profile that uses it."""
        if not sections:
            return self
        names = tuple(s.strip() for s in sections if s.strip())
        if not names:
            raise UsageError("--sections needs at least one section name")
        if len(set(names)) != len(names):
            raise UsageError("--sections lists a section twice")
        return replace(self, sections=names)

    def is_commentary_heading(self, text: str) -> bool:
        """Given a line, return True if it heads a commentary block ("植德短评", "明衡短评：")."""
        flat = "".join(text.split()).rstrip(":：")
        if flat in self.commentary_labels:
            return True
        return _compiled(self.commentary_pattern).fullmatch(flat) is not None

    @property
    def field_labels(self) -> tuple[str, ...]:
        return (
            self.date_labels
            + self.source_labels
            + self.link_labels
            + self.summary_labels
            + self.commentary_labels
        )


DEFAULT_PROFILE = Profile()


def is_builtin(profile: Profile) -> bool:
    """Given a profile, return True if it is the built-in default (``--sections`` aside):
    the output then leaves ``issue.profile`` out."""
    return replace(profile, sections=DEFAULT_PROFILE.sections) == DEFAULT_PROFILE


@functools.lru_cache(maxsize=32)
def _compiled(pattern: str) -> regex.Pattern[str]:
    """Given a profile's pattern, return it compiled."""
    # regex.fullmatch(pattern, ...) looks the pattern up in regex's cache on every call,
    # which costs more than the match itself.
    return regex.compile(pattern)


@dataclass(frozen=True, slots=True)
class Limits:
    """Guards against hostile files."""

    max_pages: int = 2000
    max_chars_per_page: int = 200_000

    def __post_init__(self) -> None:
        if self.max_pages < 1:
            raise UsageError("--max-pages must be at least 1")
        if self.max_chars_per_page < 1:
            raise UsageError("--max-chars-per-page must be at least 1")


DEFAULT_LIMITS = Limits()

# `batch`: the file names taken from a folder, and the seconds one file may take. Kept
# here rather than in batch/ so that the command line starts without importing it.
DEFAULT_BATCH_GLOB = "*.pdf"
DEFAULT_BATCH_TIMEOUT = 120.0
