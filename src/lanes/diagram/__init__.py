"""Pure renderer: BPMN DI (+ active / completed / taken ids) -> SVG. Imports only lanes.bpmn.

`render_svg` draws every process and pool of a parsed file; a file without DI is laid
out automatically. `svg_to_png` converts through cairosvg when it is installed.
"""

from lanes.diagram.png import PngUnavailable, svg_to_png
from lanes.diagram.render import render_svg

__all__ = ["PngUnavailable", "render_svg", "svg_to_png"]
