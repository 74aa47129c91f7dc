"""One drawing function per family of flow node, chosen from a table by the node's kind.

Each draws its outline (class "outline"), its markers and its label into the node's own
group, and returns the bounds of what it drew beyond the shape (its label), if any.
Imports lanes.bpmn only.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from lanes.bpmn.model import ACTIVITY_KINDS, EVENT_KINDS, GATEWAY_KINDS, Bounds, FlowNode, Shape
from lanes.diagram import labels
from lanes.diagram.geometry import center
from lanes.diagram.markers import bottom_markers, event_marker, gateway_marker, task_marker
from lanes.diagram.svg import Paint, points, sub

Draw = Callable[[etree._Element, FlowNode, Shape, Paint], Bounds | None]

_THROWING = frozenset({"endEvent", "intermediateThrowEvent"})


def draw_event(g: etree._Element, node: FlowNode, shape: Shape, paint: Paint) -> Bounds | None:
    """Start: thin circle; end: thick; intermediate and boundary: double (BPMN 2.0 §10.5).

    A non-interrupting start or boundary event is dashed; a throwing event's marker is filled.
    """
    b = shape.bounds
    cx, cy = center(b)
    r = min(b.width, b.height) / 2
    dashed = not node.interrupting and node.kind in ("startEvent", "boundaryEvent")
    width = {"startEvent": 1.5, "endEvent": 4.0}.get(node.kind, 1.5)
    outline: dict[str, str | float] = {
        "class": "outline",
        "cx": cx,
        "cy": cy,
        "r": max(r - (width / 2 if width > 2 else 0), 1.0),
        "fill": paint.fill,
        "stroke": paint.stroke,
        "stroke-width": width,
    }
    if dashed:
        outline["stroke-dasharray"] = "5 3"
    sub(g, "circle", outline)
    if node.kind in ("intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"):
        inner: dict[str, str | float] = {
            "cx": cx,
            "cy": cy,
            "r": max(r - 3, 0.5),
            "fill": "none",
            "stroke": paint.stroke,
            "stroke-width": 1.0,
        }
        if dashed:
            inner["stroke-dasharray"] = "5 3"
        sub(g, "circle", inner)
    if node.event is not None:
        event_marker(g, node.event.kind, cx, cy, r, paint, throwing=node.kind in _THROWING)
    return labels.below(g, node.name or "", b, shape.label)


def draw_gateway(g: etree._Element, node: FlowNode, shape: Shape, paint: Paint) -> Bounds | None:
    b = shape.bounds
    cx, cy = center(b)
    diamond = [(cx, b.y), (b.x + b.width, cy), (cx, b.y + b.height), (b.x, cy)]
    sub(
        g,
        "polygon",
        {
            "class": "outline",
            "points": points(diamond),
            "fill": paint.fill,
            "stroke": paint.stroke,
            "stroke-width": 1.5,
            "stroke-linejoin": "round",
        },
    )
    gateway_marker(g, node.kind, cx, cy, min(b.width, b.height), paint)
    return labels.below(g, node.name or "", b, shape.label)


def draw_activity(g: etree._Element, node: FlowNode, shape: Shape, paint: Paint) -> Bounds | None:
    """Tasks and call activities as rounded boxes; subprocesses too, collapsed or expanded."""
    b = shape.bounds
    expanded = node.is_scope and shape.expanded is not False
    width = 4.0 if node.kind == "callActivity" else 1.5
    outline: dict[str, str | float] = {
        "class": "outline",
        "x": b.x,
        "y": b.y,
        "width": b.width,
        "height": b.height,
        "rx": 10,
        "ry": 10,
        "fill": paint.fill,
        "stroke": paint.stroke,
        "stroke-width": width,
    }
    if node.triggered_by_event or node.kind == "adHocSubProcess":
        outline["stroke-dasharray"] = "6 3"
    if expanded:
        outline["fill-opacity"] = 0.35
    sub(g, "rect", outline)
    if node.kind == "transaction" and b.width > 8 and b.height > 8:
        sub(
            g,
            "rect",
            {
                "x": b.x + 3,
                "y": b.y + 3,
                "width": b.width - 6,
                "height": b.height - 6,
                "rx": 8,
                "ry": 8,
                "fill": "none",
                "stroke": paint.stroke,
            },
        )
    task_marker(g, node.kind, b.x, b.y, paint)
    loop = None if node.loop is None else ("sequential" if node.loop.sequential else "parallel")
    bottom_markers(
        g,
        b.x + b.width / 2,
        b.y + b.height,
        paint,
        loop=loop,
        collapsed=node.is_scope and not expanded,
    )
    if expanded:
        return labels.top_left(g, node.name or "", b)
    return labels.inside(
        g,
        node.name or "",
        b,
        clear_top=10.0 if node.kind in TASK_ICON_KINDS else 0.0,
        clear_bottom=14.0 if node.loop is not None or node.is_scope else 0.0,
    )


TASK_ICON_KINDS = frozenset(
    {
        "userTask",
        "serviceTask",
        "scriptTask",
        "sendTask",
        "receiveTask",
        "manualTask",
        "businessRuleTask",
    }
)

DRAW: dict[str, Draw] = {
    **dict.fromkeys(EVENT_KINDS, draw_event),
    **dict.fromkeys(GATEWAY_KINDS, draw_gateway),
    **dict.fromkeys(ACTIVITY_KINDS, draw_activity),
}


def draw_node(g: etree._Element, node: FlowNode, shape: Shape, paint: Paint) -> Bounds | None:
    """Draw `node` with its family's function; an unknown kind is drawn as a plain task."""
    return DRAW.get(node.kind, draw_activity)(g, node, shape, paint)
