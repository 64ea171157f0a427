"""Plain data passed forward between the layers.

read/   -> :class:`Document` (pages of lines with geometry, every line's role "content")
clean/  -> :class:`Document` whose lines are cleaned; running lines, page numbers and glyph
           junk stay in their pages with a role that drops them and the reason why
parse/  -> :class:`Segmented` (raw entries + front/back matter), then :class:`Issue`
           (the output contract, ``to_dict()``)

Output contract (schema_version 1), one issue::

    schema_version  1
    source          {path, sha256, kind: "pdf"|"text", pages}
    issue           {title, period "YYYY-MM", publisher, editors [..], executive_editors [..]}
    entries         [entry, ...] in document order
    links           [{text, uri, page}]  hyperlinks no entry claims
    warnings        [{code, message, page}]
    entry           {section, number, title, date "YYYY-MM-DD"|null, date_text, source,
                     url, urls [..], summary, commentary|null,
                     links [{text, uri}], pages [first, last]}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

SCHEMA_VERSION = 1

LineKind = Literal["text", "uri"]
SourceKind = Literal["pdf", "text"]

# What a line is to the parser. Every line starts as "content"; the clean layer gives the
# dropped roles, the parse layers the others (``reportparse text --explain`` shows them).
Role = Literal[
    "content",
    "running-header",
    "running-footer",
    "page-number",
    "bullet",
    "blank",
    "watermark",
    "toc",
    "heading",
    "title",
    "field",
    "link",
    "summary",
    "commentary",
    "front-matter",
    "back-matter",
]
ROLES: tuple[Role, ...] = get_args(Role)
# Lines with these roles are kept in their page (a debug view shows them) but no layer
# after the clean layer reads them.
DROPPED_ROLES: frozenset[str] = frozenset(
    {"running-header", "running-footer", "page-number", "bullet", "blank", "watermark"}
)


# --------------------------------------------------------------------------- read layer


@dataclass(frozen=True, slots=True)
class LinkAnchor:
    """A hyperlink touching one line: its URI and the text under its rectangle on that line.

    ``text`` is None when the anchor is unknown (a URI a text dump printed between lines).
    """

    uri: str
    text: str | None


@dataclass(slots=True)
class Line:
    """One visual line of a page, as a reader produced it.

    Geometry fields are PDF points with the origin at the page's top-left; they are None
    for lines read from a text dump. ``kind == "uri"`` marks a line that is nothing but an
    annotation URI dumped by another converter (never prose).
    """

    text: str
    page: int
    x0: float | None = None
    top: float | None = None
    x1: float | None = None
    bottom: float | None = None
    font: str | None = None
    size: float | None = None
    bold: bool = False
    links: list[LinkAnchor] = field(default_factory=list)
    kind: LineKind = "text"
    # Set by the clean layer: the line began with a bullet glyph that was removed.
    bullet: bool = False
    role: Role = "content"
    reason: str = ""  # why the line has its role, in a few words (empty for plain content)

    @property
    def dropped(self) -> bool:
        """True when the clean layer took the line out of the text (running line, junk)."""
        return self.role in DROPPED_ROLES

    def with_role(self, role: Role, reason: str) -> Line:
        """Given a role and its reason, return a copy of the line with them."""
        copy = self.with_text(self.text)
        copy.role = role
        copy.reason = reason
        return copy

    def with_text(self, text: str, *, bullet: bool | None = None) -> Line:
        """Given new text (and optionally a bullet flag), return a copy of the line with them."""
        # The clean layer copies every line; dataclasses.replace costs several times more
        # than calling the constructor. Keep the arguments in step with the fields above.
        return Line(
            text,
            self.page,
            self.x0,
            self.top,
            self.x1,
            self.bottom,
            self.font,
            self.size,
            self.bold,
            self.links,
            self.kind,
            self.bullet if bullet is None else bullet,
            self.role,
            self.reason,
        )


@dataclass(slots=True)
class Page:
    """One page's lines in reading order (top to bottom)."""

    number: int  # 1-based page number within the file
    lines: list[Line]
    width: float | None = None
    height: float | None = None
    # Images on a page without chars (then likely scanned); 0 on a page with text, where
    # the engines do not count them.
    image_count: int = 0
    char_count: int = 0
    # Of char_count, the glyphs with no Unicode mapping (fonts without ToUnicode), and
    # those fonts' names, most used first.
    unmapped_count: int = 0
    unmapped_fonts: tuple[str, ...] = ()

    def content(self) -> list[Line]:
        """Given the page, return the lines the clean layer kept, in reading order."""
        return [line for line in self.lines if line.role not in DROPPED_ROLES]


