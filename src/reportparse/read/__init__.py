"""The read layer: a file -> a Document of pages and lines with geometry.

``sniff`` tells a PDF from a text dump. A PDF engine (``plumber_*`` for pdfplumber /
pdfminer, ``pdfium_*`` for pypdfium2) extracts glyphs and link annotations per page;
``glyphs`` and ``lines`` turn them into lines, the same way for both engines, and
``pages`` holds what else the engines share. ``textdump`` reads another converter's text.
"""
