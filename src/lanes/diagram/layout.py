"""Where everything is drawn: the file's DI, completed by an automatic layout where it is missing.

A process whose every flow node has a DI shape is drawn as its modeler placed it; flows
without a DI edge get a routed line. A process with no DI, or DI for only some of its
nodes, is laid out automatically, left to right, and drawn below whatever the DI places:
mixing the modeler's coordinates with computed ones would overlap. The automatic layout
puts each node in the column of its longest path from a start (loops are broken first),
stacks the nodes of one column, and draws an expanded subprocess as a box around the
layout of its own contents. Imports lanes.bpmn only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lanes.bpmn.model import (
    EVENT_KINDS,
    GATEWAY_KINDS,
    Bounds,
    Definitions,
    Diagram,
    Edge,
    ProcessModel,
    Shape,
)
from lanes.diagram.geometry import moved, of_points, route, union

EVENT_SIZE = 36.0
GATEWAY_SIZE = 50.0
TASK_WIDTH, TASK_HEIGHT = 100.0, 80.0
COLUMN_GAP = 60.0
ROW_GAP = 55.0
INSET = 20.0  # between a subprocess's border and its contents
HEADER = 30.0  # room for a subprocess's name above its contents
PROCESS_GAP = 80.0


def complete_diagram(definitions: Definitions) -> Diagram:
    """A `Diagram` with a shape for every flow node and an edge for every sequence flow.

    DI shapes of annotations, lanes and pools are kept as they are; those belonging to a
    process that is laid out automatically are dropped with it.
    """
    di = definitions.diagram
    auto = [p for p in definitions.processes.values() if any(n not in di.shapes for n in p.nodes)]
    dropped: set[str] = set()
    for process in auto:
        dropped.update(process.nodes, process.flows, (lane.id for lane in process.lanes))
        dropped.update(p.id for p in definitions.participants if p.process == process.id)
    shapes = {k: v for k, v in di.shapes.items() if k not in dropped}
    edges = {k: v for k, v in di.edges.items() if k not in dropped}

    placed = union(
        [s.bounds for s in shapes.values()] + [of_points(e.waypoints) for e in edges.values()]
    )
    x = placed.x if placed else 0.0
    y = placed.y + placed.height + PROCESS_GAP if placed else 0.0
    for process in auto:
        block = _layout_scope(process, None)
        shapes.update({k: _moved_shape(s, x, y) for k, s in block.shapes.items()})
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


@dataclass
class _Block:
    """A laid-out scope, its top-left corner at (0, 0)."""

    width: float = 0.0
    height: float = 0.0
    shapes: dict[str, Shape] = field(default_factory=dict)


def _moved_shape(shape: Shape, dx: float, dy: float) -> Shape:
    return Shape(shape.element_id, moved(shape.bounds, dx, dy), None, shape.expanded)


def _size(kind: str) -> tuple[float, float]:
    if kind in EVENT_KINDS:
        return EVENT_SIZE, EVENT_SIZE
    if kind in GATEWAY_KINDS:
        return GATEWAY_SIZE, GATEWAY_SIZE
    return TASK_WIDTH, TASK_HEIGHT


def _layout_scope(process: ProcessModel, scope_id: str | None) -> _Block:
    members = [n for n in process.scopes[scope_id].nodes if not _is_attached(process, n)]
    inner = {n: _layout_scope(process, n) for n in members if process.nodes[n].is_scope}
    sizes: dict[str, tuple[float, float]] = {}
    for n in members:
        block = inner.get(n)
        if block is not None and block.shapes:
            sizes[n] = (
                max(block.width + 2 * INSET, TASK_WIDTH),
                max(block.height + HEADER + INSET, TASK_HEIGHT),
            )
        else:
            sizes[n] = _size(process.nodes[n].kind)

    event_subprocesses = [n for n in members if process.nodes[n].triggered_by_event]
    flow_members = [n for n in members if n not in event_subprocesses]
    columns = _columns(process, flow_members)

    result = _Block()
    heights = [sum(sizes[n][1] for n in column) + ROW_GAP * (len(column) - 1) for column in columns]
    total_height = max(heights, default=0.0)
    x = 0.0
    corners: dict[str, tuple[float, float]] = {}
    for column, height in zip(columns, heights, strict=True):
        width = max(sizes[n][0] for n in column)
        y = (total_height - height) / 2
        for n in column:
            w, h = sizes[n]
            corners[n] = (x + (width - w) / 2, y)
            y += h + ROW_GAP
        x += width + COLUMN_GAP
    result.width = max(x - COLUMN_GAP, 0.0)
    result.height = total_height

    if event_subprocesses:
        x, y = 0.0, total_height + (ROW_GAP if columns else 0.0)
        for n in event_subprocesses:
            corners[n] = (x, y)
            x += sizes[n][0] + COLUMN_GAP
        result.width = max(result.width, x - COLUMN_GAP)
        result.height = y + max(sizes[n][1] for n in event_subprocesses)

    for n, (x, y) in corners.items():
        w, h = sizes[n]
        block = inner.get(n)
        expanded = block is not None and bool(block.shapes)
        result.shapes[n] = Shape(n, Bounds(x, y, w, h), expanded=expanded if block else None)
        if block is not None:
            for key, shape in block.shapes.items():
                result.shapes[key] = _moved_shape(shape, x + INSET, y + HEADER)
        _place_boundaries(process, n, result)
    if any(process.nodes[n].boundaries for n in members):
        result.height += EVENT_SIZE / 2
    return result


def _is_attached(process: ProcessModel, node_id: str) -> bool:
    attached = process.nodes[node_id].attached_to
    return attached is not None and attached in process.nodes


def _place_boundaries(process: ProcessModel, host: str, block: _Block) -> None:
    """Boundary events sit on the bottom border of their activity, from the right."""
    b = block.shapes[host].bounds
    events = [e for e in process.nodes[host].boundaries if e not in block.shapes]
    for i, event in enumerate(events):
        x = b.x + b.width - EVENT_SIZE - 10 - i * (EVENT_SIZE + 8)
        y = b.y + b.height - EVENT_SIZE / 2
        block.shapes[event] = Shape(event, Bounds(max(x, b.x), y, EVENT_SIZE, EVENT_SIZE))


def _columns(process: ProcessModel, members: list[str]) -> list[list[str]]:
    """Members grouped by longest-path layer, each column ordered to limit crossings."""
    index = {n: i for i, n in enumerate(members)}

    def host(node_id: str) -> str:
        attached = process.nodes[node_id].attached_to if node_id in process.nodes else None
        return attached or node_id

    successors: dict[str, list[str]] = {n: [] for n in members}
    for flow in process.flows.values():
        s, t = host(flow.source), host(flow.target)
        if s in index and t in index and s != t and t not in successors[s]:
            successors[s].append(t)
    forward = _without_back_edges(members, successors)

    layer = _longest_path_layers(members, forward)
    columns: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    predecessors: dict[str, list[str]] = {n: [] for n in members}
    for s, targets in forward.items():
        for t in targets:
            predecessors[t].append(s)
    position: dict[str, float] = {}
    for n in members:
        columns[layer[n]].append(n)
    for column in columns:
        column.sort(key=lambda n: (_barycenter(predecessors[n], position, index[n]), index[n]))
        for i, n in enumerate(column):
            position[n] = float(i)
    return columns


def _barycenter(preds: Iterable[str], position: Mapping[str, float], fallback: int) -> float:
    placed = [position[p] for p in preds if p in position]
    return sum(placed) / len(placed) if placed else float(fallback)


def _without_back_edges(
    members: list[str], successors: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    """The graph with every edge that closes a cycle removed (iterative depth-first search).

    The search starts from nodes without incoming edges, in document order, so a loop
    back to an earlier step is the edge that goes.
    """
    has_incoming = {t for targets in successors.values() for t in targets}
    roots = [n for n in members if n not in has_incoming] + members
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    forward: dict[str, list[str]] = {n: [] for n in members}
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, i = stack[-1]
            targets = successors[node]
            if i == len(targets):
                state[node] = 2
                stack.pop()
                continue
            stack[-1] = (node, i + 1)
            target = targets[i]
            if state.get(target) == 1:
                continue  # a back edge
            forward[node].append(target)
            if target not in state:
                state[target] = 1
                stack.append((target, 0))
    return forward


def _longest_path_layers(members: list[str], forward: Mapping[str, list[str]]) -> dict[str, int]:
    indegree = {n: 0 for n in members}
    for targets in forward.values():
        for t in targets:
            indegree[t] += 1
    layer = {n: 0 for n in members}
    ready = [n for n in members if indegree[n] == 0]
    while ready:
        node = ready.pop()
        for t in forward[node]:
            layer[t] = max(layer[t], layer[node] + 1)
            indegree[t] -= 1
            if indegree[t] == 0:
                ready.append(t)
    return layer
