"""SVG -> PNG through cairosvg, an optional dependency imported only when a PNG is asked for."""

from __future__ import annotations

import importlib


class PngUnavailable(Exception):
    """cairosvg (and the cairo library under it) cannot be imported here."""


def svg_to_png(svg: str) -> bytes:
    """The PNG image of `svg`.

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
    return bytes(cairosvg.svg2png(bytestring=svg.encode("utf-8")))
