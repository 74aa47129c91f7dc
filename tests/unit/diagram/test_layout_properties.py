"""Property: any flow graph without DI is laid out with every node placed and none overlapping."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from lanes.bpmn import parse
from lanes.bpmn.model import Bounds
from lanes.diagram.layout import complete_diagram

from ..bpmn.documents import definitions, process

KINDS = ("userTask", "exclusiveGateway", "parallelGateway", "intermediateThrowEvent")


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[str], list[tuple[int, int]]]:
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=14))
    n = len(kinds)
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    return kinds, edges


def build(kinds: list[str], edges: list[tuple[int, int]]) -> bytes:
    parts = ['<startEvent id="start"/>', '<sequenceFlow id="s" sourceRef="start" targetRef="n0"/>']
    parts += [f'<{kind} id="n{i}"/>' for i, kind in enumerate(kinds)]
    parts += [
        f'<sequenceFlow id="e{k}" sourceRef="n{a}" targetRef="n{b}"/>'
        for k, (a, b) in enumerate(edges)
    ]
    return definitions(process("\n".join(parts) + "\n"))


def overlaps(a: Bounds, b: Bounds) -> bool:
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_every_node_is_placed_without_overlap_and_every_flow_routed(
    graph: tuple[list[str], list[tuple[int, int]]],
) -> None:
    kinds, edges = graph
    model = parse(build(kinds, edges))
    diagram = complete_diagram(model)
    (p,) = model.processes.values()

    assert set(diagram.shapes) == set(p.nodes)
    assert set(diagram.edges) == set(p.flows)
    for (m, a), (n, b) in itertools.combinations(diagram.shapes.items(), 2):
        assert not overlaps(a.bounds, b.bounds), (m, n)
    for edge in diagram.edges.values():
        assert len(edge.waypoints) >= 2
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in itertools.pairwise(edge.waypoints))
