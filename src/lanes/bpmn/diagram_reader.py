"""BPMN DI (shapes and edges) -> `Diagram`; entries for missing elements are dropped.

Imports bpmn's own modules only.
"""

from __future__ import annotations

import math

from lxml import etree

from lanes.bpmn.model import Bounds, Diagram, Edge, Shape
from lanes.bpmn.vendor import BPMNDI_NS, DC_NS, DI_NS


def read_diagram(root: etree._Element, known_ids: set[str]) -> Diagram:
    """Shapes and edges of every diagram in `root`, by the id of the element each draws.

    Modelers leave DI behind when an element is deleted (ruoyi's leave model draws three
    flows it no longer has), so an entry for an unknown id, without usable bounds or with
    fewer than two usable waypoints is dropped rather than refused; the first of two
    entries for one element wins.
    """
    shapes: dict[str, Shape] = {}
    edges: dict[str, Edge] = {}
    for el in root.iter(f"{{{BPMNDI_NS}}}BPMNShape"):
        element_id = el.get("bpmnElement")
        bounds = _bounds(el.find(f"{{{DC_NS}}}Bounds"))
        if element_id not in known_ids or bounds is None or element_id in shapes:
            continue
        label = el.find(f"{{{BPMNDI_NS}}}BPMNLabel")
        shapes[element_id] = Shape(
            element_id=element_id,
            bounds=bounds,
            label=_bounds(label.find(f"{{{DC_NS}}}Bounds")) if label is not None else None,
            expanded=_flag(el.get("isExpanded")),
            horizontal=_flag(el.get("isHorizontal")),
        )
    for el in root.iter(f"{{{BPMNDI_NS}}}BPMNEdge"):
        element_id = el.get("bpmnElement")
        if element_id not in known_ids or element_id in edges:
            continue
        points: list[tuple[float, float]] = []
        for wp in el.iterchildren(f"{{{DI_NS}}}waypoint"):
            point = _point(wp)
            if point is not None:
                points.append(point)
        if len(points) < 2:
            continue
        label = el.find(f"{{{BPMNDI_NS}}}BPMNLabel")
        edges[element_id] = Edge(
            element_id=element_id,
            waypoints=tuple(points),
            label=_bounds(label.find(f"{{{DC_NS}}}Bounds")) if label is not None else None,
        )
    return Diagram(shapes=shapes, edges=edges)


def _bounds(el: etree._Element | None) -> Bounds | None:
    if el is None:
        return None
    x, y, width, height = (_number(el.get(name, "0")) for name in ("x", "y", "width", "height"))
    if x is None or y is None or width is None or height is None:
        return None
    return Bounds(x, y, width, height)


def _point(el: etree._Element) -> tuple[float, float] | None:
    x, y = _number(el.get("x", "")), _number(el.get("y", ""))
    return None if x is None or y is None else (x, y)


def _number(text: str) -> float | None:
    """A finite coordinate; "NaN" and "inf" parse as floats but no drawing can use them."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _flag(value: str | None) -> bool | None:
    return None if value is None else value.strip().lower() == "true"
