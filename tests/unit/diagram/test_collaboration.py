"""Pools, lanes, message flows, text annotations and negative coordinates, from DI."""

from __future__ import annotations

from lxml import etree

from lanes.bpmn import parse
from lanes.bpmn.model import Bounds
from lanes.diagram import render_svg
from lanes.diagram.layout import complete_diagram

from ..bpmn.documents import definitions, process
from .support import CHAIN, SVG, groups, render_tree, texts


def shape(element: str, x: float, y: float, w: float, h: float, extra: str = "") -> str:
    return (
        f'<bpmndi:BPMNShape id="{element}_di" bpmnElement="{element}" {extra}>'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
    )


def edge(element: str, *points: tuple[float, float]) -> str:
    waypoints = "".join(f'<di:waypoint x="{x}" y="{y}"/>' for x, y in points)
    return (
        f'<bpmndi:BPMNEdge id="{element}_di" bpmnElement="{element}">{waypoints}</bpmndi:BPMNEdge>'
    )


COLLABORATION = (
    '<collaboration id="c">'
    '<participant id="pool" name="Leave office" processRef="p"/>'
    '<participant id="customer" name="Applicant &amp; family"/>'
    '<messageFlow id="mf" name="request" sourceRef="customer" targetRef="start"/>'
    '<textAnnotation id="note"><text>Checked by HR &lt;always&gt;</text></textAnnotation>'
    '<association id="link" sourceRef="task" targetRef="note"/>'
    "</collaboration>"
)
LANES = (
    '<laneSet id="ls"><lane id="lane_a" name="Clerks"><flowNodeRef>start</flowNodeRef>'
    "<flowNodeRef>task</flowNodeRef></lane>"
    '<lane id="lane_b" name="管理者"><flowNodeRef>end</flowNodeRef></lane></laneSet>\n'
)
DI = (
    '<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="plane" bpmnElement="c">'
    + shape("pool", -300, -200, 600, 300, 'isHorizontal="true"')
    + shape("lane_a", -270, -200, 570, 150, 'isHorizontal="true"')
    + shape("lane_b", -270, -50, 570, 150, 'isHorizontal="true"')
    + shape("customer", -300, -400, 600, 80, 'isHorizontal="true"')
    + shape("start", -240, -143, 36, 36)
    + shape("task", -150, -165, 100, 80)
    + shape("end", 100, 10, 36, 36)
    + shape("note", 0, -190, 120, 40)
    + edge("f1", (-204, -125), (-150, -125))
    + edge("f2", (-50, -125), (118, -125), (118, 10))
    + edge("mf", (-222, -320), (-222, -143))
    + edge("link", (-50, -150), (0, -170))
    + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"
)


def collaboration_tree() -> etree._Element:
    xml = definitions(COLLABORATION, process(LANES + CHAIN), DI)
    return render_tree(render_svg(parse(xml)))


def test_pools_lanes_message_flows_and_annotations_are_drawn_with_their_names() -> None:
    tree = collaboration_tree()
    found = texts(tree)

    assert set(groups(tree, "pool")) == {"pool", "customer"}
    assert set(groups(tree, "lane")) == {"lane_a", "lane_b"}
    assert set(groups(tree, "messageFlow")) == {"mf"}
    assert set(groups(tree, "association")) == {"link"}
    assert set(groups(tree, "textAnnotation")) == {"note"}
    for name in ("Leave office", "Applicant & family", "Clerks", "管理者", "request"):
        assert name in found
    assert "Checked by HR <always>" in found


def test_negative_coordinates_stay_inside_the_view_box() -> None:
    tree = collaboration_tree()
    x, y, width, height = (float(v) for v in tree.get("viewBox").split())

    assert x <= -300 and y <= -400
    assert x + width >= 300 and y + height >= 100
    assert tree.get("width") == f"{width:g}"


def test_children_of_a_collapsed_subprocess_keep_their_group_but_are_hidden() -> None:
    body = (
        '<startEvent id="start"/>\n'
        '<sequenceFlow id="f1" sourceRef="start" targetRef="sub"/>\n'
        '<subProcess id="sub" name="Details">\n'
        '  <startEvent id="inner"/>\n'
        '  <sequenceFlow id="i1" sourceRef="inner" targetRef="inner_end"/>\n'
        '  <endEvent id="inner_end"/>\n'
        "</subProcess>\n"
    )
    di = (
        '<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="plane" bpmnElement="p">'
        + shape("start", 0, 22, 36, 36)
        + shape("sub", 100, 0, 100, 80, 'isExpanded="false"')
        + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"
        '<bpmndi:BPMNDiagram id="d2"><bpmndi:BPMNPlane id="plane2" bpmnElement="sub">'
        + shape("inner", 0, 0, 36, 36)
        + shape("inner_end", 100, 0, 36, 36)
        + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"
    )
    tree = render_tree(render_svg(parse(definitions(process(body), di)), active=["inner"]))
    nodes = {k: v[0] for k, v in groups(tree, "node").items()}
    flows = {k: v[0] for k, v in groups(tree, "flow").items()}

    assert nodes["inner"].get("display") == "none"
    assert "active" in (nodes["inner"].get("class") or "")
    assert flows["i1"].get("display") == "none"
    assert nodes["sub"].get("display") is None
    collapsed = nodes["sub"].find(f"{SVG}g[@class='marker collapsed']")
    assert collapsed is not None


SUBPROCESS = (
    '<startEvent id="start"/>\n'
    '<sequenceFlow id="f1" sourceRef="start" targetRef="sub"/>\n'
    '<subProcess id="sub" name="Details">\n'
    '  <startEvent id="inner"/>\n'
    '  <sequenceFlow id="i1" sourceRef="inner" targetRef="inner_end"/>\n'
    '  <endEvent id="inner_end"/>\n'
    "</subProcess>\n"
)


def test_a_collapsed_subprocess_without_di_for_its_contents_keeps_the_modelers_layout() -> None:
    di = (
        '<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="plane" bpmnElement="p">'
        + shape("start", 0, 22, 36, 36)
        + shape("sub", 100, 0, 100, 80, 'isExpanded="false"')
        + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"
    )
    definitions_ = parse(definitions(process(SUBPROCESS), di))
    diagram = complete_diagram(definitions_)
    tree = render_tree(render_svg(definitions_))
    nodes = {k: v[0] for k, v in groups(tree, "node").items()}

    assert diagram.shapes["sub"].bounds == Bounds(100, 0, 100, 80)
    assert nodes["inner"].get("display") == "none"
    assert nodes["inner_end"].get("display") == "none"
    assert nodes["sub"].get("display") is None


def test_contents_drawn_inside_a_subprocess_marked_collapsed_are_shown() -> None:
    # Activiti Designer writes isExpanded="false" for subprocesses it draws open.
    di = (
        '<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="plane" bpmnElement="p">'
        + shape("start", 0, 72, 36, 36)
        + shape("sub", 100, 0, 300, 180, 'isExpanded="false"')
        + shape("inner", 130, 72, 36, 36)
        + shape("inner_end", 330, 72, 36, 36)
        + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"
    )
    tree = render_tree(render_svg(parse(definitions(process(SUBPROCESS), di))))
    nodes = {k: v[0] for k, v in groups(tree, "node").items()}

    assert nodes["inner"].get("display") is None
    assert nodes["sub"].find(f"{SVG}g[@class='marker collapsed']") is None
