"""render_svg: every process and pool of a BPMN file as one SVG document, with highlights.

Drawing order, back to front: pools, lanes, expanded subprocesses (outer first), text
annotations and associations, sequence flows, the other flow nodes, boundary events,
message flows.
Every flow node is one <g class="node KIND [active] [completed]" data-element-id="ID">;
every sequence flow one <g class="flow sequenceFlow [taken]" data-element-id="ID">.
Imports lanes.bpmn only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

from lxml import etree

from lanes.bpmn.model import GATEWAY_KINDS, Bounds, Definitions, Diagram, FlowNode, ProcessModel
from lanes.diagram import labels
from lanes.diagram.containers import draw_annotation, draw_lane, draw_pool
from lanes.diagram.edges import draw_association, draw_flow, draw_message_flow
from lanes.diagram.geometry import of_points, union
from lanes.diagram.layout import complete_diagram, needs_layout
from lanes.diagram.shapes import draw_node
from lanes.diagram.svg import (
    ACTIVE,
    COMPLETED,
    PLAIN,
    STYLESHEET,
    Paint,
    clean,
    new_root,
    num,
    sub,
    to_string,
)

MARGIN = 20.0
LAYERS = ("pools", "lanes", "containers", "artifacts", "flows", "nodes", "boundaries", "messages")


@dataclass(frozen=True)
class _Highlights:
    active: frozenset[str]
    completed: frozenset[str]
    taken: frozenset[str]

    def node_classes(self, node_id: str) -> list[str]:
        return [
            name
            for name, ids in (("active", self.active), ("completed", self.completed))
            if node_id in ids
        ]

    def paint(self, node_id: str) -> Paint:
        if node_id in self.active:
            return ACTIVE
        return COMPLETED if node_id in self.completed else PLAIN


def render_svg(
    definitions: Definitions,
    *,
    active: Collection[str] = (),
    completed: Collection[str] = (),
    taken: Collection[str] = (),
) -> str:
    """The diagram of every process and pool in `definitions` as an SVG document.

    Args:
        definitions: a parsed BPMN file; where it has no DI (or only some), the missing
            part is laid out automatically.
        active: flow node ids drawn in the active colour (ids the file lacks are ignored).
        completed: flow node ids drawn in the completed colour (active wins over it).
        taken: sequence flow ids drawn in the completed colour.

    Returns:
        A standalone SVG document (no XML declaration), UTF-8 safe, labels as <text>.
    """
    highlights = _Highlights(frozenset(active), frozenset(completed), frozenset(taken))
    diagram = complete_diagram(definitions)
    root = new_root()
    root.set("class", "lanes-diagram")
    sub(root, "style").text = STYLESHEET
    extents: list[Bounds] = []
    layers = {name: sub(root, "g", {"class": name}) for name in LAYERS}
    _draw_pools(layers["pools"], layers["lanes"], definitions, diagram, extents)
    _draw_artifacts(layers["artifacts"], definitions, diagram, extents)
    for process in definitions.processes.values():
        hidden = _inside_collapsed(process, diagram)
        _draw_flows(layers["flows"], process, diagram, highlights, hidden, extents)
        _draw_nodes(layers, process, diagram, highlights, hidden, extents)
        if len(definitions.processes) > 1 and needs_layout(process, definitions.diagram):
            _draw_process_name(layers["pools"], process, diagram, extents)
    _draw_message_flows(layers["messages"], definitions, diagram, extents)
    _set_view_box(root, union(extents))
    return to_string(root)


def _draw_nodes(
    layers: dict[str, etree._Element],
    process: ProcessModel,
    diagram: Diagram,
    highlights: _Highlights,
    hidden: set[str],
    extents: list[Bounds],
) -> None:
    for node in _back_to_front(process):
        shape = diagram.shapes[node.id]
        if node.is_scope and shape.expanded is not False:
            layer = layers["containers"]
        elif node.kind == "boundaryEvent":
            layer = layers["boundaries"]
        else:
            layer = layers["nodes"]
        classes = " ".join(["node", node.kind, *highlights.node_classes(node.id)])
        g = sub(layer, "g", {"class": classes, "data-element-id": node.id})
        if node.name:
            sub(g, "title").text = clean(node.name)
        label = draw_node(g, node, shape, highlights.paint(node.id))
        if node.id in hidden:
            g.set("display", "none")
            continue
        extents.append(shape.bounds)
        if label is not None:
            extents.append(label)


def _draw_process_name(
    layer: etree._Element, process: ProcessModel, diagram: Diagram, extents: list[Bounds]
) -> None:
    """A file with several processes and no DI for one: its name above its layout, so the
    reader can tell them apart (a pool would claim a participant the file does not have)."""
    box = union(diagram.shapes[n].bounds for n in process.nodes)
    if box is None:
        return
    g = sub(layer, "g", {"class": "process", "data-element-id": process.id})
    label = labels.at_left(g, process.name or process.id, box.x, box.y - 30, box.width)
    if label is not None:
        extents.append(label)


def _back_to_front(process: ProcessModel) -> Iterator[FlowNode]:
    """The nodes of `process`, outer subprocesses before inner ones, in document order."""

    def depth(node: FlowNode) -> int:
        level, scope = 0, node.scope
        while scope is not None and scope in process.nodes:
            level += 1
            scope = process.nodes[scope].scope
        return level

    yield from sorted(process.nodes.values(), key=depth)


def _inside_collapsed(process: ProcessModel, diagram: Diagram) -> set[str]:
    """Nodes inside a collapsed subprocess: their DI lies on another plane, so they are
    kept (highlights still find them) but not displayed."""
    hidden: set[str] = set()
    for node in process.nodes.values():
        scope = node.scope
        while scope is not None and scope in process.nodes:
            if diagram.shapes[scope].expanded is False:
                hidden.add(node.id)
                break
            scope = process.nodes[scope].scope
    return hidden


def _draw_flows(
    layer: etree._Element,
    process: ProcessModel,
    diagram: Diagram,
    highlights: _Highlights,
    hidden: set[str],
    extents: list[Bounds],
) -> None:
    # Taken flows last, so a shared stretch of line shows the path the case took.
    for flow in sorted(process.flows.values(), key=lambda f: f.id in highlights.taken):
        edge = diagram.edges.get(flow.id)
        if edge is None:
            continue
        source = process.nodes.get(flow.source)
        is_default = source is not None and source.default_flow == flow.id
        is_conditional = (
            flow.condition is not None
            and source is not None
            and source.kind not in GATEWAY_KINDS
            and not is_default
        )
        classes = ["flow", "sequenceFlow"]
        if flow.id in highlights.taken:
            classes.append("taken")
        if is_default:
            classes.append("default")
        g = sub(layer, "g", {"class": " ".join(classes), "data-element-id": flow.id})
        stroke = COMPLETED.stroke if flow.id in highlights.taken else PLAIN.stroke
        label = draw_flow(
            g, flow, edge, stroke, is_default=is_default, is_conditional=is_conditional
        )
        if flow.source in hidden or flow.target in hidden:
            g.set("display", "none")
            continue
        extents.append(of_points(edge.waypoints))
        if label is not None:
            extents.append(label)


def _draw_pools(
    pools: etree._Element,
    lanes: etree._Element,
    definitions: Definitions,
    diagram: Diagram,
    extents: list[Bounds],
) -> None:
    for participant in definitions.participants:
        shape = diagram.shapes.get(participant.id)
        if shape is not None:
            g = sub(pools, "g", {"class": "pool", "data-element-id": participant.id})
            draw_pool(g, participant.name, shape)
            extents.append(shape.bounds)
    for process in definitions.processes.values():
        for lane in process.lanes:
            shape = diagram.shapes.get(lane.id)
            if shape is not None:
                g = sub(lanes, "g", {"class": "lane", "data-element-id": lane.id})
                draw_lane(g, lane.name, shape)
                extents.append(shape.bounds)


def _draw_artifacts(
    layer: etree._Element, definitions: Definitions, diagram: Diagram, extents: list[Bounds]
) -> None:
    for association in definitions.associations:
        edge = diagram.edges.get(association.id)
        if edge is not None:
            g = sub(layer, "g", {"class": "association", "data-element-id": association.id})
            draw_association(g, edge)
            extents.append(of_points(edge.waypoints))
    for annotation in definitions.annotations:
        shape = diagram.shapes.get(annotation.id)
        if shape is not None:
            g = sub(layer, "g", {"class": "textAnnotation", "data-element-id": annotation.id})
            label = draw_annotation(g, annotation.text, shape)
            extents.append(shape.bounds)
            if label is not None:
                extents.append(label)


def _draw_message_flows(
    layer: etree._Element, definitions: Definitions, diagram: Diagram, extents: list[Bounds]
) -> None:
    for message_flow in definitions.message_flows:
        edge = diagram.edges.get(message_flow.id)
        if edge is not None:
            g = sub(layer, "g", {"class": "messageFlow", "data-element-id": message_flow.id})
            label = draw_message_flow(g, message_flow.name, edge)
            extents.append(of_points(edge.waypoints))
            if label is not None:
                extents.append(label)


def _set_view_box(root: etree._Element, content: Bounds | None) -> None:
    """A view box around everything drawn, with a margin; negative coordinates stay as they are."""
    box = content or Bounds(0, 0, 0, 0)
    x, y = box.x - MARGIN, box.y - MARGIN
    width, height = box.width + 2 * MARGIN, box.height + 2 * MARGIN
    root.set("viewBox", f"{num(x)} {num(y)} {num(width)} {num(height)}")
    root.set("width", num(width))
    root.set("height", num(height))
