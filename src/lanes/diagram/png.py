"""SVG -> PNG through cairosvg, an optional dependency imported only when a PNG is asked for.

Imports lxml and, lazily, cairosvg.
"""

from __future__ import annotations

import importlib

from lxml import etree

# A PNG side longer than this is scaled down: a model laid out automatically can be wide,
# and a raster image of it at full size would cost memory for nothing anyone can read.
MAX_PNG_SIDE = 8000.0
# and the whole image to this many pixels (4 bytes each while cairo draws it: 64 MB)
MAX_PNG_PIXELS = 16_000_000.0


class PngUnavailable(Exception):
    """cairosvg (and the cairo library under it) cannot be imported here."""


def svg_to_png(svg: str) -> bytes:
    """The PNG image of `svg`, scaled down if a side would exceed `MAX_PNG_SIDE` pixels or
    the image `MAX_PNG_PIXELS`.

    Raises:
        PngUnavailable: cairosvg is not installed (pip install 'lanes[png]') or cairo is
            missing from the system.
    """
    try:
        cairosvg = importlib.import_module("cairosvg")
    except (ImportError, OSError) as exc:
        raise PngUnavailable(
            "PNG diagrams need cairosvg and the cairo library: pip install 'lanes[png]' "
            f"(and the system package for cairo, e.g. libcairo2); {exc}"
        ) from exc
    data = svg.encode("utf-8")
    return bytes(cairosvg.svg2png(bytestring=data, scale=_scale(data)))


def _scale(data: bytes) -> float:
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    try:
        width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    except ValueError:
        return 1.0
    scale = 1.0
    if max(width, height) > MAX_PNG_SIDE:
        scale = MAX_PNG_SIDE / max(width, height)
    pixels = width * height * scale * scale
    if pixels > MAX_PNG_PIXELS:
        scale *= (MAX_PNG_PIXELS / pixels) ** 0.5
    return scale
