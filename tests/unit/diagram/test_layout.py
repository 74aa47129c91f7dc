"""Models without DI (or with DI for some nodes only) are laid out left to right."""

from __future__ import annotations

import itertools

from lanes.bpmn import parse
from lanes.bpmn.model import Bounds
from lanes.diagram import render_svg
from lanes.diagram.layout import complete_diagram

from ..bpmn.documents import definitions, process
from .support import CHAIN, DI_HEAD, DI_TAIL, FORK, groups, model, render_tree, shape


def overlaps(a: Bounds, b: Bounds) -> bool:
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


def centre_y(b: Bounds) -> float:
    return b.y + b.height / 2


def test_a_chain_without_di_is_one_straight_row() -> None:
    shapes = complete_diagram(model(CHAIN)).shapes
    start, task, end = (shapes[n].bounds for n in ("start", "task", "end"))

    assert start.x + start.width < task.x < task.x + task.width < end.x
    assert centre_y(start) == centre_y(task) == centre_y(end)


def test_a_fork_without_di_stacks_its_branches_in_one_column_without_overlaps() -> None:
    diagram = complete_diagram(model(FORK))
    boxes = {n: s.bounds for n, s in diagram.shapes.items()}

    assert set(boxes) == {"start", "split", "a", "b", "c", "join", "end"}
    for (m, a), (n, b) in itertools.combinations(boxes.items(), 2):
        assert not overlaps(a, b), (m, n)
    assert boxes["a"].x == boxes["b"].x == boxes["c"].x
    assert boxes["a"].y < boxes["b"].y < boxes["c"].y
    assert boxes["split"].x + boxes["split"].width < boxes["a"].x
    assert boxes["join"].x > boxes["a"].x + boxes["a"].width
    assert centre_y(boxes["b"]) == centre_y(boxes["split"]) == centre_y(boxes["join"])
    assert set(diagram.edges) == {f"f{i}" for i in range(1, 9)}


def test_flows_without_di_start_and_end_on_their_shapes() -> None:
    diagram = complete_diagram(model(FORK))
    for flow_id, (source, target) in {"f2": ("split", "a"), "f7": ("c", "join")}.items():
        points = diagram.edges[flow_id].waypoints
        s, t = diagram.shapes[source].bounds, diagram.shapes[target].bounds
        assert points[0] == (s.x + s.width, centre_y(s))
        assert points[-1] == (t.x, centre_y(t))
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in itertools.pairwise(points))


def test_a_loop_back_runs_underneath_into_the_left_side_of_its_target() -> None:
    body = CHAIN.replace(
        '<endEvent id="end"/>',
        '<endEvent id="end"/>\n<sequenceFlow id="back" sourceRef="task" targetRef="task2"/>\n'
        '<userTask id="task2"/>\n<sequenceFlow id="again" sourceRef="task2" targetRef="task"/>',
    )
    diagram = complete_diagram(model(body))
    lowest = max(s.bounds.y + s.bounds.height for s in diagram.shapes.values())
    points = diagram.edges["again"].waypoints

    task, task2 = diagram.shapes["task"].bounds, diagram.shapes["task2"].bounds
    assert task2.x > task.x
    assert points[0] == (task2.x + task2.width, centre_y(task2))
    assert points[-1] == (task.x, centre_y(task))
    assert max(p[1] for p in points) > lowest
    assert all(a[0] == b[0] or a[1] == b[1] for a, b in itertools.pairwise(points))


