"""Start, end, intermediate and boundary events (BPMN 2.0 §10.5): one function per kind.

A token reaching an event that already happened (a fired boundary, an event after an
event-based gateway) carries "fired" and moves straight on. Imports bpmn and engine
modules only (Run only for type checking).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lanes.bpmn.model import FlowNode
from lanes.engine import events as ev
from lanes.engine.errors import Stuck
from lanes.engine.multi_instance import instance_done
from lanes.engine.state import Execution
from lanes.engine.triggers import throw

if TYPE_CHECKING:
    from lanes.engine.runtime import Run


def start_event(run: Run, ex: Execution, node: FlowNode) -> None:
    ex.pop("fired", None)
    run.leave(ex)


def boundary_event(run: Run, ex: Execution, node: FlowNode) -> None:
    ex.pop("fired", None)
    run.leave(ex)


def end_event(run: Run, ex: Execution, node: FlowNode) -> None:
    kind = node.event.kind if node.event else None
    if kind == "terminate":
        _terminate_scope(run, ex, node)
        return
    if kind == "error":
        code = node.event.ref if node.event else None
        if throw(run, ex, "error", code):
            run.ex.pop(ex["id"], None)  # the catcher cancelled this scope already
            return
        run.emit(ev.ErrorNotCaught(code, node.id))
    elif kind == "escalation":
        code = node.event.ref if node.event else None
        throw(run, ex, "escalation", code)
        if ex["id"] not in run.ex:
            return  # an interrupting catcher cancelled this token
    else:
        _throw_message_or_signal(run, ex, node)
    run.last_end_node = node.id
    run.end_token(ex)


def intermediate_catch_event(run: Run, ex: Execution, node: FlowNode) -> None:
    if ex.pop("fired", False) or node.event is None or node.event.kind == "link":
        run.leave(ex)
        return
    ex["status"] = "wait"
    if node.event.kind == "conditional":
        assert node.event.condition is not None
        try:
            holds = run.condition_holds(node.event.condition, ex)
        except Stuck:
            holds = False  # as in Camunda: a variable it needs may be set later
        if holds:
            run.leave(ex)
            return
    if node.event.kind not in ("timer", "message", "signal", "conditional"):
        raise Stuck(f"{node.event.kind} catch events are not run by lanes")
    run.open_event_wait(ex, node)


def intermediate_throw_event(run: Run, ex: Execution, node: FlowNode) -> None:
    kind = node.event.kind if node.event else None
    if kind == "link":
        target = _link_target(run, node)
        flow_from = ex.get("flow")
        run.emit(ev.ActivityLeft(ex["id"], node.id, run.at))
        ex["node"] = target.id
        ex["flow"] = flow_from
        run.enter(ex)
        return
    if kind == "escalation":
        throw(run, ex, "escalation", node.event.ref if node.event else None)
        if ex["id"] not in run.ex:
            return
    else:
        _throw_message_or_signal(run, ex, node)
    run.leave(ex)


def _throw_message_or_signal(run: Run, ex: Execution, node: FlowNode) -> None:
    event = node.event
    if event is None or event.ref is None:
        return
    variables = dict(run.variables(ex))
    if event.kind == "signal":
        run.emit(ev.SignalThrown(event.ref, node.id, variables))
    elif event.kind == "message":
        run.emit(ev.MessageThrown(event.ref, node.id, variables))


def _terminate_scope(run: Run, ex: Execution, node: FlowNode) -> None:
    """Terminate end (§10.5.3): end every token of the enclosing scope."""
    scope = run.parent(ex)
    del run.ex[ex["id"]]
    if scope["parent"] is None:
        run.end_instance("completed", end_node=node.id)
        return
    for child in run.children(scope):
        run.cancel(child, "terminated")
    if scope.get("inst"):
        instance_done(run, scope, run.nodes[scope["node"]])
    else:
        run.leave(scope)


def _link_target(run: Run, node: FlowNode) -> FlowNode:
    name = node.event.ref if node.event else None
    for candidate in run.model.nodes.values():
        if (
            candidate.kind == "intermediateCatchEvent"
            and candidate.scope == node.scope
            and candidate.event is not None
            and candidate.event.kind == "link"
            and candidate.event.ref == name
        ):
            return candidate
    raise Stuck(f"no link catch event named {name!r} for '{node.id}'")
