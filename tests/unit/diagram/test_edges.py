"""Sequence flows drawn from DI waypoints: arrowheads and labels."""

from __future__ import annotations

from lanes.diagram import render_svg

from .support import CHAIN, DI_HEAD, DI_TAIL, SVG, groups, model, render_tree, shape


def test_repeated_waypoints_still_give_the_arrowhead_a_direction() -> None:
    di = (
        DI_HEAD
        + shape("start", 0, 22)
        + shape("task", 100, 0, 100, 80)
        + shape("end", 300, 22)
        + '<bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="36" y="40"/>'
        '<di:waypoint x="100" y="40"/><di:waypoint x="100" y="40"/></bpmndi:BPMNEdge>' + DI_TAIL
    )
    tree = render_tree(render_svg(model(CHAIN, di)))
    (flow,) = groups(tree, "flow")["f1"]
    head = flow.find(f"{SVG}polygon[@class='head']")

    assert head is not None
    assert head.get("points") == "100,40 90,44 90,36"


def test_a_flow_label_far_from_its_flow_is_drawn_at_the_flow_instead() -> None:
    body = CHAIN.replace('<sequenceFlow id="f1"', '<sequenceFlow id="f1" name="go"')
    di = (
        DI_HEAD
        + shape("start", 0, 22)
        + shape("task", 100, 0, 100, 80)
        + shape("end", 300, 22)
        + '<bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="36" y="40"/>'
        '<di:waypoint x="100" y="40"/><bpmndi:BPMNLabel>'
        '<dc:Bounds x="900" y="900" width="20" height="14"/></bpmndi:BPMNLabel>'
        "</bpmndi:BPMNEdge>" + DI_TAIL
    )
    tree = render_tree(render_svg(model(body, di)))
    (flow,) = groups(tree, "flow")["f1"]
    text = flow.find(f"{SVG}text")

    assert text is not None and "".join(text.itertext()) == "go"
    assert float(text.get("x", "0")) == 68  # the middle of the flow
    assert float(tree.get("viewBox", "").split()[2]) < 800  # nothing drawn out at 900
