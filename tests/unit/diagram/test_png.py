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


def blank_svg(width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}"><rect x="0" y="0" width="{width}" '
        f'height="{height}" fill="#ffffff"/></svg>'
    )


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from the IHDR chunk, which follows the signature."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_a_very_wide_diagram_is_scaled_down_in_png() -> None:
    pytest.importorskip("cairosvg")
    png = svg_to_png(blank_svg(20000, 100))

    assert png.startswith(PNG_SIGNATURE)
    assert png_size(png)[0] == 8000


def test_a_large_square_diagram_is_scaled_down_to_the_pixel_budget() -> None:
    pytest.importorskip("cairosvg")
    png = svg_to_png(blank_svg(7000, 7000))

    assert png_size(png) == (4000, 4000)  # 16 million pixels, not 49
