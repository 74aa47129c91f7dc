"""The parser over the shared corpus of real models: every file parses, into the right nodes.

`tests/corpus/` deploys and runs these files through the engine; here the question is only
whether `lanes.bpmn.parse` reads them as written. The process ids expected are found in the
text with a regular expression, independently of the parser; node counts per kind were
counted by hand in four files chosen for their variety.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from lanes.bpmn import Definitions, parse

from .documents import corpus_dir

CORPUS = corpus_dir()
if not (CORPUS / "MANIFEST.tsv").is_file():
    pytest.skip(f"corpus not found at {CORPUS} (set LANES_CORPUS_DIR)", allow_module_level=True)

with (CORPUS / "MANIFEST.tsv").open(newline="", encoding="utf-8") as manifest:
    FILES = [row["path"] for row in csv.DictReader(manifest, delimiter="\t")]

_PROCESS_TAG = re.compile(r"<(?:\w+:)?process\b([^>]*)>")
_ID = re.compile(r'\bid="([^"]+)"')


def read(path: str) -> Definitions:
    return parse((CORPUS / path).read_bytes())


def process_ids_in_text(path: Path) -> list[str]:
    """The id of every <process> not marked isExecutable="false", in document order."""
    ids = []
    for attributes in _PROCESS_TAG.findall(path.read_text(encoding="utf-8")):
        found = _ID.search(attributes)
        if found and 'isExecutable="false"' not in attributes:
            ids.append(found.group(1))
    return ids


def kinds(definitions: Definitions, process_id: str) -> dict[str, int]:
    return dict(Counter(n.kind for n in definitions.processes[process_id].nodes.values()))


def test_the_corpus_has_its_77_files() -> None:
    assert len(FILES) == 77
    assert all((CORPUS / f).is_file() for f in FILES)


@pytest.mark.parametrize("path", FILES)
def test_every_corpus_file_parses_into_the_processes_it_holds(path: str) -> None:
    definitions = read(path)

    assert list(definitions.processes) == process_ids_in_text(CORPUS / path)
    for model in definitions.processes.values():
        assert model.nodes and model.start_events()


def test_the_invoice_model_keeps_lanes_call_activity_and_reports_dmn_and_listeners() -> None:
    definitions = read("camunda/invoice.v2.bpmn")

    assert kinds(definitions, "invoice") == {
        "startEvent": 1,
        "businessRuleTask": 1,
        "userTask": 2,
        "exclusiveGateway": 2,
        "callActivity": 1,
        "serviceTask": 1,
        "endEvent": 2,
    }
    model = definitions.processes["invoice"]
    assert len(model.flows) == 10
    assert [(lane.id, len(lane.nodes)) for lane in model.lanes] == [
        ("Accountant", 3),
        ("teamAssistant", 5),
        ("Approver", 2),
    ]
    call = model.nodes["reviewInvoice"].call
    assert call is not None and len(call.inputs) == 5 and len(call.outputs) == 1
    assert model.version_tag == "V2.0"
    assert [(w.element_id, w.line) for w in definitions.warnings] == [
        ("approveInvoice", 30),  # javascript task listeners
        ("assignApprover", 66),  # DMN decision
    ]


def test_the_five_multi_instance_processes_of_the_yudao_fixture() -> None:
    definitions = read("chinese-oa/ruoyi-vue-pro-multi-instance-user-task.bpmn20.xml")

    assert list(definitions.processes) == [
        "multiAny",
        "multiRatio",
        "multiRatioPartial",
        "multiReturn",
        "multiSequential",
    ]
    for process_id in ("multiAny", "multiRatio", "multiRatioPartial", "multiSequential"):
        assert kinds(definitions, process_id) == {"startEvent": 1, "userTask": 1, "endEvent": 1}
    assert kinds(definitions, "multiReturn") == {"startEvent": 1, "userTask": 2, "endEvent": 1}
    loops = {
        process_id: model.nodes[f"{process_id}-task"].loop
        for process_id, model in definitions.processes.items()
    }
    assert all(loop is not None for loop in loops.values())
    assert [pid for pid, loop in loops.items() if loop and loop.sequential] == ["multiSequential"]


def test_the_boundary_timers_of_the_inclusive_merge_model() -> None:
    definitions = read("activiti/Activiti6Test.testNonInterruptingMoreComplex2.bpmn20.xml")

    assert kinds(definitions, "nonInterruptingWithInclusiveMerge") == {
        "startEvent": 1,
        "userTask": 7,
        "boundaryEvent": 3,
        "parallelGateway": 4,
        "inclusiveGateway": 2,
        "exclusiveGateway": 1,
        "endEvent": 2,
    }
    model = definitions.processes["nonInterruptingWithInclusiveMerge"]
    assert len(model.flows) == 21
    boundaries = [n for n in model.nodes.values() if n.kind == "boundaryEvent"]
    assert [(b.attached_to, b.interrupting) for b in boundaries] == [
        ("taskA", False),
        ("taskB", True),
        ("taskD", False),
    ]
    assert all(b.event and b.event.timer_kind == "duration" for b in boundaries)


def test_the_order_handling_model_with_external_tasks_in_a_subprocess() -> None:
    definitions = read("camunda/order-handling.bpmn")

    assert kinds(definitions, "Order_Process") == {
        "startEvent": 2,
        "subProcess": 1,
        "serviceTask": 2,
        "boundaryEvent": 1,
        "endEvent": 3,
    }
    model = definitions.processes["Order_Process"]
    topics = {n.service.topic for n in model.nodes.values() if n.service}
    assert topics == {"invoiceCreator", "invoiceArchiver"}
    boundary = model.nodes["BoundaryEvent_1y1bvad"]
    assert boundary.event is not None and boundary.event.kind == "conditional"
    assert definitions.warnings == ()
