"""What happens when something a token waits for arrives: timers, messages, signals,
conditions, and BPMN errors and escalations looking for their catcher.

Boundary events (§10.5.4), event subprocesses (§10.3.5), event-based gateways and
intermediate catch events all wait through subscriptions held in the state; firing
one lands here. Imports bpmn and engine modules only (Run only for type checking).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lanes.bpmn.model import FlowNode
from lanes.engine import events as ev
from lanes.engine.state import Execution
from lanes.engine.timers import TimerSchedule, from_iso, next_due, to_iso

if TYPE_CHECKING:
    from lanes.engine.runtime import Run


def fire_subscription(run: Run, sub: dict[str, Any], variables: dict[str, Any]) -> None:
    """Deliver a timer, message, signal or condition to whatever waits for it."""
    owner = run.ex[sub["ex"]]
    node = run.nodes[sub["node"]]
    run.touch(owner)
    if sub["kind"] == "async":
        del run.state["subs"][sub["id"]]
        owner["async_done"] = True
        run.enter(owner)
        return
    repeating = _reschedule(run, sub, node)
    if node.kind == "boundaryEvent":
        if not repeating and (node.interrupting or sub["kind"] == "timer"):
            _drop(run, sub)
        run.set_variables(owner, variables)
        fire_boundary(run, owner, node)
    elif node.kind == "startEvent":
        if not repeating and (node.interrupting or sub["kind"] == "timer"):
            _drop(run, sub)
        run.set_variables(owner, variables)
        start_event_subprocess(run, owner, node)
    elif owner["node"] != node.id:
        # an event-based gateway: the first event to arrive decides the way
        run.close_subscriptions(owner)
        run.set_variables(owner, variables)
        flow = next(
            f for f in run.nodes[owner["node"]].outgoing if run.model.flows[f].target == node.id
        )
        run.emit(ev.ActivityLeft(owner["id"], owner["node"], run.at))
        run.emit(ev.FlowTaken(flow, owner["node"], node.id, run.at))
        owner["node"] = node.id
        owner["flow"] = flow
        owner["fired"] = True
        run.enter(owner)
    else:
        run.close_subscriptions(owner)
        run.set_variables(owner, variables)
        run.leave(owner)


def fire_boundary(run: Run, owner: Execution, boundary: FlowNode) -> None:
    """A boundary event fired on the activity held by `owner`."""
    parent = run.parent(owner)
    if boundary.interrupting:
        run.cancel(owner, "interrupted")
    token = run.new_exec(parent, boundary.id, fired=True)
    run.enter(token)


def start_event_subprocess(run: Run, scope: Execution, start: FlowNode) -> None:
    """Start the event subprocess holding `start` inside `scope` (interrupting or not)."""
    esp = run.nodes[start.scope] if start.scope else None
    assert esp is not None
    if start.interrupting:
        for child in run.children(scope):
            run.cancel(child, "interrupted")
        run.close_subscriptions(scope)
    inner = run.new_exec(scope, esp.id, status="scope")
    run.visit(inner, esp)
    run.start_scope(inner, esp.id, start_node=start.id)
    for token in run.children(inner):
        token["fired"] = True


def find_catcher(
    run: Run, ex: Execution, kind: str, code: str | None
) -> tuple[Execution, FlowNode] | None:
    """The nearest boundary event or event-subprocess start catching error/escalation `code`.

    Looks outward from ex: at each scope first its event subprocesses, then the boundary
    events of the activity that scope is.
    """
    for current in run.ancestors(ex):
        if current["status"] == "scope":
            scope_id = current["node"]
            if scope_id is None or run.nodes[scope_id].is_scope:
                for esp_id in run.model.scopes[scope_id].event_subprocesses:
                    for start_id in run.model.scopes[esp_id].nodes:
                        start = run.nodes[start_id]
                        if start.kind == "startEvent" and _catches(start, kind, code):
                            return current, start
        if current["node"] is not None and not current.get("inst"):
            for boundary_id in run.nodes[current["node"]].boundaries:
                boundary = run.nodes[boundary_id]
                if _catches(boundary, kind, code):
                    return current, boundary
    return None


def throw(run: Run, ex: Execution, kind: str, code: str | None) -> bool:
    """Throw a BPMN error or escalation from ex; True when something caught it."""
    found = find_catcher(run, ex, kind, code)
    if found is None:
        return False
    owner, catcher = found
    if catcher.event is not None and catcher.event.code_variable and code is not None:
        run.set_variables(owner, {catcher.event.code_variable: code})
    if catcher.kind == "boundaryEvent":
        fire_boundary(run, owner, catcher)
    else:
        start_event_subprocess(run, owner, catcher)
    return True


def _catches(node: FlowNode, kind: str, code: str | None) -> bool:
    event = node.event
    if event is None or event.kind != kind:
        return False
    return event.ref is None or event.ref == code


def _drop(run: Run, sub: dict[str, Any]) -> None:
    del run.state["subs"][sub["id"]]
    if sub["kind"] in ("timer", "async"):
        run.emit(ev.JobCancelled(sub["id"]))
    else:
        run.emit(ev.SubscriptionClosed(sub["id"]))


def _reschedule(run: Run, sub: dict[str, Any], node: FlowNode) -> bool:
    """A timer cycle on a non-interrupting event fires again: move its due time on."""
    if sub["kind"] != "timer" or "period" not in sub or node.interrupting:
        return False
    schedule = TimerSchedule(from_iso(sub["due"]), sub.get("repeats"), sub["period"])
    following = next_due(schedule, run.ctx.now)
    if following is None:
        return False
    sub["due"] = to_iso(following.due)
    sub["repeats"] = following.repeats_left
    sub["period"] = following.period
    run.emit(ev.JobScheduled(sub["id"], "timer", node.id, sub["ex"], sub["due"]))
    return True
