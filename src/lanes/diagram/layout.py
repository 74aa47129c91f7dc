"""Where everything is drawn: the file's DI, completed by an automatic layout where it is missing.

A process whose every flow node has a DI shape is drawn as its modeler placed it; flows
without a DI edge get a routed line. A process with no DI, or DI for only some of its
nodes, is laid out automatically (autolayout.py) and drawn below whatever the DI places:
mixing the modeler's coordinates with computed ones would overlap. Imports lanes.bpmn only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from lanes.bpmn.model import (
    GATEWAY_KINDS,
    Association,
    Bounds,
    Definitions,
    Diagram,
    Edge,
    MessageFlow,
    ProcessModel,
    Shape,
)
from lanes.diagram.autolayout import layout_process, moved_shape, size_of
from lanes.diagram.geometry import of_points, route, union

PROCESS_GAP = 80.0  # between processes laid out automatically, and below the DI


def complete_diagram(definitions: Definitions) -> Diagram:
    """A `Diagram` with a shape for every flow node and an edge for every sequence flow.

    DI shapes of annotations, lanes and pools are kept as they are; the lanes, pool,
    associations and message flows of a process that is laid out automatically are
    dropped with its DI.
    """
    di = definitions.diagram
    auto = [p for p in definitions.processes.values() if needs_layout(p, di)]
    dropped: set[str] = set()
    for process in auto:
        dropped.update(process.nodes, process.flows, (lane.id for lane in process.lanes))
        dropped.update(p.id for p in definitions.participants if p.process == process.id)
    links: list[Association | MessageFlow] = [
        *definitions.associations,
        *definitions.message_flows,
    ]
    for link in links:
        if link.source in dropped or link.target in dropped:
            dropped.add(link.id)  # it would point at where the node is no longer drawn
    shapes = _sized({k: v for k, v in di.shapes.items() if k not in dropped}, definitions)
    edges = {k: v for k, v in di.edges.items() if k not in dropped}

    placed = union(
        [s.bounds for s in shapes.values()] + [of_points(e.waypoints) for e in edges.values()]
    )
    for process in definitions.processes.values():
        if process not in auto:
            _fill_collapsed(process, shapes)
    x = placed.x if placed else 0.0
    y = placed.y + placed.height + PROCESS_GAP if placed else 0.0
    for process in auto:
        block = layout_process(process)
        shapes.update({k: moved_shape(s, x, y) for k, s in block.shapes.items()})
        edges.update(
            {
                k: Edge(k, tuple((px + x, py + y) for px, py in pts))
                for k, pts in block.edges.items()
            }
        )
        y += block.height + PROCESS_GAP

    for process in definitions.processes.values():
        for flow in process.flows.values():
            source, target = shapes.get(flow.source), shapes.get(flow.target)
            if flow.id in edges or source is None or target is None:
                continue
            waypoints = route(
                source.bounds,
                target.bounds,
                source_is_gateway=process.nodes[flow.source].kind in GATEWAY_KINDS,
                target_is_gateway=process.nodes[flow.target].kind in GATEWAY_KINDS,
            )
            edges[flow.id] = Edge(flow.id, waypoints)
    return Diagram(shapes=shapes, edges=edges)


def needs_layout(process: ProcessModel, diagram: Diagram) -> bool:
    """Whether `process` is laid out automatically: a flow node of it has no DI shape
    (apart from the contents of a collapsed subprocess, which are not shown)."""
    hidden = inside_collapsed(process, diagram.shapes)
    return any(n not in diagram.shapes and n not in hidden for n in process.nodes)


def collapsed(process: ProcessModel, shapes: Mapping[str, Shape]) -> set[str]:
    """The subprocesses drawn collapsed: `isExpanded="false"` in DI, unless the DI draws
    their contents inside their box anyway (Activiti Designer writes that)."""
    found: set[str] = set()
    for node in process.nodes.values():
        shape = shapes.get(node.id)
        if not node.is_scope or shape is None or shape.expanded is not False:
            continue
        inner = [
            shapes[n].bounds for n in process.nodes if n in shapes and _within(process, n, node.id)
        ]
        if not inner or not all(_contains(shape.bounds, b) for b in inner):
            found.add(node.id)
    return found


def inside_collapsed(process: ProcessModel, shapes: Mapping[str, Shape]) -> set[str]:
    """The nodes within a collapsed subprocess (at any depth): kept, but not shown."""
    folded = collapsed(process, shapes)
    return {n for n in process.nodes if any(_within(process, n, s) for s in folded)}


def _within(process: ProcessModel, node_id: str, scope_id: str) -> bool:
    """Whether `node_id` lies inside subprocess `scope_id`, at any depth."""
    scope = process.nodes[node_id].scope
    while scope is not None and scope in process.nodes:
        if scope == scope_id:
            return True
        scope = process.nodes[scope].scope
    return False


def _contains(outer: Bounds, inner: Bounds) -> bool:
    return (
        outer.x <= inner.x
        and outer.y <= inner.y
        and inner.x + inner.width <= outer.x + outer.width
        and inner.y + inner.height <= outer.y + outer.height
    )


def _fill_collapsed(process: ProcessModel, shapes: dict[str, Shape]) -> None:
    """Shapes for the undrawn contents of collapsed subprocesses, and the DI's own verdict
    on each subprocess ("expanded" when its contents are drawn inside it)."""
    folded = collapsed(process, shapes)
    for node in process.nodes.values():
        shape = shapes.get(node.id)
        if node.is_scope and shape is not None and shape.expanded is False:
            shapes[node.id] = replace(shape, expanded=node.id not in folded)
    for node_id in inside_collapsed(process, shapes):
        if node_id not in shapes:
            outer = next(s for s in folded if _within(process, node_id, s))
            corner = shapes[outer].bounds
            w, h = size_of(process.nodes[node_id].kind)
            shapes[node_id] = Shape(node_id, Bounds(corner.x, corner.y, w, h))


def _sized(shapes: dict[str, Shape], definitions: Definitions) -> dict[str, Shape]:
    """DI shapes with a usable size: a flow node drawn without width or height gets the
    usual size of its kind at the same corner; any other such shape is left out."""
    kinds = {n: node.kind for p in definitions.processes.values() for n, node in p.nodes.items()}
    result: dict[str, Shape] = {}
    for key, shape in shapes.items():
        b = shape.bounds
        if b.width > 0 and b.height > 0:
            result[key] = shape
        elif key in kinds:
            w, h = size_of(kinds[key])
            result[key] = replace(shape, bounds=Bounds(b.x, b.y, w, h))
    return result
