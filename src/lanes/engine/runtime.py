"""One command's run over one instance: the execution tree and the moves every element shares.

`Run` holds the model, the state it mutates, the context and the events emitted so far.
Element behaviours (one function per BPMN element kind, in `behaviours.py`) call its
primitives: enter a node, leave it, move a token along flows, end a token, open and
close subscriptions, cancel a subtree, raise an incident. Work is queued on an agenda
and run breadth-first, so parallel branches advance in document order and deep chains
never recurse. Imports bpmn, expr and engine modules only.
"""

from __future__ import annotations

from collections import ChainMap, deque
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from lanes.bpmn.model import FlowNode, ProcessModel, SequenceFlow
from lanes.engine import events as ev
from lanes.engine.context import Context
from lanes.engine.errors import Stuck
from lanes.engine.gateways import fire_join
from lanes.engine.graph import reachable_from
from lanes.engine.multi_instance import instance_done, start_multi_instance
from lanes.engine.state import Execution, State
from lanes.engine.timers import TimerError, first_due, to_iso
from lanes.engine.triggers import fire_subscription
from lanes.expr import Expression, ExpressionError

Behaviour = Callable[["Run", Execution, FlowNode], None]

_ENTER = 0
_LEAVE = 1
_SKIP_FLAGS = ("_ACTIVITI_SKIP_EXPRESSION_ENABLED", "_FLOWABLE_SKIP_EXPRESSION_ENABLED")


