"""The automatic layout of a process without DI: left to right, in layered columns.

Each node goes in the column of its longest path from a start (see layering.py), near the
height of its predecessors; flows run orthogonally, turning in the gaps between columns,
and loops run underneath. An expanded subprocess is a box around the layout of its own
contents (laid out first, recursively); event subprocesses sit in a row below the main
flow; boundary events sit on the bottom border of their activity. Imports lanes.bpmn only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lanes.bpmn.model import EVENT_KINDS, GATEWAY_KINDS, Bounds, ProcessModel, Shape
from lanes.diagram.geometry import Point, moved
from lanes.diagram.layering import Layering, is_dummy, layer, pack

EVENT_SIZE = 36.0
GATEWAY_SIZE = 50.0
TASK_WIDTH, TASK_HEIGHT = 100.0, 80.0
COLUMN_GAP = 60.0
ROW_GAP = 55.0
INSET = 20.0  # between a subprocess's border and its contents
HEADER = 30.0  # room for a subprocess's name above its contents
DUMMY_HEIGHT = 10.0  # the slot a line crossing a column takes in it
BELOW_EVENT = 30.0  # room for the label under an event or gateway
LOOP_OFFSET = 15.0  # loops turn this far outside a column; forward flows turn mid-gap


def layout_process(process: ProcessModel) -> Block:
    """Shapes for every node and waypoints for every flow of `process`, from (0, 0)."""
    return _layout_scope(process, None)


@dataclass
class Block:
    """A laid-out process or subprocess, its top-left corner at (0, 0)."""

    width: float = 0.0
    height: float = 0.0
    shapes: dict[str, Shape] = field(default_factory=dict)
    edges: dict[str, tuple[Point, ...]] = field(default_factory=dict)


def moved_shape(shape: Shape, dx: float, dy: float) -> Shape:
    """`shape` moved by (dx, dy), without its label position (computed layouts have none)."""
    return Shape(shape.element_id, moved(shape.bounds, dx, dy), None, shape.expanded)


def size_of(kind: str) -> tuple[float, float]:
    """The usual size of a node of `kind`: as modelers draw them."""
    if kind in EVENT_KINDS:
        return EVENT_SIZE, EVENT_SIZE
    if kind in GATEWAY_KINDS:
        return GATEWAY_SIZE, GATEWAY_SIZE
    return TASK_WIDTH, TASK_HEIGHT


def _is_attached(process: ProcessModel, node_id: str) -> bool:
    attached = process.nodes[node_id].attached_to
    return attached is not None and attached in process.nodes


def _layout_scope(process: ProcessModel, scope_id: str | None) -> Block:
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
            sizes[n] = size_of(process.nodes[n].kind)
    event_subprocesses = [n for n in members if process.nodes[n].triggered_by_event]
    in_flow = [n for n in members if n not in event_subprocesses]

    def host(node_id: str) -> str:
        node = process.nodes.get(node_id)
        return node.attached_to if node is not None and node.attached_to else node_id

    flow_set = set(in_flow)
    flows = [
        f
        for f in process.flows.values()
        if host(f.source) in flow_set and host(f.target) in flow_set
    ]
    layering = layer(in_flow, [(host(f.source), host(f.target)) for f in flows])

    result = Block()
    corners, column_left, column_right = _place_columns(process, layering, sizes)
    result.width = max(
        (x + sizes[n][0] for n, (x, _) in corners.items() if n in sizes), default=0.0
    )
    result.height = max((_bottom(process, n, corners, sizes) for n in in_flow), default=0.0)
    if event_subprocesses:
        x, y = 0.0, result.height + (ROW_GAP if in_flow else 0.0)
        for n in event_subprocesses:
            corners[n] = (x, y)
            x += sizes[n][0] + COLUMN_GAP
        result.width = max(result.width, x - COLUMN_GAP)
        result.height = max(_bottom(process, n, corners, sizes) for n in event_subprocesses)

    for n in members:
        x, y = corners[n]
        w, h = sizes[n]
        block = inner.get(n)
        expanded = None if block is None else bool(block.shapes)
        result.shapes[n] = Shape(n, Bounds(x, y, w, h), expanded=expanded)
        if block is not None:
            dx, dy = x + INSET, y + HEADER
            for key, shape in block.shapes.items():
                result.shapes[key] = moved_shape(shape, dx, dy)
            for key, pts in block.edges.items():
                result.edges[key] = tuple((px + dx, py + dy) for px, py in pts)
        _place_boundaries(process, n, result)

    grid = _Grid(layering, corners, column_left, column_right)
    for f in flows:
        pair = (host(f.source), host(f.target))
        points, low = _route(process, f.source, f.target, pair, grid, sizes, result)
        result.edges[f.id] = points
        result.height = max(result.height, low)
    return result


@dataclass(frozen=True)
class _Grid:
    """Where the columns of one scope ended up."""

    layering: Layering
    corners: dict[str, tuple[float, float]]
    left: list[float]
    right: list[float]


def _route(
    process: ProcessModel,
    source_id: str,
    target_id: str,
    pair: tuple[str, str],
    grid: _Grid,
    sizes: dict[str, tuple[float, float]],
    block: Block,
) -> tuple[tuple[Point, ...], float]:
    """The waypoints of one flow between nodes of a laid-out scope, and how low it reaches.

    `pair` is the flow in the layered graph (a boundary event stands for its activity).
    """
    layering = grid.layering
    source, target = block.shapes[source_id].bounds, block.shapes[target_id].bounds
    from_below = process.nodes[source_id].kind == "boundaryEvent"
    column_of = layering.column_of
    if pair in layering.back_edges or pair[0] == pair[1]:
        low = ROW_GAP / 3 + max(
            _bottom(process, n, grid.corners, sizes)
            for c in range(column_of[pair[1]], column_of[pair[0]] + 1)
            for n in layering.columns[c]
            if not is_dummy(n)
        )
        points = _route_back(
            source,
            target,
            right=grid.right[column_of[pair[0]]] + LOOP_OFFSET,
            left=grid.left[column_of[pair[1]]] - LOOP_OFFSET,
            low=low,
            from_below=from_below,
        )
        return points, low
    turns = [
        (grid.left[column_of[d]] - COLUMN_GAP / 2, grid.corners[d][1] + DUMMY_HEIGHT / 2)
        for d in layering.chains.get(pair, [])
    ]
    turns.append((grid.left[column_of[pair[1]]] - COLUMN_GAP / 2, target.y + target.height / 2))
    points = _route_forward(source, target, turns, from_below=from_below)
    return points, max(p[1] for p in points)


def _place_columns(
    process: ProcessModel, layering: Layering, sizes: dict[str, tuple[float, float]]
) -> tuple[dict[str, tuple[float, float]], list[float], list[float]]:
    """Top-left corners of the nodes and dummies of each column, and each column's left and
    right x.

    Columns are packed one after another, each as close as it can get to the mean height
    of its nodes' predecessors; then everything moves so the topmost node is at y = 0.
    """
    centre: dict[str, float] = {}
    corners: dict[str, tuple[float, float]] = {}
    column_left: list[float] = []
    column_right: list[float] = []
    x = 0.0
    for column in layering.columns:
        width = max((sizes[n][0] for n in column if n in sizes), default=0.0)
        heights = [_slot(process, n, sizes) for n in column]
        desired = []
        for n in column:
            preds = [centre[p] for p in layering.predecessors.get(n, []) if p in centre]
            own = sizes[n][1] if n in sizes else DUMMY_HEIGHT
            # the slot grows downwards only (boundary events, labels): shift the wish to match
            desired.append(
                (sum(preds) / len(preds) if preds else 0.0) + (_slot(process, n, sizes) - own) / 2
            )
        for n, top, h in zip(column, pack(heights, desired, ROW_GAP), heights, strict=True):
            w, own = sizes.get(n, (0.0, DUMMY_HEIGHT))
            corners[n] = (x + (width - w) / 2, top)
            centre[n] = top + own / 2
            del h
        column_left.append(x)
        column_right.append(x + width)
        x += width + COLUMN_GAP
    top = min((y for _, y in corners.values()), default=0.0)
    moved_up = {n: (cx, cy - top) for n, (cx, cy) in corners.items()}
    return moved_up, column_left, column_right


def _slot(process: ProcessModel, node_id: str, sizes: dict[str, tuple[float, float]]) -> float:
    """The height a node takes in its column: its own, plus its label or boundary events."""
    if node_id not in sizes:
        return DUMMY_HEIGHT
    node = process.nodes[node_id]
    extra = BELOW_EVENT if node.kind in EVENT_KINDS or node.kind in GATEWAY_KINDS else 0.0
    if node.boundaries:
        extra = max(extra, EVENT_SIZE / 2 + BELOW_EVENT)
    return sizes[node_id][1] + extra


def _bottom(
    process: ProcessModel,
    node_id: str,
    corners: dict[str, tuple[float, float]],
    sizes: dict[str, tuple[float, float]],
) -> float:
    return corners[node_id][1] + _slot(process, node_id, sizes)


def _route_forward(
    source: Bounds, target: Bounds, turns: list[tuple[float, float]], *, from_below: bool
) -> tuple[Point, ...]:
    """Right out of the source, turning up or down only in the gaps between columns; a
    boundary event's flow leaves downwards."""
    if from_below:
        x = source.x + source.width / 2
        start = (x, source.y + source.height)
        first_y = max(turns[0][1], start[1] + 15)
        path: list[Point] = [start, (x, first_y)]
        y = first_y
    else:
        y = source.y + source.height / 2
        path = [(source.x + source.width, y)]
    for gap_x, turn_y in turns:
        if abs(turn_y - y) > 0.5:
            path += [(max(gap_x, path[-1][0]), y), (max(gap_x, path[-1][0]), turn_y)]
            y = turn_y
    path.append((target.x, y))
    return _dedupe(path)


