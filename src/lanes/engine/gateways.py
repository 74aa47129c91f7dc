"""Gateways (BPMN 2.0 §10.6): exclusive, parallel, inclusive and event-based.

A gateway with more than one incoming flow joins: arriving tokens wait with status
"join" until the gateway fires. The parallel join waits for one token per incoming
flow; the inclusive join waits only for tokens that can still arrive. Imports bpmn and
engine modules only (Run only for type checking).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lanes.bpmn.model import FlowNode
from lanes.engine import events as ev
from lanes.engine.errors import Stuck
from lanes.engine.state import Execution

if TYPE_CHECKING:
    from lanes.engine.runtime import Run


def exclusive_gateway(run: Run, ex: Execution, node: FlowNode) -> None:
    """The first flow (document order) whose condition holds, else the default flow."""
    if not node.outgoing:
        run.end_token(ex)
        return
    run.pass_on(ex, run.choose_flows(ex, node, first_only=True))


def parallel_gateway(run: Run, ex: Execution, node: FlowNode) -> None:
    if len(node.incoming) > 1:
        ex["status"] = "join"
        if len(_arrivals(run, ex)) < len(node.incoming):
            return
        ex = _merge(run, ex, node, len(node.incoming))
    run.pass_on(ex, node.outgoing)


def inclusive_gateway(run: Run, ex: Execution, node: FlowNode) -> None:
    if len(node.incoming) > 1:
        ex["status"] = "join"
        if not run.inclusive_join_ready(ex):
            return  # Run settles waiting inclusive joins once the agenda is empty
        ex = _merge(run, ex, node, None)
    _inclusive_fork(run, ex, node)


def fire_join(run: Run, ex: Execution, node: FlowNode) -> None:
    """Fire a waiting inclusive join whose other tokens can no longer arrive."""
    ex = _merge(run, ex, node, None)
    _inclusive_fork(run, ex, node)


def _inclusive_fork(run: Run, ex: Execution, node: FlowNode) -> None:
    run.pass_on(ex, run.choose_flows(ex, node, first_only=False))


def event_based_gateway(run: Run, ex: Execution, node: FlowNode) -> None:
    """Wait for whichever following event comes first (BPMN 2.0 §10.6.6)."""
    ex["status"] = "wait"
    for flow_id in node.outgoing:
        target = run.nodes[run.model.flows[flow_id].target]
        if target.kind == "receiveTask" and target.event is None:
            raise Stuck(f"receive task '{target.id}' after event-based gateway needs a message")
        run.open_event_wait(ex, target)


def _arrivals(run: Run, ex: Execution) -> list[Execution]:
    parent, gateway = ex["parent"], ex["node"]
    return [
        e
        for e in run.ex.values()
        if e["parent"] == parent and e["node"] == gateway and e["status"] == "join"
    ]


def _merge(run: Run, ex: Execution, node: FlowNode, count: int | None) -> Execution:
    """Consume waiting arrivals into ex: one per incoming flow first, then (for a parallel
    join, `count` in all) further ones in arrival order.

    The consumed arrivals are kept in ex["undo"] so withdrawing one completion can put
    the others back where they waited.
    """
    first_per_flow: dict[str | None, Execution] = {}
    extra: list[Execution] = []
    for e in [ex, *[a for a in _arrivals(run, ex) if a is not ex]]:
        if e.get("flow") not in first_per_flow:
            first_per_flow[e.get("flow")] = e
        else:
            extra.append(e)
    arrivals = list(first_per_flow.values())
    if count is not None:
        arrivals = (arrivals + extra)[:count]
    sources: list[str] = []
    undo: list[Execution] = []
    for arrival in arrivals:
        sources.extend(arrival.get("src", ()))
        undo.append(run.snapshot(arrival))
        if arrival is not ex:
            run.emit(ev.ActivityLeft(arrival["id"], node.id, run.at))
            del run.ex[arrival["id"]]
    ex["status"] = "wait"
    ex.pop("undo", None)
    if sources:
        ex["src"] = sorted(set(sources))
        ex["undo"] = undo
    else:
        ex.pop("src", None)
    return ex
