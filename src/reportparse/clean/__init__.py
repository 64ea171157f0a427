"""The clean layer: a document as read -> the same lines, cleaned, each with its role.

``text`` (one line's characters), ``running`` (headers, footers, page numbers),
``document`` (the order of the rules); ``joins`` and ``paragraphs`` serve the later
layers, which join wrapped lines and split paragraphs per field.
"""

from __future__ import annotations

from .document import clean_document

__all__ = ["clean_document"]
