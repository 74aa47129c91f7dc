"""Small BPMN documents written inline for the parser tests.

`definitions(...)` wraps processes in <definitions> with the three vendor namespaces;
`process(...)` writes one <process>. Bodies are written one element per line, so a test can
ask `line_of(xml, 'id="x"')` where an element starts and compare it with a problem's line.
"""

from __future__ import annotations

import os
from pathlib import Path

from lanes.bpmn import Definitions, FlowNode, ProcessModel, parse

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_NAMESPACES = (
    f'xmlns="{BPMN_NS}"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xmlns:activiti="http://activiti.org/bpmn"'
    ' xmlns:flowable="http://flowable.org/bpmn"'
    ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'
    ' xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"'
    ' xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"'
    ' xmlns:di="http://www.omg.org/spec/DD/20100524/DI"'
)


def start_end(suffix: str = "") -> str:
    """The smallest runnable body, none start -> none end; `suffix` keeps ids apart."""
    return (
        f'<startEvent id="start{suffix}"/>\n'
        f'<sequenceFlow id="toEnd{suffix}" sourceRef="start{suffix}" targetRef="end{suffix}"/>\n'
        f'<endEvent id="end{suffix}"/>\n'
    )


START_END = start_end()


def definitions(*parts: str) -> bytes:
    """A <definitions> document holding `parts` (processes, messages, DI...) in order."""
    body = "\n".join(parts)
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<definitions {_NAMESPACES}>\n'
    return f"{head}{body}\n</definitions>\n".encode()


def process(body: str, process_id: str = "p", attributes: str = 'isExecutable="true"') -> str:
    return f'<process id="{process_id}" {attributes}>\n{body}</process>'


def parse_body(body: str, *extra: str) -> Definitions:
    """Parse one executable process `body`, with `extra` parts (messages...) before it."""
    return parse(definitions(*extra, process(body)))


def only_process(body: str, *extra: str) -> ProcessModel:
    (model,) = parse_body(body, *extra).processes.values()
    return model


def node_of(body: str, node_id: str, *extra: str) -> FlowNode:
    """The node `node_id` of a process whose body is `START_END` plus `body`."""
    return only_process(START_END + body, *extra).nodes[node_id]


def line_of(xml: bytes, needle: str) -> int:
    """The 1-based line of `xml` where `needle` first occurs."""
    text = xml.decode()
    index = text.index(needle)
    return text.count("\n", 0, index) + 1


def corpus_dir() -> Path:
    """The shared corpus: `$LANES_CORPUS_DIR`, else `shared/corpus` beside the project."""
    override = os.environ.get("LANES_CORPUS_DIR")
    return Path(override) if override else Path(__file__).parents[4] / "shared" / "corpus"
