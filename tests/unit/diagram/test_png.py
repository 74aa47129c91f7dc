"""PNG through cairosvg, and a clear PngUnavailable when cairosvg cannot be imported."""

from __future__ import annotations

import sys

import pytest

from lanes.diagram import PngUnavailable, render_svg, svg_to_png

from .support import CHAIN, model

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_svg_to_png_returns_a_png_image() -> None:
    pytest.importorskip("cairosvg")
    png = svg_to_png(render_svg(model(CHAIN)))

    assert png.startswith(PNG_SIGNATURE)
    assert len(png) > 1000


def test_without_cairosvg_png_is_unavailable_with_install_advice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "cairosvg", None)

    with pytest.raises(PngUnavailable, match=r"pip install 'lanes\[png\]'"):
        svg_to_png(render_svg(model(CHAIN)))


def test_a_very_wide_diagram_is_scaled_down_in_png() -> None:
    pytest.importorskip("cairosvg")
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20000 100" width="20000" '
        'height="100"><rect x="0" y="0" width="20000" height="100" fill="#ffffff"/></svg>'
    )
    png = svg_to_png(svg)
    width = int.from_bytes(png[16:20], "big")  # the IHDR chunk follows the signature

    assert png.startswith(PNG_SIGNATURE)
    assert width == 8000


def test_a_large_square_diagram_is_scaled_down_to_the_pixel_budget() -> None:
    pytest.importorskip("cairosvg")
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 7000 7000" width="7000" '
        'height="7000"><rect x="0" y="0" width="7000" height="7000" fill="#ffffff"/></svg>'
    )
    png = svg_to_png(svg)
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")

    assert width == height == 4000  # 16 million pixels, not 49
