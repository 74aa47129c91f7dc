"""Active and completed nodes and taken flows get their classes and colours; others do not."""

from __future__ import annotations

from lanes.diagram import render_svg
from lanes.diagram.svg import ACTIVE, COMPLETED, PLAIN

from .support import FORK, SVG, classes, groups, model, render_tree


def outline_stroke(g: object) -> str:
    outline = g.find(f"{SVG}*[@class='outline']")  # type: ignore[attr-defined]
    return str(outline.get("stroke"))


def test_active_completed_and_taken_ids_get_their_classes_and_colours() -> None:
    tree = render_tree(
        render_svg(model(FORK), active=["a"], completed=["start", "split"], taken=["f1", "f2"])
    )
    nodes = {k: v[0] for k, v in groups(tree, "node").items()}
    flows = {k: v[0] for k, v in groups(tree, "flow").items()}

    assert classes(nodes["a"]) == {"node", "userTask", "active"}
    assert classes(nodes["start"]) == {"node", "startEvent", "completed"}
    assert classes(nodes["b"]) == {"node", "serviceTask"}
    assert outline_stroke(nodes["a"]) == ACTIVE.stroke
    assert outline_stroke(nodes["split"]) == COMPLETED.stroke
    assert outline_stroke(nodes["b"]) == PLAIN.stroke
    assert "taken" in classes(flows["f1"]) and "taken" in classes(flows["f2"])
    assert "taken" not in classes(flows["f3"])
    assert flows["f1"].find(f"{SVG}polyline").get("stroke") == COMPLETED.stroke
    assert flows["f3"].find(f"{SVG}polyline").get("stroke") == PLAIN.stroke


def test_a_node_both_active_and_completed_is_drawn_active() -> None:
    tree = render_tree(render_svg(model(FORK), active=["a"], completed=["a"]))
    (g,) = groups(tree, "node")["a"]

    assert {"active", "completed"} <= classes(g)
    assert outline_stroke(g) == ACTIVE.stroke


def test_unknown_ids_are_ignored() -> None:
    plain = render_svg(model(FORK))
    highlighted = render_svg(
        model(FORK), active=["nope"], completed=["<missing>"], taken=["ghost", "a"]
    )

    assert highlighted == plain


def test_no_highlight_without_ids() -> None:
    tree = render_tree(render_svg(model(FORK)))
    for g in tree.iter(f"{SVG}g"):
        assert not {"active", "completed", "taken"} & classes(g)


def test_taken_flows_are_drawn_over_the_others() -> None:
    tree = render_tree(render_svg(model(FORK), taken=["f2"]))
    order = [g.get("data-element-id") for g in tree.iter(f"{SVG}g") if "flow" in classes(g)]

    assert order[-1] == "f2"
    assert sorted(order) == sorted(f"f{i}" for i in range(1, 9))
