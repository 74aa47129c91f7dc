"""Every model of the shared corpus renders: well-formed SVG, one group per node and flow."""

from __future__ import annotations

import itertools

import pytest

from lanes.bpmn import parse
from lanes.bpmn.model import Bounds
from lanes.diagram import render_svg
from lanes.diagram.layout import complete_diagram, needs_layout

from ...corpus.scenarios import corpus_dir, read_manifest
from .support import SVG, groups, render_tree

CORPUS = corpus_dir()
if not (CORPUS / "MANIFEST.tsv").is_file():
    pytest.skip(f"corpus not found at {CORPUS} (set LANES_CORPUS_DIR)", allow_module_level=True)

FILES = [row.path for row in read_manifest(CORPUS)]


def test_the_corpus_is_all_there() -> None:
    assert len(FILES) == 77


@pytest.mark.parametrize("path", FILES)
def test_every_corpus_model_renders_one_group_per_node_and_flow(path: str) -> None:
    definitions = parse((CORPUS / path).read_bytes())
    tree = render_tree(render_svg(definitions))

    assert tree.tag == f"{SVG}svg"
    nodes = groups(tree, "node")
    flows = groups(tree, "flow")
    expected_nodes = {n for p in definitions.processes.values() for n in p.nodes}
    expected_flows = {f for p in definitions.processes.values() for f in p.flows}
    assert set(nodes) == expected_nodes
    assert all(len(found) == 1 for found in nodes.values())
    assert set(flows) == expected_flows
    assert all(len(found) == 1 for found in flows.values())
    for element_id, (g,) in flows.items():
        assert g.find(f"{SVG}polyline") is not None, element_id
        assert g.find(f"{SVG}polygon") is not None, element_id  # the arrowhead


@pytest.mark.parametrize("path", FILES)
def test_the_view_box_holds_every_visible_node(path: str) -> None:
    definitions = parse((CORPUS / path).read_bytes())
    tree = render_tree(render_svg(definitions))
    x, y, width, height = (float(v) for v in tree.get("viewBox", "").split())

    assert width > 0 and height > 0
    for g in groups(tree, "node").values():
        if g[0].get("display") == "none":
            continue
        outline = g[0].find(f"{SVG}*[@class='outline']")
        assert outline is not None
        for attribute, low, high in (
            ("x", x, x + width),
            ("cx", x, x + width),
            ("y", y, y + height),
            ("cy", y, y + height),
        ):
            value = outline.get(attribute)
            if value is not None:
                assert low <= float(value) <= high


def _overlap(a: Bounds, b: Bounds) -> bool:
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


@pytest.mark.parametrize("path", FILES)
def test_nodes_laid_out_automatically_never_overlap(path: str) -> None:
    definitions = parse((CORPUS / path).read_bytes())
    diagram = complete_diagram(definitions)
    for process in definitions.processes.values():
        if not needs_layout(process, definitions.diagram):
            continue
        for scope in process.scopes.values():
            # a boundary event sits on its activity's border: compare it with the others only
            members = [process.nodes[n] for n in scope.nodes]
            for a, b in itertools.combinations(members, 2):
                if a.attached_to == b.id or b.attached_to == a.id:
                    continue
                box_a, box_b = diagram.shapes[a.id].bounds, diagram.shapes[b.id].bounds
                assert not _overlap(box_a, box_b), (a.id, b.id)
