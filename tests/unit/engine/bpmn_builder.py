"""Tiny BPMN models written inline, and two ways to drive them.

`model_xml(body)` wraps a process body in <definitions> with the vendor namespaces;
`chain("a", "b", "c")` writes the sequence flows a->b->c. `start(body)` deploys and
starts one instance on an embedded Engine whose clock stands still at T0 until a test
advances it. `Harness` drives the bare `handle()` with a fixed time and counted ids,
checks the JSON round trip of the state after every command and keeps the events.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from lanes.bpmn import parse
from lanes.bpmn.model import ProcessModel
from lanes.embedded import Engine, Instance, Task
from lanes.engine import commands as cmd
from lanes.engine import events as ev
from lanes.engine.context import Context
from lanes.engine.handle import handle
from lanes.engine.state import State, new_state

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

_HEAD = (
    '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xmlns:flowable="http://flowable.org/bpmn"'
    ' xmlns:activiti="http://activiti.org/bpmn"'
    ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'
    ' targetNamespace="http://lanes.test">'
)


def model_xml(body: str, process_id: str = "p", header: str = "", more: str = "") -> bytes:
    """A <definitions> document: `header` (messages, signals, errors), the process, `more`."""
    process = f'<process id="{process_id}" isExecutable="true">{body}</process>'
    return f"{_HEAD}{header}{process}{more}</definitions>".encode()


def flow(source: str, target: str, condition: str | None = None, flow_id: str | None = None) -> str:
    """One sequence flow, id `source-target` unless given; `condition` is JUEL."""
    fid = flow_id or f"{source}-{target}"
    if condition is None:
        return f'<sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}"/>'
    return (
        f'<sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}">'
        f'<conditionExpression xsi:type="tFormalExpression"><![CDATA[{condition}]]>'
        "</conditionExpression></sequenceFlow>"
    )


def chain(*node_ids: str) -> str:
    """Sequence flows joining the nodes in the order given."""
    return "".join(flow(a, b) for a, b in itertools.pairwise(node_ids))


def user_tasks(*node_ids: str) -> str:
    return "".join(f'<userTask id="{n}" name="{n}"/>' for n in node_ids)


def linear(*task_ids: str) -> str:
    """start -> user tasks in order -> end."""
    return (
        '<startEvent id="start"/>'
        + user_tasks(*task_ids)
        + '<endEvent id="end"/>'
        + chain("start", *task_ids, "end")
    )


def deploy(*documents: bytes) -> Engine:
    engine = Engine(clock=lambda: T0)
    for document in documents:
        engine.deploy(document)
    return engine


def start(
    body: str,
    variables: dict[str, Any] | None = None,
    header: str = "",
    user: str | None = None,
    more: str = "",
) -> tuple[Engine, Instance]:
    """Deploy the process `p` built from `body` and start one instance of it."""
    engine = deploy(model_xml(body, header=header, more=more))
    return engine, engine.start("p", variables=variables, user=user)


def task_at(inst: Instance, node_id: str) -> Task:
    """The one open task at `node_id`."""
    found = [t for t in inst.tasks() if t.node_id == node_id]
    assert len(found) == 1, f"expected one task at {node_id}, found {inst.tasks()}"
    return found[0]


def tasks_at(inst: Instance, node_id: str) -> list[Task]:
    return [t for t in inst.tasks() if t.node_id == node_id]


def open_nodes(inst: Instance) -> list[str]:
    """Node ids of the open user tasks, sorted."""
    return sorted(t.node_id for t in inst.tasks())


def complete_at(inst: Instance, node_id: str, variables: dict[str, Any] | None = None) -> None:
    inst.complete(task_at(inst, node_id).id, variables)


class Harness:
    """The bare engine: handle() with a fixed clock and ids "1", "2", ...

    Every command's state must survive a JSON round trip unchanged.
    """

    def __init__(self, body: str, header: str = "", process_id: str = "p") -> None:
        definitions = parse(model_xml(body, process_id=process_id, header=header))
        self.model: ProcessModel = definitions.processes[process_id]
        self.state: State = new_state("i", process_id, None)
        self._ids = itertools.count(1)
        self.now = T0
        self.events: list[ev.Event] = []

    def ctx(self) -> Context:
        return Context(self.now, lambda: str(next(self._ids)))

    def send(self, command: cmd.Command) -> list[ev.Event]:
        outcome = handle(self.model, self.state, command, self.ctx())
        self.state = outcome.state
        assert json.loads(json.dumps(self.state)) == self.state
        self.events.extend(outcome.events)
        return outcome.events

    def task_id(self, node_id: str) -> str:
        found = [t["id"] for t in self.state["tasks"].values() if t["node"] == node_id]
        assert len(found) == 1, f"expected one task at {node_id}: {self.state['tasks']}"
        return found[0]


def of_type(events: Iterable[ev.Event], kind: type) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]
