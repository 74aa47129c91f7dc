"""The small symbols inside shapes: event definitions, task types, gateway kinds, loops.

Each function draws into the group of its node, around a given centre or corner, in
the node's stroke colour. Coordinates of the symbols are our own simple figures, sized
relative to the shape. Imports lxml and lanes.diagram.svg only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from lxml import etree

from lanes.diagram.svg import Paint, points, sub

Figure = Sequence[tuple[float, float]]


def _polygon(
    parent: etree._Element,
    cx: float,
    cy: float,
    r: float,
    figure: Figure,
    stroke: str,
    fill: str,
    width: float = 1.0,
) -> None:
    sub(
        parent,
        "polygon",
        {
            "points": points((cx + x * r, cy + y * r) for x, y in figure),
            "fill": fill,
            "stroke": stroke,
            "stroke-width": width,
            "stroke-linejoin": "round",
        },
    )


def _line(
    parent: etree._Element,
    a: tuple[float, float],
    b: tuple[float, float],
    stroke: str,
    width: float,
) -> None:
    sub(
        parent,
        "line",
        {
            "x1": a[0],
            "y1": a[1],
            "x2": b[0],
            "y2": b[1],
            "stroke": stroke,
            "stroke-width": width,
            "stroke-linecap": "round",
        },
    )


# -- events ----------------------------------------------------------------------------


def _envelope(
    parent: etree._Element, cx: float, cy: float, r: float, stroke: str, filled: bool
) -> None:
    w, h = r * 1.1, r * 0.74
    x0, y0 = cx - w / 2, cy - h / 2
    sub(
        parent,
        "rect",
        {
            "x": x0,
            "y": y0,
            "width": w,
            "height": h,
            "fill": stroke if filled else "#ffffff",
            "stroke": stroke,
        },
    )
    sub(
        parent,
        "polyline",
        {
            "points": points([(x0, y0), (cx, cy + h * 0.1), (x0 + w, y0)]),
            "fill": "none",
            "stroke": "#ffffff" if filled else stroke,
        },
    )


def _timer(
    parent: etree._Element, cx: float, cy: float, r: float, stroke: str, filled: bool
) -> None:
    sub(
        parent,
        "circle",
        {
            "cx": cx,
            "cy": cy,
            "r": r * 0.62,
            "fill": "#ffffff",
            "stroke": stroke,
            "stroke-width": 1.5,
        },
    )
    for i in range(12):
        angle = i * math.pi / 6
        outer, inner = r * 0.62, r * (0.48 if i % 3 == 0 else 0.54)
        _line(
            parent,
            (cx + math.cos(angle) * inner, cy + math.sin(angle) * inner),
            (cx + math.cos(angle) * outer, cy + math.sin(angle) * outer),
            stroke,
            0.8,
        )
    _line(parent, (cx, cy), (cx, cy - r * 0.42), stroke, 1.2)
    _line(parent, (cx, cy), (cx + r * 0.3, cy + r * 0.08), stroke, 1.2)


def _shape_marker(figure: Figure) -> Callable[..., None]:
    def draw(
        parent: etree._Element, cx: float, cy: float, r: float, stroke: str, filled: bool
    ) -> None:
        _polygon(parent, cx, cy, r, figure, stroke, stroke if filled else "none")

    return draw


def _terminate(
    parent: etree._Element, cx: float, cy: float, r: float, stroke: str, filled: bool
) -> None:
    sub(parent, "circle", {"cx": cx, "cy": cy, "r": r * 0.6, "fill": stroke, "stroke": stroke})


def _conditional(
    parent: etree._Element, cx: float, cy: float, r: float, stroke: str, filled: bool
) -> None:
    w, h = r * 0.9, r * 1.1
    sub(
        parent,
        "rect",
        {
            "x": cx - w / 2,
            "y": cy - h / 2,
            "width": w,
            "height": h,
            "fill": "#ffffff",
            "stroke": stroke,
        },
    )
    for i in range(1, 5):
        y = cy - h / 2 + i * h / 5
        _line(parent, (cx - w * 0.32, y), (cx + w * 0.32, y), stroke, 1.0)


def _cancel(
    parent: etree._Element, cx: float, cy: float, r: float, stroke: str, filled: bool
) -> None:
    d = r * 0.4
    _line(parent, (cx - d, cy - d), (cx + d, cy + d), stroke, r * 0.22)
    _line(parent, (cx - d, cy + d), (cx + d, cy - d), stroke, r * 0.22)


EVENT_MARKERS: dict[str, Callable[..., None]] = {
    "message": _envelope,
    "timer": _timer,
    "signal": _shape_marker([(0, -0.58), (0.52, 0.36), (-0.52, 0.36)]),
    "error": _shape_marker(
        [(-0.48, 0.5), (-0.16, -0.42), (0.12, 0.12), (0.48, -0.5), (0.2, 0.42), (-0.08, -0.1)]
    ),
    "escalation": _shape_marker([(0, -0.58), (0.42, 0.48), (0, 0.06), (-0.42, 0.48)]),
    "link": _shape_marker(
        [
            (-0.5, -0.2),
            (0.08, -0.2),
            (0.08, -0.46),
            (0.56, 0),
            (0.08, 0.46),
            (0.08, 0.2),
            (-0.5, 0.2),
        ]
    ),
    "compensate": _shape_marker(
        [
            (-0.56, 0),
            (-0.04, -0.36),
            (-0.04, 0),
            (0.48, -0.36),
            (0.48, 0.36),
            (-0.04, 0),
            (-0.04, 0.36),
        ]
    ),
    "terminate": _terminate,
    "conditional": _conditional,
    "cancel": _cancel,
}


def event_marker(
    parent: etree._Element,
    kind: str,
    cx: float,
    cy: float,
    r: float,
    paint: Paint,
    *,
    throwing: bool,
) -> None:
    """The symbol of an event definition (`kind` as in `EventDefinition.kind`), if known."""
    draw = EVENT_MARKERS.get(kind)
    if draw is not None:
        group = sub(parent, "g", {"class": f"marker {kind}"})
        draw(group, cx, cy, r, paint.stroke, throwing)


# -- tasks -----------------------------------------------------------------------------


def _user(g: etree._Element, x: float, y: float, stroke: str) -> None:
    sub(g, "circle", {"cx": x + 8, "cy": y + 5, "r": 3.4, "fill": "#ffffff", "stroke": stroke})
    a, b, c, d = (x + 1.5, y + 16), (x + 1.5, y + 9.5), (x + 14.5, y + 9.5), (x + 14.5, y + 16)
    sub(
        g,
        "path",
        {"d": f"M {points([a])} C {points([b, c, d])} Z", "fill": "#ffffff", "stroke": stroke},
    )


def _service(g: etree._Element, x: float, y: float, stroke: str) -> None:
    sub(
        g,
        "circle",
        {
            "cx": x + 8,
            "cy": y + 8,
            "r": 5.5,
            "fill": "none",
            "stroke": stroke,
            "stroke-width": 3,
            "stroke-dasharray": "2.4 1.9",
        },
    )
    sub(g, "circle", {"cx": x + 8, "cy": y + 8, "r": 4.2, "fill": "#ffffff", "stroke": stroke})
    sub(g, "circle", {"cx": x + 8, "cy": y + 8, "r": 1.8, "fill": "#ffffff", "stroke": stroke})


def _script(g: etree._Element, x: float, y: float, stroke: str) -> None:
    sub(
        g,
        "polygon",
        {
            "points": points([(x + 4, y + 1), (x + 15, y + 1), (x + 12, y + 15), (x + 1, y + 15)]),
            "fill": "#ffffff",
            "stroke": stroke,
        },
    )
    for i in range(3):
        row = y + 5 + i * 3.5
        _line(g, (x + 5 - i * 0.7, row), (x + 12 - i * 0.7, row), stroke, 0.9)


def _envelope_icon(filled: bool) -> Callable[[etree._Element, float, float, str], None]:
    def draw(g: etree._Element, x: float, y: float, stroke: str) -> None:
        _envelope(g, x + 9, y + 8, 16, stroke, filled)

    return draw


_HAND = [
    (1, 8),
    (5, 4),
    (16, 4),
    (16, 6.5),
    (9, 6.5),
    (17, 6.5),
    (17, 9),
    (9, 9),
    (16, 9),
    (16, 11.5),
    (9, 11.5),
    (14, 11.5),
    (14, 14),
    (4, 14),
    (1, 12),
]


def _manual(g: etree._Element, x: float, y: float, stroke: str) -> None:
    sub(
        g,
        "polygon",
        {
            "points": points((x + px, y + py) for px, py in _HAND),
            "fill": "#ffffff",
            "stroke": stroke,
            "stroke-linejoin": "round",
        },
    )


def _business_rule(g: etree._Element, x: float, y: float, stroke: str) -> None:
    sub(
        g,
        "rect",
        {"x": x + 1, "y": y + 2, "width": 16, "height": 12, "fill": "#ffffff", "stroke": stroke},
    )
    sub(
        g,
        "rect",
        {"x": x + 1, "y": y + 2, "width": 16, "height": 3.5, "fill": stroke, "stroke": stroke},
    )
    _line(g, (x + 1, y + 9.5), (x + 17, y + 9.5), stroke, 0.9)
    _line(g, (x + 6, y + 5.5), (x + 6, y + 14), stroke, 0.9)


TASK_MARKERS: dict[str, Callable[[etree._Element, float, float, str], None]] = {
    "userTask": _user,
    "serviceTask": _service,
    "scriptTask": _script,
    "sendTask": _envelope_icon(True),
    "receiveTask": _envelope_icon(False),
    "manualTask": _manual,
    "businessRuleTask": _business_rule,
}


def task_marker(parent: etree._Element, kind: str, x: float, y: float, paint: Paint) -> None:
    """The type icon in the top-left corner of a task whose box starts at (x, y)."""
    draw = TASK_MARKERS.get(kind)
    if draw is not None:
        group = sub(parent, "g", {"class": "marker"})
        draw(group, x + 6, y + 6, paint.stroke)


def bottom_markers(
    parent: etree._Element,
    cx: float,
    bottom: float,
    paint: Paint,
    *,
    loop: str | None,
    collapsed: bool,
) -> None:
    """Markers centred at the bottom of an activity: multi-instance bars, collapsed "+"."""
    kinds = [k for k in (loop, "collapsed" if collapsed else None) if k]
    x = cx - (len(kinds) * 16 - 2) / 2
    y = bottom - 18
    for kind in kinds:
        group = sub(parent, "g", {"class": f"marker {kind}"})
        if kind == "collapsed":
            sub(
                group,
                "rect",
                {
                    "x": x,
                    "y": y,
                    "width": 14,
                    "height": 14,
                    "fill": "#ffffff",
                    "stroke": paint.stroke,
                },
            )
            _line(group, (x + 3, y + 7), (x + 11, y + 7), paint.stroke, 1.5)
            _line(group, (x + 7, y + 3), (x + 7, y + 11), paint.stroke, 1.5)
        else:
            for i in range(3):
                offset = 2.5 + i * 4.5
                if kind == "parallel":
                    _line(group, (x + offset, y + 1), (x + offset, y + 13), paint.stroke, 2)
                else:
                    _line(group, (x + 1, y + offset), (x + 13, y + offset), paint.stroke, 2)
        x += 16


# -- gateways --------------------------------------------------------------------------


def gateway_marker(
    parent: etree._Element, kind: str, cx: float, cy: float, size: float, paint: Paint
) -> None:
    """The symbol inside a gateway diamond of width `size` centred at (cx, cy)."""
    group = sub(parent, "g", {"class": "marker"})
    s = paint.stroke
    d = size * 0.2
    width = max(size * 0.07, 1.5)
    if kind in ("exclusiveGateway", "complexGateway"):
        _line(group, (cx - d, cy - d), (cx + d, cy + d), s, width)
        _line(group, (cx - d, cy + d), (cx + d, cy - d), s, width)
    if kind in ("parallelGateway", "complexGateway"):
        d = size * 0.26
        _line(group, (cx - d, cy), (cx + d, cy), s, width)
        _line(group, (cx, cy - d), (cx, cy + d), s, width)
    if kind == "inclusiveGateway":
        sub(
            group,
            "circle",
            {
                "cx": cx,
                "cy": cy,
                "r": size * 0.24,
                "fill": "none",
                "stroke": s,
                "stroke-width": max(size * 0.05, 1.5),
            },
        )
    if kind == "eventBasedGateway":
        sub(group, "circle", {"cx": cx, "cy": cy, "r": size * 0.28, "fill": "none", "stroke": s})
        sub(group, "circle", {"cx": cx, "cy": cy, "r": size * 0.23, "fill": "none", "stroke": s})
        pentagon = [
            (math.sin(i * 2 * math.pi / 5), -math.cos(i * 2 * math.pi / 5)) for i in range(5)
        ]
        _polygon(group, cx, cy, size * 0.14, pentagon, s, "none", 1.2)
