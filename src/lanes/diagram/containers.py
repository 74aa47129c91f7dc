"""Pools, lanes and text annotations: the frames and notes around the flow.

Imports lanes.bpmn only.
"""

from __future__ import annotations

from lxml import etree

from lanes.bpmn.model import Bounds, Shape
from lanes.diagram import labels
from lanes.diagram.svg import points, sub

BAND = 30.0  # the width of a pool's name band


def draw_pool(g: etree._Element, name: str | None, shape: Shape) -> None:
    """A pool: a frame with its name upright in a band on the left (on top if vertical)."""
    b = shape.bounds
    horizontal = shape.horizontal is not False
    sub(
        g,
        "rect",
        {
            "class": "outline",
            "x": b.x,
            "y": b.y,
            "width": b.width,
            "height": b.height,
            "fill": "none",
            "stroke": "#222222",
            "stroke-width": 1.5,
        },
    )
    if horizontal:
        sub(
            g,
            "line",
            {
                "x1": b.x + BAND,
                "y1": b.y,
                "x2": b.x + BAND,
                "y2": b.y + b.height,
                "stroke": "#222222",
                "stroke-width": 1.0,
            },
        )
    else:
        sub(
            g,
            "line",
            {
                "x1": b.x,
                "y1": b.y + BAND,
                "x2": b.x + b.width,
                "y2": b.y + BAND,
                "stroke": "#222222",
                "stroke-width": 1.0,
            },
        )
    labels.band(g, name or "", b, horizontal=horizontal)


def draw_lane(g: etree._Element, name: str | None, shape: Shape) -> None:
    b = shape.bounds
    sub(
        g,
        "rect",
        {
            "class": "outline",
            "x": b.x,
            "y": b.y,
            "width": b.width,
            "height": b.height,
            "fill": "none",
            "stroke": "#222222",
            "stroke-width": 1.0,
        },
    )
    labels.band(g, name or "", b, horizontal=shape.horizontal is not False)


def draw_annotation(g: etree._Element, text: str, shape: Shape) -> Bounds | None:
    """A text annotation: an open bracket on the left with the text beside it."""
    b = shape.bounds
    tick = min(15.0, b.width)
    bracket = [(b.x + tick, b.y), (b.x, b.y), (b.x, b.y + b.height), (b.x + tick, b.y + b.height)]
    sub(
        g,
        "path",
        {
            "class": "outline",
            "d": "M " + " L ".join(points(bracket).split()).replace(",", " "),
            "fill": "none",
            "stroke": "#555555",
            "stroke-width": 1.0,
        },
    )
    return labels.block(g, text, b)
