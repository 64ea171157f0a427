"""The debug picture: a page rendered with PDFium and the parser's decisions drawn over it."""

from .draw import ROLES, Box, LinkBox, draw_overlay, legend_height, save_png
from .render import render_page

__all__ = ["ROLES", "Box", "LinkBox", "draw_overlay", "legend_height", "render_page", "save_png"]
