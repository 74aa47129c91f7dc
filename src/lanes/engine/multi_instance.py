"""Multi-instance activities (BPMN 2.0 §10.2.8), parallel and sequential.

The token entering the activity becomes the body (status "mi") holding the counters
nrOfInstances / nrOfActiveInstances / nrOfCompletedInstances as its local variables;
each instance is a child execution at the same node with `loopCounter` and the
element variable as its own locals. Boundary events belong to the body.
Imports bpmn and engine modules only (Run only for type checking).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lanes.bpmn.model import FlowNode, MultiInstance
from lanes.engine import events as ev
from lanes.engine.errors import Stuck
from lanes.engine.state import Execution

if TYPE_CHECKING:
    from lanes.engine.runtime import Run

TOTAL = "nrOfInstances"
ACTIVE = "nrOfActiveInstances"
COMPLETED = "nrOfCompletedInstances"


def start_multi_instance(run: Run, body: Execution, node: FlowNode) -> None:
    loop = node.loop
    assert loop is not None
    items = _collection(run, body, loop)
    count = len(items) if items is not None else 0
    if loop.cardinality is not None:
        value = run.evaluate(loop.cardinality, body)
        try:
            count = int(value)
        except (TypeError, ValueError):
            raise Stuck(f"loopCardinality of '{node.id}' gave {value!r}, not a number") from None
    if count < 0:
        raise Stuck(f"loopCardinality of '{node.id}' is negative ({count})")
    if count == 0:
        run.visit(body, node)
        run.emit(ev.ActivityLeft(body["id"], node.id, run.at))
        run.take_outgoing(body, node)
        return
    body["status"] = "mi"
    body["vars"] = {TOTAL: count, ACTIVE: 1 if loop.sequential else count, COMPLETED: 0}
    if items is not None:
        body["items"] = items
    if node.boundaries:
        run.open_boundaries(body, node)
    for index in range(1 if loop.sequential else count):
        run.enter(new_instance(run, body, node, index))


def new_instance(
    run: Run, body: Execution, node: FlowNode, index: int, element: Any = None
) -> Execution:
    loop = node.loop
    assert loop is not None
    local: dict[str, Any] = {loop.loop_counter_variable: index}
    items = body.get("items")
    if loop.element_variable:
        if items is not None and index < len(items):
            element = items[index]
        local[loop.element_variable] = element
    status = "scope" if node.is_scope else "wait"
    return run.new_exec(body, node.id, inst=True, vars=local, status=status)


def instance_done(run: Run, instance: Execution, node: FlowNode) -> None:
    """One instance finished: count it, then finish the body or start the next one."""
    loop = node.loop
    assert loop is not None
    body = run.parent(instance)
    counters = body["vars"]
    counters[COMPLETED] += 1
    counters[ACTIVE] -= 1
    finished = counters[COMPLETED] >= counters[TOTAL]
    if not finished and loop.completion_condition is not None:
        finished = run.condition_holds(loop.completion_condition, instance)
    sources = instance.get("src")
    run.ex.pop(instance["id"], None)
    if finished:
        finish_body(run, body, node, sources)
    elif loop.sequential:
        nxt = new_instance(run, body, node, counters[COMPLETED])
        counters[ACTIVE] = 1
        if sources:
            nxt["src"] = list(sources)
        run.enter(nxt)


def finish_body(run: Run, body: Execution, node: FlowNode, sources: list[str] | None) -> None:
    """Leave the multi-instance activity, cancelling instances still running."""
    snapshot = run.snapshot(body)
    cancelled = []
    for child in run.children(body):
        cancelled.append(run.snapshot(child))
        run.cancel(child, "completionCondition")
    run.close_subscriptions(body)
    if sources:
        body["src"] = list(sources)
        body["undo"] = [snapshot, *cancelled]
    run.take_outgoing(body, node)


def _collection(run: Run, body: Execution, loop: MultiInstance) -> list[Any] | None:
    if loop.collection is None:
        return None
    value = run.evaluate(loop.collection, body)
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list | tuple):
        return list(value)
    if value is None:
        raise Stuck(f"the multi-instance collection {loop.collection.text} is null")
    raise Stuck(f"the multi-instance collection {loop.collection.text} is {value!r}, not a list")
