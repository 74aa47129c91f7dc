"""BPMN DI: shapes, edges and labels; entries for missing elements are dropped, never fatal."""

from __future__ import annotations

import pytest

from lanes.bpmn import Diagram, parse
from lanes.bpmn.model import Bounds

from .documents import START_END, corpus_dir, definitions, process

CORPUS = corpus_dir()


def diagram_of(*elements: str, body: str = START_END, extra: str = "") -> Diagram:
    plane = (
        '<bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="p">\n'
        + "\n".join(elements)
        + "\n</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"
    )
    return parse(definitions(extra, process(body), plane)).diagram


def shape(element: str, x: str = "10", y: str = "20", w: str = "36", h: str = "36") -> str:
    return (
        f'<bpmndi:BPMNShape id="{element}_di" bpmnElement="{element}">'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
    )


def edge(element: str, *points: tuple[str, str]) -> str:
    waypoints = "".join(f'<di:waypoint x="{x}" y="{y}"/>' for x, y in points)
    return (
        f'<bpmndi:BPMNEdge id="{element}_di" bpmnElement="{element}">{waypoints}</bpmndi:BPMNEdge>'
    )


def test_a_shape_gives_the_bounds_of_its_element() -> None:
    diagram = diagram_of(shape("start", "152.5", "102", "36", "36"))

    drawn = diagram.shapes["start"]
    assert drawn.bounds == Bounds(152.5, 102.0, 36.0, 36.0)
    assert (drawn.label, drawn.expanded, drawn.horizontal) == (None, None, None)


def test_a_shape_label_and_flags_are_read() -> None:
    diagram = diagram_of(
        '<bpmndi:BPMNShape bpmnElement="end" isExpanded="true" isHorizontal="false">'
        '<dc:Bounds x="1" y="2" width="3" height="4"/>'
        '<bpmndi:BPMNLabel><dc:Bounds x="5" y="6" width="70" height="14"/></bpmndi:BPMNLabel>'
        "</bpmndi:BPMNShape>"
    )

    drawn = diagram.shapes["end"]
    assert drawn.label == Bounds(5.0, 6.0, 70.0, 14.0)
    assert (drawn.expanded, drawn.horizontal) == (True, False)


def test_an_edge_gives_the_waypoints_of_its_flow_and_its_label() -> None:
    diagram = diagram_of(
        '<bpmndi:BPMNEdge bpmnElement="toEnd">'
        '<di:waypoint x="188" y="120"/><di:waypoint x="240" y="120"/>'
        '<di:waypoint x="240" y="200.5"/>'
        '<bpmndi:BPMNLabel><dc:Bounds x="200" y="100" width="20" height="14"/></bpmndi:BPMNLabel>'
        "</bpmndi:BPMNEdge>"
    )

    drawn = diagram.edges["toEnd"]
    assert drawn.waypoints == ((188.0, 120.0), (240.0, 120.0), (240.0, 200.5))
    assert drawn.label == Bounds(200.0, 100.0, 20.0, 14.0)


def test_pools_lanes_and_annotations_are_drawn_too() -> None:
    diagram = diagram_of(
        shape("office"),
        shape("clerks"),
        shape("note"),
        body='<laneSet id="ls"><lane id="clerks"><flowNodeRef>start</flowNodeRef></lane>'
        "</laneSet>\n" + START_END + '<textAnnotation id="note"><text>hi</text></textAnnotation>\n',
        extra='<collaboration id="c"><participant id="office" processRef="p"/></collaboration>',
    )

    assert set(diagram.shapes) == {"office", "clerks", "note"}


def test_di_pointing_at_missing_elements_is_ignored() -> None:
    diagram = diagram_of(
        shape("start"),
        shape("ghostTask"),
        edge("toEnd", ("0", "0"), ("1", "1")),
        edge("ghostFlow", ("0", "0"), ("1", "1")),
    )

    assert set(diagram.shapes) == {"start"}
    assert set(diagram.edges) == {"toEnd"}


def test_di_without_a_bpmn_element_is_ignored() -> None:
    diagram = diagram_of(
        '<bpmndi:BPMNShape id="loose"><dc:Bounds x="1" y="2" width="3" height="4"/>'
        "</bpmndi:BPMNShape>",
        '<bpmndi:BPMNEdge><di:waypoint x="0" y="0"/><di:waypoint x="1" y="1"/></bpmndi:BPMNEdge>',
    )

    assert (dict(diagram.shapes), dict(diagram.edges)) == ({}, {})


def test_the_first_of_two_entries_for_one_element_wins() -> None:
    diagram = diagram_of(
        shape("start", x="1"),
        shape("start", x="999"),
        edge("toEnd", ("1", "1"), ("2", "2")),
        edge("toEnd", ("9", "9"), ("8", "8")),
    )

    assert diagram.shapes["start"].bounds.x == 1.0
    assert diagram.edges["toEnd"].waypoints[0] == (1.0, 1.0)


@pytest.mark.parametrize("bad", ["abc", "NaN", "inf", "-Infinity", ""])
def test_a_shape_with_a_coordinate_that_is_no_finite_number_is_dropped(bad: str) -> None:
    diagram = diagram_of(shape("start", x=bad), shape("end"))

    assert set(diagram.shapes) == {"end"}


def test_a_shape_without_bounds_is_dropped() -> None:
    diagram = diagram_of('<bpmndi:BPMNShape bpmnElement="start"/>', shape("end"))

    assert set(diagram.shapes) == {"end"}


def test_an_edge_keeps_only_usable_waypoints_and_needs_two() -> None:
    diagram = diagram_of(
        edge("toEnd", ("0", "0"), ("nan", "1"), ("5", "5")),
        body=START_END + '<sequenceFlow id="other" sourceRef="start" targetRef="end"/>\n',
    )
    short = diagram_of(edge("toEnd", ("0", "0"), ("x", "1")))

    assert diagram.edges["toEnd"].waypoints == ((0.0, 0.0), (5.0, 5.0))
    assert dict(short.edges) == {}


def test_several_diagrams_of_one_document_are_merged() -> None:
    second = (
        '<bpmndi:BPMNDiagram id="d2"><bpmndi:BPMNPlane bpmnElement="p">'
        + shape("end")
        + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"
    )

    merged = parse(
        definitions(
            process(START_END),
            '<bpmndi:BPMNDiagram id="d1"><bpmndi:BPMNPlane bpmnElement="p">'
            + shape("start")
            + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>",
            second,
        )
    ).diagram

    assert set(merged.shapes) == {"start", "end"}


def test_a_document_without_di_has_an_empty_diagram() -> None:
    diagram = parse(definitions(process(START_END))).diagram

    assert (dict(diagram.shapes), dict(diagram.edges)) == ({}, {})


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the project")
def test_the_ruoyi_leave_model_drops_edges_of_flows_it_does_not_have() -> None:
    """Its DI draws flow10-12, which the process lacks, and two edges without an id."""
    data = (CORPUS / "chinese-oa" / "ruoyi-vue-pro-leave.bpmn").read_bytes()

    diagram = parse(data).diagram

    assert set(diagram.shapes) == {
        "startevent1",
        "deptLeaderVerify",
        "exclusivegateway5",
        "hrVerify",
        "exclusivegateway6",
        "reportBack",
        "endevent1",
    }
    assert set(diagram.edges) == {f"flow{n}" for n in range(2, 10)}
    # flow9 is drawn twice; the first drawing, with its label, is kept.
    assert diagram.edges["flow9"].waypoints[0] == (505.0, 83.0)
    assert diagram.edges["flow9"].label == Bounds(515.0, 83.0, 33.0, 11.0)