def test_subprocess_contents_are_drawn_inside_the_subprocess_box() -> None:
    body = (
        '<startEvent id="start"/>\n'
        '<sequenceFlow id="f1" sourceRef="start" targetRef="sub"/>\n'
        '<subProcess id="sub" name="Review">\n'
        '  <startEvent id="inner_start"/>\n'
        '  <sequenceFlow id="i1" sourceRef="inner_start" targetRef="inner_task"/>\n'
        '  <userTask id="inner_task"/>\n'
        '  <sequenceFlow id="i2" sourceRef="inner_task" targetRef="inner_end"/>\n'
        '  <endEvent id="inner_end"/>\n'
        "</subProcess>\n"
        '<boundaryEvent id="timeout" attachedToRef="sub">'
        "<timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition>"
        "</boundaryEvent>\n"
        '<sequenceFlow id="f2" sourceRef="sub" targetRef="end"/>\n'
        '<sequenceFlow id="f3" sourceRef="timeout" targetRef="late"/>\n'
        '<userTask id="late"/>\n'
        '<endEvent id="end"/>\n'
    )
    diagram = complete_diagram(model(body))
    sub = diagram.shapes["sub"]
    box = sub.bounds

    assert sub.expanded is True
    for inner in ("inner_start", "inner_task", "inner_end"):
        b = diagram.shapes[inner].bounds
        assert box.x < b.x and b.x + b.width < box.x + box.width
        assert box.y < b.y and b.y + b.height < box.y + box.height
    timer = diagram.shapes["timeout"].bounds
    assert centre_y(timer) == box.y + box.height
    assert box.x <= timer.x and timer.x + timer.width <= box.x + box.width
    assert diagram.shapes["late"].bounds.x > box.x + box.width
    assert set(diagram.edges) == {"f1", "f2", "f3", "i1", "i2"}


def test_a_model_with_di_keeps_the_modelers_coordinates() -> None:
    di = (
        DI_HEAD
        + shape("start", 10, 20)
        + shape("task", 100, 0, 100, 80)
        + shape("end", 300, 20)
        + DI_TAIL
    )
    diagram = complete_diagram(model(CHAIN, di))

    assert diagram.shapes["task"].bounds == Bounds(100, 0, 100, 80)
    assert diagram.edges["f1"].waypoints[0] == (46, 38)  # routed: no DI edge given
    assert diagram.edges["f1"].waypoints[-1] == (100, 40)


def test_a_process_with_di_for_some_nodes_only_is_laid_out_whole() -> None:
    di = DI_HEAD + shape("start", 500, 500) + DI_TAIL
    diagram = complete_diagram(model(CHAIN, di))
    boxes = [diagram.shapes[n].bounds for n in ("start", "task", "end")]

    assert boxes[0] != Bounds(500, 500, 36, 36)
    assert len({centre_y(b) for b in boxes}) == 1


def test_two_processes_without_di_are_stacked_without_overlap() -> None:
    xml = definitions(
        process(CHAIN, "p"),
        process(CHAIN.replace('id="', 'id="q_').replace('Ref="', 'Ref="q_'), "q"),
    )
    diagram = complete_diagram(parse(xml))
    p_box = [diagram.shapes[n].bounds for n in ("start", "task", "end")]
    q_box = [diagram.shapes[n].bounds for n in ("q_start", "q_task", "q_end")]

    assert max(b.y + b.height for b in p_box) < min(b.y for b in q_box)


def test_every_node_of_a_model_without_di_is_drawn() -> None:
    tree = render_tree(render_svg(model(FORK)))

    assert set(groups(tree, "node")) == {"start", "split", "a", "b", "c", "join", "end"}


def test_a_di_shape_without_size_gets_the_usual_size_of_its_kind() -> None:
    di = (
        DI_HEAD
        + shape("start", 10, 20, 0, 0)
        + shape("task", 100, 0, -5, 80)
        + shape("end", 300, 20)
        + DI_TAIL
    )
    shapes = complete_diagram(model(CHAIN, di)).shapes

    assert shapes["start"].bounds == Bounds(10, 20, 36, 36)
    assert shapes["task"].bounds == Bounds(100, 0, 100, 80)
    assert render_tree(render_svg(model(CHAIN, di))) is not None


def test_several_processes_without_di_are_headed_by_their_names() -> None:
    xml = definitions(
        process(CHAIN, "p", 'isExecutable="true" name="Leave"'),
        process(CHAIN.replace('id="', 'id="q_').replace('Ref="', 'Ref="q_'), "q"),
    )
    tree = render_tree(render_svg(parse(xml)))
    headings = groups(tree, "process")

    assert set(headings) == {"p", "q"}
    assert [" ".join(g.itertext()) for (g,) in headings.values()] == ["Leave", "q"]


def test_a_single_process_gets_no_heading() -> None:
    assert groups(render_tree(render_svg(model(CHAIN))), "process") == {}
