"""Sequence flows and associations: polylines with arrowheads, markers and labels.

Imports lanes.bpmn only.
"""

from __future__ import annotations

from lxml import etree

from lanes.bpmn.model import Bounds, Edge, SequenceFlow
from lanes.diagram import labels
from lanes.diagram.geometry import (
    Point,
    along,
    arrowhead,
    center,
    direction,
    distance_to_polyline,
    first_segment,
    last_segment,
    midpoint,
)
from lanes.diagram.svg import points, sub

# A DI label farther than this from its flow is a leftover of an earlier drawing (modelers
# do not always move labels with their flows): it is placed at the flow's middle instead.
LABEL_REACH = 60.0


def draw_flow(
    g: etree._Element,
    flow: SequenceFlow,
    edge: Edge,
    stroke: str,
    *,
    is_default: bool,
    is_conditional: bool,
) -> Bounds | None:
    """A sequence flow ending in a filled arrowhead; a default flow has a slash near its
    source, a conditional flow out of an activity a small diamond (BPMN 2.0 §10.4.1)."""
    pts = edge.waypoints
    sub(
        g,
        "polyline",
        {
            "class": "line",
            "points": points(pts),
            "fill": "none",
            "stroke": stroke,
            "stroke-width": 1.5,
            "stroke-linejoin": "round",
        },
    )
    sub(
        g,
        "polygon",
        {
            "class": "head",
            "points": points(arrowhead(*last_segment(pts))),
            "fill": stroke,
            "stroke": stroke,
            "stroke-linejoin": "round",
        },
    )
    start, towards = first_segment(pts)
    ux, uy = direction(start, towards)
    nx, ny = -uy, ux
    if is_default:
        px, py = along(start, towards, 12)
        sub(
            g,
            "line",
            {
                "class": "default-marker",
                "x1": px - 4 * ux + 6 * nx,
                "y1": py - 4 * uy + 6 * ny,
                "x2": px + 4 * ux - 6 * nx,
                "y2": py + 4 * uy - 6 * ny,
                "stroke": stroke,
                "stroke-width": 1.5,
            },
        )
    elif is_conditional:
        x0, y0 = pts[0]
        diamond: list[Point] = [
            (x0, y0),
            (x0 + 8 * ux + 5 * nx, y0 + 8 * uy + 5 * ny),
            (x0 + 16 * ux, y0 + 16 * uy),
            (x0 + 8 * ux - 5 * nx, y0 + 8 * uy - 5 * ny),
        ]
        sub(
            g,
            "polygon",
            {
                "class": "condition-marker",
                "points": points(diamond),
                "fill": "#ffffff",
                "stroke": stroke,
            },
        )
    if not flow.name:
        return None
    if edge.label is not None and distance_to_polyline(center(edge.label), pts) <= LABEL_REACH:
        box = edge.label
        return labels.at(g, flow.name, box.x + box.width / 2, box.y, max(box.width + 10, 80.0))
    mx, my = midpoint(pts)
    return labels.at(g, flow.name, mx, my - 16, 100.0)


def draw_association(g: etree._Element, edge: Edge) -> None:
    """An association: a dotted line, no arrowhead."""
    sub(
        g,
        "polyline",
        {
            "class": "line",
            "points": points(edge.waypoints),
            "fill": "none",
            "stroke": "#555555",
            "stroke-width": 1.0,
            "stroke-dasharray": "2 3",
        },
    )


def draw_message_flow(g: etree._Element, name: str | None, edge: Edge) -> Bounds | None:
    """A message flow: dashed, from a small circle to an open arrowhead."""
    pts = edge.waypoints
    sub(
        g,
        "polyline",
        {
            "class": "line",
            "points": points(pts),
            "fill": "none",
            "stroke": "#222222",
            "stroke-width": 1.5,
            "stroke-dasharray": "6 4",
        },
    )
    x0, y0 = pts[0]
    sub(g, "circle", {"cx": x0, "cy": y0, "r": 4, "fill": "#ffffff", "stroke": "#222222"})
    sub(
        g,
        "polygon",
        {
            "class": "head",
            "points": points(arrowhead(*last_segment(pts))),
            "fill": "#ffffff",
            "stroke": "#222222",
            "stroke-linejoin": "round",
        },
    )
    if not name:
        return None
    mx, my = midpoint(pts)
    return labels.at(g, name, mx, my - 16, 100.0)
