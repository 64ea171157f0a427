"""A document's lines as the ``text`` command shows them."""

from __future__ import annotations

from ..model import ROLES, Document, Line

ROLE_WIDTH = max(map(len, ROLES))


def render_line(line: Line) -> str:
    """Given one line, return how the text view shows it."""
    if line.kind == "uri":
        return f"<uri: {line.text}>"
    return line.text


def render_text(document: Document, *, explain: bool = False) -> str:
    """Given a document, return its kept lines under one ``=== page N ===`` marker per page;
    with ``explain``, every line (dropped ones too) after its role, and why it has it."""
    out: list[str] = []
    for page in document.pages:
        out.append(f"=== page {page.number} ===")
        if explain:
            out.extend(explain_line(line) for line in page.lines)
        else:
            out.extend(render_line(line) for line in page.content())
    return "\n".join(out) + "\n" if out else ""


def explain_line(line: Line) -> str:
    """Given one line, return it after its role (padded to one width) and with its reason."""
    reason = f"  [{line.reason}]" if line.reason else ""
    return f"{line.role:<{ROLE_WIDTH}} {render_line(line)}{reason}"