class Run:
    def __init__(
        self,
        model: ProcessModel,
        state: State,
        ctx: Context,
        behaviours: Mapping[str, Behaviour],
    ) -> None:
        self.model = model
        self.nodes = model.nodes
        self.state = state
        self.ex: dict[str, Execution] = state["ex"]
        self.ctx = ctx
        self.at = to_iso(ctx.now)
        self.behaviours = behaviours
        self.events: list[ev.Event] = []
        self.agenda: deque[tuple[int, str]] = deque()
        self.vars_changed = False
        self.last_end_node: str | None = None  # the end event that consumed the last token

    # -- the execution tree -----------------------------------------------------------

    @property
    def root(self) -> Execution:
        return self.ex[self.state["id"]]

    def new_exec(self, parent: Execution, node_id: str | None, **extra: Any) -> Execution:
        ex_id = self.ctx.new_id()
        ex: Execution = {"id": ex_id, "parent": parent["id"], "node": node_id, "status": "wait"}
        ex.update(extra)
        self.ex[ex_id] = ex
        return ex

    def children(self, ex: Execution) -> list[Execution]:
        ex_id = ex["id"]
        return [e for e in self.ex.values() if e["parent"] == ex_id]

    def ancestors(self, ex: Execution) -> Iterator[Execution]:
        """ex itself, then its parent, up to the root."""
        current: Execution | None = ex
        while current is not None:
            yield current
            parent = current["parent"]
            current = self.ex.get(parent) if parent is not None else None

    def parent(self, ex: Execution) -> Execution:
        parent: Execution = self.ex[ex["parent"]]
        return parent

    # -- variables ----------------------------------------------------------------------

    def variables(self, ex: Execution) -> Mapping[str, Any]:
        """The variables visible from ex: its own, then each enclosing scope's."""
        chain: list[dict[str, Any]] = [v for e in self.ancestors(ex) if (v := e.get("vars"))]
        if not chain:
            root_vars: dict[str, Any] = self.root["vars"]
            return root_vars
        if len(chain) == 1:
            return chain[0]
        return ChainMap(*chain)

    def set_variables(
        self, ex: Execution, variables: Mapping[str, Any], local: bool = False
    ) -> None:
        """Set each variable where it already lives locally, else on the instance."""
        if not variables:
            return
        changed: dict[str, dict[str, Any]] = {}
        for name, value in variables.items():
            target = ex if local else self._owner_of(ex, name)
            target.setdefault("vars", {})[name] = value
            changed.setdefault(target["id"], {})[name] = value
        for ex_id, values in changed.items():
            self.emit(ev.VariablesChanged(ex_id, values, self.at))
        self.vars_changed = True

    def _owner_of(self, ex: Execution, name: str) -> Execution:
        for e in self.ancestors(ex):
            if e["parent"] is None or name in e.get("vars", ()):
                return e
        return self.root

    def evaluate(self, expression: Expression, ex: Execution) -> Any:
        if expression.is_literal:
            return expression.text
        try:
            return expression.evaluate(self.variables(ex), self.ctx.now)
        except ExpressionError as exc:
            raise Stuck(str(exc)) from None

    def condition_holds(self, expression: Expression, ex: Execution) -> bool:
        value = self.evaluate(expression, ex)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if value is None:
            return False
        raise Stuck(f"condition {expression.text} gave {value!r}, not a boolean")

    def skip_enabled(self, ex: Execution) -> bool:
        variables = self.variables(ex)
        return any(variables.get(flag) in (True, "true") for flag in _SKIP_FLAGS)

    # -- the agenda ---------------------------------------------------------------------

    def emit(self, event: ev.Event) -> None:
        self.events.append(event)

    def enter(self, ex: Execution) -> None:
        self.agenda.append((_ENTER, ex["id"]))

    def leave(self, ex: Execution) -> None:
        self.agenda.append((_LEAVE, ex["id"]))

    def run(self) -> None:
        """Work the agenda until every token rests; then settle joins and conditions."""
        while True:
            while self.agenda:
                op, ex_id = self.agenda.popleft()
                ex = self.ex.get(ex_id)
                if ex is None:
                    continue  # cancelled while queued
                try:
                    if op == _ENTER:
                        self._enter(ex)
                    else:
                        self._leave(ex)
                except Stuck as exc:
                    self.raise_incident(ex, str(exc))
            if self.state["status"] != "active":
                return
            if self._settle_inclusive_joins() or self._settle_conditions():
                continue
            return

    def _enter(self, ex: Execution) -> None:
        node = self.nodes[ex["node"]]
        if node.loop is not None and not ex.get("inst"):
            start_multi_instance(self, ex, node)
            return
        if node.async_before and not ex.pop("async_done", False):
            ex["status"] = "wait"
            self.open_job(ex, node, "async", self.at)
            return
        self.visit(ex, node)
        if node.unsupported:
            raise Stuck(f"{node.unsupported} (element '{node.id}')")
        if node.skip is not None and self.skip_enabled(ex) and self.condition_holds(node.skip, ex):
            self.leave(ex)
            return
        if node.boundaries and not ex.get("inst"):
            self.open_boundaries(ex, node)
        self.behaviours[node.kind](self, ex, node)

    def visit(self, ex: Execution, node: FlowNode) -> None:
        self.state["visited"].append(node.id)
        self.emit(ev.ActivityEntered(ex["id"], node.id, node.kind, node.name, self.at))

    def _leave(self, ex: Execution) -> None:
        node = self.nodes[ex["node"]]
        self.close_subscriptions(ex)
        self.emit(ev.ActivityLeft(ex["id"], node.id, self.at))
        if ex.get("inst"):
            instance_done(self, ex, node)
            return
        self.take_outgoing(ex, node)

    # -- sequence flows -------------------------------------------------------------------

    def flow_holds(self, flow: SequenceFlow, ex: Execution) -> bool:
        """Whether a token at ex may take `flow`: its skip expression (when skipping is
        enabled) or else its condition; a flow without either always may."""
        if flow.unsupported:
            raise Stuck(f"{flow.unsupported} (flow '{flow.id}')")
        if flow.skip is not None and self.skip_enabled(ex) and self.condition_holds(flow.skip, ex):
            return True
        return flow.condition is None or self.condition_holds(flow.condition, ex)

    def choose_flows(self, ex: Execution, node: FlowNode, first_only: bool) -> list[str]:
        """The outgoing flows to take, in document order; the default flow only when no other
        holds. Raises Stuck when none can be taken."""
        flows = self.model.flows
        chosen = []
        for flow_id in node.outgoing:
            if flow_id != node.default_flow and self.flow_holds(flows[flow_id], ex):
                chosen.append(flow_id)
                if first_only:
                    break
        if not chosen and node.default_flow:
            chosen.append(node.default_flow)
        if node.outgoing and not chosen:
            raise Stuck(f"no outgoing flow of '{node.id}' has a condition that holds")
        return chosen

    def take_outgoing(self, ex: Execution, node: FlowNode) -> None:
        """Leave an activity or event: unconditioned flows always, conditioned ones when true,
        the default flow only when nothing else was taken (BPMN 2.0 §10.2.1)."""
        outgoing = node.outgoing
        if len(outgoing) == 1:
            flow = self.model.flows[outgoing[0]]
            if flow.condition is None and flow.skip is None and flow.unsupported is None:
                self.move_along(ex, outgoing)
                return
        self.move_along(ex, self.choose_flows(ex, node, first_only=False))

    def pass_on(self, ex: Execution, flow_ids: list[str] | tuple[str, ...]) -> None:
        """A gateway is done with ex: record that it left, then send it along the flows."""
        self.emit(ev.ActivityLeft(ex["id"], ex["node"], self.at))
        self.move_along(ex, flow_ids)

    def move_along(self, ex: Execution, flow_ids: list[str] | tuple[str, ...]) -> None:
        """Send ex down the first flow and a new sibling token down each other one."""
        if not flow_ids:
            self.end_token(ex)
            return
        flows = self.model.flows
        for i, flow_id in enumerate(flow_ids):
            flow = flows[flow_id]
            self.emit(ev.FlowTaken(flow_id, flow.source, flow.target, self.at))
            if i == 0:
                token = ex
                for key in ("vars", "task", "ext", "call", "items", "inst"):
                    token.pop(key, None)
                token["node"] = flow.target
                token["status"] = "wait"
                token["flow"] = flow_id
            else:
                token = self.new_exec(self.parent(ex), flow.target, flow=flow_id)
                if "src" in ex:
                    token["src"] = list(ex["src"])
            self.enter(token)

    def end_token(self, ex: Execution) -> None:
        """A token is consumed (end event, flow-less node); its scope may be complete."""
        self.close_subscriptions(ex)
        self.emit(ev.ActivityLeft(ex["id"], ex["node"], self.at))
        del self.ex[ex["id"]]
        scope = self.ex[ex["parent"]]
        ends_subprocess = scope["parent"] is not None and not scope.get("inst")
        if "src" in ex and ends_subprocess and not self.children(scope):
            # the completion that ended this subprocess can still be withdrawn: the scope
            # moving on carries it, with a copy of itself to put back
            scope["undo"] = [self.snapshot(scope)]
            scope["src"] = list(ex["src"])
        self.scope_maybe_done(scope)

    def scope_maybe_done(self, scope: Execution) -> None:
        if scope["status"] not in ("scope",) or self.children(scope):
            return
        if scope["parent"] is None:
            self.end_instance("completed", end_node=self.last_end_node)
        else:
            self.leave(scope)

    def end_instance(
        self, state: str, reason: str | None = None, end_node: str | None = None
    ) -> None:
        root = self.root
        for child in self.children(root):
            self.cancel(child, reason or "ended")
        self.close_subscriptions(root)
        self.state["status"] = state
        self.state["done"] = {}
        self.agenda.clear()
        self.emit(ev.InstanceEnded(self.state["id"], self.at, state, reason, end_node))

    # -- cancellation -----------------------------------------------------------------------

    def cancel(self, ex: Execution, reason: str) -> None:
        """Remove ex and everything under it, closing its tasks, jobs and subscriptions."""
        for child in self.children(ex):
            self.cancel(child, reason)
        self.close_subscriptions(ex)
        task_id = ex.get("task")
        if task_id is not None:
            task = self.state["tasks"].pop(task_id, None)
            if task is not None:
                self.emit(ev.TaskEnded(task_id, task["node"], self.at, reason))
        ext_id = ex.get("ext")
        if ext_id is not None and self.state["ext"].pop(ext_id, None) is not None:
            self.emit(ev.ExternalTaskEnded(ext_id, "cancelled"))
        if ex.get("call"):
            self.emit(ev.CallActivityCancelled(ex["id"], ex["node"]))
        for incident_id in [
            i for i, inc in self.state["incidents"].items() if inc["ex"] == ex["id"]
        ]:
            del self.state["incidents"][incident_id]
            self.emit(ev.IncidentResolved(incident_id))
        if ex["node"] is not None and ex["parent"] is not None:
            self.emit(ev.ActivityLeft(ex["id"], ex["node"], self.at, canceled=True))
        self.ex.pop(ex["id"], None)

    def position_in(self, ex: Execution, scope: Execution) -> Execution | None:
        """The ancestor of ex (or ex) that is a direct child of `scope`."""
        for e in self.ancestors(ex):
            if e["parent"] == scope["id"]:
                return e
        return None

    # -- incidents ---------------------------------------------------------------------------

    def raise_incident(self, ex: Execution, message: str) -> None:
        ex["status"] = "incident"
        incident_id = self.ctx.new_id()
        self.state["incidents"][incident_id] = {
            "id": incident_id,
            "ex": ex["id"],
            "node": ex["node"],
            "message": message,
            "at": self.at,
        }
        self.emit(ev.Incident(incident_id, ex["node"] or "", ex["id"], message, self.at))

    # -- subscriptions, timers and jobs ---------------------------------------------------

    def open_subscription(self, ex: Execution, node: FlowNode, kind: str, name: str | None) -> str:
        sub_id = self.ctx.new_id()
        self.state["subs"][sub_id] = {
            "id": sub_id,
            "kind": kind,
            "ex": ex["id"],
            "node": node.id,
            "name": name,
        }
        self.emit(ev.SubscriptionOpened(sub_id, kind, name, node.id, ex["id"]))
        return sub_id

    def open_job(self, ex: Execution, node: FlowNode, kind: str, due: str, **extra: Any) -> str:
        job_id = self.ctx.new_id()
        job = {"id": job_id, "kind": kind, "ex": ex["id"], "node": node.id, "due": due}
        job.update(extra)
        self.state["subs"][job_id] = job
        self.emit(ev.JobScheduled(job_id, kind, node.id, ex["id"], due))
        return job_id

    def open_timer(self, ex: Execution, node: FlowNode) -> str:
        event = node.event
        assert event is not None and event.timer is not None and event.timer_kind is not None
        value = self.evaluate(event.timer, ex)
        try:
            schedule = first_due(event.timer_kind, value, self.ctx.now)
        except TimerError as exc:
            raise Stuck(f"timer of '{node.id}': {exc}") from None
        extra: dict[str, Any] = {}
        if event.timer_kind == "cycle" and schedule.period is not None:
            extra = {"repeats": schedule.repeats_left, "period": schedule.period}
        return self.open_job(ex, node, "timer", to_iso(schedule.due), **extra)

    def open_event_wait(self, ex: Execution, node: FlowNode) -> None:
        """Subscribe ex to the trigger of catch event / boundary / event start `node`."""
        event = node.event
        if event is None:
            return
        if event.kind == "timer":
            self.open_timer(ex, node)
        elif event.kind in ("message", "signal", "conditional"):
            self.open_subscription(ex, node, event.kind, event.ref)

    def open_boundaries(self, ex: Execution, node: FlowNode) -> None:
        for boundary_id in node.boundaries:
            self.open_event_wait(ex, self.nodes[boundary_id])

    def close_subscriptions(self, ex: Execution) -> None:
        subs = self.state["subs"]
        if not subs:
            return
        ex_id = ex["id"]
        for sub_id in [s for s, sub in subs.items() if sub["ex"] == ex_id]:
            sub = subs.pop(sub_id)
            if sub["kind"] in ("timer", "async"):
                self.emit(ev.JobCancelled(sub_id))
            else:
                self.emit(ev.SubscriptionClosed(sub_id))

    # -- scopes ----------------------------------------------------------------------------

    def start_scope(
        self, scope: Execution, scope_id: str | None, start_node: str | None = None
    ) -> None:
        """Open a scope's event-subprocess triggers and put a token on its start event."""
        model_scope = self.model.scopes[scope_id]
        for esp_id in model_scope.event_subprocesses:
            for start_id in self.model.scopes[esp_id].nodes:
                start = self.nodes[start_id]
                if start.kind == "startEvent":
                    self.open_event_wait(scope, start)
        if start_node is None:
            starts = [s for s in model_scope.starts if self.nodes[s].event is None]
            if not starts:
                raise Stuck(f"scope '{scope_id or self.model.id}' has no none start event")
            start_node = starts[0]
        self.enter(self.new_exec(scope, start_node))

    # -- withdraw bookkeeping ---------------------------------------------------------------

    def touch(self, ex: Execution) -> None:
        """Someone worked on ex: the completions that produced it (or the scope or
        multi-instance it runs in) can no longer be withdrawn."""
        done = self.state["done"]
        for e in self.ancestors(ex):
            e.pop("undo", None)
            for task_id in e.pop("src", ()):
                done.pop(task_id, None)

    def snapshot(self, ex: Execution) -> Execution:
        """A copy of ex to put back on withdraw. Shallow is enough: the engine replaces
        nested values rather than changing them in place, except local variables."""
        copied = dict(ex)
        if "vars" in copied:
            copied["vars"] = dict(copied["vars"])
        return copied

    # -- inclusive joins and conditional events ----------------------------------------------

    def _settle_inclusive_joins(self) -> bool:
        waiting = [
            e
            for e in self.ex.values()
            if e["status"] == "join" and self.nodes[e["node"]].kind == "inclusiveGateway"
        ]
        for ex in waiting:
            if ex["id"] in self.ex and self.inclusive_join_ready(ex):
                fire_join(self, ex, self.nodes[ex["node"]])
                return True
        return False

    def inclusive_join_ready(self, ex: Execution) -> bool:
        """A token waits on every incoming flow, or no other token of this scope can still
        arrive (Camunda's rule; it keeps joins inside loops from waiting on themselves)."""
        gateway = ex["node"]
        siblings = self.children(self.parent(ex))
        arrived = {
            e.get("flow") for e in siblings if e["node"] == gateway and e["status"] == "join"
        }
        if arrived.issuperset(self.nodes[gateway].incoming):
            return True
        for other in siblings:
            if other["node"] == gateway:
                if other["status"] == "join":
                    continue
                return False  # moved here, its arrival still queued on the agenda
            if other["node"] is not None and gateway in reachable_from(self.model, other["node"]):
                return False
        return True

    def _settle_conditions(self) -> bool:
        if not self.vars_changed:
            return False
        self.vars_changed = False
        fired = False
        for sub in list(self.state["subs"].values()):
            if sub["kind"] != "conditional" or sub["id"] not in self.state["subs"]:
                continue
            owner = self.ex.get(sub["ex"])
            node = self.nodes[sub["node"]]
            if owner is None or node.event is None or node.event.condition is None:
                continue
            try:
                holds = self.condition_holds(node.event.condition, owner)
            except Stuck:
                holds = False  # a variable it needs is not there yet: keep waiting
            if holds:
                fire_subscription(self, sub, {})
                fired = True
        return fired