@dataclass(frozen=True, slots=True)
class OutlineItem:
    """One bookmark: its title, depth (1 = top level) and target page if known."""

    title: str
    level: int
    page: int | None


@dataclass(frozen=True, slots=True)
class Warning:
    code: str
    message: str
    page: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "page": self.page}


@dataclass(slots=True)
class Document:
    """Everything a reader extracted from one input file."""

    path: str
    sha256: str
    kind: SourceKind
    page_count: int  # pages in the file (not only those read)
    pages: list[Page]
    outline: list[OutlineItem] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    warnings: list[Warning] = field(default_factory=list)
    # Set by the clean layer: texts of the running headers/footers it found (they carry
    # the newsletter's title and period).
    running: list[str] = field(default_factory=list)

    def lines(self) -> list[Line]:
        """Given the document, return the lines the clean layer kept, in reading order."""
        return [
            line for page in self.pages for line in page.lines if line.role not in DROPPED_ROLES
        ]

    def all_lines(self) -> list[Line]:
        """Given the document, return every line, dropped ones too, in reading order."""
        return [line for page in self.pages for line in page.lines]


# --------------------------------------------------------------------------- segment layer


@dataclass(slots=True)
class RawEntry:
    """The lines of one entry before its fields are parsed."""

    section: str
    number: int
    title_lines: list[Line]  # first one holds the number prefix, already stripped
    body: list[Line]  # everything after the title up to the next entry/back matter


@dataclass(slots=True)
class Segmented:
    """An issue split into front matter, entries and back matter."""

    front: list[Line]
    entries: list[RawEntry]
    back: list[Line]
    warnings: list[Warning] = field(default_factory=list)
    # Section headings printed between entries: no entry's, but their links are kept.
    headings: list[Line] = field(default_factory=list)


# --------------------------------------------------------------------------- output contract


@dataclass(frozen=True, slots=True)
class Link:
    text: str | None
    uri: str
    page: int | None = None

    def to_dict(self, *, with_page: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "uri": self.uri}
        if with_page:
            out["page"] = self.page
        return out


@dataclass(slots=True)
class Entry:
    section: str
    number: int
    title: str
    date: str | None
    date_text: str | None
    source: str | None
    url: str | None
    urls: list[str]
    summary: str
    commentary: str | None
    links: list[Link]
    pages: tuple[int, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "number": self.number,
            "title": self.title,
            "date": self.date,
            "date_text": self.date_text,
            "source": self.source,
            "url": self.url,
            "urls": list(self.urls),
            "summary": self.summary,
            "commentary": self.commentary,
            "links": [link.to_dict(with_page=False) for link in self.links],
            "pages": [self.pages[0], self.pages[1]],
        }


@dataclass(slots=True)
class IssueInfo:
    title: str | None = None
    period: str | None = None  # "YYYY-MM"
    publisher: str | None = None
    editors: list[str] = field(default_factory=list)
    executive_editors: list[str] = field(default_factory=list)
    # The name of the profile the issue was parsed with; None for the built-in default
    # (then the key is left out of the JSON, so outputs of the default stay as they were).
    profile: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": self.title,
            "period": self.period,
            "publisher": self.publisher,
            "editors": list(self.editors),
            "executive_editors": list(self.executive_editors),
        }
        if self.profile is not None:
            data["profile"] = self.profile
        return data


@dataclass(frozen=True, slots=True)
class SourceInfo:
    path: str
    sha256: str
    kind: SourceKind
    pages: int

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "kind": self.kind, "pages": self.pages}


@dataclass(slots=True)
class Issue:
    source: SourceInfo
    issue: IssueInfo
    entries: list[Entry]
    links: list[Link] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "source": self.source.to_dict(),
            "issue": self.issue.to_dict(),
            "entries": [entry.to_dict() for entry in self.entries],
            "links": [link.to_dict(with_page=True) for link in self.links],
            "warnings": [warning.to_dict() for warning in self.warnings],
        }