def _route_back(
    source: Bounds, target: Bounds, *, right: float, left: float, low: float, from_below: bool
) -> tuple[Point, ...]:
    """A loop back: out to the right of the source's column, underneath everything between,
    and into the target from the left, near the column edges where forward flows never turn."""
    sy, ty = source.y + source.height / 2, target.y + target.height / 2
    if from_below:
        x = source.x + source.width / 2
        under = source.y + source.height + 10
        start: list[Point] = [(x, source.y + source.height), (x, under), (right, under)]
    else:
        start = [(source.x + source.width, sy), (right, sy)]
    return _dedupe([*start, (right, low), (left, low), (left, ty), (target.x, ty)])


def _dedupe(path: list[Point]) -> tuple[Point, ...]:
    kept = [path[0]]
    for point in path[1:]:
        if abs(point[0] - kept[-1][0]) > 0.01 or abs(point[1] - kept[-1][1]) > 0.01:
            kept.append(point)
    if len(kept) < 2:
        kept.append((kept[0][0] + 1, kept[0][1]))
    return tuple(kept)


def _place_boundaries(process: ProcessModel, host: str, block: Block) -> None:
    """Boundary events sit on the bottom border of their activity, from the right."""
    b = block.shapes[host].bounds
    events = [e for e in process.nodes[host].boundaries if e not in block.shapes]
    for i, event in enumerate(events):
        x = b.x + b.width - EVENT_SIZE - 3 - i * (EVENT_SIZE + 6)
        y = b.y + b.height - EVENT_SIZE / 2
        block.shapes[event] = Shape(event, Bounds(max(x, b.x), y, EVENT_SIZE, EVENT_SIZE))
