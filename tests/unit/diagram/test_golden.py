"""Golden files: a few models rendered exactly as reviewed.

The golden file is the SVG re-indented one element per line, so that a change shows as a
readable diff; the renderer writes no whitespace between elements of its own, so nothing
it draws is lost in the comparison.

After an intended change to the drawing, regenerate them and look at the difference:

    LANES_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/diagram/test_golden.py

then open the .svg files under tests/unit/diagram/golden/ in a browser before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

import lanes
from lanes.bpmn import parse
from lanes.diagram import render_svg

from ...corpus.scenarios import corpus_dir

GOLDEN = Path(__file__).parent / "golden"
SAMPLES = Path(lanes.__file__).parent / "samples"
UPDATE = os.environ.get("LANES_UPDATE_GOLDEN") == "1"

# name -> (file, highlights): the sample (no DI, an instance halfway through), a corpus
# model with a pool and lanes, one without DI with a multi-instance subprocess, and a
# Chinese model with DI, a text annotation and an association.
CASES: dict[str, tuple[Path, dict[str, list[str]]]] = {
    "leave": (
        SAMPLES / "leave.bpmn",
        {
            "active": ["hr", "manager_long"],
            "completed": ["start", "fill_form", "how_long", "split"],
            "taken": ["f1", "f2", "f4", "f5", "f6"],
        },
    ),
    "invoice": (corpus_dir() / "camunda" / "invoice.v2.bpmn", {}),
    "parallel-subprocess": (
        corpus_dir()
        / "activiti"
        / "MultiInstanceTest.testParallelSubProcessCompletionCondition.bpmn20.xml",
        {},
    ),
    "ruoyi-leave": (corpus_dir() / "chinese-oa" / "ruoyi-vue-pro-leave-formkey.bpmn", {}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rendering_matches_the_golden_file(name: str) -> None:
    source, highlights = CASES[name]
    if not source.is_file():
        pytest.skip(f"{source} not found (set LANES_CORPUS_DIR)")
    svg = render_svg(parse(source.read_bytes()), **highlights)
    tree = etree.fromstring(svg.encode())
    etree.indent(tree)
    drawn = etree.tostring(tree, encoding="unicode") + "\n"
    golden = GOLDEN / f"{name}.svg"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(drawn, encoding="utf-8")
    assert golden.is_file(), f"no golden file: run with LANES_UPDATE_GOLDEN=1 ({__doc__})"
    assert drawn == golden.read_text(encoding="utf-8")
