"""The debug picture: a page rendered with PDFium and the parser's decisions drawn over it.

``explain_file`` + ``draw_pages`` (pictures.py) are what ``reportparse debug`` runs;
``boxes`` turns explained lines into drawing data, ``draw`` draws it, ``render`` renders
pages and reads their link annotations.
"""

from .boxes import EntryMark, entry_marks, line_boxes, role_counts
from .draw import draw_overlay, legend_height, save_png
from .pictures import DebugView, PagePicture, default_folder, draw_pages, explain_file
from .render import PdfPages, render_page
from .styles import ROLES, Box, LinkBox

__all__ = [
    "ROLES",
    "Box",
    "DebugView",
    "EntryMark",
    "LinkBox",
    "PagePicture",
    "PdfPages",
    "default_folder",
    "draw_overlay",
    "draw_pages",
    "entry_marks",
    "explain_file",
    "legend_height",
    "line_boxes",
    "render_page",
    "role_counts",
    "save_png",
]
